"""Terminal helpers the subcommands share: plain tables, the progress bar, the local user."""

from __future__ import annotations

import shutil
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from postready.core.i18n import fill

if TYPE_CHECKING:
    from postready.pipeline.models import ProgressEvent

BAR_WIDTH = 30
CLEAR_TO_END = "\x1b[K"  # ANSI: erase from the cursor to the end of the line


def table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Plain aligned columns: readable on a terminal, in a pipe and in a log alike, in any
    script (columns counted as a terminal shows them: `cells`)."""
    widths = [
        max(cells(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
    ]
    lines = [headers, tuple("─" * width for width in widths), *rows]
    return "\n".join(
        "  ".join(
            str(cell) + " " * (width - cells(str(cell)))
            for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )


def cells(text: str) -> int:
    """How many terminal columns `text` takes: marks that join a letter (a Devanagari vowel
    sign, an accent) none, wide CJK characters two, the others one."""
    if text.isascii():
        return len(text)
    return sum(
        0
        if unicodedata.category(ch) in _JOINING
        else 2
        if unicodedata.east_asian_width(ch) in "WF"
        else 1
        for ch in text
    )


_JOINING = frozenset({"Mn", "Mc", "Me", "Cf"})


@contextmanager
def progress_display(
    stream: TextIO | None = None,
) -> Iterator[Callable[[ProgressEvent], None] | None]:
    """A one-line progress bar on a terminal (stderr by default), redrawn in place and cleared
    at the end, yielding its progress callback; silent (None) when output is piped or in CI.
    Drawn by hand: a terminal library would cost a CLI run more start-up than its whole bar."""
    out = stream or sys.stderr
    if not out.isatty():
        yield None
        return
    started = time.monotonic()

    def on_progress(event: ProgressEvent) -> None:
        line = progress_line(event, time.monotonic() - started)
        width = shutil.get_terminal_size().columns
        out.write("\r" + line[: width - 1] + CLEAR_TO_END)
        out.flush()

    try:
        yield on_progress
    finally:
        out.write("\r" + CLEAR_TO_END)
        out.flush()


def progress_line(event: ProgressEvent, elapsed: float) -> str:
    """What the run is doing, a bar of done/total, the count and the time since the start."""
    filled = round(BAR_WIDTH * event.fraction)
    bar = "━" * filled + "─" * (BAR_WIDTH - filled)
    minutes, seconds = divmod(int(elapsed), 60)
    clock = f"{minutes // 60}:{minutes % 60:02}:{seconds:02}"
    text = progress_text(event)
    message = text + " " * (34 - cells(text))
    return f"{message} {bar} {event.done}/{event.total}  {clock}"


def progress_text(event: ProgressEvent) -> str:
    """What the step does, in the current language."""
    return fill(event.message, event.fields)


def local_user() -> str:
    """The login name of whoever runs the command ("local" when there is none)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
