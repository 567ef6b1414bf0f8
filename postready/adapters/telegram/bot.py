"""The Telegram bot: python-telegram-bot's Application on the worker pool's event loop.

Every message goes to one handler (a caption command is no `CommandHandler` match, and the
bot's own grammar parses commands for every chat alike); albums are collected by their media
group id with a short debounce, since Telegram delivers each photo as its own update.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, BotCommand, Message, Update
from telegram.constants import ChatType
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from postready.adapters.http.server import Route
from postready.adapters.telegram.render import TOO_BIG, TelegramOutput
from postready.chat.conversation import ChatService
from postready.chat.delivery import Delivery, delivery_only
from postready.chat.inbox import album_message
from postready.chat.messages import ChatLimits, ChatSetup, Incoming, Photo
from postready.chat.texts import SOMETHING_WENT_WRONG, command_menu, error_line
from postready.core.access import AccessRules
from postready.core.config.settings import TELEGRAM_API, Settings
from postready.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, speaking, supported
from postready.core.queue.api import JobQueue
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import InboxEntry
from postready.pipeline.errors import ErrorCode, PostReadyError

log = logging.getLogger(__name__)
PLATFORM = "telegram"
# The cloud Bot API lets bots download files up to 20 MB (a local Bot API server has no limit).
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
ALBUM_DEBOUNCE = 1.0  # seconds to wait for the rest of an album
RATE_LIMIT_RETRIES = 3
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def telegram_frontend(settings: Settings) -> TelegramFrontend:
    """The bot for `settings`; INVALID_OPTION when no token is configured."""
    if settings.telegram.bot_token is None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and set its token"),
        )
    return TelegramFrontend(settings)


class TelegramFrontend:
    """A `jobs.Frontend`: receives updates by long polling (or a webhook) and renders replies.
    `receive=False`: it only delivers jobs' updates (a worker process's, while the bot's own
    process receives the chat)."""

    platform = PLATFORM

    def __init__(self, settings: Settings, *, receive: bool = True) -> None:
        assert settings.telegram.bot_token is not None
        self._receive = receive
        base = settings.telegram.api_base_url.rstrip("/")
        timeout = settings.telegram.timeout
        self._settings = settings
        self._webhook = settings.telegram.webhook_url
        # Telegram sends it with every webhook update: requests from anyone else are refused.
        self._secret = secrets.token_urlsafe(32)
        builder = (
            Application.builder()
            .token(settings.telegram.bot_token.get_secret_value())
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
            .connect_timeout(timeout)
            .read_timeout(timeout)
            .write_timeout(timeout)
            .media_write_timeout(timeout)
            .concurrent_updates(True)
        )
        if self._webhook or not receive:
            # Updates come to the process's own HTTP server (`http_routes`), not PTB's.
            builder = builder.updater(None)
        self._app = builder.build()
        self._cloud = base == TELEGRAM_API
        self._service: ChatService | None = None
        self._delivery: Delivery | None = None
        # An album's parts so far: the message, as the conversation reads it, its update's key,
        # and its inbox entry once kept.
        self._albums: dict[str, list[tuple[Message, Incoming, str, InboxEntry | None]]] = {}

    async def start(self, storage: Storage, queue: JobQueue) -> None:
        """Connect (getMe), register the commands menu, and start receiving updates."""
        try:
            await self._app.initialize()
        except InvalidToken:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION, N_("TELEGRAM_BOT_TOKEN was refused by Telegram")
            ) from None
        bot = self._app.bot
        limits = ChatLimits(
            CLOUD_DOWNLOAD_LIMIT if self._cloud else None,
            TOO_BIG,
        )
        setup = ChatSetup(
            PLATFORM,
            storage,
            queue,
            TelegramOutput(bot),
            self._settings.storage.data_dir,
            self._settings.queue.reply_retry_seconds,
            limits,
            bot.username,
            AccessRules.from_settings(self._settings.access),
        )
        if not self._receive:
            self._delivery = delivery_only(setup)
            log.info("telegram_delivering bot=%s", bot.username)
            return
        self._service = ChatService(setup)
        self._app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        self._app.add_handler(CallbackQueryHandler(self._on_button))
        self._app.add_error_handler(self._on_error)
        await _set_command_menus(bot)
        await self._service.start()
        await self._app.start()
        if self._webhook:
            await bot.set_webhook(
                self._webhook, allowed_updates=Update.ALL_TYPES, secret_token=self._secret
            )
        else:
            assert self._app.updater is not None
            await self._app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("telegram_started bot=%s", bot.username)

    async def stop(self) -> None:
        if self._service is not None:
            await self._service.stop()
        if self._app.updater is not None and self._app.updater.running:
            await self._app.updater.stop()
        if self._app.running:
            await self._app.stop()
        await self._app.shutdown()
        log.info("telegram_stopped")

    async def problem(self) -> str | None:
        if not self._receive:
            return None
        updater = self._app.updater
        polling = updater is not None and updater.running
        if not self._app.running or not (self._webhook or polling):
            return "not receiving Telegram's updates"
        return None

    def http_routes(self) -> list[Route]:
        """In webhook mode, where Telegram posts its updates: the webhook URL's path."""
        if not self._webhook or not self._receive:
            return []
        return [("POST", urlsplit(self._webhook).path or "/", self._on_webhook)]

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """An update Telegram posted: queued for the handlers, as PTB's own webhook does."""
        if request.headers.get(SECRET_HEADER) != self._secret:
            return web.Response(status=403)  # not from Telegram
        try:
            update = Update.de_json(await request.json(), self._app.bot)
        except ValueError:
            return web.Response(status=400)
        await self._app.update_queue.put(update)
        return web.Response()

    async def on_job_update(self, update: JobUpdate) -> None:
        if self._service is not None:
            await self._service.on_job_update(update)
        elif self._delivery is not None:
            await self._delivery.on_job_update(update)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        service = self._service
        if message is None or message.from_user is None or service is None:
            return
        incoming, key = _incoming(message), str(update.update_id)
        group = message.media_group_id
        if group is None:
            if not await service.addressed(incoming):
                return  # group chatter: nothing about it is stored
            # Into the inbox before anything else: a crash from here on loses nothing.
            entry = await service.receive(key, incoming)
            if entry is not None:  # else delivered again: handled (or being handled) already
                await service.on_message(incoming, [entry])
            return
        # An album: its photos arrive one by one; the first schedules them all. In a private
        # chat each is kept at once; in a group only the whole album shows whether it is ours
        # (its command is the caption of one photo).
        entry = None
        if not incoming.group:
            entry = await service.receive(key, incoming)
            if entry is None:
                return
        waiting = self._albums.setdefault(group, [])
        waiting.append((message, incoming, key, entry))
        if len(waiting) != 1:
            return
        await asyncio.sleep(ALBUM_DEBOUNCE)
        parts = sorted(self._albums.pop(group), key=lambda part: part[0].message_id)
        album = album_message([part[1] for part in parts])
        if album.group:
            if not await service.addressed(album):
                return
            kept = [await service.receive(part[2], part[1]) for part in parts]
        else:
            kept = [part[3] for part in parts]
        entries = [entry for entry in kept if entry is not None]
        if entries:
            await service.on_message(album, entries)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None or self._service is None:
            return
        alert = await self._service.on_action(
            str(query.from_user.id),
            str(query.message.chat.id),
            str(query.message.message_id),
            query.data or "",
            update_key=str(update.update_id),
        )
        await query.answer(alert, show_alert=alert is not None)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram_update_failed", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        with speaking(supported(user.language_code if user else None)):
            line = error_line(ErrorCode.PROCESSING_FAILED, SOMETHING_WENT_WRONG)
        try:
            if update.callback_query is not None:  # stop the button's spinner
                await update.callback_query.answer(line, show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, line)
        except TelegramError:
            log.exception("telegram_error_reply_failed")


