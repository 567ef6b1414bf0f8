"""The Discord adapter, on discord.py 2.x."""

from postready.adapters.discord.bot import DiscordFrontend, discord_frontend

__all__ = ["DiscordFrontend", "discord_frontend"]
