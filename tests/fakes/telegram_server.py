"""A fake Telegram Bot API on 127.0.0.1 that the real python-telegram-bot client talks to.

Tests act as users (`send_photo`, `send_text`, `press`), which queues updates for `getUpdates`;
every call the bot makes is recorded with its uploaded files, and `chat(chat_id)` is what the
user sees: the bot's messages in order, edits applied. `fail` makes the next calls of a method
fail (a status instead of its result, or no answer in time) without doing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, ClientSession, web

from tests.fakes.local_app import serve

TOKEN = "123456:TEST-token"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the cloud Bot API's getFile refuses larger files
BOT_USER = {"id": 42, "is_bot": True, "first_name": "PostReady", "username": "postready_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes]  # attach name → bytes


@dataclass(frozen=True)
class Fault:
    """What one call gets instead of its result: `status` (with Telegram's error body) after
    `delay` seconds; a client whose timeout is shorter has given up by then."""

    status: int
    delay: float = 0.0


@dataclass
class Shown:
    """A message of the bot as the user sees it now."""

    message_id: int
    kind: str  # text, photo, document
    text: str  # text or caption
    file: bytes | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    edits: list[str] = field(default_factory=list)  # every text it showed, in order


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.throttle: dict[str, int] = {}  # method → retry_after for its next call (429)
        self.faults: dict[str, list[Fault]] = {}  # method → what its next calls get, in order
        self.webhook: tuple[str, str] | None = None  # (url, secret token) once setWebhook
        self.downloads_open = asyncio.Event()  # cleared: file downloads hang until it is set
        self.downloads_open.set()
        self.languages: dict[int, str] = {}  # user → their app's language_code (none: unset)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._ids = itertools.count(1)
        self._files: dict[str, tuple[bytes, int]] = {}  # file id → (bytes, size it claims)
        self._messages: dict[int, dict[str, Any]] = {}  # every message, users' and the bot's
        self._shown: dict[str, list[Shown]] = {}
        self._runner: web.AppRunner | None = None
        self.origin = ""
        self._handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "getFile": self._get_file,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "setWebhook": self._set_webhook,
        }  # every other method answers True

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self._api)
        app.router.add_get(f"/file/bot{TOKEN}/{{path:.+}}", self._download)
        app.router.add_post("/bot{bad}/{method}", self._unauthorized)
        self._runner, port = await serve(app)
        self.origin = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # The user's side

    async def send_text(
        self, user: int, text: str, reply_to: int | None = None, group: int | None = None
    ) -> int:
        return await self._user_message(user, {"text": text}, reply_to, group)

    async def send_photo(
        self,
        user: int,
        data: bytes,
        caption: str | None = None,
        *,
        as_document: bool = False,
        size: tuple[int, int] = (1200, 900),
        reported_bytes: int | None = None,
        album: str | None = None,
        reply_to: int | None = None,
        group: int | None = None,
    ) -> int:
        file_id = f"file{next(self._ids)}"
        reported = reported_bytes or len(data)
        self._files[file_id] = (data, reported)
        media: dict[str, Any]
        if as_document:
            media = {"document": {"file_id": file_id, "file_unique_id": file_id,
                                  "file_name": "photo.jpg", "mime_type": "image/jpeg",
                                  "file_size": reported}}  # fmt: skip
        else:
            thumb = {"file_id": f"{file_id}t", "file_unique_id": f"{file_id}t", "width": 90,
                     "height": 90, "file_size": 900}  # fmt: skip
            big = {"file_id": file_id, "file_unique_id": file_id, "width": size[0],
                   "height": size[1], "file_size": reported}  # fmt: skip
            media = {"photo": [thumb, big]}
        if caption is not None:
            media["caption"] = caption
        if album is not None:
            media["media_group_id"] = album
        return await self._user_message(user, media, reply_to, group)

    async def press(self, user: int, message_id: int, data: str) -> None:
        await self._push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self._user(user),
                    "chat_instance": str(user),
                    "message": self._messages[message_id],
                    "data": data,
                }
            }
        )

    def fail(self, method: str, status: int = 500, times: int = 1, delay: float = 0.0) -> None:
        """The next `times` calls of `method` answer `status` after `delay` seconds and change
        nothing."""
        self.faults.setdefault(method, []).extend([Fault(status, delay)] * times)

    def chat(self, chat_id: int) -> list[Shown]:
        return self._shown.get(str(chat_id), [])

    def methods(self, *names: str) -> list[Call]:
        return [call for call in self.calls if call.method in names]

    async def _user_message(
        self, user: int, content: dict[str, Any], reply_to: int | None, group: int | None = None
    ) -> int:
        """`group`: the id of a group chat the user writes in; their private chat otherwise."""
        chat = {"id": user, "type": "private"} if group is None else {"id": group, "type": "group"}
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(user),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self._messages[reply_to]
        self._messages[message["message_id"]] = message
        await self._push({"message": message})
        return message["message_id"]

    def _user(self, user: int) -> dict[str, Any]:
        language = {"language_code": self.languages[user]} if user in self.languages else {}
        return {"id": user, "is_bot": False, "first_name": f"User{user}", **language}

    async def _push(self, update: dict[str, Any]) -> None:
        if self.webhook is not None:  # delivered by POST, as Telegram does once one is set
            url, secret = self.webhook
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            body = {"update_id": next(self._ids), **update}
            async with ClientSession() as session, session.post(url, json=body, headers=headers):
                return
        async with self._new_update:
            self._updates.append({"update_id": next(self._ids), **update})
            self._new_update.notify_all()

    # The Bot API

    async def _unauthorized(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
        )

    async def _download(self, request: web.Request) -> web.Response:
        await self.downloads_open.wait()
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        return web.Response(body=self._files[file_id][0])

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await _read(request)
        self.calls.append(Call(method, params, files))
        retry_after = self.throttle.pop(method, None)
        if retry_after is not None:
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests",
                 "parameters": {"retry_after": retry_after}},
                status=429,
            )  # fmt: skip
        faults = self.faults.get(method)
        if faults:
            fault = faults.pop(0)
            await asyncio.sleep(fault.delay)
            return web.json_response(
                {"ok": False, "error_code": fault.status, "description": _REASONS[fault.status]},
                status=fault.status,
            )
        handler = self._handlers.get(method)
        try:
            result = await handler(params, files) if handler else True
        except _BadRequest as exc:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": str(exc)}, status=400
            )
        return web.json_response({"ok": True, "result": result})

    async def _get_me(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return BOT_USER

    async def _get_updates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        offset = int(params.get("offset") or 0)
        # A short long poll: the bot stops as soon as a test ends.
        timeout = min(float(params.get("timeout") or 0), 0.2)
        # As Telegram does: an offset confirms every earlier update, which is then forgotten.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]

        def ready() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset]

        async with self._new_update:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait_for(lambda: bool(ready())), timeout)
            return ready()

    async def _set_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = (params["url"], params["secret_token"])
        return True

    async def _get_file(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = params["file_id"]
        size = self._files[file_id][1]
        if size > DOWNLOAD_LIMIT:
            raise _BadRequest("Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": size,
                "file_path": f"photos/{file_id}"}  # fmt: skip

    async def _send_message(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._bot_message(params, "text", _visible(params))

    async def _send_photo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._bot_message(params, "photo", params.get("caption", ""), files["photo"])

    async def _send_document(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._bot_message(params, "document", params.get("caption", ""), files["document"])

    async def _send_media_group(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        sent = []
        for item in params["media"]:
            data = files[item["media"].removeprefix("attach://")]
            sent.append(self._bot_message(params, item["type"], item.get("caption", ""), data))
        return sent

    async def _edit_message_text(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        shown = next(
            s for s in self.chat(params["chat_id"]) if s.message_id == int(params["message_id"])
        )
        shown.text = _visible(params)
        shown.edits.append(shown.text)
        shown.buttons = _buttons(params)
        return self._messages[shown.message_id]

    def _bot_message(
        self, params: dict[str, Any], kind: str, text: str, data: bytes | None = None
    ) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": text,
        }
        self._messages[message["message_id"]] = message
        self._shown.setdefault(str(chat_id), []).append(
            Shown(message["message_id"], kind, text, data, _buttons(params), [text])
        )
        return message


class _BadRequest(Exception):
    pass


_REASONS = {
    400: "Bad Request: wrong file identifier/HTTP URL specified",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = params.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def _visible(params: dict[str, Any]) -> str:
    """The text as the user reads it: HTML tags rendered away, entities decoded."""
    text = str(params["text"])
    if params.get("parse_mode") == "HTML":
        text = html.unescape(re.sub(r"</?(pre|code|b|i)>", "", text))
    return text


async def _read(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The call's parameters (JSON values decoded) and its uploaded files."""
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        return await request.json(), files
    if not request.content_type.startswith("multipart/"):  # a form without files, or none
        form = await request.post()
        for name, value in form.items():
            try:
                params[name] = json.loads(str(value))
            except ValueError:
                params[name] = value
        return params, files
    # Read part by part into memory: `request.post()` spools files to temporary files that
    # stay open when a client stops in the middle of an upload (a bot killed or stopped).
    reader = await request.multipart()
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        name = part.name or ""
        if part.filename is not None:
            files[name] = bytes(await part.read())
            continue
        value = await part.text()
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params, files
