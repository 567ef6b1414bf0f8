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
from postready.chat.sending import SendError

Fetch = Callable[[], Awaitable[bytes]]
_PHOTOS: dict[str, Fetch] = {}  # a photo's ref → how the chat hands over its bytes


def chat_photo(fetch: Fetch, name: str, size: int | None) -> Photo:
    """A photo a user sent, whose bytes `fetch` gives when the bot downloads it."""
    ref = uuid.uuid4().hex
    _PHOTOS[ref] = fetch
    return Photo(ref, name, size)


# What the chat answers to a send or an edit: an error it raises, or None to take it.
Answer = Callable[[Reply], SendError | None]


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


def failing(error: SendError, which: Callable[[Reply], bool], times: int = 1) -> Answer:
    """An answer failing with `error` the first `times` sends or edits of `which` replies."""
    left = [times]

    def answer(reply: Reply) -> SendError | None:
        if left[0] and which(reply):
            left[0] -= 1
            return error
        return None

    return answer


class RecordingOutput:
    """A `ChatOutput` over memory. Message ids increase from 1 across all chats; `answer`
    decides which sends and edits fail (the error it returns is raised) and `attempts` counts
    them all, failed ones too."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.answer: Answer = lambda reply: None
        self.attempts = 0
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()

    async def fetch(self, photo: Photo) -> bytes:
        return await _PHOTOS[photo.ref]()

    def _answer(self, reply: Reply) -> None:
        self.attempts += 1
        error = self.answer(reply)
        if error is not None:
            raise error

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        self._answer(reply)
        message = Message(chat_id, str(next(self._ids)), [reply])
        async with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return message.id

    async def edit(self, chat_id: str, message_id: str, reply: Text | Progress | Choice) -> None:
        self._answer(reply)
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
