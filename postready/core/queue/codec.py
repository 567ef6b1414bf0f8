"""An `OptimizeRequest` as a stored session's columns and options, and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from postready.core.storage.models import Job
from postready.pipeline.brand import BrandKit
from postready.pipeline.logo import LogoOptions
from postready.pipeline.models import CarouselPhoto, LogoRequest, OptimizeRequest

# Request fields stored in columns of their own (or rebuilt from the job), not in `options`.
_COLUMN_FIELDS = {"source", "platforms", "description", "user_id", "chat_id", "logo"}


def stored_options(request: OptimizeRequest, logo: LogoRequest | None) -> dict[str, Any]:
    """The request's other fields as JSON (the logo as the saved `logo`, a carousel's
    `more_photos` as their saved copies' paths and names); a new request field is stored
    without a change here."""
    options: dict[str, Any] = {
        f.name: _jsonable(getattr(request, f.name))
        for f in dataclasses.fields(OptimizeRequest)
        if f.name not in _COLUMN_FIELDS
    }
    options["logo"] = None
    if logo is not None:
        options["logo"] = {"path": str(logo.source)} | {
            f.name: getattr(logo.options, f.name) for f in dataclasses.fields(LogoOptions)
        }
    options["more_photos"] = [
        {"path": str(photo.source), "name": photo.name} for photo in request.more_photos
    ]
    options["brand"] = request.brand.to_json() if request.brand else None
    return options


def request_for(job: Job) -> OptimizeRequest:
    """The pipeline request a stored job describes."""
    session = job.session
    options: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in session.options.items()
        if key not in ("logo", "more_photos", "brand")
    }
    brand = session.options.get("brand")
    logo = dict(session.options["logo"] or {})
    more_photos = tuple(
        CarouselPhoto(Path(photo["path"]), photo["name"])
        for photo in session.options.get("more_photos", ())
    )
    return OptimizeRequest(
        source=Path(session.source_path or ""),
        platforms=session.platforms,
        description=session.description,
        logo=LogoRequest(Path(logo.pop("path")), LogoOptions(**logo)) if logo else None,
        user_id=str(session.user),
        chat_id=session.chat_id,
        more_photos=more_photos,
        brand=BrandKit.from_json(brand) if brand else None,
        **options,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value
