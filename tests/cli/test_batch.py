"""`postready optimize` on several photos: a carousel (--carousel) or a batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PLATFORM_FAILED, main
from tests.images import encode, textured

SHAPES = [(800, 600), (600, 800), (700, 700)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Three photos of three shapes, a note (not a photo: skipped) and a corrupt JPEG."""
    path = tmp_path_factory.mktemp("shoot")
    for number, size in enumerate(SHAPES, 1):
        (path / f"mug-{number}.jpg").write_bytes(encode(textured(size, number), "JPEG"))
    (path / "notes.txt").write_text("not a photo")
    return path


@pytest.fixture
def with_corrupt(folder, tmp_path) -> Path:
    copy = tmp_path / "with-corrupt"
    copy.mkdir()
    for photo in folder.glob("*.jpg"):
        (copy / photo.name).write_bytes(photo.read_bytes())
    (copy / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"cut short" * 20)
    return copy


def sessions(out: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(out.glob("*/results.json"))]


def test_a_batch_folder_with_a_corrupt_file_exits_1_and_writes_every_other_post(
    with_corrupt, tmp_path, capsys
) -> None:
    out = tmp_path / "out"
    args = ["optimize", str(with_corrupt), "-p", "ig", "x", "--no-ai", "--out", str(out)]
    assert main([*args, "--workers", "2"]) == EXIT_PLATFORM_FAILED

    written = sessions(out)
    assert sorted(Path(r["source_image"]).name for r in written) == [
        "mug-1.jpg",
        "mug-2.jpg",
        "mug-3.jpg",
    ]
    for results in written:
        assert results["optimization_metadata"]["successful_platforms"] == 2
        assert "items" not in results  # one photo each: the single-photo results
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line for line in printed.splitlines() if "with-corrupt/" in line}
    assert "CORRUPT_IMAGE" in rows[str(with_corrupt / "broken.jpg")]
    assert " done " in rows[str(with_corrupt / "mug-2.jpg")]
    assert "2/2" in rows[str(with_corrupt / "mug-2.jpg")]
    assert "3 of 4 photos done" in printed


def test_a_batch_of_named_photos_takes_descriptions_from_a_csv(folder, tmp_path) -> None:
    table = tmp_path / "descriptions.csv"
    table.write_text('filename,description\nmug-1.jpg,"blue mug, handmade"\nmug-3.jpg,teapot\n')
    out = tmp_path / "out"
    photos = [str(folder / "mug-1.jpg"), str(folder / "mug-2.jpg"), str(folder / "mug-3.jpg")]
    args = ["optimize", *photos, "-p", "li", "--no-ai", "--out", str(out)]
    assert main([*args, "--descriptions", str(table), "-d", "stoneware"]) == EXIT_OK
    subjects = {Path(r["source_image"]).name: r["analysis"]["subject"] for r in sessions(out)}
    assert subjects == {
        "mug-1.jpg": "blue mug, handmade",
        "mug-2.jpg": "stoneware",
        "mug-3.jpg": "teapot",
    }


def test_a_bad_option_stops_a_batch_before_any_photo(folder, tmp_path, capsys) -> None:
    args = ["optimize", str(folder), "--variant", "instagram=banner", "--out", str(tmp_path)]
    assert main(args) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: UNKNOWN_VARIANT: ")
    assert not any(tmp_path.iterdir())


def test_carousel_makes_one_post_with_numbered_images(folder, tmp_path, capsys) -> None:
    photos = [str(folder / f"mug-{n}.jpg") for n in (1, 2, 3)]
    args = ["optimize", *photos, "--carousel", "-p", "ig", "x", "--no-ai", "--out", str(tmp_path)]
    assert main(args) == EXIT_OK

    (session,) = tmp_path.iterdir()
    assert sorted(p.name for p in session.iterdir()) == [
        "instagram_1.jpg",
        "instagram_2.jpg",
        "instagram_3.jpg",
        "instagram_caption.txt",
        "results.json",
        "x_1.jpg",
        "x_2.jpg",
        "x_3.jpg",
        "x_caption.txt",
    ]
    results = json.loads((session / "results.json").read_text())
    assert [item["source_image"] for item in results["items"]] == photos
    instagram = results["platforms"]["instagram"]
    assert instagram["variant_shared"] is True and instagram["posts"] == [[1, 2, 3]]
    sizes = set()
    for item in instagram["items"]:
        with Image.open(item["processed_image"]) as image:
            sizes.add(image.size)
    assert sizes == {(instagram["image"]["width"], instagram["image"]["height"])}
    printed = capsys.readouterr().out
    assert "3 photos, 1 post JPEG" in printed and printed.count("── Instagram") == 1


def test_a_carousels_feed_previews_are_drawn_on_request(folder, tmp_path, capsys) -> None:
    photos = [str(folder / f"mug-{n}.jpg") for n in (1, 2, 3)]
    args = ["optimize", *photos, "--carousel", "-p", "ig", "tiktok", "--previews", "--no-ai"]
    assert main([*args, "--out", str(tmp_path)]) == EXIT_OK

    (session,) = tmp_path.iterdir()
    previews = session / "previews"
    drawn = sorted(p.name for p in previews.iterdir())
    assert drawn == ["instagram.png", "sheet.png", "tiktok.png"]
    assert f"Feed previews: {previews / 'sheet.png'}" in capsys.readouterr().out


def test_descriptions_are_for_batches(folder, tmp_path, capsys) -> None:
    table = tmp_path / "d.csv"
    table.write_text("mug-1.jpg,mug\n")
    args = ["optimize", str(folder), "--carousel", "--descriptions", str(table)]
    assert main([*args, "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: INVALID_OPTION: ")
    table.write_text("mug-1.jpg\n")
    assert main(["optimize", str(folder), "--descriptions", str(table)]) == EXIT_BAD_INPUT
    assert "line 1: expected filename,description" in capsys.readouterr().err
