"""What a description is about, read against the vocabulary: the niches it means, best first
(the main subject first), the specific tags its words select, and the niches it rules out.

- Phrases before words, longest first: "matcha latte" is tea, so its "latte" is no coffee.
- Lemmas: "ceramics" and "ceramic", "puppies" and "puppy" are one word (lemmas.py).
- Senses by context: a word listed with context counts only when a context word is there too
  ("launch" is a space launch next to "rocket", a product launch next to "app").
- Modifiers select a niche's specific tags only within it: the "rescue" of "rescue cat" gives
  #rescuecat and never a dog tag.
- Exclusive groups: of sibling kinds (cat, dog, ...) only those the words clearly name stay;
  the others are ruled out, and so are their tags, whoever proposes them.
- Photo signals add a niche only where reliable: faces give portrait tags only when no other
  subject is named or people are; a product shot adds small-business tags only for things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from postready.pipeline.lemmas import tokens
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.vocabulary import FALLBACK_NICHE, Phrase, Vocabulary, Word

MAX_SUBJECTS = 4  # niches a description can be about (their parents come on top)
PHRASE_BONUS = 1.5  # a phrase that matched ("latte art") is better evidence than one word
WEAK = 0.5
LEAD_BONUS = 1.0
LONG_TEXT_MENTIONS = 4  # more vocabulary phrases than this: a text, not a subject
SIGNAL = 0.5  # weight of a niche from the photo alone (faces, a product shot)
STRONG, MODIFIED = 2, 1  # a tag's own phrase was there; only a modifier of it was
PEOPLE_KINDS = frozenset({"people", "event"})
THING_KINDS = frozenset({"product", "launch"})


@dataclass(frozen=True, slots=True)
class Topics:
    """The niches a photo is about, best first; parents after their children."""

    niches: tuple[str, ...]
    evidence: dict[str, tuple[str, ...]]  # niche → the user's words that meant it
    tags: dict[str, int]  # specific tags the description selects: STRONG or MODIFIED
    ruled_out: frozenset[str]  # sibling kinds and wrong senses: never tagged
    described: bool  # the niches come from the user's words, not only from the photo

    @property
    def main(self) -> str | None:
        return self.niches[0] if self.described else None

    def forbids(self, tag: str, vocabulary: Vocabulary) -> bool:
        """A known tag that only ruled-out niches use (#rescuedog on a cat photo)."""
        known = vocabulary.tags.get(tag)
        return known is not None and all(n in self.ruled_out for n in known.niches)


@dataclass(slots=True)
class _Evidence:
    score: float = 0.0  # how clearly the words name it
    lead: float = 0.0  # named first: it leads the order, not the evidence
    first: int = 1 << 30  # token position of the first mention
    phrases: dict[str, float] = field(default_factory=dict)  # the user's words → weight

    def add(self, surface: str, weight: float, position: int) -> None:
        if weight > self.phrases.get(surface, 0.0):  # repeating a word adds nothing
            self.score += weight - self.phrases.get(surface, 0.0)
            self.phrases[surface] = weight
        self.first = min(self.first, position)


def read_topics(analysis: ImageAnalysis, vocabulary: Vocabulary) -> Topics:
    """The topics of the user's description (and a vision model's subjects, when there are
    any), with the photo's reliable signals."""
    text = " ".join((analysis.subject, *analysis.subjects))
    raw = tokens(text)
    lemmas = [vocabulary.lemma(token) for token in raw]
    present = frozenset(lemmas)
    found: dict[str, _Evidence] = {}
    missed: set[str] = set()
    counted = []
    for start, length, hits in _mentions(lemmas, vocabulary):
        senses = [(key, word) for key, word in hits if _counts(word, present)]
        # A word of two senses used in the other one here rules that niche out.
        missed |= {key for key, word in hits if word.context and (key, word) not in senses}
        if senses:
            counted.append((start, length, senses))
    lead = _lead(counted)
    for start, length, senses in counted:
        surface = " ".join(raw[start : start + length])
        for key, word in senses:
            weight = (WEAK if word.weak else 1.0) * (PHRASE_BONUS if length > 1 else 1.0)
            found.setdefault(key, _Evidence()).add(surface, weight, start)
    if lead is not None:  # the description's first thing is its subject
        for key, _ in counted[lead][2]:
            found[key].lead = LEAD_BONUS
    subjects, ruled_out = _subjects(found, vocabulary)
    ruled_out |= missed - set(found)
    described = bool(subjects)
    subjects = _with_signals(subjects, found, analysis, vocabulary)
    parents = [
        parent for key in subjects
        if (parent := vocabulary.niches[key].parent) and parent not in subjects
    ]  # fmt: skip
    niches = tuple(dict.fromkeys([*subjects, *parents])) or (FALLBACK_NICHE,)
    evidence = {key: tuple(found[key].phrases) for key in niches if key in found}
    selected = _selected_tags(niches, lemmas, vocabulary)
    return Topics(niches, evidence, selected, frozenset(ruled_out), described)


def _selected_tags(
    niches: Sequence[str], lemmas: Sequence[str], vocabulary: Vocabulary
) -> dict[str, int]:
    """The specific tags of these niches that the words select, and how strongly."""
    padded = f" {' '.join(lemmas)} "
    selected: dict[str, int] = {}
    for key in niches:
        for name in (n for tier in vocabulary.niches[key].tags.values() for n in tier):
            tag = vocabulary.tags[name]
            if _selects(tag.phrases.get(key, ()), padded):
                selected[name] = STRONG
            elif _selects(tag.modifiers.get(key, ()), padded):
                selected.setdefault(name, MODIFIED)
    return selected


def _mentions(
    lemmas: Sequence[str], vocabulary: Vocabulary
) -> list[tuple[int, int, tuple[tuple[str, Word], ...]]]:
    """Phrases of the vocabulary in reading order, the longest at each place."""
    index, found, i = vocabulary.phrase_index, [], 0
    while i < len(lemmas):
        for length in range(min(vocabulary.longest_phrase, len(lemmas) - i), 0, -1):
            hits = index.get(tuple(lemmas[i : i + length]))
            if hits:
                found.append((i, length, hits))
                i += length
                break
        else:
            i += 1
    return found


def _lead(counted: list[tuple[int, int, list[tuple[str, Word]]]]) -> int | None:
    """The last of the first run of adjacent mentions: in "christmas cookies" or "sunrise
    yoga on the beach" the last word of the opening run names the thing — unless that word
    is weak ("fishing trip" is about fishing; in "me and my dog" the dog leads)."""

    def strong(index: int) -> bool:
        return not all(word.weak for _, word in counted[index][2])

    start = next((i for i in range(len(counted)) if strong(i)), None)
    if start is None:
        return None
    lead = last = start
    while last + 1 < len(counted) and sum(counted[last][:2]) == counted[last + 1][0]:
        last += 1
        lead = last if strong(last) else lead
    return lead


def _counts(word: Word, present: frozenset[str]) -> bool:
    return (not word.context or bool(word.context & present)) and not word.unless & present


def _selects(phrases: tuple[Phrase, ...], padded: str) -> bool:
    return any(f" {' '.join(phrase)} " in padded for phrase in phrases)


def _subjects(found: dict[str, _Evidence], vocabulary: Vocabulary) -> tuple[list[str], set[str]]:
    """Niches clearly named, best first; of sibling kinds only the clearly named ones."""
    ranked = sorted(found, key=lambda key: (-found[key].score - found[key].lead, found[key].first))
    if not ranked:
        return [], set()
    top = max(evidence.score for evidence in found.values())
    # Passing mentions in a long text ("brew at home") do not make a subject; in a short
    # one every named thing is one ("golden retriever at the beach").
    long_text = sum(len(e.phrases) for e in found.values()) > LONG_TEXT_MENTIONS
    kept = [
        key for key in ranked
        if key == ranked[0] or (2 * found[key].score > top if long_text
                                else found[key].score >= 1)
    ]  # fmt: skip
    ruled_out: set[str] = set()
    for key in list(kept):
        siblings = vocabulary.siblings.get(key, frozenset())
        rivals = [k for k in kept if k in siblings]
        if any(2 * found[key].score <= found[k].score for k in rivals):
            kept.remove(key)
    for key in kept:
        ruled_out |= vocabulary.siblings.get(key, frozenset()) - set(kept)
    return kept[:MAX_SUBJECTS], ruled_out


def _with_signals(
    subjects: list[str],
    found: dict[str, _Evidence],
    analysis: ImageAnalysis,
    vocabulary: Vocabulary,
) -> list[str]:
    """Niches the photo itself adds where that is reliable; never from colours."""
    kinds = {vocabulary.niches[key].kind for key in subjects}
    people_named = "portrait" in found or bool(kinds & PEOPLE_KINDS)
    extra = []
    if analysis.faces and (not subjects or people_named) and "portrait" not in subjects:
        extra.append("portrait")
    if analysis.product_shot and (not subjects or kinds <= THING_KINDS):
        extra.append("small_business")
    return [*subjects, *(key for key in extra if key in vocabulary.niches)]
