"""Discord's application commands in the user's language: the commands' descriptions and
their options' descriptions, from the interface catalogs. The names stay as typed
(`/optimize`, the "Optimize for social" menu) in every language."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation, TranslationContextTypes, locale_str

from postready.core.i18n import DEFAULT_LANGUAGE, speaking, supported, translated

# Typed names: the same in every language, so that help texts and habits carry over.
_NAMES = (TranslationContextLocation.command_name, TranslationContextLocation.parameter_name)


class CatalogTranslator(app_commands.Translator):
    """A description in the language of a Discord locale PostReady speaks; None (Discord
    shows the English) for the others and for names."""

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: TranslationContextTypes
    ) -> str | None:
        language = supported(locale.value)
        if context.location in _NAMES or language == DEFAULT_LANGUAGE:
            return None
        with speaking(language):
            return translated(string.message)
