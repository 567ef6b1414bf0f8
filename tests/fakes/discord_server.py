"""A fake Discord (REST API, gateway and CDN) on 127.0.0.1 that the real discord.py client
talks to, with `discord.http.Route.BASE` and the gateway URL pointed at it.

Tests act as users (`slash`), which dispatches INTERACTION_CREATE over the gateway; every
request the bot makes is recorded with its JSON payload and uploaded files, and `shown(id)` is
what the user sees of one interaction: the original response (its every content, in order) and
the followups. `fail` makes the next requests of a kind fail (a status, or the connection
dropped) without doing anything.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord
from aiohttp import BodyPartReader, web

from tests.fakes.local_app import serve

TOKEN = "MTIz.fake.discord-token"
APP_ID = 4242
BOT_USER = {
    "id": "4243",
    "username": "postready",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
    "global_name": None,
}
GUILD_ID = 77
CHANNEL_ID = 88
FILESIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    payload: dict[str, Any]
    files: list[tuple[str, bytes]]  # (file name, bytes)


@dataclass
class Followup:
    message_id: int
    payload: dict[str, Any]
    files: list[tuple[str, bytes]]
    ephemeral: bool
    edits: list[dict[str, Any]] = field(default_factory=list)  # every edit's payload, in order

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = self.payload.get("components") or []
        return [item for row in rows for item in row["components"] if item["type"] == 2]


@dataclass
class Shown:
    """One interaction as its user sees it."""

    deferred: bool = False
    response: dict[str, Any] | None = None  # the interaction callback's payload
    original: list[str] = field(default_factory=list)  # contents, in order
    original_id: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # the original's components, now
    original_deleted: bool = False
    followups: list[Followup] = field(default_factory=list)
    interaction: dict[str, Any] = field(default_factory=dict)  # what the user sent

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [item for row in self.rows for item in row["components"] if item["type"] == 2]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [item for row in self.rows for item in row["components"] if item["type"] == 3]


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.attachment_limit = FILESIZE_LIMIT
        # (method, first part of the route) → how many such requests to refuse with a 429
        self.throttle: dict[tuple[str, str], int] = {}
        # (method, first part of the route) → what its next requests get: a status, or None
        # for a connection dropped without an answer
        self.faults: dict[tuple[str, str], list[int | None]] = {}
        self._ids = itertools.count(1000)
        self._shown: dict[str, Shown] = {}  # interaction token → what it shows
        self._cdn: dict[str, bytes] = {}
        self.downloads_open = asyncio.Event()  # cleared: attachment downloads hang until set
        self.downloads_open.set()
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self.ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.origin = ""
        self._saved: tuple[str, Any] | None = None
        self.channel: list[Followup] = []  # messages the bot posted in the channel itself
        self.locales: dict[int, str] = {}  # user → their client's locale (default en-US)

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/api/v10/{path:.*}", self._api)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/cdn/{name}", self._download)
        self._runner, port = await serve(app)
        self.origin = f"http://127.0.0.1:{port}"
        gateway = discord.gateway.DiscordWebSocket
        self._saved = (discord.http.Route.BASE, gateway.DEFAULT_GATEWAY)
        discord.http.Route.BASE = f"{self.origin}/api/v10"
        gateway.DEFAULT_GATEWAY = discord.gateway.yarl.URL(f"ws://127.0.0.1:{port}/gateway")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._saved is not None
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
        for socket in self._sockets:
            await socket.close()
        assert self._runner is not None
        await self._runner.cleanup()

    # What the tests do and look at

    def upload(self, name: str, data: bytes) -> dict[str, Any]:
        """An attachment as Discord resolves it in an interaction."""
        self._cdn[name] = data
        return {
            "id": str(next(self._ids)),
            "filename": name,
            "size": len(data),
            "url": f"{self.origin}/cdn/{name}",
            "proxy_url": f"{self.origin}/cdn/{name}",
            "content_type": "image/jpeg",
        }

    async def slash(
        self, user_id: int, name: str, options: dict[str, Any], age: timedelta = timedelta()
    ) -> str:
        """The user runs `/name` (`age` ago, as Discord might deliver it late); returns the
        interaction's token. An attachment option's value is `upload(...)`'s dict."""
        token = f"token-{next(self._ids)}"
        resolved: dict[str, Any] = {"attachments": {}}
        values = []
        for key, value in options.items():
            if isinstance(value, dict):
                resolved["attachments"][value["id"]] = value
                values.append({"name": key, "type": 11, "value": value["id"]})
            else:
                values.append({"name": key, "type": 3, "value": value})
        payload = self._interaction(user_id, token, 2, age)
        payload["data"] = {
            "id": "1",
            "name": name,
            "type": 1,
            "options": values,
            "resolved": resolved,
        }
        self._shown[token] = Shown(interaction=payload)
        await self._dispatch("INTERACTION_CREATE", payload)
        return token

    async def on_message(self, user_id: int, name: str, attachments: list[dict[str, Any]]) -> str:
        """The user runs the message command `name` on a message with `attachments`."""
        token = f"token-{next(self._ids)}"
        message = self._message({"content": "look at this"}, str(next(self._ids)))
        message["attachments"] = attachments
        payload = self._interaction(user_id, token, 2)
        payload["data"] = {
            "id": "2",
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        self._shown[token] = Shown(interaction=payload)
        await self._dispatch("INTERACTION_CREATE", payload)
        return token

    async def press(self, user_id: int, origin: str, custom_id: str) -> str:
        """The user presses a button on `origin`'s original response; returns the press's
        interaction token."""
        return await self._component(user_id, origin, {"custom_id": custom_id, "component_type": 2})

    async def pick(self, user_id: int, origin: str, custom_id: str, labels: list[str]) -> str:
        """The user picks the options labelled `labels` in a select menu of `origin`'s original
        response (Discord sends their values); returns the pick's interaction token."""
        select = next(s for s in self._shown[origin].selects if s["custom_id"] == custom_id)
        values = [o["value"] for o in select["options"] if o["label"] in labels]
        assert len(values) == len(labels), f"no such options: {labels}"
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._component(user_id, origin, data)

    async def press_on(self, user_id: int, origin: str, followup: Followup, custom_id: str) -> str:
        """The user presses a button on one of `origin`'s followups; returns the press's
        interaction token."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component(user_id, origin, data, followup)

    async def submit(self, user_id: int, press: str, words: str) -> str:
        """The user sends the form (modal) the press `press` opened, its text input filled with
        `words`; returns the submission's interaction token."""
        shown = self._shown[press]
        assert shown.response is not None and shown.response["type"] == 9, "no form was opened"
        form = shown.response["data"]
        (row,) = form["components"]
        (field_,) = row["components"]
        token = f"token-{next(self._ids)}"
        payload = self._interaction(user_id, token, 5)
        payload["message"] = shown.interaction["message"]
        text = {"type": 4, "custom_id": field_["custom_id"], "value": words}
        payload["data"] = {
            "custom_id": form["custom_id"],
            "components": [{"type": 1, "components": [text]}],
        }
        self._shown[token] = Shown(interaction=payload)
        await self._dispatch("INTERACTION_CREATE", payload)
        return token

    async def _component(
        self, user_id: int, origin: str, data: dict[str, Any], on: Followup | None = None
    ) -> str:
        token = f"token-{next(self._ids)}"
        payload = self._interaction(user_id, token, 3)
        shown = self._shown[origin]
        if on is None:
            original = {"content": shown.original[-1], "components": shown.rows}
            payload["message"] = self._message(original, str(shown.original_id))
        else:
            payload["message"] = self._message(on.payload, str(on.message_id))
        # The message is the response to `origin`'s interaction, or a followup of it.
        made_by = shown.interaction
        user = (made_by.get("member") or {}).get("user") or made_by.get("user")
        payload["message"]["interaction_metadata"] = {
            "id": made_by["id"],
            "type": made_by["type"],
            "user": user,
            "authorizing_integration_owners": {},
        }
        if on is not None:
            payload["message"]["interaction_metadata"]["original_response_message_id"] = str(
                shown.original_id
            )
        payload["data"] = data
        self._shown[token] = Shown(interaction=payload)
        await self._dispatch("INTERACTION_CREATE", payload)
        return token

    def _interaction(
        self, user_id: int, token: str, kind: int, age: timedelta = timedelta()
    ) -> dict[str, Any]:
        user = {
            "id": str(user_id),
            "username": f"user{user_id}",
            "discriminator": "0",
            "avatar": None,
            "global_name": None,
        }
        return {
            # A snowflake holds its creation time: interactions expire 15 minutes after it.
            "id": str(discord.utils.time_snowflake(discord.utils.utcnow() - age) + next(self._ids)),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(GUILD_ID),
            "channel_id": str(CHANNEL_ID),
            "channel": {
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": {
                "user": user,
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "permissions": "0",
                "flags": 0,
            },
            "app_permissions": "0",
            "locale": self.locales.get(user_id, "en-US"),
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "attachment_size_limit": self.attachment_limit,
        }

    def fail(self, method: str, route: str, status: int | None = 500, times: int = 1) -> None:
        """The next `times` requests `method /route/...` answer `status` (None: the connection
        drops) and change nothing."""
        self.faults.setdefault((method, route), []).extend([status] * times)

    def shown(self, token: str) -> Shown:
        return self._shown[token]

    @property
    def gateway_connections(self) -> int:
        """How many clients have opened the gateway."""
        return len(self._sockets)

    def made(self, method: str, path_part: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    # Gateway

    async def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.ready.wait()
        message = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        await self._sockets[-1].send_str(json.dumps(message))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        async for message in socket:
            op = json.loads(message.data)["op"]
            if op == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif op == 2:  # IDENTIFY
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "session",
                    "resume_gateway_url": f"ws://{request.host}/gateway",
                    "application": {"id": str(APP_ID), "flags": 0},
                    "shard": [0, 1],
                }
                await socket.send_str(
                    json.dumps({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready})
                )
                self.ready.set()
        return socket

    # REST

    async def _download(self, request: web.Request) -> web.Response:
        await self.downloads_open.wait()
        return web.Response(body=self._cdn[request.match_info["name"]])

    async def _api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        payload, files = await _read(request)
        self.requests.append(Request(request.method, path, payload, files))
        parts = path.strip("/").split("/")
        faults = self.faults.get((request.method, parts[0]))
        if faults:
            status = faults.pop(0)
            if status is None:
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            return _json({"message": "fault", "code": 0}, status=status)
        if self.throttle.get((request.method, parts[0]), 0) > 0:
            self.throttle[(request.method, parts[0])] -= 1
            limited = {"message": "You are being rate limited.", "retry_after": 0.05}
            # Without `Via` discord.py takes a 429 for a Cloudflare ban and gives up.
            headers = {"Via": "1.1 google", "X-RateLimit-Scope": "user"}
            return _json({**limited, "global": False}, status=429, headers=headers)
        match request.method, parts:
            case "GET", ["users", "@me"]:
                return _json(BOT_USER)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(_application())
            case "PUT", ["applications", _, "commands"]:
                return _json(
                    [
                        {
                            **c,
                            "id": str(next(self._ids)),
                            "application_id": str(APP_ID),
                            "version": "1",
                            "description": c.get("description", ""),  # "" for context menus
                        }
                        for c in payload["_list"]
                    ]
                )
            case "POST", ["interactions", interaction_id, token, "callback"]:
                self._shown[token].deferred = payload["type"] in (5, 6)
                self._shown[token].response = payload
                callback = {"id": interaction_id, "type": 2, "response_message_loading": True}
                flags = (payload.get("data") or {}).get("flags", 0)
                callback["response_message_ephemeral"] = bool(flags & 64)
                return _json({"interaction": callback, "resource": {"type": payload["type"]}})
            case "PATCH", ["webhooks", _, token, "messages", "@original"]:
                shown = self._shown[token]
                shown.original_id = shown.original_id or next(self._ids)
                shown.original.append(payload.get("content") or "")
                if "components" in payload:
                    shown.rows = payload["components"]
                return _json(self._message(payload, str(shown.original_id)))
            case "DELETE", ["webhooks", _, token, "messages", "@original"]:
                self._shown[token].original_deleted = True
                return web.Response(status=204)
            case "POST", ["channels", _, "messages"]:
                message_id = next(self._ids)
                self.channel.append(Followup(message_id, payload, files, False))
                return _json(self._message(payload, str(message_id)))
            case "PATCH", ["channels", _, "messages", message_id]:
                for message in self.channel:
                    if str(message.message_id) == message_id:
                        message.payload = {**message.payload, **payload}
                        message.edits.append(payload)
                for shown in self._shown.values():  # an interaction's response, as a message
                    if str(shown.original_id) == message_id:
                        shown.original.append(payload.get("content") or "")
                        shown.rows = payload.get("components", shown.rows)
                return _json(self._message(payload, message_id))
            case "POST", ["webhooks", _, token]:
                message_id = next(self._ids)
                ephemeral = bool(payload.get("flags", 0) & 64)
                shown = self._shown[token]
                shown.followups.append(Followup(message_id, payload, files, ephemeral))
                return _json(self._message(payload, str(message_id)))
            case "PATCH", ["webhooks", _, token, "messages", message_id]:
                for followup in self._shown[token].followups:
                    if str(followup.message_id) == message_id:
                        followup.payload = {**followup.payload, **payload}
                        followup.edits.append(payload)
                return _json(self._message(payload, message_id))
        return _json({"message": "unknown route", "code": 0}, status=404)

    def _message(self, payload: dict[str, Any], message_id: str) -> dict[str, Any]:
        return {
            "id": message_id,
            "channel_id": str(CHANNEL_ID),
            "author": BOT_USER,
            "content": payload.get("content") or "",
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": payload.get("flags", 0),
            "webhook_id": str(APP_ID),
        }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only when its content type is exactly this (no charset).
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "PostReady",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": BOT_USER,
        "verify_key": "0" * 64,
        "flags": 0,
    }


async def _read(request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The request's JSON payload (a list comes as `{"_list": [...]}`) and uploaded files."""
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                files.append((part.filename or "", bytes(await part.read())))
        return payload, files
    if request.can_read_body:
        data = await request.json()
        return (data if isinstance(data, dict) else {"_list": data}), []
    return {}, []
