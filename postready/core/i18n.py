"""The interface language: the languages the chat speaks, a chat's locale mapped to one of
them, and the text of the current reply in it (gettext catalogs in postready/locale, managed
with Babel by scripts/catalogs.sh).

The conversation sets the language for the user it answers (`speaking`); texts look their
words up with `_` and `ngettext` then. A module-level text is marked with `N_` and looked up
where it is used."""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "postready"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
DEFAULT_LANGUAGE = "en"
# Code → the language's own name (how the Language menu shows it). A language is listed only
# when its catalog is complete (tests/core/test_i18n.py).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def supported(locale: str | None) -> str:
    """A chat's locale ("es", "es-419", "de_AT", Discord's "pt-BR") as a supported language;
    English for a language PostReady does not speak."""
    if not locale:
        return DEFAULT_LANGUAGE
    tag = locale.replace("-", "_")
    exact = {code.lower(): code for code in LANGUAGES}.get(tag.lower())
    base = tag.partition("_")[0].lower()
    return exact or (base if base in LANGUAGES else DEFAULT_LANGUAGE)


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
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogs; it is translated where it is used, with `_`."""
    return message