def _incoming(message: Message) -> Incoming:
    """One conversation message from a Telegram message (an album's photo is one part)."""
    reply = message.reply_to_message
    return Incoming(
        # Only channel posts have no sender, and the bot handles none.
        user_id=str(message.from_user.id),  # type: ignore[union-attr]
        chat_id=str(message.chat.id),
        text=message.text or message.caption or "",
        photos=tuple(p for p in [_photo(message)] if p is not None),
        reply_photos=tuple(p for p in [_photo(reply)] if p is not None) if reply else (),
        group=message.chat.type != ChatType.PRIVATE,
        album=message.media_group_id,
        language=message.from_user.language_code,  # type: ignore[union-attr]
    )


def _photo(message: Message) -> Photo | None:
    """The message's image: the largest size of a compressed photo, or a document."""
    if message.photo:
        largest = message.photo[-1]
        return Photo(largest.file_id, largest.file_id, largest.file_size)
    document = message.document
    if document is not None:
        return Photo(document.file_id, document.file_name or document.file_id, document.file_size)
    return None


async def _set_command_menus(bot: Bot) -> None:
    """The commands menu in English for everyone, and in each language PostReady speaks for
    the users whose Telegram app is in it (Telegram takes a two-letter language code)."""
    await bot.set_my_commands([BotCommand(name, about) for name, about in command_menu()])
    for language in LANGUAGES:
        if language != DEFAULT_LANGUAGE:
            with speaking(language):
                menu = [BotCommand(name, about) for name, about in command_menu()]
            await bot.set_my_commands(menu, language_code=language.partition("_")[0])
