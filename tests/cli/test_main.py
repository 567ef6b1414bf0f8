"""The `postready` command itself: the console script, `python -m postready`, exit codes."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

from postready.cli import EXIT_BAD_INPUT, entry_point, main

ROOT = Path(__file__).parents[2]


def test_the_console_script_is_the_cli() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["postready"].partition(":")
    assert getattr(importlib.import_module(module), name) is entry_point


def test_console_script_exit_codes(tmp_path) -> None:
    """The installed command, as a separate process: what a shell user sees."""
    bad = subprocess.run(
        [sys.executable, "-m", "postready", "optimize", str(tmp_path / "missing.png")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert bad.returncode == EXIT_BAD_INPUT
    assert bad.stderr.startswith("error: FILE_NOT_FOUND: ")
    usage = subprocess.run(
        [sys.executable, "-m", "postready", "optimize"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_the_whole_output_arrives_through_a_pipe(capsys) -> None:
    """The command exits without the interpreter's clean-up, after flushing its output."""
    assert main(["platforms"]) == 0
    table = capsys.readouterr().out
    piped = subprocess.run(
        [sys.executable, "-m", "postready", "platforms"], capture_output=True, text=True
    )
    assert piped.returncode == 0
    assert piped.stdout == table
