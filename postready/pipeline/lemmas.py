"""Words as the vocabulary knows them: a description split into tokens (words and emoji), each
reduced to the form the vocabulary uses ("ceramics" → "ceramic", "hiking" → "hike",
"puppies" → "puppy"), by trying the usual English endings against the words it knows.

Checking candidates against known words instead of stemming blindly keeps real words apart
("dress" is not "dres") and costs a few dictionary lookups per token; a lemma dictionary
(simplemma, lemminflect) would add megabytes and start-up time for the same result here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from postready.pipeline.text import EMOJI, MARKS, STOPWORDS

_WORD = re.compile(rf"[^\W_](?:[\w{MARKS}&]|['’](?=\w))*")
# Plurals that are words of their own, and irregular ones.
_KEEP = frozenset({"news", "glasses", "series", "species", "physics", "athletics", "gymnastics",
                   "bus", "plus", "lens", "mars", "vans", "yes", "always", "dunks"})  # fmt: skip
_IRREGULAR = {
    "mice": "mouse", "geese": "goose", "children": "child", "women": "woman", "men": "man",
    "teeth": "tooth", "feet": "foot", "people": "people", "knives": "knife", "wolves": "wolf",
    "leaves": "leaf", "loaves": "loaf", "shelves": "shelf", "calves": "calf", "ran": "run",
    "made": "make", "ate": "eat", "drew": "draw", "grew": "grow", "flew": "fly", "took": "take",
    "caught": "catch", "bought": "buy", "brought": "bring", "thrown": "throw", "threw": "throw",
}  # fmt: skip


def tokens(text: str) -> list[str]:
    """Lower-case words and single emoji in reading order; "cat's" → "cat", "plant-based" →
    "plant", "based"."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    found: list[tuple[int, str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        found.append((match.start(), word[:-2] if word.endswith("'s") else word))
    for match in EMOJI.finditer(text):
        found += [(match.start() + i, ch) for i, ch in enumerate(match.group()) if _pictograph(ch)]
    return [word for _, word in sorted(found)]


def _pictograph(ch: str) -> bool:
    return ch not in "\ufe0f\u200d\u20e3" and not 0x1F3FB <= ord(ch) <= 0x1F3FF  # skin tones


def base_forms(word: str) -> list[str]:
    """Forms `word` may be an inflection of, most likely first (not including `word`)."""
    if word in _IRREGULAR:
        return [_IRREGULAR[word]]
    if word in _KEEP or len(word) < 4 or not word.isalpha():
        return []
    forms: list[str] = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("ves"):
        forms += [word[:-3] + "f", word[:-3] + "fe"]
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.append(word[:-1])
    for ending, replacements in (("ing", ("", "e")), ("ied", ("y",)), ("ed", ("", "e"))):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            forms += [stem + r for r in replacements]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # napping → nap
                forms.append(stem[:-1])
    return forms


class Lemmatizer:
    """Maps a token to the vocabulary's form of it, or leaves it as it is."""

    def __init__(self, known: frozenset[str], reductions: dict[str, str]) -> None:
        self.known = known  # every word of the vocabulary's phrases, in its own form
        self.reductions = reductions  # the vocabulary's inflected words → their base form

    @classmethod
    def build(cls, words: Iterable[str]) -> Lemmatizer:
        """From the vocabulary's words: an inflected one maps to its base form when the
        vocabulary has both ("ceramics" → "ceramic")."""
        known = frozenset(words)
        reductions = {}
        for word in known:
            # Never to a little word of another meaning ("andes" is not "and").
            forms = (form for form in base_forms(word) if form in known and form not in STOPWORDS)
            base = next(forms, word)
            if base != word:
                reductions[word] = base
        return cls(known | frozenset(reductions.values()), reductions)

    def __call__(self, word: str) -> str:
        if word not in self.known:
            word = next((form for form in base_forms(word) if form in self.known), word)
        return self.reductions.get(word, word)

    def phrase(self, text: str) -> tuple[str, ...]:
        return tuple(self(token) for token in tokens(text))
