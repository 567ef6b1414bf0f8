"""The words local posts are written with, one table per language (a module here each, named
by its code): hooks, details and calls to action by subject kind and platform and by a brand
kit's tone, the wishes for holidays, the names of colours and moods, and the sentences of alt
text. Captions and alt text take the user's language's table; the user's own words are filled
in as written.

Templates fill in `{phrase}`/`{Phrase}` (the user's short words naming the subject),
`{colour}`/`{Colour}`/`{colour2}` and `{mood}` (named in the table's language), and, in
English only, `{thing}`/`{Thing}` (what the vocabulary calls the subject, an English word):
the other languages' templates are shaped so that no word of theirs must agree with
anything filled in ("Hoy: {phrase}.", "Colores: {colour} y {colour2}.")."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

ENGLISH = "en"
# Which hashtags a post in another language gets: the language's own (where the vocabulary
# has them for the niche; English otherwise), English ones, or both mixed (the default: many
# creators reach both audiences).
HashtagLanguage = Literal["mine", "english", "both"]
HASHTAG_LANGUAGES: tuple[HashtagLanguage, ...] = ("mine", "english", "both")
DEFAULT_HASHTAG_LANGUAGE: HashtagLanguage = "both"
# Code → the language's own name. Every code has a module here (pt_BR.py for "pt_BR").
POST_LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
    "id": "Bahasa Indonesia",
    "hi": "हिन्दी",
}

# What AI models are told the language is called.
NAMES_IN_ENGLISH: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "pt_BR": "Brazilian Portuguese",
    "de": "German",
    "fr": "French",
    "it": "Italian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "id": "Indonesian",
    "hi": "Hindi (Devanagari script)",
}

# The titles of a caption file's sections in English, as the seed wrote them.
SEED_FILE_SECTIONS = (
    "READY TO POST CONTENT",
    "FIRST COMMENT (hashtags)",
    "POSTING INFO",
    "BEST POSTING TIMES",
    "SUGGESTED ACCOUNTS TO TAG",
    "ALT TEXT",
)


@dataclass(frozen=True, slots=True)
class AltWording:
    """The sentences of alt text, most important first."""

    photo: str  # "Photo: {what}." — the user's words that say what it is
    described_as: str  # "Photo described as: {text}" — their longer words, kept whole
    product: str  # a product shot: "Product photo: one object on a plain {colour} background."
    portrait: str
    group: str
    plain: str  # nothing known: "Photo."
    one_face: str
    faces: str  # "{n} people's faces are visible." (shaped to need no plural forms)
    colours: str  # "Mostly {colours}; {mood} light."


@dataclass(frozen=True, slots=True)
class ToneWording:
    """A brand kit's tone in one language: its hooks and calls to action (how long, how many
    emoji: the brand's table of tones)."""

    hooks: tuple[str, ...]  # about the user's words: {phrase} / {Phrase}
    # About the thing in the photo when the user's words do not name it: {thing} / {Thing}
    # in English; the other languages' name nothing, as their kind hooks.
    thing_hooks: tuple[str, ...]
    ctas: Mapping[str, tuple[str, ...]]  # by kind of account ("shop", "creator"), first used


@dataclass(frozen=True, slots=True)
class PostWording:
    """One language's words for local captions and alt text, and the titles of the caption
    file's sections."""

    code: str
    own_hooks: Mapping[str, tuple[str, ...]]  # by the platform's tone: the user's words as a unit
    kind_hooks: Mapping[str, tuple[str, ...]]  # by the subject's kind
    general_hooks: tuple[str, ...]  # a subject of a kind without hooks of its own
    neutral_hooks: tuple[str, ...]  # nothing nameable: the look of the photo only
    details: tuple[str, ...]
    product_details: tuple[str, ...]
    people_details: tuple[str, ...]
    # A named holiday (the vocabulary's name for it) → the wish; "" for any other.
    wishes: Mapping[str, str]
    ctas: Mapping[str, tuple[str, ...]]  # by platform: every platform has its own
    # By what the photo is, where the general ones would read wrong ("Would you try it?" under
    # a pet) or miss the point (a shop); by platform, "" for the others.
    kind_ctas: Mapping[str, Mapping[str, tuple[str, ...]]]
    # The words of the sample photo a brand kit's preview is written for before the user's
    # first photo.
    sample_words: str
    # A brand kit's kind of account ("shop", "creator") → its call to action, first one used.
    account_ctas: Mapping[str, tuple[str, ...]]
    # A brand kit's tone → its words (every tone of the kit's table has them).
    tones: Mapping[str, ToneWording]
    # The English names the analysis gives (colours, mood words, "and", the kinds of photo
    # without a subject) in this language; empty for English.
    names: Mapping[str, str]
    alt: AltWording
    # The titles of a caption file's six sections (`SEED_FILE_SECTIONS` in English).
    file_sections: tuple[str, str, str, str, str, str]

    def name(self, english: str) -> str:
        """An English colour, mood word or photo kind in this language (as is in English)."""
        return self.names.get(english, english)

    def mood(self, mood: str) -> str:
        """The analysis's first mood phrase ("bright and warm") in this language."""
        if mood in self.names or self.code == ENGLISH:
            return self.name(mood)
        return f" {self.name('and')} ".join(self.name(word) for word in mood.split(" and "))

    def wish(self, occasion: str) -> str:
        return self.wishes.get(occasion, self.wishes[""]).format(occasion=occasion)


def post_language(code: str | None) -> str:
    """A language code ("es", "pt-BR", "pt", "de_AT") as one posts are written in; English for
    one there is no table for."""
    tag = (code or ENGLISH).replace("-", "_")
    exact = {known.lower(): known for known in POST_LANGUAGES}
    base = tag.partition("_")[0].lower()
    by_base = {known.partition("_")[0].lower(): known for known in POST_LANGUAGES}
    return exact.get(tag.lower()) or by_base.get(base) or ENGLISH


def foreign_language_name(code: str | None) -> str:
    """What a prompt calls the posts' language when it is not English ("" when it is)."""
    language = post_language(code)
    return "" if language == ENGLISH else NAMES_IN_ENGLISH[language]


def language_instruction(code: str | None, mix: HashtagLanguage | None = None) -> str:
    """What an AI model is told about the posts' language (and, with `mix`, the hashtags')
    in the one call that writes them; "" for English."""
    name = foreign_language_name(code)
    if not name:
        return ""
    language = post_language(code)
    said = (
        f"Write every caption and the alt text in {name} (language code {language}), "
        "naturally, as a native speaker would; keep the user's own words (names, quotes, "
        "brands) as they wrote them; write 'summary' and 'subjects' in English. "
    )
    tags = {
        "mine": f"Hashtags: ones people posting in {name} use.",
        "english": "Hashtags: English ones.",
        "both": f"Hashtags: mix ones people posting in {name} use with English ones.",
    }
    return said + (tags[mix] + " " if mix else "")


@functools.cache
def wording(code: str | None) -> PostWording:
    """The table of `code`'s language (English for one there is none for)."""
    language = post_language(code)
    table: PostWording = importlib.import_module(f"{__name__}.{language}").WORDING
    return table
