"""The interface text catalogs: every language shipped has every marked text translated (none
fuzzy, the same {fields}), its compiled .mo matches its .po, and chat locales map to them."""

from __future__ import annotations

import gettext
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from postready.core.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR, supported

PACKAGE = Path(__file__).parents[1] / "postready"
SHIPPED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def marked() -> set[str | tuple[str, ...]]:
    """Every text the code marks (`_`, `N_`, `ngettext`, `Plural`), as scripts/catalogs.sh
    has pybabel extract it."""
    keywords = {**DEFAULT_KEYWORDS, "Plural": (1, 2)}
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords)
    return {message[2] for message in found}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_text_is_translated_and_compiled(language: str) -> None:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    for text in marked():
        message = catalog.get(text)
        assert message is not None, f"{language}: missing {text!r}"
        assert not message.fuzzy, f"{language}: fuzzy {text!r}"
        ids = text if isinstance(text, tuple) else (text,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == catalog.num_plurals or not isinstance(text, tuple)
        for translated in strings:
            assert translated, f"{language}: untranslated {text!r}"
            assert fields(translated) == fields(ids[-1]), f"{language}: fields of {text!r}"
        if isinstance(text, tuple):
            assert compiled.ngettext(*text, 5) in strings, f"{language}: .mo stale for {text!r}"
        else:
            assert compiled.gettext(text) == strings[0], f"{language}: .mo stale for {text!r}"


def test_chat_locales_map_to_a_language_or_english() -> None:
    assert supported("es") == supported("es-419") == supported("es_ES") == "es"
    assert supported("de-AT") == "de"
    assert supported("pt-BR") == supported("pt-br") == supported("pt") == supported("pt_PT")
    assert supported("pt") == "pt_BR" and supported("uk") == "uk" and supported("hi-IN") == "hi"
    assert supported("xx") == supported("") == supported(None) == "en"


def test_an_error_line_is_translated_with_its_fields_and_times_in_the_language() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from postready.chat.commands import CommandError, parse_command
    from postready.chat.texts import error_line, error_text
    from postready.core.errors import QuotaExceeded
    from postready.core.i18n import speaking
    from postready.core.quotas import usage_allowance
    from postready.pipeline.marking import photo_count

    refused = parse_command("/optimize instgram mug")
    assert isinstance(refused, CommandError)
    resets = datetime(2026, 12, 3, tzinfo=ZoneInfo("Europe/Madrid"))
    now = datetime(2026, 12, 2, 21, 30, tzinfo=resets.tzinfo)
    quota = QuotaExceeded(photo_count(5), resets, now)
    with speaking("es"):
        line = error_line(refused.code, refused.template, refused.fields)
        assert line == (
            "⚠️ plataforma desconocida 'instgram': ¿querías decir 'instagram'? (UNKNOWN_PLATFORM)"
        )
        assert error_text(quota) == (
            "⚠️ has agotado el límite de hoy (5 fotos); habrá más a partir de las 0:00 "
            "Europe/Madrid, dentro de 2 h 30 min (QUOTA_EXCEEDED)"
        )
    with speaking("ru"):  # a count takes the language's plural form
        assert error_text(QuotaExceeded(photo_count(1), resets, now)).startswith(
            "⚠️ дневной лимит исчерпан: 1 фото; "
        )
        calls = error_text(QuotaExceeded(usage_allowance("ai_call", 3), resets, now))
        assert calls.startswith("⚠️ дневной лимит исчерпан: 3 вызова ИИ; ")
    with speaking("en"):
        assert "more from 12:00\u202fAM Europe/Madrid" in error_text(quota)


def test_every_catalog_on_disk_is_a_listed_language() -> None:
    on_disk = {path.name for path in LOCALE_DIR.iterdir() if path.is_dir()}
    assert on_disk == set(SHIPPED)


def test_style_colour_and_image_variant_names_are_in_the_language() -> None:
    from postready.chat.texts import platforms_text, styles_text, variant_word
    from postready.core.i18n import speaking

    with speaking("de"):
        styles = styles_text()
        assert "• Schwebend" in styles and "Salbeigrün" in styles
        assert "Hochformat 1080×1350" in platforms_text()
    with speaking("es"):
        assert variant_word("portrait") == "vertical"
        assert variant_word("spotlight_story") == "spotlight story"  # not named yet: as it is


def test_every_logo_position_has_its_words() -> None:
    from postready.chat.texts import POSITION_WORDS, shown_position
    from postready.core.i18n import speaking
    from postready.pipeline.logo import LOGO_POSITIONS

    assert set(POSITION_WORDS) == set(LOGO_POSITIONS)
    with speaking("es"):
        assert shown_position("top-left") == "arriba a la izquierda"


def test_the_pipelines_parse_errors_are_translated_with_their_fields() -> None:
    from postready.core.i18n import fill, speaking
    from postready.pipeline.errors import PostReadyError
    from postready.pipeline.logo import LogoOptions
    from postready.pipeline.photography import resolve_colour, resolve_styles
    from postready.pipeline.platforms import PLATFORMS
    from postready.pipeline.timing import zone

    def said(parse: Callable[[], object]) -> str:
        with pytest.raises(PostReadyError) as refused:
            parse()
        with speaking("fr"):
            return fill(refused.value.template, refused.value.fields)

    assert said(lambda: zone("Mars/Olympus")) == (
        "fuseau horaire inconnu 'Mars/Olympus' ; utilise un nom IANA comme Europe/London ou UTC"
    )
    assert said(lambda: PLATFORMS["x"].variant("story")).startswith(
        "X n’a pas de format 'story' ; choisis parmi : "
    )
    assert said(lambda: resolve_styles(["sepia"])).startswith(
        "style inconnu 'sepia' ; choisis parmi : "
    )
    assert said(lambda: resolve_colour("sage gren")).startswith(
        "couleur de fond inconnue 'sage gren' — voulais-tu dire 'Sage Green' ? Choisis parmi : "
    )
    assert said(lambda: LogoOptions(scale=2)) == (
        "l’échelle du logo doit être supérieure à 0 et d’au plus 1, pas 2"
    )
