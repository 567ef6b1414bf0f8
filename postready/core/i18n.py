"""The interface language: the languages the chat speaks, a chat's locale mapped to one of
them, and the text of the current reply in it (gettext catalogs in postready/locale, managed
with Babel by scripts/catalogs.sh).

The conversation sets the language for the user it answers (`speaking`); texts look their
words up with `_` and `ngettext` then. A module-level text is marked with `N_` and looked up
where it is used."""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postready.pipeline.marking import N_ as N_  # marks texts; re-exported for the chats
from postready.pipeline.marking import Marked, Plural

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "postready"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
DEFAULT_LANGUAGE = "en"
# Code → the language's own name (how the Language menu shows it). A language is listed only
# when its catalog is complete (tests/test_catalogs.py).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "pt_BR": "Português (Brasil)",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
    "id": "Bahasa Indonesia",
    "hi": "हिन्दी",
}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def supported(locale: str | None) -> str:
    """A chat's locale ("es", "es-419", "de_AT", Discord's "pt-BR", Telegram's "pt-br") as a
    supported language (a language we speak in one country stands for the others: "pt" is
    pt_BR); English for a language PostReady does not speak."""
    return language_named(locale or "") or DEFAULT_LANGUAGE


def language_named(name: str) -> str | None:
    """The supported language a locale or code names, in any case and with - or _ ("pt-br",
    "DE"); None for one PostReady does not speak."""
    tag = name.replace("-", "_").lower()
    exact = {code.lower(): code for code in LANGUAGES}.get(tag)
    bases = {code.partition("_")[0].lower(): code for code in reversed(LANGUAGES)}
    return exact or bases.get(tag.partition("_")[0])


# Where gettext programs find the user's locale, first set first ("de_DE.UTF-8").
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def environment_language(environ: Mapping[str, str]) -> str:
    """The language a program run in `environ` speaks, chosen as GNU gettext chooses: the
    locale (the first of `LOCALE_VARIABLES` set) unless LANGUAGE lists languages in order of
    preference ("fr:de"), the first PostReady speaks; LANGUAGE counts only when a locale other
    than "C" or "POSIX" is set. English for "C", "POSIX", nothing set, or none spoken."""
    locale = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "C")
    if _base(locale) in ("C", "POSIX"):
        return DEFAULT_LANGUAGE
    wanted = environ["LANGUAGE"].split(":") if environ.get("LANGUAGE") else [locale]
    found = (language_named(_base(name)) for name in wanted if _base(name))
    return next((language for language in found if language), DEFAULT_LANGUAGE)


def _base(locale: str) -> str:
    """A locale's language and country, without its encoding and modifier: "de_DE"."""
    return locale.partition(".")[0].partition("@")[0]


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Texts looked up inside are in `language`."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def catalog(language: str) -> gettext.NullTranslations:
    """`language`'s texts; English's are the texts themselves (no file is looked for)."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def translated(message: str) -> str | None:
    """`message` in the current language; None when its catalog lacks it (English has every
    text)."""
    language = _current.get()
    if language == DEFAULT_LANGUAGE:
        return message
    text = catalog(language).gettext(message)
    return None if text == message else text


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, n)


def language() -> str:
    """The language texts are looked up in now."""
    return _current.get()


# Babel is imported by the functions that write dates and times, not with this module: the
# command line looks its texts up here, and an English run must not wait for Babel's import.
@functools.cache
def _locale(language: str) -> Locale:
    from babel import Locale

    return Locale.parse(language)


def day(moment: datetime) -> str:
    """The weekday and date in the current language: "Tue, Nov 24", "Di., 24. Nov."."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMEd", moment, locale=_locale(_current.get()))


def clock(moment: datetime) -> str:
    """The time of day as the current language writes it: "9:00 AM", "09:00"."""
    from babel.dates import format_time

    return format_time(moment, "short", locale=_locale(_current.get()))


def day_and_time(moment: datetime) -> str:
    """A moment as a short date and time in the current language: "11/24/26, 9:00 AM"."""
    from babel.dates import format_datetime

    return format_datetime(moment, "short", locale=_locale(_current.get()))


def hours(start: datetime, end: datetime) -> str:
    """From `start` to `end` in the current language, 12 or 24 hours as it counts them:
    "9:00 AM – 1:00 PM", "09:00–13:00 Uhr"."""
    from babel.dates import format_interval

    locale = _locale(_current.get())
    skeleton = "Hm" if "H" in str(locale.time_formats["short"]) else "hm"
    return format_interval(start, end, skeleton, locale=locale)


@dataclass(frozen=True, slots=True)
class _Shown:
    """A value already written in the language: any format spec of the template is ignored."""

    text: str

    def __format__(self, spec: str) -> str:
        return self.text


def fill(template: str, fields: Mapping[str, object]) -> str:
    """`template` (a marked text) in the current language with `fields` filled in: times of
    day as the language writes them, marked texts (`Marked`) and counts (`Plural`) in the
    language, anything else (a name the user typed) as it is. A template without fields is
    not formatted: its braces are its own."""
    if not fields:
        return _(template)
    return _(template).format(**{name: _shown(value) for name, value in fields.items()})


def _shown(value: object) -> object:
    if isinstance(value, datetime):
        return _Shown(clock(value))
    if isinstance(value, Marked):
        return _Shown(fill(value.template, value.fields))
    if isinstance(value, Plural):
        return _Shown(ngettext(value.singular, value.plural, value.count).format(count=value.count))
    return value
