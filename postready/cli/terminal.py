"""Terminal helpers the subcommands share: plain tables, the progress bar, the local user."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from postready.pipeline.models import ProgressEvent


def table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Plain aligned columns: readable on a terminal, in a pipe and in a log alike."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, tuple("─" * width for width in widths), *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


@contextmanager
def progress_display() -> Iterator[Callable[[ProgressEvent], None] | None]:
    """A rich progress bar on a terminal, yielding its progress callback; silent (None) when
    output is piped or in CI."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("starting", total=1)

        def on_progress(event: ProgressEvent) -> None:
            progress.update(
                task, total=event.total, completed=event.done, description=event.message
            )

        yield on_progress


def local_user() -> str:
    """The login name of whoever runs the command ("local" when there is none)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
