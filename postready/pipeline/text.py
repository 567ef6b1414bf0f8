"""Small pure text helpers shared by hashtags and captions: keywords, tags, length, shortening."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from postready.pipeline.platforms import LengthUnit, platform_names

# Words that carry no topic: articles, pronouns, fillers a user types around the subject.
# fmt: off
STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "of", "for", "to", "in", "on", "at", "by", "with",
    "from", "into", "over", "under", "my", "our", "your", "their", "his", "her", "its", "this",
    "that", "these", "those", "is", "are", "was", "were", "be", "been", "being", "it", "i", "we",
    "you", "they", "me", "us", "them", "just", "very", "really", "so", "some", "any", "new",
    "about", "as", "up", "out", "off", "via", "vs", "per", "here", "there", "now", "then",
    "post", "photo", "picture", "pic", "image", "optimize", "optimise", "please",
))
# fmt: on
# Pictographs, dingbats, flags, variation selectors and joiners: what "emoji" means here.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U00002b00-\U00002bff"
    "\ufe0f\u200d\u20e3]+"
)
_COMMAND = re.compile(r"^\s*/\w+(@\w+)?\s*")
# Combining marks are part of a word but not `\w` in `re`: Devanagari's vowel signs and virama
# ("खाना" would be "ख", "न"), Arabic and Hebrew points, Thai, accents written apart. The Indic
# blocks without their danda ("।", "॥"), which ends a sentence.
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f"
)
WORD_CHAR = rf"[\w{MARKS}]"  # a character of a word (or a hashtag), marks included
_WORD = re.compile(rf"[^\W_][\w{MARKS}'’-]*")
_TAG_CHARS = re.compile(rf"[^\w{MARKS}]")
_MAX_TAG_LENGTH = 30


def subject_phrase(description: str) -> str:
    """The user's words about the photo, without a leading /command or platform names:
    "/optimize instagram handmade ceramic mug" → "handmade ceramic mug"."""
    text = _COMMAND.sub("", description.strip())
    names = set(platform_names()) | {"all"}
    words = text.split()
    while words and words[0].lower().strip(",") in names:
        words.pop(0)
    return " ".join(words).strip(" ,.;:-")


def keywords(text: str) -> tuple[str, ...]:
    """Topic words in order of first use, lower-case, without stopwords or duplicates."""
    found: dict[str, None] = {}
    for match in _WORD.finditer(text.lower()):
        word = match.group().strip("'’-")
        if len(word) > 1 and word not in STOPWORDS and not word.isdigit():
            found.setdefault(word, None)
    return tuple(found)


def clean_tag(text: str) -> str:
    """A hashtag body with valid characters only (letters, digits, underscore), lower-case;
    "" when nothing usable is left (empty, digits only, or too long to be a real tag)."""
    normalised = unicodedata.normalize("NFKC", text).strip().lstrip("#").lower()
    tag = _TAG_CHARS.sub("", normalised.replace("&", "and"))
    if not tag or tag.isdigit() or len(tag) > _MAX_TAG_LENGTH:
        return ""
    return tag


def measure(text: str, unit: LengthUnit = "characters") -> int:
    """Caption length the way the platform counts it."""
    if unit == "utf16":
        return len(text.encode("utf-16-le")) // 2
    if unit == "x_weighted":
        return sum(1 if _x_light(ord(ch)) else 2 for ch in text)
    if unit == "graphemes":
        return sum(1 for ch in text if not _joins_previous(ch))
    return len(text)


def _joins_previous(ch: str) -> bool:
    """Part of the character before it as a reader sees it: a combining mark (Devanagari
    vowel signs and virama, accents), a joiner, a variation selector or a skin tone. Counting
    the rest never counts fewer than the user-perceived characters (a conjunct or a ZWJ emoji
    family counts more than one), so a text within the limit this way is within it."""
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch in _JOINING
        or ("\U0001f3fb" <= ch <= "\U0001f3ff")
    )


_JOINING = frozenset("\u200d\ufe0e\ufe0f")


def _x_light(code: int) -> bool:
    # twitter-text's v3 config: these ranges weigh 1, everything else (CJK, emoji, ...) 2.
    return (
        code <= 0x10FF
        or 0x2000 <= code <= 0x200D
        or 0x2010 <= code <= 0x201F
        or (0x2032 <= code <= 0x2037)
    )


def shorten(text: str, limit: int, unit: LengthUnit = "characters") -> str:
    """`text` cut at a word boundary with an ellipsis so that it measures at most `limit`."""
    if measure(text, unit) <= limit:
        return text
    ellipsis = "…"
    budget = limit - measure(ellipsis, unit)
    cut = ""
    for match in re.finditer(r"\S+", text):
        candidate = text[: match.end()]
        if measure(candidate, unit) > budget:
            break
        cut = candidate
    if not cut:  # a single word longer than the limit
        cut = text
        while cut and measure(cut, unit) > budget:
            cut = cut[:-1]
    return cut.rstrip(" ,;:-") + ellipsis


def format_hashtags(tags: Iterable[str]) -> str:
    """The string form results.json keeps: "#a #b"."""
    return " ".join(f"#{tag}" for tag in tags)
