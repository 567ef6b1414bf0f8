"""Platform-neutral replies. Adapters render them (Telegram media groups, Discord embeds, ...);
what every chat needs alike lives here: album size, the progress bar, splitting long text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from postready.core.i18n import N_, _, fill, translated
from postready.pipeline.models import ProgressEvent

MAX_ALBUM = 10  # Telegram media groups and Discord messages both take at most 10 attachments
MAX_LABEL = 64
BAR_CELLS = 5
_SEPARATORS = ("\n\n", "\n", " ")
# What each stage of a job does, for a progress message the catalogs lack (one stored before
# its words were marked, or read back from the database without its fields).
STAGE_WORDS = {
    "load": N_("Reading your photo…"),
    "analyse": N_("Finding the best crop…"),
    "images": N_("Sizing your images…"),
    "content": N_("Writing captions…"),
    "photography": N_("Making product photos…"),
    "previews": N_("Drawing feed previews…"),
}


@dataclass(frozen=True, slots=True)
class MediaItem:
    path: Path
    label: str  # short: "Instagram · portrait 1080×1350"
    size: tuple[int, int] | None = None  # width, height in pixels, when known
    alt_text: str = ""  # what the image shows, for screen readers (where a chat takes it)

    def __post_init__(self) -> None:
        if not self.label or len(self.label) > MAX_LABEL:
            raise ValueError(f"a label needs 1 to {MAX_LABEL} characters: {self.label!r}")


@dataclass(frozen=True, slots=True)
class Album:
    """Images shown together, at most ten; `albums` splits longer lists."""

    items: tuple[MediaItem, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.items) <= MAX_ALBUM:
            raise ValueError(f"an album holds 1 to {MAX_ALBUM} items, not {len(self.items)}")


def albums(items: list[MediaItem]) -> list[Album]:
    return [Album(tuple(items[i : i + MAX_ALBUM])) for i in range(0, len(items), MAX_ALBUM)]


@dataclass(frozen=True, slots=True)
class Files:
    """Files sent as documents (uncompressed), e.g. when the user chose send-as-files."""

    items: tuple[MediaItem, ...]


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str
    selected: bool = False
    # Pressing it asks for words first: a chat with forms (Discord) shows one and sends the
    # words with the press; the others send the press, and the conversation asks.
    asks: bool = False


@dataclass(frozen=True, slots=True)
class Copyable:
    """Text shown so it copies in one tap (a caption to paste), in its own block."""

    text: str


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime  # aware
    end: datetime
    label: str  # in the user's time zone: "Tue 24 Nov 2026, 9 AM - 1 PM GMT"


@dataclass(frozen=True, slots=True)
class Schedule:
    """Times to post, under a heading; a chat that can show each reader their own time zone
    (Discord timestamps) renders `slots`, the others `text`."""

    heading: str
    slots: tuple[Slot, ...]

    @property
    def text(self) -> str:
        return "\n".join([self.heading, *(f"• {slot.label}" for slot in self.slots)])


Part = str | Copyable | Schedule


@dataclass(frozen=True, slots=True)
class Text:
    """A message of paragraphs, some copyable, with optional buttons under it."""

    parts: tuple[Part, ...]
    actions: tuple[Option, ...] = ()
    private: bool = False  # for its addressee only, where the chat can (Discord: ephemeral)
    answer_wanted: bool = False  # a question: the chat prompts a reply (Telegram: ForceReply)

    @classmethod
    def line(cls, text: str, *, private: bool = False) -> Text:
        return cls((text,), private=private)


@dataclass(frozen=True, slots=True)
class Menu:
    """Options to pick from. A chat with select menus (Discord) shows one and sends every
    pick at once: `key` with the keys of all picked options. Others (Telegram) show each option
    as a button, `columns` to a row, a press sending that option's key."""

    key: str
    placeholder: str
    options: tuple[Option, ...]
    multiple: bool = False  # pick any number (none included), else exactly one
    columns: int = 4


@dataclass(frozen=True, slots=True)
class Choice:
    """A prompt with menus, then rows of buttons; a selected option shows as chosen (✅)."""

    prompt: str
    rows: tuple[tuple[Option, ...], ...]
    menus: tuple[Menu, ...] = ()

    def button_rows(self) -> tuple[tuple[Option, ...], ...]:
        """Every option as a button: the menus' options in rows of their `columns`, then
        `rows`."""
        rows = [
            menu.options[start : start + menu.columns]
            for menu in self.menus
            for start in range(0, len(menu.options), menu.columns)
        ]
        return (*rows, *self.rows)


@dataclass(frozen=True, slots=True)
class Progress:
    """A job's progress, rendered by editing one status message."""

    stage: str  # the pipeline's stage key, e.g. "captions"
    percent: int
    message: str  # what is happening, for people: "writing captions"

    @classmethod
    def from_event(cls, event: ProgressEvent) -> Progress:
        """The event in the user's language: its message (a platform's or a style's name filled
        in) where the catalogs have it, else what its stage does."""
        stage = STAGE_WORDS.get(event.stage)
        if translated(event.message) is not None:
            message = fill(event.message, event.fields)
        else:
            message = _(stage) if stage else event.text
        return cls(event.stage, round(100 * event.fraction), message)

    @property
    def bar(self) -> str:
        """`▰▰▰▱▱ 60% · writing captions`"""
        filled = self.percent * BAR_CELLS // 100
        return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {self.percent}% · {self.message}"


Reply = Album | Files | Text | Choice | Progress


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """Split `text` into messages of at most `limit` (measured by `length`: Telegram counts
    UTF-16 units), breaking between paragraphs, else lines, else words, else characters."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return _split(text.strip(), limit, length, 0)


def _split(text: str, limit: int, length: Callable[[str], int], level: int) -> list[str]:
    if length(text) <= limit:
        return [text] if text else []
    separator = _SEPARATORS[level] if level < len(_SEPARATORS) else ""
    pieces = text.split(separator) if separator else list(text)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if length(candidate) <= limit:
            current = candidate
            continue
        chunks.append(current)
        current = piece
        if length(piece) > limit:  # only possible above the character level
            *whole, current = _split(piece, limit, length, level + 1)
            chunks += whole
    chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]
