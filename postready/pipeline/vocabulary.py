"""The hashtag vocabulary (`data/hashtags.json`, built by scripts/build_vocabulary.py): niches
with the words that mean them, tags by tier with the phrases that select the specific ones,
sibling groups, and the tags never to suggest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from postready.pipeline.lemmas import Lemmatizer, tokens
from postready.pipeline.text import clean_tag
from postready.pipeline.wording import ENGLISH, post_language

Tier = Literal["broad", "medium", "niche"]
TIERS: tuple[Tier, ...] = ("broad", "medium", "niche")
# A file beside the code: importlib.resources would add ~3 ms of imports to every run.
DATASET = Path(__file__).with_name("data") / "hashtags.json"
FALLBACK_NICHE = "photography"
Phrase = tuple[str, ...]  # lemmatised tokens


@dataclass(frozen=True, slots=True)
class Word:
    """Something in a description that means a niche."""

    phrase: Phrase
    context: frozenset[str] = frozenset()  # counts only when one of these is there too
    unless: frozenset[str] = frozenset()  # does not count when one of these is there
    weak: bool = False  # half the weight ("me", "friends")


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    tier: Tier
    niches: tuple[str, ...]
    # By niche: phrases that mean the niche and select the tag there; modifiers select it
    # there without meaning the niche (the "rescue" of #rescuecat, among cats).
    phrases: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)
    modifiers: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)

    def specific(self, niche: str) -> bool:
        """Chosen in `niche` only when the words select it; else a general tag there."""
        return niche in self.phrases or niche in self.modifiers


@dataclass(frozen=True, slots=True)
class Niche:
    key: str
    label: str
    emoji: str  # for captions; "" when none
    thing: str  # what to call the subject: "cat", "coffee"
    kind: str  # how captions talk about it: animal, food, drink, product, event, ...
    parent: str | None
    words: tuple[Word, ...]
    tags: dict[Tier, tuple[str, ...]]


@dataclass(frozen=True)
class Vocabulary:
    niches: dict[str, Niche]
    tags: dict[str, Tag]
    groups: dict[str, tuple[str, ...]]
    banned: frozenset[str]  # restricted on Instagram
    spam: frozenset[str]  # engagement bait
    lemma: Lemmatizer
    # By language code, each niche's tags in that language (the niches people post about
    # most have them); `spellings`: how each is written best ("gatosdeinstagram" →
    # "GatosDeInstagram").
    languages: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    spellings: dict[str, str] = field(default_factory=dict)
    # By language code, the words that mean a niche in that language (`in_language`).
    foreign_words: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @cached_property
    def curated(self) -> frozenset[str]:
        return frozenset(self.tags)

    @cached_property
    def siblings(self) -> dict[str, frozenset[str]]:
        """Each grouped niche's siblings: kinds a photo of it must never be tagged as."""
        found: dict[str, set[str]] = {}
        for members in self.groups.values():
            for key in members:
                found.setdefault(key, set()).update(m for m in members if m != key)
        return {key: frozenset(others) for key, others in found.items()}

    @cached_property
    def general(self) -> dict[str, dict[Tier, tuple[str, ...]]]:
        """Each niche's general tags by tier: those for any photo of it."""
        return {
            key: {
                tier: tuple(t for t in tags if not self.tags[t].specific(key))
                for tier, tags in niche.tags.items()
            }
            for key, niche in self.niches.items()
        }

    @cached_property
    def phrase_index(self) -> dict[Phrase, tuple[tuple[str, Word], ...]]:
        """Every phrase that means a niche (its words and its specific tags' phrases)."""
        index: dict[Phrase, dict[str, Word]] = {}
        for niche in self.niches.values():
            for word in niche.words:
                index.setdefault(word.phrase, {}).setdefault(niche.key, word)
        for tag in self.tags.values():
            for key, phrases in tag.phrases.items():
                for phrase in phrases:
                    index.setdefault(phrase, {}).setdefault(key, Word(phrase))
        return {phrase: tuple(by_niche.items()) for phrase, by_niche in index.items()}

    @cached_property
    def longest_phrase(self) -> int:
        return max(len(phrase) for phrase in self.phrase_index)

    def in_language(self, code: str) -> Vocabulary:
        """This vocabulary reading descriptions written in `code`'s language too: its words
        for the niches join theirs (as written: the English endings do not apply to them)."""
        extra = self.foreign_words.get(code)
        if not extra:
            return self
        phrases = {key: tuple(tuple(tokens(t)) for t in texts) for key, texts in extra.items()}
        niches = {
            key: replace(niche, words=niche.words + tuple(Word(p) for p in phrases.get(key, ())))
            for key, niche in self.niches.items()
        }
        known = self.lemma.known | {t for ps in phrases.values() for p in ps for t in p}
        return replace(self, niches=niches, lemma=Lemmatizer(known, self.lemma.reductions))

    def knows(self, word: str) -> bool:
        """Whether `word` (in any inflection) is part of some phrase of the vocabulary."""
        return self.lemma(word) in self.lemma.known

    def allowed(self, tag: str) -> str:
        """`tag` cleaned to valid characters, or "" when unusable, banned or spam."""
        cleaned = tag if tag in self.tags else clean_tag(tag)  # the vocabulary's are clean
        return "" if cleaned in self.banned or cleaned in self.spam else cleaned


def load_vocabulary(language: str = ENGLISH) -> Vocabulary:
    """The vocabulary shipped in the package, reading descriptions in `language` (a post
    language's code: its words for the niches too)."""
    return _loaded(post_language(language))


@cache
def _loaded(language: str) -> Vocabulary:
    if language != ENGLISH:
        return _loaded(ENGLISH).in_language(language)
    return parse_vocabulary(json.loads(DATASET.read_text("utf-8")))


def parse_vocabulary(data: dict[str, Any]) -> Vocabulary:
    """From the JSON the build script writes (phrases already reduced to lemmas)."""
    niches = {
        key: Niche(
            key=key,
            label=entry["label"],
            emoji=(entry["emoji"] or [""])[0],
            thing=entry["thing"],
            kind=entry["kind"],
            parent=entry["parent"],
            words=tuple(
                Word(
                    tuple(word["phrase"]),
                    frozenset(word.get("context", ())),
                    frozenset(word.get("unless", ())),
                    word.get("weak", False),
                )
                for word in entry["words"]
                if word["phrase"]
            ),
            tags={tier: tuple(entry["tags"][tier]) for tier in TIERS},
        )
        for key, entry in data["niches"].items()
    }
    tags = {
        name: Tag(
            name,
            entry["tier"],
            tuple(entry["niches"]),
            *(
                {key: tuple(tuple(p) for p in ps if p) for key, ps in entry.get(field, {}).items()}
                for field in ("phrases", "modifiers")
            ),
        )
        for name, entry in data["tags"].items()
    }
    read = data.get("languages", {})
    return Vocabulary(
        languages={
            code: {key: tuple(clean_tag(t) for t in tags) for key, tags in part["tags"].items()}
            for code, part in read.items()
        },
        spellings={
            clean_tag(tag): tag
            for part in read.values()
            for tags in part["tags"].values()
            for tag in tags
        },
        foreign_words={
            code: {key: tuple(words) for key, words in part["words"].items()}
            for code, part in read.items()
        },
        niches=niches,
        tags=tags,
        groups={name: tuple(members) for name, members in data["groups"].items()},
        banned=frozenset(clean_tag(t) for t in data["banned"]),
        spam=frozenset(clean_tag(t) for t in data["spam"]),
        lemma=Lemmatizer(frozenset(data["known"]), data["lemmas"]),
    )
