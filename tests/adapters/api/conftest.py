"""The HTTP API as `postready bot api` serves it, through aiohttp's test client: real storage,
the real job queue and workers (running a fake pipeline that answers at once with a real
result), a key of its own, and a local webhook receiver."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer

from postready.adapters.http.api import ApiFrontend
from postready.adapters.http.metrics import JobMetrics
from postready.adapters.http.server import OperationsServer
from postready.core.api_keys import issue_key
from postready.core.config.settings import (
    ApiSection,
    LimitsSection,
    QueueSection,
    Settings,
    StorageSection,
)
from postready.core.queue import PoolOptions, QueueService
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import ENDED_STATUSES
from tests.chat.conftest import PHOTO, FakePipeline, pipeline, pipeline_result  # noqa: F401
from tests.waiting import until

API = "/api/v1"
SMALL_UPLOAD = 200_000  # the tests' upload cap: a larger photo is quick to make


@pytest.fixture
def api_settings() -> dict[str, Any]:
    """API settings a test changes: `@pytest.mark.parametrize("api_settings", [{...}])`."""
    return {}


@pytest.fixture
def user_limits() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(tmp_path: Path, api_settings: dict[str, Any], user_limits: dict[str, Any]) -> Settings:
    return Settings(
        storage=StorageSection(data_dir=tmp_path / "data"),
        queue=QueueSection(workers=1, poll_seconds=0.05, progress_interval=0),
        limits=LimitsSection(**user_limits),
        api=ApiSection(**{"webhook_allow_private": True, "webhook_backoff": 0.01} | api_settings),
    )


@dataclass
class Api:
    """The API's client with a key, the queue behind it, and the jobs' ends it heard."""

    client: TestClient
    store: Storage
    queue: QueueService
    token: str
    webhook_secret: str
    ended: list[JobUpdate] = field(default_factory=list)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def submit(
        self,
        image: bytes = PHOTO,
        token: str | None = None,
        more: Sequence[bytes] = (),
        accept_language: str | None = None,
        **fields: str,
    ) -> tuple[int, dict[str, Any]]:
        """Send `image` (and `more`: one carousel post) with the form's `fields`, asking for
        answers in `accept_language` (an Accept-Language header) when given."""
        form = FormData()
        form.add_field("image", image, filename="mug.jpg", content_type="image/jpeg")
        for number, data in enumerate(more, 2):
            form.add_field("image", data, filename=f"mug-{number}.jpg", content_type="image/jpeg")
        for name, value in fields.items():
            form.add_field(name, value)
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if accept_language is not None:
            headers["Accept-Language"] = accept_language
        async with self.client.post(f"{API}/optimize/image", data=form, headers=headers) as r:
            return r.status, await r.json(content_type=None)

    async def get(self, path: str, token: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        async with self.client.get(path, headers=headers) as response:
            return response.status, await response.json(content_type=None)

    async def ended_status(self, session_id: str) -> dict[str, Any]:
        """The session's status once it has ended."""
        found: dict[str, Any] = {}

        async def ended() -> bool:
            _, found["status"] = await self.get(f"{API}/optimize/status/{session_id}")
            return found["status"]["status"] in ENDED_STATUSES

        await until(ended)
        return found["status"]

    @asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        await self.queue.start()
        try:
            yield
        finally:
            await self.queue.stop()
            await self.queue.open()  # taking jobs again, as a bot between its workers' runs


@asynccontextmanager
async def serving(
    store: Storage, settings: Settings, max_upload: int = SMALL_UPLOAD
) -> AsyncIterator[tuple[TestClient, QueueService, list[JobUpdate]]]:
    """The API wired as `serve.py` wires a frontend: its jobs' updates routed to it, an
    ended job marked delivered once it has heard it."""
    frontend = ApiFrontend(settings, max_upload=max_upload)
    ended: list[JobUpdate] = []

    async def route(update: JobUpdate) -> None:
        await frontend.on_job_update(update)
        if update.job.status in ENDED_STATUSES:
            ended.append(update)
            await store.jobs.mark_delivered(update.job.id)

    queue = QueueService(
        store,
        settings,
        route,
        PoolOptions(platforms=frozenset({"api"}), usage=store.usage),
    )
    await queue.open()  # as `serve.py` does: before the frontend may submit
    await frontend.start(store, queue.api)
    server = OperationsServer("127.0.0.1", 0, {}, JobMetrics(store.jobs), frontend.http_routes())
    client = TestClient(TestServer(server.application()))
    await client.start_server()
    try:
        yield client, queue, ended
    finally:
        await client.close()
        await frontend.stop()
        await queue.stop()


@pytest.fixture
async def api(store: Storage, settings: Settings) -> AsyncIterator[Api]:
    issued = await issue_key(store, "shop")
    async with serving(store, settings) as (client, queue, ended):
        yield Api(client, store, queue, issued.token, issued.key.webhook_secret, ended)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: it answers `failures` 500s first, then 200s."""

    url: str
    failures: int = 0
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    got: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.read(), dict(request.headers)))
        if len(self.received) <= self.failures:
            return web.Response(status=500)
        self.got.set()
        return web.Response(status=204)

    def documents(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body, _ in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    app = web.Application()
    found = Receiver("")
    app.router.add_post("/hook", found.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    found.url = str(server.make_url("/hook"))
    try:
        yield found
    finally:
        await server.close()
