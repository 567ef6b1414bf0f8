"""The reply model: album bounds, the progress bar, and splitting long text for chat limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from postready.chat.replies import Album, MediaItem, Progress, albums, split_text
from postready.core.i18n import speaking
from postready.pipeline.marking import Marked
from postready.pipeline.models import ProgressEvent


def item(n: int) -> MediaItem:
    return MediaItem(Path(f"{n}.jpg"), f"Platform {n}")


def test_albums_hold_one_to_ten_items() -> None:
    with pytest.raises(ValueError):
        Album(())
    with pytest.raises(ValueError):
        Album(tuple(item(n) for n in range(11)))
    with pytest.raises(ValueError):
        MediaItem(Path("a.jpg"), "")
    assert [len(a.items) for a in albums([item(n) for n in range(23)])] == [10, 10, 3]
    assert albums([]) == []


@pytest.mark.parametrize(
    ("event", "bar"),
    [
        (ProgressEvent("captions", 3, 5, "writing captions"), "▰▰▰▱▱ 60% · writing captions"),
        (ProgressEvent("load", 0, 10, "reading the photo"), "▱▱▱▱▱ 0% · reading the photo"),
        (ProgressEvent("images", 9, 10, "X ready"), "▰▰▰▰▱ 90% · X ready"),
        (ProgressEvent("images", 10, 10, "done"), "▰▰▰▰▰ 100% · done"),
    ],
)
def test_progress_bar(event: ProgressEvent, bar: str) -> None:
    progress = Progress.from_event(event)
    assert progress.bar == bar
    assert progress.stage == event.stage


PARAGRAPHS = "First paragraph, short.\n\nSecond paragraph\nhas two lines.\n\nThird one."


@pytest.mark.parametrize(
    ("text", "limit", "chunks"),
    [
        (PARAGRAPHS, 1000, [PARAGRAPHS]),
        (
            PARAGRAPHS,
            40,
            ["First paragraph, short.", "Second paragraph\nhas two lines.", "Third one."],
        ),
        (
            PARAGRAPHS,
            60,
            ["First paragraph, short.\n\nSecond paragraph\nhas two lines.", "Third one."],
        ),
        # A paragraph longer than the limit breaks at lines, then words, then characters.
        (
            PARAGRAPHS,
            20,
            ["First paragraph,", "short.", "Second paragraph", "has two lines.", "Third one."],
        ),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("  \n\n  ", 10, []),
    ],
)
def test_split_text_at_paragraphs(text: str, limit: int, chunks: list[str]) -> None:
    assert split_text(text, limit) == chunks


def test_split_text_never_exceeds_the_limit_and_keeps_every_word() -> None:
    text = "\n\n".join(" ".join(f"word{p}_{w}" for w in range(p * 7 % 40 + 1)) for p in range(30))
    for limit in (15, 50, 200, 4096):
        chunks = split_text(text, limit)
        assert all(len(chunk) <= limit for chunk in chunks)
        assert " ".join(chunks).split() == text.split()


def test_split_text_can_count_utf16_units() -> None:
    def utf16(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    text = "📸" * 5  # each is two UTF-16 units
    assert split_text(text, 4, utf16) == ["📸📸", "📸📸", "📸"]
    assert split_text(text, 4) == ["📸📸📸📸", "📸"]


STYLE = Marked("Floating", {})
STEP = Marked("{platform} image failed", {"platform": "X"})


@pytest.mark.parametrize(
    ("event", "bar"),
    [
        (
            ProgressEvent("images", 3, 5, "{platform} image ready", {"platform": "Instagram"}),
            "▰▰▰▱▱ 60% · imagen de Instagram lista",
        ),
        (
            ProgressEvent("photography", 4, 5, "{style} photo ready", {"style": STYLE}),
            "▰▰▰▰▱ 80% · foto «Flotando» lista",
        ),
        (  # a carousel's photo, its step inside
            ProgressEvent("images", 1, 5, "photo {number}: {step}", {"number": 2, "step": STEP}),
            "▰▱▱▱▱ 20% · foto 2: falló la imagen de X",
        ),
        (  # words the catalogs lack (read back from the database, filled): the stage's
            ProgressEvent("images", 5, 5, "Pinterest image ready"),
            "▰▰▰▰▰ 100% · Ajustando el tamaño de tus imágenes…",
        ),
    ],
)
def test_a_progress_line_names_its_platform_or_style_in_the_language(
    event: ProgressEvent, bar: str
) -> None:
    with speaking("es"):
        assert Progress.from_event(event).bar == bar
