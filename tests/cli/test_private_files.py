"""What the service keeps (the database, users' photos) is readable by its own account only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.images import encode, textured

ROOT = Path(__file__).parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_and_its_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # made by hand, readable by all
    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(textured((400, 300))))
    env = os.environ | {"POSTREADY_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "postready", "enqueue", str(photo), "-p", "x"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    kept = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in kept) and any(p.suffix == ".jpg" for p in kept)
    assert {mode(p) for p in kept} == {0o600}
    assert {mode(p) for p in data.rglob("*") if p.is_dir()} == {0o700}
