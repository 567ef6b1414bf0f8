"""An in-memory chat: a `ChatOutput` that keeps every message the bot sent, and every edit of it,
so tests read what a user would see."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from postready.chat.messages import Photo
from postready.chat.replies import Album, Choice, Files, Progress, Reply, Text

Fetch = Callable[[], Awaitable[bytes]]
_PHOTOS: dict[str, Fetch] = {}  # a photo's ref → how the chat hands over its bytes


def chat_photo(fetch: Fetch, name: str, size: int | None) -> Photo:
    """A photo a user sent, whose bytes `fetch` gives when the bot downloads it."""
    ref = uuid.uuid4().hex
    _PHOTOS[ref] = fetch
    return Photo(ref, name, size)


class Refused(Exception):
    """The chat would not take a reply (a file too large for it, say)."""


@dataclass
class Message:
    """A message the bot sent, as the chat shows it now."""

    chat_id: str
    id: str
    versions: list[Reply] = field(default_factory=list)  # as sent, then after each edit

    @property
    def reply(self) -> Reply:
        return self.versions[-1]

    @property
    def text(self) -> str:
        return text_of(self.reply)

    @property
    def texts(self) -> list[str]:
        """What it said, from the first version to the one shown now."""
        return [text_of(reply) for reply in self.versions]


def options(message: Message) -> dict[str, str]:
    """Label → key of every option a message with menus shows now."""
    assert isinstance(message.reply, Choice), message.text
    return {option.label: option.key for row in message.reply.button_rows() for option in row}


def selected(message: Message) -> set[str]:
    """The labels of the options shown as chosen."""
    assert isinstance(message.reply, Choice), message.text
    rows = message.reply.button_rows()
    return {option.label for row in rows for option in row if option.selected}


def text_of(reply: Reply) -> str:
    """A reply as plain text: paragraphs on their own lines, media as their labels."""
    match reply:
        case Text(parts=parts):
            return "\n".join(part if isinstance(part, str) else part.text for part in parts)
        case Progress():
            return reply.bar
        case Choice(prompt=prompt):
            return prompt
        case Album(items=items) | Files(items=items):
            return " | ".join(item.label for item in items)
    raise AssertionError(f"not a reply: {reply!r}")


class RecordingOutput:
    """A `ChatOutput` over memory. Message ids increase from 1 across all chats; `refuse`
    decides which replies the chat refuses (raises `Refused` for)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: Callable[[Reply], bool] = lambda reply: False
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()

    async def fetch(self, photo: Photo) -> bytes:
        return await _PHOTOS[photo.ref]()

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        if self.refuse(reply):
            raise Refused(type(reply).__name__)
        message = Message(chat_id, str(next(self._ids)), [reply])
        async with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return message.id

    async def edit(self, chat_id: str, message_id: str, reply: Text | Progress | Choice) -> None:
        message = self.message(message_id)
        assert message.chat_id == chat_id, f"message {message_id} is not in chat {chat_id}"
        async with self._changed:
            message.versions.append(reply)
            self._changed.notify_all()

    def message(self, message_id: str) -> Message:
        found = [m for m in self.messages if m.id == message_id]
        assert found, f"no message {message_id} was sent"
        return found[0]

    def chat(self, chat_id: str) -> list[Message]:
        return [m for m in self.messages if m.chat_id == chat_id]

    def texts(self, chat_id: str) -> list[str]:
        """What the chat shows now, message by message."""
        return [m.text for m in self.chat(chat_id)]

    async def until(self, condition: Callable[[], object], timeout: float = 10.0) -> None:
        """Wait until `condition()` holds, checking it whenever a message is sent or edited."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(condition)
