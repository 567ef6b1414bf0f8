"""The bot's replies as Bot API calls, within Telegram's limits; Telegram's errors as the
conversation knows them (worth another try, or final)."""

from __future__ import annotations

import asyncio
import html
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
)
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from postready.chat.messages import Photo
from postready.chat.replies import (
    Album,
    Choice,
    Copyable,
    Files,
    MediaItem,
    Option,
    Progress,
    Reply,
    Text,
    split_text,
)
from postready.chat.sending import PermanentSendError, TransientSendError
from postready.core.i18n import N_
from postready.pipeline.errors import ErrorCode, PostReadyError

log = logging.getLogger(__name__)
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # sendPhoto: larger images go as documents
MAX_PHOTO_SIDES = 10_000  # sendPhoto: width + height at most
TOO_BIG = N_("bots can download at most 20 MB from Telegram; send a smaller file")
_SEPARATOR = "\n\n"  # between the parts of a message


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def render_messages(text: Text, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """`text` as HTML messages, each at most `limit` units of visible text: parts are kept
    whole where they fit and split at paragraphs where one alone is too long."""
    pieces: list[tuple[str, int]] = []  # (html, visible length)
    for part in text.parts:
        plain = part if isinstance(part, str) else part.text
        for chunk in split_text(plain, limit, utf16_len):
            markup = html.escape(chunk, quote=False)
            if isinstance(part, Copyable):
                markup = f"<pre>{markup}</pre>"
            pieces.append((markup, utf16_len(chunk)))
    messages: list[tuple[list[str], int]] = []  # (pieces, visible length)
    for markup, length in pieces:
        joined = messages[-1][1] + len(_SEPARATOR) + length if messages else limit + 1
        if joined <= limit:
            messages[-1] = ([*messages[-1][0], markup], joined)
        else:
            messages.append(([markup], length))
    return [_SEPARATOR.join(parts) for parts, _ in messages]


def actions_keyboard(text: Text) -> InlineKeyboardMarkup | ForceReply | None:
    """A message's buttons, two to a row; a question's prompt to reply instead."""
    if text.answer_wanted:
        return ForceReply(selective=True)
    actions = text.actions
    return keyboard([actions[start : start + 2] for start in range(0, len(actions), 2)])


def keyboard(rows: Sequence[Sequence[Option]]) -> InlineKeyboardMarkup | None:
    buttons = [
        [
            InlineKeyboardButton(
                ("✅ " if option.selected else "") + option.label, callback_data=option.key
            )
            for option in row
        ]
        for row in rows
    ]
    return InlineKeyboardMarkup(buttons) if buttons else None


def _as_photo(item: MediaItem) -> bool:
    size = item.path.stat().st_size
    sides = sum(item.size) if item.size else 0
    return size <= MAX_PHOTO_BYTES and sides <= MAX_PHOTO_SIDES


def _caption(label: str) -> str:
    return label[: MessageLimit.CAPTION_LENGTH]


@contextmanager
def translated_errors() -> Iterator[None]:
    """Telegram's errors as `TransientSendError` (flood control, a timeout, a failed
    connection, a server error) or `PermanentSendError` (a request Telegram refused: 400, 403,
    ...). PTB raises NetworkError for any status it has no class for, 5xx among them."""
    try:
        yield
    except RetryAfter as exc:
        raise TransientSendError(_reason(exc), _seconds(exc)) from exc
    except BadRequest as exc:  # a NetworkError in PTB, but the request itself was refused
        raise PermanentSendError(_reason(exc)) from exc
    except (TimedOut, NetworkError) as exc:
        raise TransientSendError(_reason(exc)) from exc
    except TelegramError as exc:  # Forbidden, InvalidToken, ChatMigrated, Conflict, ...
        raise PermanentSendError(_reason(exc)) from exc


def _reason(exc: TelegramError) -> str:
    return f"{type(exc).__name__}: {exc}"


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int until PTB moves to timedelta: either will do
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramOutput:
    """`ChatOutput` for one bot: sends and edits messages."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def fetch(self, photo: Photo) -> bytes:
        """The photo's bytes, by its file id; FILE_TOO_LARGE past what the Bot API serves."""
        try:
            file = await self._bot.get_file(photo.ref)
        except BadRequest as exc:
            if "too big" not in exc.message.lower():
                raise
            raise PostReadyError(ErrorCode.FILE_TOO_LARGE, TOO_BIG) from None
        return bytes(await file.download_as_bytearray())

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        with translated_errors():
            return await self._send(chat_id, reply)

    async def _send(self, chat_id: str, reply: Reply) -> str | None:
        sent: Message | None
        match reply:
            case Text():
                if len(reply.parts) > 1:
                    # A post takes a moment to arrive; a one-line answer (a status line) is
                    # sent at once, and one request sooner without the indicator.
                    await self._bot.send_chat_action(chat_id, ChatAction.TYPING)
                sent = await self._text(chat_id, reply)
            case Album(items=items):
                photos = [item for item in items if _as_photo(item)]
                documents = [item for item in items if not _as_photo(item)]
                await self._bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
                sent = await self._media(chat_id, photos, InputMediaPhoto)
                sent = await self._media(chat_id, documents, InputMediaDocument) or sent
            case Files(items=items):
                await self._bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
                sent = None
                for start in range(0, len(items), 10):
                    batch = list(items[start : start + 10])
                    sent = await self._media(chat_id, batch, InputMediaDocument) or sent
            case Choice():
                sent = await self._bot.send_message(
                    chat_id, reply.prompt, reply_markup=keyboard(reply.button_rows())
                )
            case Progress():
                sent = await self._bot.send_message(chat_id, reply.bar)
        return str(sent.message_id) if sent is not None else None

    async def edit(self, chat_id: str, message_id: str, reply: Text | Progress | Choice) -> None:
        markup = None
        match reply:
            case Progress():
                body = html.escape(reply.bar, quote=False)
            case Choice():
                body, markup = html.escape(reply.prompt, quote=False), keyboard(reply.button_rows())
            case Text():
                body = render_messages(reply)[0]
                buttons = actions_keyboard(reply)
                markup = buttons if isinstance(buttons, InlineKeyboardMarkup) else None
        try:
            with translated_errors():
                await self._bot.edit_message_text(
                    body,
                    chat_id=chat_id,
                    message_id=int(message_id),
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
        except PermanentSendError as exc:
            # The same text again (a repeated update), or a message the user deleted.
            log.info("edit_skipped chat=%s message=%s reason=%s", chat_id, message_id, exc)

    async def _text(self, chat_id: str, text: Text) -> Message:
        messages = render_messages(text)
        sent: Message | None = None
        for number, body in enumerate(messages, 1):
            last = number == len(messages)
            sent = await self._bot.send_message(
                chat_id,
                body,
                parse_mode=ParseMode.HTML,
                reply_markup=actions_keyboard(text) if last else None,
            )
        assert sent is not None
        return sent

    async def _media(
        self,
        chat_id: str,
        items: Sequence[MediaItem],
        kind: type[InputMediaPhoto] | type[InputMediaDocument],
    ) -> Message | None:
        if not items:
            return None
        # Read here, not by path: PTB would send a path inside a media group as a file:// URI.
        files = await asyncio.gather(*(asyncio.to_thread(item.path.read_bytes) for item in items))
        if len(items) == 1:  # a media group needs two items at least
            item = items[0]
            send = self._bot.send_photo if kind is InputMediaPhoto else self._bot.send_document
            return await send(
                chat_id, files[0], caption=_caption(item.label), filename=item.path.name
            )
        group = [
            kind(media=data, caption=_caption(item.label), filename=item.path.name)
            for item, data in zip(items, files, strict=True)
        ]
        return (await self._bot.send_media_group(chat_id, group))[-1]
