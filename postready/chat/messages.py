"""What passes between a chat adapter and the conversation: an incoming message with its
photos, and the output the adapter implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from postready.chat.commands import Command, CommandError
from postready.chat.replies import Choice, Progress, Reply, Text


@dataclass(frozen=True, slots=True)
class Photo:
    """An image in a message, downloaded only when it is used."""

    fetch: Callable[[], Awaitable[bytes]]
    name: str  # the file name, or the chat's file id
    size: int | None  # bytes, as the chat reports it before download


@dataclass(frozen=True, slots=True)
class Incoming:
    user_id: str
    chat_id: str
    text: str  # the message text or the photo's caption
    photos: tuple[Photo, ...] = ()  # several for an album
    reply_photos: tuple[Photo, ...] = ()  # the photo of the message this one replies to
    group: bool = False  # said in a group, where a bare photo is not addressed to the bot
    # Parsed already, by a chat whose commands come with separate options (Discord).
    command: Command | CommandError | None = None


class ChatOutput(Protocol):
    """What an adapter does for the conversation: send a reply (returning the id of its last
    message, if any) and edit a message it sent."""

    async def send(self, chat_id: str, reply: Reply) -> str | None: ...

    async def edit(
        self, chat_id: str, message_id: str, reply: Text | Progress | Choice
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ChatLimits:
    max_download: int | None = None  # bytes the platform lets a bot download
    download_note: str = ""  # said when a photo is over it
