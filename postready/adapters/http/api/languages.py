"""The language of the API's answers: the first of a request's `Accept-Language` (by quality)
that PostReady speaks, English when it names none (RFC 9110, section 12.5.4)."""

from __future__ import annotations

from postready.core.i18n import DEFAULT_LANGUAGE, language_named


def accepted_language(header: str | None) -> str:
    """The language to answer in for an `Accept-Language` header: "de-CH, fr;q=0.9" → "de",
    "pt-BR" → "pt_BR"; a range with q=0 is refused, "*" and languages PostReady does not
    speak are passed over, and English is the default."""
    ranges: list[tuple[float, int, str]] = []
    for order, item in enumerate((header or "").split(",")):
        name, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name and quality > 0:
            ranges.append((-quality, order, name))
    for _, _, name in sorted(ranges):
        language = language_named(name) if name != "*" else None
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def tag(language: str) -> str:
    """A language code as a language tag (`Content-Language`): "pt_BR" → "pt-BR"."""
    return language.replace("_", "-")
