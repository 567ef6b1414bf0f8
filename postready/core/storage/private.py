"""The data directory is the service account's alone: it holds users' photos and logos, chat
tokens and the database."""

from __future__ import annotations

import os
from pathlib import Path


def make_private(data_dir: Path) -> None:
    """From now on, files this process creates are readable by its own account only (umask
    077), and so is the data directory (mode 0700), also when it existed before."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    data_dir.chmod(0o700)
