"""The shapes that cross module borders: a request in, progress while it runs, a result out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from postready.pipeline.boxes import CropBox
from postready.pipeline.brand import BrandKit
from postready.pipeline.branding import BrandReport
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import ImageSource
from postready.pipeline.logo import LogoOptions
from postready.pipeline.marking import (
    Marked,
    fields_from_json,
    fields_to_json,
    marked_from_json,
    marked_to_json,
)
from postready.pipeline.platforms import PLATFORMS, OutputFormat
from postready.pipeline.pricing import Cost
from postready.pipeline.providers.types import AccountSuggestions, ImageAnalysis
from postready.pipeline.text import format_hashtags
from postready.pipeline.timing import PostingTimes
from postready.pipeline.wording import DEFAULT_HASHTAG_LANGUAGE, ENGLISH, HashtagLanguage

if TYPE_CHECKING:
    from postready.pipeline.cropping import CropMethod
    from postready.pipeline.photography_results import ProductPhotographyResult

PlatformStatus = Literal["success", "failed"]
DEFAULT_ACCOUNT_NAME = "your account"  # what previews call the account when no name is set


@dataclass(frozen=True, slots=True)
class LogoRequest:
    source: ImageSource
    options: LogoOptions = LogoOptions()


@dataclass(frozen=True, slots=True)
class CarouselPhoto:
    """One more photo of a carousel post, and what to call it in results."""

    source: ImageSource
    name: str = ""


@dataclass(frozen=True, slots=True)
class OptimizeRequest:
    """One photo (or, with `more_photos`, a carousel) to optimise for some platforms, and who
    asked."""

    source: ImageSource
    platforms: tuple[str, ...]  # platform keys from the platform table
    description: str = ""
    output_format: OutputFormat = "jpeg"
    variants: Mapping[str, str] = field(default_factory=dict)  # platform key → variant name
    logo: LogoRequest | None = None
    user_id: str | None = None
    chat_id: str | None = None
    timezone: str = "UTC"  # the user's, for posting times
    audience_timezone: str | None = None  # where the audience lives; default: the user's zone
    language: str = "en"  # the posts' (local captions, alt text, the AI's writing)
    hashtag_language: HashtagLanguage = DEFAULT_HASHTAG_LANGUAGE  # in the language, English, both
    source_name: str = ""  # what to call the source in results (file name or chat file id)
    styles: tuple[str, ...] = ()  # product-photography style keys (photography.STYLES)
    background_colour: str = "White"  # for the solid-background style
    product: bool | None = None  # None: detect; True: it is a product; False: skip styles
    previews: bool = False  # draw each post as its feed shows it, and a contact sheet
    account_name: str = DEFAULT_ACCOUNT_NAME  # the name the previews show
    # A carousel: the post's other photos, in order after `source`. Each platform then gets one
    # post of them all (split into consecutive posts beyond its carousel limit).
    more_photos: tuple[CarouselPhoto, ...] = ()
    brand: BrandKit | None = None  # the user's brand kit, applied to every post

    @property
    def is_carousel(self) -> bool:
        return bool(self.more_photos)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """A step of a job: its stage, how far along, and what happens, for people: `message`
    (English, marked for the catalogs) with the `fields` that fill it (a platform's or a
    style's name), so a chat can show it in the user's language."""

    stage: str
    done: int
    total: int
    message: str
    fields: Mapping[str, object] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def text(self) -> str:
        """The English line, filled in."""
        return self.message.format(**self.fields) if self.fields else self.message


# What a pipeline step reports: a marked text, alone or with its fields.
ProgressMessage = str | Marked
# `report(stage, message)`: the next step of a run.
Reporter = Callable[[str, ProgressMessage], None]


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """How something failed: its code and English `message`, and (None for an error stored
    before they were kept) the marked `template` with the `fields` that fill it, for a chat to
    show the line in the user's language."""

    code: StrEnum  # the pipeline's ErrorCode, or an application's code for a whole job
    message: str
    template: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def marked(cls, code: StrEnum, template: str, **fields: object) -> ErrorInfo:
        """An error whose `template` is marked with `N_`, filled with `fields`."""
        return cls(code, template.format(**fields) if fields else template, template, fields)

    @classmethod
    def of(cls, exc: PostReadyError) -> ErrorInfo:
        return cls(exc.code, exc.message, exc.template, exc.fields)

    @property
    def wording(self) -> tuple[str, Mapping[str, object]]:
        """The template and fields a chat fills (the English message when none was kept)."""
        if self.template is None:
            return self.message, {}
        return self.template, self.fields

    def wording_json(self) -> dict[str, object] | None:
        """The template and its fields as JSON (`from_wording_json` reads it back)."""
        if self.template is None:
            return None
        return {"template": self.template, "fields": fields_to_json(self.fields)}

    @classmethod
    def from_wording_json(
        cls, code: StrEnum, message: str, wording: Mapping[str, Any] | None
    ) -> ErrorInfo:
        if not wording:
            return cls(code, message)
        return cls(code, message, wording["template"], fields_from_json(wording["fields"]))


@dataclass(frozen=True, slots=True)
class ImageOutput:
    path: Path
    format: OutputFormat
    width: int
    height: int
    bytes: int
    quality: int | None


@dataclass(frozen=True, slots=True)
class ContentSources:
    """Which provider produced each part of the content, and why a fallback happened."""

    analysis: str
    writing: str
    accounts: str
    fallbacks: Mapping[str, str] = field(default_factory=dict)  # part → reason
    cached: tuple[str, ...] = ()  # parts served from the cache (no new call)

    def to_json(self) -> dict[str, Any]:
        return {
            "analysis": self.analysis,
            "writing": self.writing,
            "accounts": self.accounts,
            "fallbacks": dict(self.fallbacks),
            "cached": list(self.cached),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContentSources:
        return cls(
            analysis=data["analysis"],
            writing=data["writing"],
            accounts=data["accounts"],
            fallbacks=dict(data["fallbacks"]),
            cached=tuple(data["cached"]),
        )


@dataclass(frozen=True, slots=True)
class PlatformContent:
    """The ready-to-post text for one platform."""

    niches: tuple[str, ...]
    hashtags: tuple[str, ...]  # bodies, without '#'
    caption: str  # with inline hashtags where the platform wants them
    first_comment: str
    posting: PostingTimes
    accounts: AccountSuggestions
    sources: ContentSources
    alt_text: str = ""  # within the platform's alt-text limit
    item_alt_texts: tuple[str, ...] = ()  # a carousel's: one per photo, in order
    brand: BrandReport | None = None  # what the brand kit did to this post (None: no kit)

    def to_json(self) -> dict[str, Any]:
        handles = [account.handle for account in self.accounts.accounts]
        data: dict[str, Any] = {
            "niches": list(self.niches),
            "hashtags": format_hashtags(self.hashtags),
            "hashtag_list": list(self.hashtags),
            "caption": self.caption,
            "first_comment": self.first_comment,
            "posting_times": self.posting.to_json(),
            "profile_results": {
                "extracted_usernames": handles,
                "total_usernames": len(handles),
                "sources": list(self.accounts.sources),
                "accounts": self.accounts.to_json()["accounts"],
                "note": self.accounts.note,
            },
            "providers": self.sources.to_json(),
            "alt_text": self.alt_text,
        }
        if self.item_alt_texts:
            data["item_alt_texts"] = list(self.item_alt_texts)
        if self.brand is not None:
            data["brand"] = self.brand.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlatformContent:
        """From `to_json`'s keys, which sit among a platform result's own."""
        return cls(
            niches=tuple(data["niches"]),
            hashtags=tuple(data["hashtag_list"]),
            caption=data["caption"],
            first_comment=data["first_comment"],
            posting=PostingTimes.from_json(data["posting_times"]),
            accounts=AccountSuggestions.from_json(data["profile_results"]),
            sources=ContentSources.from_json(data["providers"]),
            alt_text=data.get("alt_text", ""),  # results written before alt text existed
            item_alt_texts=tuple(data.get("item_alt_texts", ())),
            brand=BrandReport.from_json(data["brand"]) if "brand" in data else None,
        )


@dataclass(frozen=True, slots=True)
class ItemImage:
    """One photo of a carousel as a platform gets it."""

    item: int  # its place in the carousel, from 1
    image: ImageOutput
    crop_box: CropBox  # in the photo's full-resolution pixels
    crop_method: CropMethod

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "processed_image": str(self.image.path),
            "image": _image_json(self.image),
            "crop": {"box": list(self.crop_box.as_tuple()), "method": self.crop_method},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemImage:
        crop = data["crop"]
        return cls(
            item=data["item"],
            image=ImageOutput(Path(data["processed_image"]), **data["image"]),
            crop_box=CropBox(*crop["box"]),
            crop_method=crop["method"],
        )


@dataclass(frozen=True, slots=True)
class PlatformResult:
    platform: str
    status: PlatformStatus
    processing_time: float
    variant: str | None = None
    crop_box: CropBox | None = None  # in full-resolution source pixels
    crop_method: CropMethod | None = None
    image: ImageOutput | None = None
    warnings: tuple[Marked, ...] = ()  # English in results.json, marked as well
    error: ErrorInfo | None = None
    content: PlatformContent | None = None
    caption_file: Path | None = None
    # A carousel's: every photo's image (`image` is the first's), all in the shared `variant`,
    # and the posts they make: item numbers, one tuple per post.
    items: tuple[ItemImage, ...] = ()
    posts: tuple[tuple[int, ...], ...] = ()

    def to_json(self, product_photography_used: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "processed_image": str(self.image.path) if self.image else None,
            "processing_time": round(self.processing_time, 3),
            "processing_time_exact": self.processing_time,
            "product_photography_used": product_photography_used,
        }
        if self.variant:
            data["variant"] = self.variant
        if self.image:
            data["image"] = _image_json(self.image)
        if self.crop_box:
            data["crop"] = {"box": list(self.crop_box.as_tuple()), "method": self.crop_method}
        if self.warnings:
            data["warnings"] = [format(warning) for warning in self.warnings]
            data["warnings_wording"] = [marked_to_json(warning) for warning in self.warnings]
        if self.error:
            data["error"] = {"code": str(self.error.code), "message": self.error.message}
            if wording := self.error.wording_json():
                data["error"]["wording"] = wording
        if self.content:
            data.update(self.content.to_json())
        if self.caption_file:
            data["caption_file"] = str(self.caption_file)
        if self.items:
            data["variant_shared"] = True  # one variant for every photo of the carousel
            data["items"] = [item.to_json() for item in self.items]
            data["posts"] = [list(post) for post in self.posts]
        return data

    @classmethod
    def from_json(cls, platform: str, data: Mapping[str, Any]) -> PlatformResult:
        """From `to_json`; `platform` is the key the results store it under."""
        if platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}")
        if data["status"] not in get_args(PlatformStatus):
            raise ValueError(f"unknown status {data['status']!r} for {platform}")
        image, crop, error = data.get("image"), data.get("crop"), data.get("error")
        return cls(
            platform=platform,
            status=data["status"],
            processing_time=data["processing_time_exact"],
            variant=data.get("variant"),
            crop_box=CropBox(*crop["box"]) if crop else None,
            crop_method=crop["method"] if crop else None,
            image=ImageOutput(Path(data["processed_image"]), **image) if image else None,
            warnings=_marked_lines(data, "warnings"),
            error=(
                ErrorInfo.from_wording_json(
                    ErrorCode(error["code"]), error["message"], error.get("wording")
                )
                if error
                else None
            ),
            content=PlatformContent.from_json(data) if "caption" in data else None,
            caption_file=Path(data["caption_file"]) if "caption_file" in data else None,
            items=tuple(ItemImage.from_json(item) for item in data.get("items", ())),
            posts=tuple(tuple(post) for post in data.get("posts", ())),
        )


@dataclass(frozen=True, slots=True)
class FeedPreviews:
    """Each platform's post drawn as its feed shows it, and one contact sheet of them all."""

    sheet: Path
    platforms: dict[str, Path]

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": str(self.sheet),
            "platforms": {key: str(path) for key, path in self.platforms.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedPreviews:
        return cls(
            Path(data["sheet"]), {key: Path(path) for key, path in data["platforms"].items()}
        )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    format: str
    width: int
    height: int
    notes: tuple[str, ...] = ()

    def details_json(self) -> dict[str, Any]:
        """Everything but the name, which results keep under `source_image`."""
        return {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> SourceInfo:
        return cls(name, data["format"], data["width"], data["height"], tuple(data["notes"]))


@dataclass(frozen=True, slots=True)
class OptimizeResult:
    session_id: str
    user_uuid: str
    started_at: datetime  # timezone-aware UTC
    finished_at: datetime
    source: SourceInfo
    platforms: dict[str, PlatformResult]
    product_photography: ProductPhotographyResult | None = None
    analysis: ImageAnalysis | None = None
    ai_calls: int = 0  # calls to AI services this session (transport retries not counted)
    previews: FeedPreviews | None = None
    cost: Cost | None = None  # the paid calls' estimated cost (None: read from an old document)
    # For the user: daily quotas that kept AI services out; results.json keeps them as English
    # lines ("notices") and marked ("notices_wording") for the chats to translate.
    notices: tuple[Marked, ...] = ()
    items: tuple[SourceInfo, ...] = ()  # a carousel's photos in order (`source` is the first)
    language: str = ENGLISH  # what the posts are written in
    hashtag_language: HashtagLanguage = DEFAULT_HASHTAG_LANGUAGE
    brand: BrandKit | None = None  # the kit the posts were written with

    @property
    def successful(self) -> list[PlatformResult]:
        return [r for r in self.platforms.values() if r.status == "success"]

    def to_json(self) -> dict[str, Any]:
        """The seed pipeline's results.json shape (its keys kept), plus our extra detail."""
        styles = self.product_photography.styles if self.product_photography else {}
        styled = {platform for outputs in styles.values() for platform in outputs}
        data: dict[str, Any] = {
            "session_id": self.session_id,
            "user_uuid": self.user_uuid,
            "timestamp": self.started_at.strftime("%Y%m%d_%H%M%S"),
            "source_image": self.source.name,
            "source": self.source.details_json(),
            "language": self.language,
            "hashtag_language": self.hashtag_language,
            "analysis": self.analysis.to_json() if self.analysis else None,
            "platforms": {
                key: result.to_json(key in styled) for key, result in self.platforms.items()
            },
            "product_photography": (
                self.product_photography.to_json() if self.product_photography else None
            ),
            "previews": self.previews.to_json() if self.previews else None,
            "optimization_metadata": {
                "started_at": _iso(self.started_at),
                "generated_at": _iso(self.finished_at),
                "total_platforms": len(self.platforms),
                "successful_platforms": len(self.successful),
                "processing_time": round((self.finished_at - self.started_at).total_seconds(), 3),
                "ai_calls": self.ai_calls,
                "image_renders": sum(u.images for u in self.cost.usage) if self.cost else 0,
                "cost": self.cost.to_json() if self.cost else None,
                "notices": [format(notice) for notice in self.notices],
                "notices_wording": [marked_to_json(notice) for notice in self.notices],
            },
        }
        if self.items:
            data["items"] = [
                {"source_image": item.name, **item.details_json()} for item in self.items
            ]
        data["brand"] = self._brand_json()
        return data

    def _brand_json(self) -> dict[str, Any] | None:
        """The kit, and per platform what it applied and what it dropped and why."""
        if self.brand is None:
            return None
        reports = {
            key: result.content.brand
            for key, result in self.platforms.items()
            if result.content is not None and result.content.brand is not None
        }
        return {
            "kit": self.brand.to_json(),
            "applied": {key: list(report.applied) for key, report in reports.items()},
            "dropped": [
                {"platform": key, **dropped.to_json()}
                for key, report in reports.items()
                for dropped in report.dropped
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OptimizeResult:
        """The result `to_json` wrote, also after a JSON round trip. ValueError when `data` is
        not a results document this version reads (one written before `started_at` was kept
        is not)."""
        # Here, not at the top: a run without product photography never needs it.
        from postready.pipeline.photography_results import ProductPhotographyResult

        try:
            platforms = {
                key: PlatformResult.from_json(key, item) for key, item in data["platforms"].items()
            }
            metadata, source = data["optimization_metadata"], data["source"]
            analysis, photography = data["analysis"], data["product_photography"]
            previews = data.get("previews")  # documents written before previews have none
            return cls(
                session_id=data["session_id"],
                user_uuid=data["user_uuid"],
                started_at=datetime.fromisoformat(metadata["started_at"]),
                finished_at=datetime.fromisoformat(metadata["generated_at"]),
                source=SourceInfo.from_json(data["source_image"], source),
                platforms=platforms,
                product_photography=(
                    ProductPhotographyResult.from_json(photography)
                    if photography is not None
                    else None
                ),
                analysis=ImageAnalysis.from_json(analysis) if analysis is not None else None,
                ai_calls=metadata["ai_calls"],
                previews=FeedPreviews.from_json(previews) if previews is not None else None,
                # Documents written before costs were kept have neither.
                cost=Cost.from_json(metadata["cost"]) if metadata.get("cost") else None,
                notices=_marked_lines(metadata, "notices"),
                items=tuple(
                    SourceInfo.from_json(item["source_image"], item)
                    for item in data.get("items", ())
                ),
                # Documents written before posts had a language: English, both kinds of tags.
                language=data.get("language", ENGLISH),
                hashtag_language=data.get("hashtag_language", DEFAULT_HASHTAG_LANGUAGE),
                brand=BrandKit.from_json(data["brand"]["kit"]) if data.get("brand") else None,
            )
        except KeyError as exc:
            raise ValueError(f"not a PostReady results document: missing {exc}") from exc
        except (TypeError, AttributeError, ValueError, PostReadyError) as exc:
            raise ValueError(f"not a PostReady results document: {exc}") from exc


def _image_json(image: ImageOutput) -> dict[str, Any]:
    return {
        "format": image.format,
        "width": image.width,
        "height": image.height,
        "bytes": image.bytes,
        "quality": image.quality,
    }


def _iso(moment: datetime) -> str:
    """ISO 8601, exact to the microsecond; UTC written 'Z' as results.json always has."""
    return moment.isoformat().replace("+00:00", "Z")


def _marked_lines(data: Mapping[str, Any], key: str) -> tuple[Marked, ...]:
    """The lines (notices, warnings) a results document keeps under `key`: marked where it has
    their wording under `<key>_wording` (English lines, as they are, from documents written
    before)."""
    if f"{key}_wording" in data:
        return tuple(marked_from_json(line) for line in data[f"{key}_wording"])
    return tuple(Marked(line, {}) for line in data.get(key, ()))
