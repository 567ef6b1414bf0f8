"""The `postready` console script: the command line with every chat adapter plugged in.

The entry point sits above the layers so that `bot/` (which runs `postready bot`) never
imports an adapter; it is handed them here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from postready.cli.main import main as cli_main

if TYPE_CHECKING:
    from postready.core.config.settings import Settings
    from postready.serve import Frontend


def _telegram(settings: Settings) -> Frontend:
    # Imported only when `postready bot` runs, so the other commands stay light.
    from postready.adapters.telegram import telegram_frontend

    return telegram_frontend(settings)


def _discord(settings: Settings) -> Frontend:
    from postready.adapters.discord import discord_frontend

    return discord_frontend(settings)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, chats={"telegram": _telegram, "discord": _discord})
