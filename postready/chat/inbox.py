"""A chat's messages and button presses as the inbox keeps them (JSON), and back: what a
restart needs to handle an update that arrived before a crash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from postready.chat.commands import CommandError, Optimize
from postready.chat.messages import Incoming, Photo
from postready.core.errors import error_code


@dataclass(frozen=True, slots=True)
class Press:
    """A button pressed, or options picked in a menu (`picked`: their keys); `words`: what
    the user wrote in the form a button that asks opened (Discord)."""

    user_id: str
    chat_id: str
    message_id: str
    key: str
    picked: tuple[str, ...] | None = None
    words: str | None = None


def message_payload(message: Incoming) -> dict[str, Any]:
    """The message as JSON (a command parsed by the chat: `/optimize`'s options, or why it was
    refused)."""
    command: dict[str, Any] | None = None
    refused: dict[str, Any] | None = None
    if isinstance(message.command, Optimize):
        platforms = message.command.platforms
        command = {
            "platforms": None if platforms is None else list(platforms),
            "description": message.command.description,
        }
    elif isinstance(message.command, CommandError):
        refused = {
            "code": str(message.command.code),
            "message": message.command.message,
            "template": message.command.template,
            # Names and numbers; a marked text is kept in English.
            "fields": {
                name: value if isinstance(value, str | int | float) else format(value)
                for name, value in message.command.fields.items()
            },
        }
    elif message.command is not None:
        raise ValueError(f"a chat parses only /optimize itself, not {message.command!r}")
    return {
        "user_id": message.user_id,
        "chat_id": message.chat_id,
        "text": message.text,
        "photos": [_photo_payload(p) for p in message.photos],
        "reply_photos": [_photo_payload(p) for p in message.reply_photos],
        "group": message.group,
        "optimize": command,
        "refused": refused,
        "album": message.album,
        "places": list(message.places),
        "language": message.language,
    }


def message_from(payload: dict[str, Any]) -> Incoming:
    options, refused = payload["optimize"], payload["refused"]
    command: Optimize | CommandError | None = None
    if options is not None:
        platforms = options["platforms"]
        command = Optimize(None if platforms is None else tuple(platforms), options["description"])
    elif refused is not None:
        command = CommandError(
            error_code(refused["code"]),
            refused["message"],
            refused.get("template", ""),
            refused.get("fields", {}),
        )
    return Incoming(
        user_id=payload["user_id"],
        chat_id=payload["chat_id"],
        text=payload["text"],
        photos=tuple(_photo(p) for p in payload["photos"]),
        reply_photos=tuple(_photo(p) for p in payload["reply_photos"]),
        group=payload["group"],
        command=command,
        album=payload["album"],
        places=tuple(payload.get("places", ())),
        language=payload.get("language"),
    )


def album_message(parts: Sequence[Incoming]) -> Incoming:
    """One message from an album's parts, in the order they arrived: every photo, the first
    text (Telegram puts an album's caption on one of its photos)."""
    first = parts[0]
    return Incoming(
        user_id=first.user_id,
        chat_id=first.chat_id,
        text=next((p.text for p in parts if p.text), ""),
        photos=tuple(photo for part in parts for photo in part.photos),
        reply_photos=first.reply_photos,
        group=first.group,
        command=first.command,
        album=first.album,
        places=first.places,
        language=first.language,
    )


def press_payload(press: Press) -> dict[str, Any]:
    return {
        "user_id": press.user_id,
        "chat_id": press.chat_id,
        "message_id": press.message_id,
        "key": press.key,
        "picked": None if press.picked is None else list(press.picked),
        "words": press.words,
    }


def press_from(payload: dict[str, Any]) -> Press:
    picked = payload["picked"]
    return Press(
        payload["user_id"],
        payload["chat_id"],
        payload["message_id"],
        payload["key"],
        None if picked is None else tuple(picked),
        payload.get("words"),  # kept before buttons asked for words: none
    )


def _photo_payload(photo: Photo) -> dict[str, Any]:
    return {"ref": photo.ref, "name": photo.name, "size": photo.size}


def _photo(payload: dict[str, Any]) -> Photo:
    return Photo(payload["ref"], payload["name"], payload["size"])
