"""The Telegram adapter, on python-telegram-bot v22."""

from postready.adapters.telegram.bot import TelegramFrontend, telegram_frontend

__all__ = ["TelegramFrontend", "telegram_frontend"]
