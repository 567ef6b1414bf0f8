"""`postready enqueue`: a photo, a batch (a job each, a bad file reported without stopping the
others) or a carousel (one job of them all) queued for `postready worker`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from postready.cli import main
from postready.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK, EXIT_PLATFORM_FAILED
from postready.core.queue.codec import request_for
from postready.core.storage import Storage
from postready.core.storage.models import Job
from tests.images import encode, textured


@pytest.fixture
def shoot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of three photos, and the data directory the command queues into."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSTREADY_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "shoot"
    folder.mkdir()
    for seed in range(3):
        (folder / f"mug-{seed + 1}.jpg").write_bytes(encode(textured((400, 300), seed)))
    return folder


def jobs(tmp_path: Path) -> list[Job]:
    async def read() -> list[Job]:
        async with await Storage.open(tmp_path / "data" / "postready.db") as store:
            return sorted(await store.jobs.recent(100), key=lambda job: job.id)

    return asyncio.run(read())


def test_photos_with_carousel_are_one_job(shoot: Path, tmp_path: Path, capsys) -> None:
    photos = [str(path) for path in sorted(shoot.iterdir())]
    assert main(["enqueue", *photos, "--carousel", "-p", "ig", "x", "-d", "mugs"]) == EXIT_OK
    assert capsys.readouterr().out == "queued job #1 (position 1): one carousel of 3 photos\n"
    (job,) = jobs(tmp_path)
    request = request_for(job)
    assert (job.session.platforms, job.session.description) == (("instagram", "x"), "mugs")
    assert [photo.name for photo in request.more_photos] == photos[1:]


def test_a_folder_is_a_job_per_photo_and_a_bad_file_stops_no_other(
    shoot: Path, tmp_path: Path, capsys
) -> None:
    (shoot / "mug-2.jpg").write_bytes(b"%PDF-1.7 not a photo")
    # More photos than the in-flight limit (2): one command is one request, as an album is.
    assert main(["enqueue", str(shoot), "-p", "x"]) == EXIT_PLATFORM_FAILED
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"queued job #1 (position 1): {shoot / 'mug-1.jpg'}",
        f"queued job #2 (position 2): {shoot / 'mug-3.jpg'}",
    ]
    assert err.startswith(f"error: INVALID_IMAGE_FORMAT: {shoot / 'mug-2.jpg'}: ")
    assert [len(request_for(job).more_photos) for job in jobs(tmp_path)] == [0, 0]


def test_one_bad_photo_is_one_line_and_exit_2(shoot: Path, capsys) -> None:
    (shoot / "mug-1.jpg").write_bytes(b"%PDF-1.7 not a photo")
    assert main(["enqueue", str(shoot / "mug-1.jpg")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: INVALID_IMAGE_FORMAT: ")


def test_a_carousel_with_a_bad_photo_is_refused_naming_it(shoot: Path, tmp_path: Path, capsys):
    (shoot / "mug-2.jpg").write_bytes(b"%PDF-1.7 not a photo")
    assert main(["enqueue", str(shoot), "--carousel"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error: INVALID_IMAGE_FORMAT: photo 2 ({shoot / 'mug-2.jpg'}): ")
    assert jobs(tmp_path) == []
