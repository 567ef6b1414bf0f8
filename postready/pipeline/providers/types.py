"""The shapes providers take and return: an analysis of the photo, drafts of posts, accounts.

Each serialises to plain JSON (`to_json` / `from_json`) for results and the cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from postready.pipeline.brand import BrandKit
from postready.pipeline.wording import DEFAULT_HASHTAG_LANGUAGE, HashtagLanguage


@dataclass(frozen=True, slots=True)
class NamedColour:
    name: str  # a name people use: "terracotta", "sage green"
    hex: str
    share: float  # fraction of the photo


@dataclass(frozen=True, slots=True)
class ImageAnalysis:
    """What the photo shows and how it looks, plus the user's own words about it."""

    summary: str  # one sentence
    subjects: tuple[str, ...]  # things in the photo ("mug", "table"); from the user or a model
    colours: tuple[NamedColour, ...]
    brightness: float  # 0 (black) .. 1 (white), mean lightness
    contrast: float  # spread of lightness, 0 .. ~0.5
    saturation: float  # 0 (grey) .. 1
    mood: str  # "bright and warm", "dark and moody", ...
    faces: int
    product_shot: bool  # one salient object on a plain background
    subject: str = ""  # the user's description without command words: "handmade ceramic mug"
    keywords: tuple[str, ...] = ()  # topic words from the description

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["colours"] = [asdict(c) for c in self.colours]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImageAnalysis:
        return cls(
            **{
                **data,
                "subjects": tuple(data["subjects"]),
                "keywords": tuple(data["keywords"]),
                "colours": tuple(NamedColour(**c) for c in data["colours"]),
            }
        )

    def with_vision(
        self, summary: str, subjects: tuple[str, ...], product_shot: bool
    ) -> ImageAnalysis:
        """This analysis with a vision model's description and classification."""
        return replace(self, summary=summary, subjects=subjects, product_shot=product_shot)


@dataclass(frozen=True, slots=True)
class Usage:
    """What one paid call used, as its service reported it: the basis of its cost."""

    model: str  # the model billed ("gpt-5.4-mini"), as the price table names it
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0  # images generated
    searches: int = 0  # web searches a grounded answer ran

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Usage:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class PostDraft:
    """A caption (without hashtags) and its hashtags (bodies, without '#')."""

    caption: str
    hashtags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Writing:
    """Everything a writer produced for one photo and all requested platforms."""

    analysis: ImageAnalysis
    niches: tuple[str, ...]  # niche keys of the hashtag dataset, best first
    posts: Mapping[str, PostDraft]  # platform key → draft
    alt_text: str = ""  # the photo for someone who cannot see it (before platform limits)
    # The calls that wrote it (none when cached or local); not part of what it says.
    usage: tuple[Usage, ...] = field(default=(), compare=False)
    # A carousel's, one per photo in order ("" for a photo the writer did not see).
    item_alt_texts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "analysis": self.analysis.to_json(),
            "niches": list(self.niches),
            "alt_text": self.alt_text,
            "item_alt_texts": list(self.item_alt_texts),
            "posts": {
                key: {"caption": post.caption, "hashtags": list(post.hashtags)}
                for key, post in self.posts.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Writing:
        return cls(
            analysis=ImageAnalysis.from_json(data["analysis"]),
            niches=tuple(data["niches"]),
            posts={
                key: PostDraft(post["caption"], tuple(post["hashtags"]))
                for key, post in data["posts"].items()
            },
            alt_text=data.get("alt_text", ""),  # cached before alt text existed: ""
            item_alt_texts=tuple(data.get("item_alt_texts", ())),
        )


@dataclass(frozen=True, slots=True)
class SuggestedAccount:
    handle: str  # "@name"
    reason: str = ""
    platform: str | None = None  # where the account lives, when known
    sources: tuple[str, ...] = ()  # URLs that back the suggestion


@dataclass(frozen=True, slots=True)
class AccountSuggestions:
    accounts: tuple[SuggestedAccount, ...] = ()
    sources: tuple[str, ...] = ()  # every URL consulted
    note: str = ""  # said to the user, e.g. why there are none
    # The calls that found them (none when cached or local); not part of what it says.
    usage: tuple[Usage, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": [asdict(a) for a in self.accounts],
            "sources": list(self.sources),
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountSuggestions:
        accounts = tuple(
            SuggestedAccount(**{**a, "sources": tuple(a["sources"])}) for a in data["accounts"]
        )
        return cls(accounts, tuple(data["sources"]), data["note"])


@dataclass(frozen=True, slots=True)
class ContentBrief:
    """What a provider is asked about: the photo (small JPEG), its analysis, the user's words;
    for a carousel also its next photos a vision model sees and every photo's analysis."""

    image_jpeg: bytes = field(repr=False)  # at most 1024 px on the longest side
    image_hash: str  # sha256 of the source bytes
    description: str
    platforms: tuple[str, ...]
    analysis: ImageAnalysis
    language: str = "en"
    hashtag_language: HashtagLanguage = DEFAULT_HASHTAG_LANGUAGE
    related_tags: tuple[str, ...] = ()  # from public hashtag pages, when enabled
    # Another caption asked for: the current one, which the new one must not repeat.
    rewrite: str = ""
    more_images: tuple[bytes, ...] = field(default=(), repr=False)  # a carousel's photos 2, 3, …
    item_analyses: tuple[ImageAnalysis, ...] = ()  # a carousel's, one per photo in order
    brand: BrandKit | None = None  # the voice to write in (tone, emoji, words to avoid, ...)
