"""Text in the bundled fonts: which font draws each character, how wide a run is, and the
order of runs on a line that mixes right-to-left and left-to-right text.

The bundled Noto fonts (SIL OFL 1.1) cover Latin, Greek, Cyrillic, Arabic, Hebrew and
Devanagari (Hindi), each character drawn with the first of them that has it; anything none has
(CJK, emoji) is drawn as the missing-glyph box."""

from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

_FONT_DIR = Path(__file__).parent / "data" / "fonts"
_REGULAR = (
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
)
BOLD = ("NotoSans-Bold.ttf", *_REGULAR[1:])
_NO_SUCH_CHARACTER = "\U0010fffd"  # private use: every font draws its missing-glyph box
_ATTACHED = {"Mn", "Me", "Mc", "Cf", "Zs", "Cc"}

Style = Literal["text", "bold", "link", "muted"]
Piece = tuple[str, ImageFont.FreeTypeFont, tuple[int, int, int]]  # a run, its font, colour


def visual_order(pieces: list[Piece], rtl: bool) -> list[Piece]:
    """Pieces from left to right. A sequence of pieces against the line's direction (with the
    neutral pieces between them) keeps its own order inside the line's; within a piece Raqm
    orders the characters. Enough of the bidirectional algorithm for captions."""
    strong = [strong_direction(text) for text, _, _ in pieces]
    base = "R" if rtl else "L"
    resolved = []
    for index, direction in enumerate(strong):
        if direction is None:
            before = next((d for d in reversed(strong[:index]) if d), None)
            after = next((d for d in strong[index + 1 :] if d), None)
            direction = before if before == after and before is not None else base
        resolved.append(direction)
    groups: list[list[Piece]] = []
    for direction, group in itertools.groupby(
        zip(resolved, pieces, strict=True), key=lambda item: item[0]
    ):
        items = [piece for _, piece in group]
        groups.append(items[::-1] if direction == "R" else items)
    if rtl:
        groups.reverse()
    return [piece for group in groups for piece in group]


def strong_direction(text: str) -> str | None:
    """ "R" or "L" by the first strong character, None when it has none (spaces, digits, #)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return None


def runs(text: str, names: tuple[str, ...], size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """`text` in runs, each with the first font of `names` that has all its characters."""
    runs: list[tuple[str, int]] = []
    for ch in text:
        index = runs[-1][1] if runs else 0
        if not (runs and unicodedata.category(ch) in _ATTACHED):
            index = font_index(names, ch)
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0] + ch, index)
        else:
            runs.append((ch, index))
    return [(run, load_font(names[index], size)) for run, index in runs]


def font_for(names: tuple[str, ...], size: int, ch: str) -> ImageFont.FreeTypeFont:
    """The first of `names` that has `ch`, else the first."""
    return load_font(names[font_index(names, ch)], size)


def font_index(names: tuple[str, ...], ch: str) -> int:
    return next((i for i, name in enumerate(names) if has_glyph(name, ch)), 0)


def faces(style: Style) -> tuple[str, ...]:
    return BOLD if style == "bold" else _REGULAR


@lru_cache(maxsize=64)
def load_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONT_DIR / name), size)


@lru_cache(maxsize=8192)
def has_glyph(name: str, ch: str) -> bool:
    """Whether the font draws `ch` as something other than its missing-glyph box (Pillow does
    not say which characters a font maps)."""
    return _signature(name, ch) != _signature(name, _NO_SUCH_CHARACTER)


@lru_cache(maxsize=8192)
def _signature(name: str, ch: str) -> tuple[tuple[int, int], bytes]:
    mask = load_font(name, 20).getmask(ch)
    return mask.size, bytes(mask)


@lru_cache(maxsize=8192)
def text_width(text: str, style: Style, size: int) -> float:
    return sum(font.getlength(run) for run, font in runs(text, faces(style), size))


def right_to_left(text: str) -> bool:
    """Whether the first strong character is right-to-left (Arabic, Hebrew, ...)."""
    return strong_direction(text) == "R"
