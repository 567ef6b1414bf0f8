"""A submitted photo (and logo) written under the data directory before its job is committed."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from postready.pipeline.loading import HEADER_BYTES, unreadable
from postready.pipeline.models import CarouselPhoto, LogoRequest, OptimizeRequest

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


def upload_name(session_id: str, name: str) -> str:
    """The stored file's name: the session id with the original's suffix, when it has one."""
    suffix = Path(name).suffix.lower()
    return session_id + (suffix if _SUFFIX.match(suffix) else "")


def upload_size(source: bytes | Path) -> int:
    if isinstance(source, bytes):
        return len(source)
    try:
        return source.stat().st_size
    except OSError as exc:
        raise unreadable(source, exc) from exc


def save_upload(source: bytes | Path, target: Path) -> int:
    """Write `source` to `target` durably (fsync before the job that names it is committed);
    its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            if isinstance(source, bytes):
                out.write(source)
            else:
                with source.open("rb") as src:
                    shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if isinstance(source, bytes):
            raise
        raise unreadable(source, exc) from exc
    partial.replace(target)
    return target.stat().st_size


def read_header(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEADER_BYTES)


def discard_uploads(uploads_dir: Path, session_id: str) -> None:
    """Remove a session's uploaded copies (its photo, its logo): its job has ended and will not
    run again."""
    for path in uploads_dir.glob(f"{session_id}*"):
        path.unlink(missing_ok=True)


def restore_uploads(uploads_dir: Path, kept: Sequence[tuple[str, bytes]]) -> None:
    """Write a session's uploads the database kept (`name`, bytes) into `uploads_dir`, where
    this machine's workers read them; a file already there whole is left as it is."""
    for name, data in kept:
        target = uploads_dir / Path(name).name
        if not (target.exists() and target.stat().st_size == len(data)):
            save_upload(data, target)


def localized(request: OptimizeRequest, uploads_dir: Path) -> OptimizeRequest:
    """`request` reading its photos and logo from `uploads_dir` (by file name), wherever the
    process that queued it kept them."""

    def here(path: Path) -> Path:
        return uploads_dir / path.name

    source = here(request.source) if isinstance(request.source, Path) else request.source
    logo = request.logo
    if logo is not None and isinstance(logo.source, Path):
        logo = LogoRequest(here(logo.source), logo.options)
    more = tuple(
        CarouselPhoto(here(p.source), p.name) if isinstance(p.source, Path) else p
        for p in request.more_photos
    )
    return dataclasses.replace(request, source=source, logo=logo, more_photos=more)
