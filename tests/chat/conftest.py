"""The conversation as a chat platform's process runs it, over an in-memory chat: real storage,
a real job queue and, where a test starts them, real workers."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import shutil
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from postready.chat.conversation import ChatService
from postready.chat.messages import ChatLimits, ChatSetup, Incoming, Photo
from postready.core.access import AccessRules
from postready.core.config.settings import (
    AccessSection,
    LimitsSection,
    QueueSection,
    Settings,
    StorageSection,
)
from postready.core.identity import UserRef
from postready.core.queue import PoolOptions, QueueService, worker
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import Job
from postready.pipeline.content import ContentEngine
from postready.pipeline.models import OptimizeRequest, OptimizeResult, ProgressEvent
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.runner import run_optimization
from tests.chat.recording import Message, RecordingOutput, chat_photo
from tests.images import encode, textured
from tests.product_images import product_photo

MB = 1_000_000
ALICE, BOB = "1001", "1002"  # Telegram users; a private chat's id is its user's
GROUP = "-4242"
LIMITS = ChatLimits(20 * MB, "bots may download files up to 20 MB")
PHOTO = encode(textured((300, 300)))  # the smallest photo PostReady takes: quick to check
PRODUCT = encode(product_photo("mug", "white", (300, 300)).image)


def photo(data: bytes = PHOTO, name: str = "photo.jpg", size: int | None = None) -> Photo:
    """A photo in a message, its size reported as the chat reports it."""

    async def fetch() -> bytes:
        return data

    return chat_photo(fetch, name, len(data) if size is None else size)


@dataclass
class Bot:
    """One chat platform's conversation, the chat it talks to, and the queue behind it."""

    service: ChatService
    output: RecordingOutput
    queue: QueueService
    store: Storage
    updates: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def send(
        self,
        user: str,
        text: str = "",
        *photos: Photo,
        chat: str | None = None,
        reply_to: Iterable[Photo] = (),
        **fields: Any,
    ) -> None:
        """`user` says `text` with `photos` (in their private chat unless `chat`), and the bot
        takes it as an update into its inbox; returns once its photos are queued."""
        incoming = Incoming(user, chat or user, text, photos, tuple(reply_to), **fields)
        entry = await self.service.receive(str(next(self.updates)), incoming)
        if entry is not None:  # None: refused (someone who may not use the bot)
            await self.service.on_message(incoming, [entry])
        await self.service.settle(user)

    async def separate_albums(self, user: str) -> None:
        """`user`'s albums make a post per photo (`/settings albums separate`), not one
        carousel."""
        found = await self.store.users.get_or_create(UserRef("telegram", user))
        separate = dataclasses.replace(found.settings, album_carousel=False)
        await self.store.users.save_settings(found.id, separate)

    async def press(
        self, user: str, message: Message, key: str, picked: tuple[str, ...] | None = None
    ) -> str | None:
        """`user` presses the button `key` under `message` (or picks `picked` in its menu)."""
        return await self.service.on_action(user, message.chat_id, message.id, key, picked)

    @asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        """The workers run jobs for as long as this is entered."""
        await self.queue.start()
        try:
            yield
        finally:
            await self.queue.stop()

    async def job(self, job_id: int) -> Job:
        job = await self.store.jobs.get(job_id)
        assert job is not None
        return job

    async def jobs(self) -> list[Job]:
        """Every job, the newest first."""
        return await self.store.jobs.recent(100)


@pytest.fixture
def user_limits() -> dict[str, object]:
    """Limits a test changes: `@pytest.mark.parametrize("user_limits", [{...}])`."""
    return {}


@pytest.fixture
def access() -> AccessRules:
    """Who may use the bot: `@pytest.mark.parametrize("access", [AccessRules(...)])`."""
    return AccessRules()


@pytest.fixture
def settings(tmp_path: Path, user_limits: dict[str, object], access: AccessRules) -> Settings:
    return Settings(
        access=AccessSection(
            allowed_users=access.users, allowed_chats=access.chats, admins=access.admins
        ),
        storage=StorageSection(data_dir=tmp_path / "data"),
        queue=QueueSection(
            workers=1, poll_seconds=0.05, progress_interval=0, reply_retry_seconds=1
        ),
        limits=LimitsSection(**user_limits),  # type: ignore[arg-type]
    )


@pytest.fixture
def pool_options(store: Storage) -> PoolOptions:
    """What the workers run jobs with (as `serve.py` sets them, local services); a test module
    replaces this fixture to give them others."""
    return PoolOptions(usage=store.usage)


@pytest.fixture
async def bot(
    store: Storage, settings: Settings, access: AccessRules, pool_options: PoolOptions
) -> AsyncIterator[Bot]:
    """Telegram's conversation, wired as `serve.py` wires it; the workers stay off until a
    test enters `working()`."""
    output = RecordingOutput()

    async def deliver(update: JobUpdate) -> None:
        await service.on_job_update(update)

    queue = QueueService(store, settings, deliver, pool_options)
    service = ChatService(
        ChatSetup(
            "telegram",
            store,
            queue.api,
            output,
            settings.storage.data_dir,
            settings.queue.reply_retry_seconds,
            LIMITS,
            "postready_bot",
            access,
        )
    )
    await service.start()
    yield Bot(service, output, queue, store)
    await service.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pipeline_result(tmp_path_factory: pytest.TempPathFactory) -> OptimizeResult:
    """The real pipeline's result for `PHOTO` on every platform, made once."""
    request = OptimizeRequest(
        source=PHOTO, platforms=tuple(PLATFORMS), description="cozy mug", source_name="mug.jpg"
    )
    return await run_optimization(
        request, tmp_path_factory.mktemp("pipeline"), content=ContentEngine()
    )


class FakePipeline:
    """The workers' pipeline, answering at once with the real result cut to the request's
    platforms (its images copied into the session's folder); `error` makes it fail, `hold()`
    keeps jobs running until the event it returns is set."""

    def __init__(self, result: OptimizeResult) -> None:
        self.result = result
        self.requests: list[OptimizeRequest] = []
        self.error: Exception | None = None
        self.started = asyncio.Event()
        self.release: asyncio.Event | None = None

    def hold(self) -> asyncio.Event:
        self.release = asyncio.Event()
        return self.release

    async def __call__(
        self,
        request: OptimizeRequest,
        output_root: Path,
        *,
        progress: Any = None,
        session_id: str | None = None,
        **options: Any,
    ) -> OptimizeResult:
        self.requests.append(request)
        self.started.set()
        if self.release is not None:
            await self.release.wait()
        if self.error is not None:
            raise self.error
        if progress is not None:
            progress(ProgressEvent("images", 1, 2, "making the images"))
        folder = output_root / str(session_id)
        folder.mkdir(parents=True)
        platforms = {}
        for key in request.platforms:
            made = self.result.platforms[key]
            assert made.image is not None
            image = dataclasses.replace(made.image, path=Path(shutil.copy(made.image.path, folder)))
            platforms[key] = dataclasses.replace(made, image=image, caption_file=None)
        return dataclasses.replace(self.result, session_id=session_id, platforms=platforms)


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch, pipeline_result: OptimizeResult) -> FakePipeline:
    fake = FakePipeline(pipeline_result)
    monkeypatch.setattr(worker, "run_optimization", fake)
    return fake
