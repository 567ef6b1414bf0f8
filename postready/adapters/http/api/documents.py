"""What the API answers with: a job's status, its results document with a download URL for
every file, and the platform and style tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from postready.core.i18n import DEFAULT_LANGUAGE, fill, speaking
from postready.core.queue.api import JobStatus
from postready.core.storage.models import GeneratedFile, Session
from postready.pipeline.models import ErrorInfo
from postready.pipeline.photography import COLOURS, DEFAULT_COLOUR, STYLES
from postready.pipeline.platforms import PLATFORMS

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class Urls:
    """The URLs of a session's resources, from the server's public address `base`."""

    base: str

    def status(self, session_id: str) -> str:
        return f"{self.base}{API}/optimize/status/{session_id}"

    def results(self, session_id: str) -> str:
        return f"{self.base}{API}/optimize/results/{session_id}"

    def file(self, session_id: str, name: str) -> str:
        return f"{self.base}{API}/files/{session_id}/{quote(name)}"


def status_document(
    status: JobStatus, urls: Urls, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """A job's status; a failed one's error message in `language` (its code as it is)."""
    session = status.job.session
    progress = status.progress
    return {
        "session_id": session.id,
        "status": session.status,
        "platforms": list(session.platforms),
        "queue_position": status.position,
        "progress": (
            {
                "stage": progress.stage,
                "done": progress.done,
                "total": progress.total,
                "message": progress.text,
            }
            if progress is not None
            else None
        ),
        "error": (
            {"code": str(session.error.code), "message": _said(session.error, language)}
            if session.error is not None
            else None
        ),
        "created_at": session.created_at.isoformat(),
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "completed_at": session.completed_at.isoformat() if session.completed_at else None,
        "status_url": urls.status(session.id),
        "results_url": urls.results(session.id),
    }


def _said(error: ErrorInfo, language: str) -> str:
    with speaking(language):
        return fill(*error.wording)


def results_document(
    session: Session, files: Sequence[GeneratedFile], output_dir: Path, urls: Urls
) -> dict[str, Any]:
    """The session's results.json (the seed's keys), each path of a file it wrote replaced by
    that file's URL, and `files`: every file with its URL."""
    folder = output_dir / session.id
    results = session.results or {}

    def url_of(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: url_of(item) for key, item in value.items()}
        if isinstance(value, list):
            return [url_of(item) for item in value]
        if isinstance(value, str):
            name = _inside(Path(value), folder)
            return urls.file(session.id, name) if name is not None else value
        return value

    listed = []
    for file in files:
        if file.path is not None and file.size is None:
            continue  # recorded, but it was not there when the job ended
        name = _inside(file.path, folder) if file.path is not None else None
        url = urls.file(session.id, name) if name is not None else file.url
        if url is None:
            continue
        listed.append(
            {
                "name": name or url.rsplit("/", 1)[-1],
                "type": file.file_type,
                "platform": file.platform,
                "bytes": file.size,
                "url": url,
            }
        )
    return url_of(results) | {"files": listed}


def _inside(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` (POSIX), when it is in it."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return None


def platforms_document() -> list[dict[str, Any]]:
    return [
        {
            "key": spec.key,
            "name": spec.display_name,
            "aliases": list(spec.aliases),
            "formats": list(spec.formats),
            "max_bytes": spec.max_bytes,
            "caption_limit": spec.caption_limit,
            "hashtags": {"min": spec.hashtags.min, "max": spec.hashtags.max},
            "alt_text_limit": spec.alt_text.limit,
            "variants": [
                {
                    "name": variant.name,
                    "width": variant.width,
                    "height": variant.height,
                    "automatic": variant.auto,
                }
                for variant in spec.variants
            ],
        }
        for spec in PLATFORMS.values()
    ]


def styles_document() -> dict[str, Any]:
    return {
        "styles": [{"key": style.key, "name": style.name} for style in STYLES.values()],
        "background_colors": list(COLOURS),
        "default_background_color": DEFAULT_COLOUR,
    }
