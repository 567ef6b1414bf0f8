"""A brand kit applied to one platform's post, whoever wrote it: words to avoid kept out of the
caption (an AI caption that has one is repaired here), brand hashtags first within the
platform's count, the kit's emoji level, its own handle among the accounts, and a report of
what was applied and what was dropped and why (results.json's `brand` blocks)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from postready.pipeline.brand import BrandKit
from postready.pipeline.platforms import EmojiPolicy, PlatformSpec
from postready.pipeline.providers.types import AccountSuggestions, SuggestedAccount

_SENTENCE = re.compile(r"[^.!?…\n]*(?:[.!?…]+|\n+|$)")
_KEPT_SHARE = 0.5  # a repaired AI caption keeps at least this much of itself, else local


@dataclass(frozen=True, slots=True)
class Dropped:
    what: str  # "signature", "hashtag #x", "sentence"
    why: str

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "why": self.why}


@dataclass(frozen=True, slots=True)
class BrandReport:
    """What the kit did to one post."""

    applied: tuple[str, ...] = ()  # "tone luxury", "signature", "hashtags #a #b", "handle @x"
    dropped: tuple[Dropped, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"applied": list(self.applied), "dropped": [d.to_json() for d in self.dropped]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BrandReport:
        return cls(
            tuple(data["applied"]), tuple(Dropped(d["what"], d["why"]) for d in data["dropped"])
        )


def emoji_policy(spec: PlatformSpec, kit: BrandKit) -> EmojiPolicy:
    """The platform's emoji policy as the kit changes it: none, its own (few), or some."""
    level = kit.emoji_level
    if level is None or level == "few":
        return spec.caption_style.emoji
    return "none" if level == "none" else "some"


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = [r"\s+".join(map(re.escape, word.split())) for word in words]
    if not alternatives:
        return None
    return re.compile(r"(?<![\w#])#?(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def avoided_in(text: str, avoid: Sequence[str]) -> tuple[str, ...]:
    """The words to avoid that `text` has (whole words, any case)."""
    pattern = _pattern(avoid)
    if pattern is None:
        return ()
    return tuple(dict.fromkeys(" ".join(m.group().lstrip("#").lower().split())
                               for m in pattern.finditer(text)))  # fmt: skip


def keep_clear(text: str, avoid: Sequence[str]) -> str:
    """`text` without the sentences that have a word to avoid; without the words themselves
    where that would leave nothing."""
    pattern = _pattern(avoid)
    if pattern is None or not pattern.search(text):
        return text
    kept = "".join(s for s in _SENTENCE.findall(text) if not pattern.search(s)).strip()
    if kept:
        return kept
    return re.sub(r"[ \t]{2,}", " ", pattern.sub("", text)).strip(" ,;:-")


def clear_caption(caption: str, fallback: str, avoid: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """A caption without the words to avoid, and those it had: the sentences that have them
    go; when that leaves less than half of it, the `fallback` (the local caption) instead."""
    found = avoided_in(caption, avoid)
    if not found:
        return caption, ()
    kept = keep_clear(caption, avoid)
    if len(kept) < _KEPT_SHARE * len(caption) and fallback != caption:
        return keep_clear(fallback, avoid), found
    return kept, found


def brand_tags(spec: PlatformSpec, kit: BrandKit, tags: Sequence[str]) -> tuple[str, ...]:
    """The brand's hashtags first, then `tags`, none to avoid, within the platform's count
    (the brand's own may take it up to the platform's maximum); none where it has no tags."""
    if spec.hashtags.max == 0:
        return ()
    banned = avoided_tags(kit)
    own = [tag for tag in kit.hashtags if tag not in banned]
    rest = [tag for tag in tags if tag not in banned and tag.lower() not in own]
    want = min(spec.hashtags.max, max(spec.hashtags.recommended, len(own)))
    return tuple([*own, *rest][:want])


def avoided_tags(kit: BrandKit) -> set[str]:
    """The words to avoid as tag bodies ("cheap mug" → "cheapmug")."""
    return {word.replace(" ", "") for word in kit.avoid}


def with_own_handle(
    spec: PlatformSpec, kit: BrandKit, accounts: AccountSuggestions
) -> AccountSuggestions:
    """The suggestions with the brand's own handle on this platform first (never invented:
    only the one the kit names)."""
    handle = kit.handles.get(spec.key)
    if not handle:
        return accounts
    others = tuple(a for a in accounts.accounts if a.handle.lower() != handle.lower())
    own = SuggestedAccount(handle, "your own account", spec.key)
    return replace(accounts, accounts=(own, *others))


def brand_report(
    spec: PlatformSpec,
    kit: BrandKit,
    hashtags: Sequence[str],
    signed: bool,
    repaired: tuple[str, ...],
) -> BrandReport:
    applied: list[str] = []
    dropped: list[Dropped] = []
    if kit.tone:
        applied.append(f"tone {kit.tone}")
    if kit.emoji_level:
        applied.append(f"emoji {kit.emoji_level}")
    if kit.cta():
        applied.append(f"call to action ({kit.account})")
    if kit.signature:
        if signed:
            applied.append("signature")
        else:
            why = f"it does not fit {spec.display_name}'s {spec.caption_limit} characters"
            dropped.append(Dropped("signature", why))
    shown = {tag.lower() for tag in hashtags}
    placed = [tag for tag in kit.hashtags if tag in shown]
    if placed:
        applied.append("hashtags " + " ".join(f"#{tag}" for tag in placed))
    for tag in kit.hashtags:
        if tag in placed:
            continue
        if spec.hashtags.max == 0:
            why = f"{spec.display_name} posts have no hashtags"
        elif tag in avoided_tags(kit):
            why = "it is among the words to avoid"
        else:
            why = f"{spec.display_name} takes at most {spec.hashtags.max} hashtags"
        dropped.append(Dropped(f"hashtag #{tag}", why))
    if kit.handles.get(spec.key):
        applied.append(f"handle {kit.handles[spec.key]}")
    if repaired:
        words = ", ".join(repaired)
        dropped.append(Dropped("words to avoid", f"{words}: taken out of the caption"))
    return BrandReport(tuple(applied), tuple(dropped))
