"""What passes between a chat adapter and the conversation: an incoming message with its
photos, and the output the adapter implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from postready.chat.commands import Command, CommandError
from postready.chat.replies import Choice, Progress, Reply, Text
from postready.core.access import AccessRules
from postready.core.queue.api import JobQueue
from postready.core.storage import Storage


@dataclass(frozen=True, slots=True)
class Photo:
    """An image in a message, downloaded (by `ChatOutput.fetch`) only when it is used."""

    ref: str  # how the chat finds the file again: Telegram's file id, Discord's attachment URL
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
    album: str | None = None  # the album this message is one photo of (Telegram's media group)
    # Where it was said, for the operator's allowed chats: Discord's guild and channel ids
    # (empty: the chat itself).
    places: tuple[str, ...] = ()
    # The user's language as their chat app reports it (Telegram's language_code, Discord's
    # locale): a new user's language; /settings changes it.
    language: str | None = None


class ChatOutput(Protocol):
    """What an adapter does for the conversation: send a reply (returning the id of its last
    message, if any), edit a message it sent, and download a photo a user sent. Sending and
    editing raise `TransientSendError` or `PermanentSendError` (chat.sending) when the chat
    does not take it."""

    async def fetch(self, photo: Photo) -> bytes: ...

    async def send(self, chat_id: str, reply: Reply) -> str | None: ...

    async def edit(
        self, chat_id: str, message_id: str, reply: Text | Progress | Choice
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ChatLimits:
    max_download: int | None = None  # bytes the platform lets a bot download
    download_note: str = ""  # said when a photo is over it


@dataclass(frozen=True, slots=True)
class ChatSetup:
    """What one chat platform's conversation runs on: its state, the queue its photos go to,
    how it answers, and where it keeps files."""

    platform: str  # its users' platform: "telegram"
    storage: Storage
    queue: JobQueue
    output: ChatOutput
    data_dir: Path
    reply_retry_seconds: float  # how long a result reply failing for a passing reason is retried
    limits: ChatLimits = ChatLimits()
    bot_username: str | None = None  # its own name, to tell its commands from other bots'
    access: AccessRules = field(default_factory=AccessRules)
