"""`postready optimize` on several photos (or folders) without --carousel: one post per photo,
a bounded number at once, one progress bar for the batch and a summary table, one row per photo.
A photo that fails is reported with its error code; the others are still written."""

from __future__ import annotations

import asyncio
import csv
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from postready.cli.exit_codes import EXIT_OK, EXIT_PLATFORM_FAILED
from postready.cli.terminal import progress_display, progress_text, table
from postready.core.i18n import N_, _, fill, ngettext
from postready.pipeline.errors import ErrorCode, PostReadyError

if TYPE_CHECKING:
    from postready.core.config.services import ServiceSettings
    from postready.pipeline.content import ContentEngine
    from postready.pipeline.loading import LoadLimits
    from postready.pipeline.models import OptimizeRequest, OptimizeResult, ProgressEvent

# Each photo already runs its platforms on several threads; a few photos at once keep the CPUs
# busy between one photo's steps without holding many decoded photos in memory.
DEFAULT_WORKERS = min(4, os.cpu_count() or 1)
# What a folder's photos are found by (the loader still checks each file's bytes).
PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".avif", ".gif", ".bmp", ".tif", ".tiff"}
)


def expand_photos(paths: list[Path]) -> list[Path]:
    """The photos named: files as given (a missing one is reported when it is read), folders
    as their photo files in name order."""
    photos: list[Path] = []
    for path in paths:
        if path.is_dir():
            photos += sorted(
                child
                for child in path.iterdir()
                if child.is_file()
                and not child.name.startswith(".")
                and child.suffix.lower() in PHOTO_SUFFIXES
            )
        else:
            photos.append(path)
    if not photos:
        folders = ", ".join(str(path) for path in paths)
        raise PostReadyError(
            ErrorCode.FILE_NOT_FOUND, N_("no photos in {folders}"), folders=folders
        )
    return photos


@dataclass(frozen=True, slots=True)
class Descriptions:
    """A batch's descriptions by file name (or the path as written in the file)."""

    by_name: dict[str, str]

    def lookup(self, photo: Path, default: str) -> str:
        return self.by_name.get(str(photo)) or self.by_name.get(photo.name) or default


def read_descriptions(path: Path) -> Descriptions:
    """`filename,description` lines (a first line `filename,description` is a header)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise PostReadyError(
            ErrorCode.FILE_NOT_FOUND, N_("no such file: {path}"), path=path
        ) from exc
    by_name: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines()), 1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_(
                    "{path}, line {number}: expected filename,description (quote a description "
                    "with commas)"
                ),
                path=path,
                number=number,
            )
        name, description = (cell.strip() for cell in row)
        if number == 1 and (name.lower(), description.lower()) == ("filename", "description"):
            continue
        by_name[name] = description
    return Descriptions(by_name)


@dataclass(frozen=True, slots=True)
class PhotoOutcome:
    photo: Path
    result: OptimizeResult | None = None
    error: PostReadyError | None = None

    @property
    def failed(self) -> bool:
        if self.result is None:
            return True
        return len(self.result.successful) < len(self.result.platforms)


def run_batch(
    request: OptimizeRequest,
    photos: list[Path],
    descriptions: Descriptions | None,
    out: Path,
    limits: LoadLimits,
    engine: ContentEngine,
    services: ServiceSettings,
    workers: int,
) -> int:
    """Every photo as its own post (the request's options, the photo's own description when
    `descriptions` has one); prints the summary; EXIT_PLATFORM_FAILED when any photo failed."""
    from postready.pipeline.runner import check_request

    check_request(request)  # a bad option is the batch's error, not every photo's
    requests = [
        replace(
            request,
            source=photo,
            source_name=str(photo),
            description=descriptions.lookup(photo, request.description)
            if descriptions
            else request.description,
        )
        for photo in photos
    ]
    with progress_display() as on_progress:
        outcomes = asyncio.run(
            _run_all(requests, out, limits, engine, services, workers, on_progress)
        )
    _print_batch(outcomes, out, services.notes)
    return EXIT_PLATFORM_FAILED if any(outcome.failed for outcome in outcomes) else EXIT_OK


async def _run_all(
    requests: list[OptimizeRequest],
    out: Path,
    limits: LoadLimits,
    engine: ContentEngine,
    services: ServiceSettings,
    workers: int,
    on_progress: Callable[[ProgressEvent], None] | None,
) -> list[PhotoOutcome]:
    """The photos through a pool of `workers`; one progress line: photos finished of all, and
    what the latest step did."""
    from postready.pipeline.faces import prepare_detectors
    from postready.pipeline.models import ProgressEvent
    from postready.pipeline.runner import run_optimization

    # OpenCV's import replaces its own module as it loads: once, before photos race to it.
    await asyncio.to_thread(prepare_detectors)
    pool = asyncio.Semaphore(workers)
    finished = 0
    total = len(requests)

    def show(message: str) -> None:
        if on_progress is not None:
            on_progress(ProgressEvent("batch", finished, total, message))

    async def one(request: OptimizeRequest) -> PhotoOutcome:
        nonlocal finished
        photo = Path(request.source_name)
        async with pool:
            try:
                result = await run_optimization(
                    request,
                    out,
                    limits=limits,
                    progress=lambda event: show(f"{photo.name}: {progress_text(event)}"),
                    content=engine,
                    photography=services.photography,
                )
                outcome = PhotoOutcome(photo, result)
            except PostReadyError as exc:
                outcome = PhotoOutcome(photo, error=exc)
        finished += 1
        show(f"{photo.name}: {_(FAILED_STEP) if outcome.failed else _(DONE)}")
        return outcome

    return list(await asyncio.gather(*(one(request) for request in requests)))


# Translators: a photo's state in a batch's progress line and summary table; FAILED also a
# platform's in a post's.
DONE = N_("done")
FAILED_STEP = N_("failed")
FAILED = N_("FAILED")


def _print_batch(outcomes: list[PhotoOutcome], out: Path, service_notes: tuple[str, ...]) -> None:
    rows: list[tuple[str, ...]] = []
    notes = [_("services: {note}").format(note=note) for note in service_notes]
    for outcome in outcomes:
        name = str(outcome.photo)
        result = outcome.result
        if result is None:
            error = outcome.error
            code = str(error.code) if error else _(FAILED)
            rows.append((name, code, "", "", ""))
            notes.append(
                f"{name}: {error.code}: {fill(error.template, error.fields)}"
                if error
                else f"{name}: {_(FAILED_STEP)}"
            )
            continue
        warnings = sum(len(item.warnings) for item in result.platforms.values())
        rows.append(
            (
                name,
                _(FAILED) if outcome.failed else _(DONE),
                f"{len(result.successful)}/{len(result.platforms)}",
                str(warnings),
                result.session_id,
            )
        )
        for item in result.platforms.values():
            if item.error is not None:
                message = fill(*item.error.wording)
                notes.append(f"{name}: {item.platform}: {item.error.code}: {message}")
    headers = (_("Photo"), _("Status"), _("Platforms"), _("Warnings"), _("Session"))
    print(table(headers, rows))
    for note in notes:
        print(f"• {note}")
    done = sum(not outcome.failed for outcome in outcomes)
    print(
        ngettext(
            "{done} of {count} photo done; each in its session folder under {folder}/",
            "{done} of {count} photos done; each in its session folder under {folder}/",
            len(outcomes),
        ).format(done=done, count=len(outcomes), folder=out)
    )
