"""`postready optimize` and `postready platforms` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from postready.bot.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PLATFORM_FAILED, main
from postready.pipeline import runner
from postready.pipeline.errors import ErrorCode, PostReadyError
from tests.images import encode, textured

SAMPLE = Path(__file__).parents[2] / "postready" / "samples" / "coffee.jpg"


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "market stall.jpg"
    path.write_bytes(encode(textured((2400, 1800)), "JPEG", quality=90))
    return path


def session_dir(out: Path) -> Path:
    (only,) = out.iterdir()
    return only


def test_optimize_writes_files_and_results(photo, tmp_path, capsys) -> None:
    code = main(
        ["optimize", str(photo), "--platforms", "instagram", "pin,x", "--out", str(tmp_path)]
    )
    assert code == EXIT_OK
    folder = session_dir(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "instagram.jpg",
        "instagram_caption.txt",
        "pinterest.jpg",
        "pinterest_caption.txt",
        "results.json",
        "x.jpg",
        "x_caption.txt",
    ]
    results = json.loads((folder / "results.json").read_text())
    assert results["session_id"] == folder.name
    assert results["source_image"] == str(photo)
    assert set(results["platforms"]) == {"instagram", "pinterest", "x"}
    assert results["optimization_metadata"]["successful_platforms"] == 3
    with Image.open(folder / "pinterest.jpg") as pin:
        assert pin.size == (1000, 1500)
    out = capsys.readouterr().out
    assert "Pinterest" in out and "1000×1500" in out and folder.name in out


def test_all_platforms_is_the_default(photo, tmp_path) -> None:
    assert main(["optimize", str(photo), "--out", str(tmp_path)]) == EXIT_OK
    assert len(list(session_dir(tmp_path).glob("*.jpg"))) == 8


def test_bundled_sample_runs(tmp_path, capsys) -> None:
    code = main(["optimize", str(SAMPLE), "-p", "all", "--format", "png", "--out", str(tmp_path)])
    assert code == EXIT_OK
    folder = session_dir(tmp_path)
    assert (folder / "facebook.png").exists() and (folder / "instagram.jpg").exists()
    assert "enlarged at most 2×" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--platforms", "instgram"], "UNKNOWN_PLATFORM"),
        (["--variant", "instagram=banner"], "UNKNOWN_VARIANT"),
        (["--variant", "instagram"], "INVALID_OPTION"),
        (["--logo-scale", "3"], "INVALID_OPTION"),
        (["--max-file-mb", "0.01"], "FILE_TOO_LARGE"),
    ],
)
def test_bad_options_exit_2_with_one_line(photo, tmp_path, capsys, args, code) -> None:
    assert main(["optimize", str(photo), "--out", str(tmp_path), *args]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error: {code}: ") and err.count("\n") == 1


def test_bad_files_exit_2(tmp_path, capsys) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    for path, code in [(text, "INVALID_IMAGE_FORMAT"), (tmp_path / "gone.jpg", "FILE_NOT_FOUND")]:
        assert main(["optimize", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
        assert capsys.readouterr().err.startswith(f"error: {code}: ")
    assert not (tmp_path / "out").exists()


def test_a_failed_platform_exits_1(photo, tmp_path, monkeypatch, capsys) -> None:
    def always_too_big(*args, **kwargs):
        raise PostReadyError(ErrorCode.ENCODING_FAILED, "could not fit")

    monkeypatch.setattr(runner, "encode_under_limit", always_too_big)
    assert main(["optimize", str(photo), "-p", "x", "--out", str(tmp_path)]) == EXIT_PLATFORM_FAILED
    assert "ENCODING_FAILED" in capsys.readouterr().out
    results = json.loads((session_dir(tmp_path) / "results.json").read_text())
    assert results["platforms"]["x"]["status"] == "failed"


def test_platforms_lists_the_table(capsys) -> None:
    assert main(["platforms"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in ("Instagram", "Bluesky", "1080×1350", "1000×1500", "twitter"):
        assert name in out


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
