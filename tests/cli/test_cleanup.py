"""`postready cleanup` as an operator runs it (from cron, say)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_cleanup_says_what_it_removed(tmp_path: Path) -> None:
    env = os.environ | {"POSTREADY_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "postready", "cleanup"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "removed the files of 0 jobs (0.0 MB); forgot 0 old jobs\n"
