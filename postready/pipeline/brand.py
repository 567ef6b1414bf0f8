"""A brand kit: how every post of one shop or creator reads — tone, emoji, a signature, brand
hashtags, words to avoid, the call to action of its kind of account and its own handles — and
the table of what each tone means for the local writer (sentence length, detail, emoji; its
hooks and calls to action are each language's words, in the wording tables).
`BrandKit.from_json` checks a kit from any source (a chat, a TOML file, the API)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args

from postready.pipeline.marking import N_
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.text import clean_tag
from postready.pipeline.wording import ENGLISH, wording

Tone = Literal["friendly", "professional", "playful", "minimal", "luxury"]
EmojiLevel = Literal["none", "few", "many"]
AccountKind = Literal["shop", "creator", "none"]
TONES: tuple[Tone, ...] = get_args(Tone)
EMOJI_LEVELS: tuple[EmojiLevel, ...] = get_args(EmojiLevel)
ACCOUNT_KINDS: tuple[AccountKind, ...] = get_args(AccountKind)
MAX_BRAND_TAGS = 5
_T = TypeVar("_T", bound=str)
MAX_AVOID = 30
MAX_SIGNATURE = 150
_WORD_ITEM = re.compile(r"^[\w'’&-]+(?: [\w'’&-]+){0,3}$")  # a word or a phrase of up to 4
# A handle as platforms write them: "@name", "@name.bsky.social", "@name@mastodon.social".
_HANDLE = re.compile(r"^@?([A-Za-z0-9_][A-Za-z0-9_.-]{0,62})(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?$")


class BrandKitError(ValueError):
    """A kit that cannot be used, with what is wrong in one line: English, marked for the
    catalogs (`N_`), its `{fields}` filled from `fields`, so that a chat can fill the same
    fields into the translation (`template`), as `PostReadyError` does."""

    def __init__(self, message: str, **fields: object) -> None:
        super().__init__(message.format(**fields) if fields else message)
        self.template = message
        self.fields = fields


@dataclass(frozen=True, slots=True)
class ToneStyle:
    """What one tone changes in a locally written caption besides its words (its hooks and
    calls to action: each language's wording table, `PostWording.tones`)."""

    detail: bool  # a detail sentence between the hook and the call to action
    length: float  # share of the platform's target length
    emoji: EmojiLevel  # when the kit does not say
    marks: tuple[str, ...]  # the tone's emoji, first one on the hook


TONE_STYLES: dict[Tone, ToneStyle] = {
    "friendly": ToneStyle(detail=True, length=1.0, emoji="few", marks=("😊", "💛", "🙌")),
    "professional": ToneStyle(detail=True, length=0.8, emoji="none", marks=("✔️",)),
    "playful": ToneStyle(detail=True, length=0.9, emoji="many", marks=("🎉", "✨", "🤩")),
    "minimal": ToneStyle(detail=False, length=0.4, emoji="none", marks=("·",)),
    "luxury": ToneStyle(detail=True, length=0.8, emoji="few", marks=("✨",)),
}


@dataclass(frozen=True, slots=True)
class BrandKit:
    """One user's kit. The defaults change nothing: each platform's own tone and emoji."""

    tone: Tone | None = None  # None: each platform's own
    emoji: EmojiLevel | None = None  # None: the tone's (or the platform's, without a tone)
    signature: str = ""  # a line under every caption where it fits
    hashtags: tuple[str, ...] = ()  # brand tags (bodies), first in every post that has tags
    avoid: tuple[str, ...] = ()  # words and tags that never appear (lower-case)
    account: AccountKind = "none"  # the call to action of this kind of account
    handles: Mapping[str, str] = field(default_factory=dict)  # platform key → "@handle"

    @property
    def empty(self) -> bool:
        return self == BrandKit()

    @property
    def emoji_level(self) -> EmojiLevel | None:
        """How many emoji: the kit's, else its tone's; None: the platform's own policy."""
        if self.emoji is not None:
            return self.emoji
        return TONE_STYLES[self.tone].emoji if self.tone else None

    def cta(self, language: str | None = ENGLISH) -> str:
        """The kit's call to action in `language` ("" when the platform's own fits: no kind
        of account): its tone's for its kind of account, without a tone its kind of
        account's own, from the language's wording table."""
        table = wording(language)
        toned = table.tones[self.tone].ctas.get(self.account, ()) if self.tone else ()
        ctas = toned or table.account_ctas.get(self.account, ())
        return ctas[0] if ctas else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "tone": self.tone,
            "emoji": self.emoji,
            "signature": self.signature,
            "hashtags": list(self.hashtags),
            "avoid": list(self.avoid),
            "account": self.account,
            "handles": dict(self.handles),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BrandKit:
        """A kit from its JSON (or a TOML table) after every check; BrandKitError says what
        is wrong. Missing keys keep their defaults."""
        if not isinstance(data, Mapping):
            raise BrandKitError(N_("a brand kit is a table of settings"))
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            known = ", ".join(cls.__dataclass_fields__)
            raise BrandKitError(
                N_("unknown brand kit setting '{name}' ({known})"),
                name=sorted(unknown)[0],
                known=known,
            )
        return cls(
            tone=_choice(data.get("tone"), TONES, "tone"),
            emoji=_choice(data.get("emoji"), EMOJI_LEVELS, "emoji"),
            signature=parse_signature(_text(data.get("signature", ""), "signature")),
            hashtags=parse_brand_tags(_strings(data.get("hashtags", ()), "hashtags")),
            avoid=parse_avoid(_strings(data.get("avoid", ()), "avoid")),
            account=_choice(data.get("account"), ACCOUNT_KINDS, "account") or "none",
            handles=parse_handles(data.get("handles", {})),
        )

    def fingerprint(self) -> str:
        """Stable across processes: part of the AI cache's key."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_signature(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > MAX_SIGNATURE:
        raise BrandKitError(
            N_("the signature is longer than {most} characters"), most=MAX_SIGNATURE
        )
    return line


def parse_brand_tags(items: tuple[str, ...]) -> tuple[str, ...]:
    tags = tuple(dict.fromkeys(clean_tag(item) for item in items if item.strip()))
    if "" in tags:
        bad = next(item for item in items if item.strip() and not clean_tag(item))
        raise BrandKitError(
            N_("'{tag}' is not a hashtag (letters, digits, _; at most 30)"), tag=bad
        )
    if len(tags) > MAX_BRAND_TAGS:
        raise BrandKitError(
            N_("at most {most} brand hashtags, not {given}"), most=MAX_BRAND_TAGS, given=len(tags)
        )
    return tags


def parse_avoid(items: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(dict.fromkeys(" ".join(i.strip().lstrip("#").split()).lower() for i in items))
    words = tuple(word for word in words if word)
    for word in words:
        if not _WORD_ITEM.match(word):
            raise BrandKitError(N_("'{word}' is not a word or tag to avoid"), word=word)
    if len(words) > MAX_AVOID:
        raise BrandKitError(
            N_("at most {most} words to avoid, not {given}"), most=MAX_AVOID, given=len(words)
        )
    return words


def parse_handles(data: Any) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise BrandKitError(N_('handles are a table: platform = "@handle"'))
    handles = {}
    for platform, handle in data.items():
        if platform not in PLATFORMS:
            raise BrandKitError(
                N_("handles: '{platform}' is not a platform key"), platform=platform
            )
        match = _HANDLE.match(handle.strip()) if isinstance(handle, str) else None
        if match is None:
            raise BrandKitError(
                N_("handles: '{handle}' is not a handle for {platform}"),
                handle=handle,
                platform=platform,
            )
        handles[platform] = f"@{match.group(1)}{match.group(2) or ''}"
    return handles


def split_items(text: str) -> tuple[str, ...]:
    """Words typed in a chat or a form: separated by commas, or by spaces when none."""
    parts = text.split(",") if "," in text else text.split()
    return tuple(part.strip() for part in parts if part.strip())


def _choice(value: Any, allowed: tuple[_T, ...], name: str) -> _T | None:
    if value is None or value == "":
        return None
    for option in allowed:
        if value == option:
            return option
    raise BrandKitError(
        N_("{name} must be one of {allowed}, not '{value}'"),
        name=name,
        allowed=", ".join(allowed),
        value=value,
    )


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise BrandKitError(N_("{name} must be text"), name=name)
    return value


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return split_items(value)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise BrandKitError(N_("{name} must be a list of words"), name=name)
    return tuple(value)
