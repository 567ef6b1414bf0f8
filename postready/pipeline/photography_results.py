"""What product photography produces: the verdict on the photo, and every styled image per
platform. The detection and the styling modules produce these; results and chats read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postready.pipeline.marking import Marked

if TYPE_CHECKING:
    from postready.pipeline.providers.types import Usage

_URL_SCHEMES = ("https://", "http://")


@dataclass(frozen=True, slots=True)
class ProductDetection:
    suitable: bool
    coverage: float  # fraction of the frame the main object covers
    plain_background: bool
    humans: int  # faces found
    reason: str  # one plain sentence, shown to the user
    source: str = "local"  # or the vision provider that answered

    def to_json(self) -> dict[str, Any]:
        return {
            "suitable": self.suitable,
            "coverage": round(self.coverage, 3),
            "coverage_exact": self.coverage,
            "plain_background": self.plain_background,
            "humans": self.humans,
            "reason": self.reason,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProductDetection:
        return cls(
            suitable=data["suitable"],
            coverage=data["coverage_exact"],
            plain_background=data["plain_background"],
            humans=data["humans"],
            reason=data["reason"],
            source=data["source"],
        )


@dataclass(frozen=True, slots=True)
class StyleImage:
    """One style's image for one platform: the file rendered here, the URL it was uploaded to,
    or both (an upload keeps the local file)."""

    path: Path | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.path is None and self.url is None:
            raise ValueError("a style image needs a path or a URL")

    def to_json(self) -> str:
        """Where results say the image is: its URL when uploaded, else its path."""
        return self.url if self.url is not None else str(self.path)

    @classmethod
    def from_json(cls, where: str) -> StyleImage:
        """From `to_json`, which keeps one place per image: an uploaded image reads back as
        its URL alone."""
        if where.startswith(_URL_SCHEMES):
            return cls(url=where)
        return cls(path=Path(where))


@dataclass(frozen=True, slots=True)
class ProductPhotographyResult:
    detection: ProductDetection
    styles: dict[str, dict[str, StyleImage]]  # style key → platform key → image
    provider: str  # "local", or the image model when any style came from the API
    cutout_method: str | None = None
    cutout_confidence: float | None = None
    notes: tuple[str, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)  # style → reason
    # Not in the results document: the runner prices them, and tells the user.
    usage: tuple[Usage, ...] = ()  # the image API's calls
    notices: tuple[Marked, ...] = ()  # a daily quota that kept styles off the image API

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "detection": self.detection.to_json(),
            "styles": {
                style: {platform: image.to_json() for platform, image in images.items()}
                for style, images in self.styles.items()
            },
            "provider": self.provider,
        }
        if self.cutout_method:
            data["cutout"] = {
                "method": self.cutout_method,
                "confidence": round(self.cutout_confidence or 0.0, 3),
                "confidence_exact": self.cutout_confidence,
            }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.failed:
            data["failed"] = self.failed
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProductPhotographyResult:
        # The style table comes with the renderer: most results never load it.
        from postready.pipeline.photography import STYLES

        unknown = [style for style in data["styles"] if style not in STYLES]
        if unknown:
            raise ValueError(f"unknown style {unknown[0]!r}")
        cutout = data.get("cutout")
        return cls(
            detection=ProductDetection.from_json(data["detection"]),
            styles={
                style: {platform: StyleImage.from_json(where) for platform, where in images.items()}
                for style, images in data["styles"].items()
            },
            provider=data["provider"],
            cutout_method=cutout["method"] if cutout else None,
            cutout_confidence=cutout["confidence_exact"] if cutout else None,
            notes=tuple(data.get("notes", ())),
            failed=dict(data.get("failed", {})),
        )
