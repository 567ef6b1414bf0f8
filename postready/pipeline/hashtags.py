"""Hashtags per platform from the topics of a photo: within the platform's count, every
subject covered (the main one first), the tags the description selects before the general
ones, tiers mixed for reach, nothing banned, spammy or of a ruled-out kind."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import zip_longest

from postready.pipeline.meaning import Topics
from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.subject import SHORT_SUBJECT_WORDS
from postready.pipeline.text import WORD_CHAR
from postready.pipeline.vocabulary import Tier, Vocabulary
from postready.pipeline.wording import (
    DEFAULT_HASHTAG_LANGUAGE,
    ENGLISH,
    HashtagLanguage,
    post_language,
)

# Order in which tiers are drawn: the specific tags first (they reach the people who care),
# one broad tag for reach. X and Threads want one or two popular but not drowned (medium).
_TIER_ORDER: dict[str, tuple[Tier, ...]] = {
    "default": ("niche", "medium", "broad", "medium", "niche", "medium"),
    "linkedin": ("medium", "niche", "broad"),
    "x": ("medium", "niche"),
    "threads": ("medium",),
}


def select_hashtags(
    spec: PlatformSpec,
    topics: Topics,
    analysis: ImageAnalysis,
    vocabulary: Vocabulary,
    *,
    preferred: Iterable[str] = (),
    related: Sequence[str] = (),
    seed: str = "",
    avoid: Collection[str] = (),
    language: str = ENGLISH,
    mix: HashtagLanguage = DEFAULT_HASHTAG_LANGUAGE,
) -> tuple[str, ...]:
    """Tags for one platform: the recommended count (never above its max); `preferred` tags
    first (e.g. a model's picks), then a round over the subjects, main first, then the user's
    own two-word subject and one `related` tag (from hashtag pages) as long-tail tags where
    there is room, then more rounds and the parents' general tags. Deterministic per seed.
    `avoid`: tags not to use again (other hashtags asked for), taken only to reach the
    platform's minimum. `language` and `mix`: a niche with tags in the post's language gets
    those ("mine"), its English ones ("english"), or both in turn ("both")."""
    english = post_language(language) == ENGLISH
    local = {} if mix == "english" else vocabulary.languages.get(post_language(language), {})
    picked = _select(
        spec, topics, analysis, vocabulary, preferred, related, seed, set(avoid), local, mix,
        english,
    )  # fmt: skip
    for tag in avoid:  # the vocabulary ran dry: the platform's minimum still holds
        if len(picked) >= spec.hashtags.min:
            break
        if tag not in picked:
            picked += (tag,)
    return picked


def _select(
    spec: PlatformSpec,
    topics: Topics,
    analysis: ImageAnalysis,
    vocabulary: Vocabulary,
    preferred: Iterable[str],
    related: Sequence[str],
    seed: str,
    avoid: set[str],
    local: dict[str, tuple[str, ...]],
    mix: HashtagLanguage,
    english: bool,  # the description is English: its words make long-tail tags
) -> tuple[str, ...]:
    want = spec.hashtags.recommended
    picked: dict[str, None] = {}

    def add(tag: str) -> bool:
        cleaned = vocabulary.allowed(tag)
        if not cleaned or cleaned in picked or cleaned in avoid or len(picked) >= want:
            return False
        if topics.forbids(cleaned, vocabulary):
            return False
        picked[cleaned] = None
        return True

    for tag in preferred:
        add(tag)
    rng = random.Random(hashlib.sha256(f"{seed}|{spec.key}".encode()).digest())
    order = _TIER_ORDER.get(spec.key, _TIER_ORDER["default"])
    subjects = [key for key in topics.niches if not _is_parent_here(key, topics, vocabulary)]

    def queue(key: str) -> Iterator[str]:
        english = _queue(vocabulary, key, topics, order, rng)
        mine = iter(_shuffled(list(local.get(key, ())), rng))
        if key not in local:
            return english
        return mine if mix == "mine" else _in_turn(mine, english)

    queues = [queue(key) for key in subjects or topics.niches]
    _take_round(queues, add)
    # Long-tail tags (English words): not where only the post's language's are wanted.
    if spec.hashtags.max > 2 and not (local and mix == "mine"):
        add(_description_tag(analysis, vocabulary) if english else "")
        # A page's tag that the vocabulary lacks: its own come in through the niches anyway.
        new = (t for t in related if (c := vocabulary.allowed(t)) and c not in vocabulary.tags)
        add(next(new, ""))
    while len(picked) < want and _take_round(queues, add):
        pass
    for key in topics.niches:  # parents, then anything left when the niches are thin
        for tag in queue(key):
            if len(picked) >= want:
                return tuple(picked)[: spec.hashtags.max]
            add(tag)
    return tuple(picked)[: spec.hashtags.max]


def _is_parent_here(key: str, topics: Topics, vocabulary: Vocabulary) -> bool:
    return any(vocabulary.niches[k].parent == key for k in topics.niches if k != key)


def _queue(
    vocabulary: Vocabulary, key: str, topics: Topics, order: tuple[Tier, ...], rng: random.Random
) -> Iterator[str]:
    """One niche's tags in the order to use them: those the description selects (in the
    platform's tier order), then its general tags drawn by tier order, shuffled per seed."""
    niche = vocabulary.niches[key]
    rank = {tier: order.index(tier) if tier in order else len(order) for tier in niche.tags}
    chosen = [t for tier in niche.tags.values() for t in tier if t in topics.tags]
    chosen.sort(key=lambda t: (-topics.tags[t], rank[vocabulary.tags[t].tier]))
    pools = {tier: _shuffled(list(tags), rng) for tier, tags in vocabulary.general[key].items()}
    # Specific and general tags alternate: what the photo shows, then reach.
    turn = 0
    while chosen or any(pools.values()):
        if chosen and (turn % 2 == 0 or not any(pools.values())):
            yield chosen.pop(0)
        elif any(pools.values()):
            wanted = order[(turn // 2) % len(order)]
            tier = wanted if pools.get(wanted) else next(t for t, tags in pools.items() if tags)
            yield pools[tier].pop(0)
        turn += 1


def _in_turn(first: Iterator[str], second: Iterator[str]) -> Iterator[str]:
    """One from each in turn, then the rest of the longer."""
    for pair in zip_longest(first, second):
        yield from (tag for tag in pair if tag is not None)


def _take_round(queues: list[Iterator[str]], add: Callable[[str], bool]) -> bool:
    """One tag from each subject's queue (the next that is allowed); False when all are dry."""
    took = False
    for queue in queues:
        for tag in queue:
            if add(tag):
                took = True
                break
    return took


def _shuffled(tags: list[str], rng: random.Random) -> list[str]:
    rng.shuffle(tags)
    return tags


def _description_tag(analysis: ImageAnalysis, vocabulary: Vocabulary) -> str:
    """A short subject's last two words as one long-tail tag ("handmade ceramic mug" →
    "ceramicmug") when both are words the vocabulary knows and they stand side by side;
    nothing for a sentence, where the last words are rarely the topic."""
    if len(analysis.subject.split()) > SHORT_SUBJECT_WORDS or len(analysis.keywords) < 2:
        return ""
    pair = analysis.keywords[-2:]
    if " ".join(pair) not in " ".join(re.findall(rf"{WORD_CHAR}+", analysis.subject.lower())):
        return ""  # not side by side ("skyline at dusk"): not one thing
    if not all(vocabulary.knows(word) for word in pair):
        return ""
    tag = "".join(pair)
    return vocabulary.allowed(tag) if len(tag) <= 20 else ""


def camel_case(tag: str, spellings: Mapping[str, str] | None = None) -> str:
    """A tag with each of its words capitalised ("latteart" → "LatteArt"), so that screen
    readers say the words: as `spellings` (the vocabulary's) writes it, else split by
    wordninja (English word frequencies); a tag it would break into single letters ("tbt")
    only gets its first letter capitalised."""
    spelled = (spellings or {}).get(tag)
    if spelled:
        return spelled
    import wordninja  # its word list loads in ~170 ms: only for platforms that want this

    words: list[str] = wordninja.split(tag)
    if "".join(words) != tag or any(len(word) == 1 and word.isalpha() for word in words):
        return tag[:1].upper() + tag[1:]
    return "".join(word[:1].upper() + word[1:] for word in words)
