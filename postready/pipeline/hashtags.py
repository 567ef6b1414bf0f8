"""Hashtags from the curated dataset (`data/hashtags.json`): match niches, then pick tags per
platform — within its min/max, mixing popularity tiers, no duplicates, nothing banned."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.text import clean_tag, keywords

Tier = Literal["broad", "medium", "niche", "professional"]
TIERS: tuple[Tier, ...] = ("broad", "medium", "niche", "professional")
# A file beside the code: importlib.resources would add ~3 ms of imports to every run.
DATASET = Path(__file__).with_name("data") / "hashtags.json"
FALLBACK_NICHE = "photography"
SHORT_SUBJECT_WORDS = 6  # a description this short names the subject; longer ones are sentences
MAX_NICHES = 3
# Order in which tiers are drawn: the specific tags first (they reach the people who care),
# one broad tag for reach. LinkedIn wants professional tags; X and Threads one or two that
# are popular but not drowned (medium).
_TIER_ORDER: dict[str, tuple[Tier, ...]] = {
    "default": ("niche", "medium", "broad", "medium", "niche", "medium"),
    "linkedin": ("professional", "medium", "professional", "niche", "broad"),
    "x": ("medium", "niche"),
    "threads": ("medium",),
}


@dataclass(frozen=True, slots=True)
class Niche:
    key: str
    label: str
    emoji: str
    thing: str  # what to call the subject without a description: "coffee break"
    triggers: frozenset[str]  # single words
    phrases: tuple[str, ...]  # multi-word triggers, matched before single words
    tags: dict[Tier, tuple[str, ...]]


@dataclass(frozen=True)
class HashtagData:
    niches: dict[str, Niche]
    banned: frozenset[str]

    @cached_property
    def curated(self) -> frozenset[str]:
        return frozenset(t for n in self.niches.values() for tags in n.tags.values() for t in tags)

    def allowed(self, tag: str) -> str:
        """`tag` cleaned to valid characters, or "" when unusable or banned."""
        cleaned = clean_tag(tag)
        return "" if cleaned in self.banned else cleaned


@cache
def load_hashtags() -> HashtagData:
    """The dataset shipped in the package."""
    text = DATASET.read_text("utf-8")
    return parse_hashtags(json.loads(text))


def parse_hashtags(data: dict[str, Any]) -> HashtagData:
    banned = frozenset(clean_tag(t) for t in data["banned"])
    niches = {
        key: Niche(
            key=key,
            label=entry["label"],
            emoji=entry["emoji"],
            thing=entry["thing"],
            triggers=frozenset(t.lower() for t in entry["triggers"] if " " not in t),
            phrases=tuple(t.lower() for t in entry["triggers"] if " " in t),
            tags={tier: tuple(clean_tag(t) for t in entry.get(tier, ())) for tier in TIERS},
        )
        for key, entry in data["niches"].items()
    }
    return HashtagData(niches, banned)


def match_niches(
    analysis: ImageAnalysis, data: HashtagData, limit: int = MAX_NICHES
) -> tuple[str, ...]:
    """Niches whose triggers appear in the user's words (counted double) or the photo's
    subjects; a sensible default from the photo itself when nothing matches."""
    scores: dict[str, float] = {}
    text = f" {' '.join(analysis.keywords)} "
    for key, niche in data.niches.items():  # phrases first: "latte art" is coffee, not art
        for phrase in niche.phrases:
            if f" {phrase} " in text:
                scores[key] = scores.get(key, 0) + 3
                text = text.replace(f" {phrase} ", " ")
    words = text.split()
    described = set(words) | {_singular(w) for w in words}
    seen = set(keywords(" ".join(analysis.subjects)))
    seen |= {_singular(w) for w in seen}
    for key, niche in data.niches.items():
        score = 2 * len(niche.triggers & described) + len(niche.triggers & seen)
        if score:
            scores[key] = scores.get(key, 0) + score
    if analysis.faces:
        scores["portrait"] = scores.get("portrait", 0) + 0.5
    if analysis.product_shot:
        scores["small_business"] = scores.get("small_business", 0) + 0.5

    def first_use(key: str) -> int:  # ties: the niche the user mentioned first
        triggers = data.niches[key].triggers
        return next(
            (i for i, w in enumerate(words) if w in triggers or _singular(w) in triggers), 99
        )

    order = list(data.niches)
    ranked = sorted(scores, key=lambda k: (-scores[k], first_use(k), order.index(k)))
    # Passing mentions in a long text ("brew at home") do not make a second niche.
    strong = [key for key in ranked if 2 * scores[key] > scores[ranked[0]]]
    return tuple(strong[:limit]) or (FALLBACK_NICHE,)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def select_hashtags(
    spec: PlatformSpec,
    niches: Sequence[str],
    analysis: ImageAnalysis,
    data: HashtagData,
    *,
    preferred: Iterable[str] = (),
    related: Sequence[str] = (),
    seed: str = "",
) -> tuple[str, ...]:
    """Tags for one platform: the recommended count (never above its max), `preferred` tags
    first (e.g. a model's picks), then the user's subject and one `related` tag (from hashtag
    pages) as long-tail tags where there is room, then a mix of tiers across the niches.
    Deterministic for the same `seed`."""
    want = spec.hashtags.recommended
    picked: dict[str, None] = {}

    def add(tag: str) -> None:
        cleaned = data.allowed(tag)
        if cleaned and len(picked) < want:
            picked.setdefault(cleaned, None)

    for tag in preferred:
        add(tag)
    rng = random.Random(hashlib.sha256(f"{seed}|{spec.key}".encode()).digest())
    pools = {
        (key, tier): _shuffled(data.niches[key].tags[tier], rng)
        for key in niches
        if key in data.niches
        for tier in TIERS
    }
    if spec.hashtags.max > 2:  # only where there is room for long-tail tags
        add(_description_tag(analysis, data))
        # A page's tag that the dataset lacks: curated ones come in through the niches anyway.
        known = data.curated | set(picked)
        add(next((t for t in related if data.allowed(t) and data.allowed(t) not in known), ""))
    order = _TIER_ORDER.get(spec.key, _TIER_ORDER["default"])
    for round_ in range(len(order) * 2):
        if len(picked) >= want:
            break
        tier = order[round_ % len(order)]
        key = niches[round_ % len(niches)] if niches else FALLBACK_NICHE
        for tag in pools.get((key, tier), []):
            if data.allowed(tag) and data.allowed(tag) not in picked:
                add(tag)
                break
    for pool in pools.values():  # top up from anything left when the niches are thin
        for tag in pool:
            add(tag)
    return tuple(picked)[: spec.hashtags.max]


def _shuffled(tags: tuple[str, ...], rng: random.Random) -> list[str]:
    shuffled = list(tags)
    rng.shuffle(shuffled)
    return shuffled


def _description_tag(analysis: ImageAnalysis, data: HashtagData) -> str:
    """A short subject's last two words as one long-tail tag ("handmade ceramic mug" →
    "ceramicmug"); nothing for a sentence, where the last words are rarely the topic."""
    if len(analysis.subject.split()) > SHORT_SUBJECT_WORDS or len(analysis.keywords) < 2:
        return ""
    pair = analysis.keywords[-2:]
    if " ".join(pair) not in " ".join(re.findall(r"\w+", analysis.subject.lower())):
        return ""  # not side by side ("skyline at dusk"): not one thing
    tag = "".join(pair)
    return data.allowed(tag) if len(tag) <= 20 else ""


def format_hashtags(tags: Iterable[str]) -> str:
    """The string form results.json keeps: "#a #b"."""
    return " ".join(f"#{tag}" for tag in tags)
