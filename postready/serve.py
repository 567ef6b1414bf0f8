"""Process start-up for `postready bot` and `postready worker`: signals, the chat frontends and
the worker pool on one event loop, and late delivery of results a previous run left behind.

The chat adapters are imported here, lazily, only when a bot starts: this entry point sits above
the layers, and the other commands stay light."""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from postready.core.config.services import service_settings
from postready.core.config.settings import TELEGRAM_API, Settings
from postready.core.identity import HEADLESS_PLATFORM
from postready.core.queue import PoolOptions, QueueService
from postready.core.queue.api import JobQueue
from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.retention import sweep_periodically
from postready.core.storage import Storage
from postready.core.storage.models import ENDED_STATUSES
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_
from postready.pipeline.models import OptimizeResult

if TYPE_CHECKING:
    from postready.adapters.http.server import OperationsServer, Route

log = logging.getLogger(__name__)
DELIVERY_WINDOW = 24 * 3600.0  # seconds: results older than this are not sent late


class Frontend(Protocol):
    """A chat served by `run_worker`: it submits its users' jobs and hears their updates."""

    platform: str  # the platform of its users ("telegram")

    async def start(self, storage: Storage, queue: JobQueue) -> None: ...

    async def stop(self) -> None: ...

    async def on_job_update(self, update: JobUpdate) -> None: ...

    async def problem(self) -> str | None:
        """None while it is connected and receiving, else what is wrong."""
        ...

    def http_routes(self) -> Sequence[Route]:
        """Its endpoints on the process's HTTP server (Telegram's webhook), if any."""
        ...


# Builds a chat's frontend from the settings; raises PostReadyError when it is not configured.
ChatFactory = Callable[[Settings], Frontend]


def _telegram(settings: Settings) -> Frontend:
    from postready.adapters.telegram import telegram_frontend

    return telegram_frontend(settings)


def _discord(settings: Settings) -> Frontend:
    from postready.adapters.discord import discord_frontend

    return discord_frontend(settings)


def _api(settings: Settings) -> Frontend:
    if settings.operations.http_port is None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION, N_("the HTTP API needs a port: set POSTREADY_HTTP_PORT")
        )
    from postready.adapters.http.api import api_frontend

    return api_frontend(settings)


# The HTTP API is served like a chat: its keys are its users, and it hears their jobs' ends.
CHAT_FRONTENDS: Mapping[str, ChatFactory] = {
    "telegram": _telegram,
    "discord": _discord,
    "api": _api,
}


def delivering_frontends(settings: Settings) -> list[Frontend]:
    """The frontends a worker process delivers results with, receiving nothing: the HTTP API's
    webhooks, and every chat with a token (its bot's own process receives the chat)."""
    from postready.adapters.http.api.frontend import ApiFrontend

    frontends: list[Frontend] = [ApiFrontend(settings, receive=False)]
    if settings.telegram.bot_token is not None:
        from postready.adapters.telegram.bot import TelegramFrontend

        frontends.append(TelegramFrontend(settings, receive=False))
    if settings.discord.bot_token is not None:
        from postready.adapters.discord.bot import DiscordFrontend

        frontends.append(DiscordFrontend(settings, receive=False))
    return frontends


def chat_frontends(names: Sequence[str], settings: Settings) -> list[Frontend]:
    """The frontends of the chats `names` (keys of `CHAT_FRONTENDS`), or when none is named, of
    every chat that is configured. An unconfigured named chat raises its PostReadyError, and so
    does the first chat when none is configured."""
    frontends: list[Frontend] = []
    refusals: list[PostReadyError] = []
    for name in names or CHAT_FRONTENDS:
        try:
            frontends.append(CHAT_FRONTENDS[name](settings))
        except PostReadyError as exc:
            if names:
                raise
            refusals.append(exc)
    if not frontends:
        raise refusals[0]
    return frontends


async def run_worker(
    settings: Settings,
    subscriber: JobSubscriber | None = None,
    frontends: Sequence[Frontend] = (),
    *,
    workers: bool = True,
) -> None:
    """Run the worker pool (and the chat `frontends` on the same loop) until SIGTERM or SIGINT,
    then shut down cleanly: running jobs get `shutdown_grace` seconds to finish (a second
    signal cuts it short) and are re-queued; frontends stop last, so those results still reach
    their chats. `subscriber` hears the updates of jobs no frontend here serves. `workers=False`:
    no worker runs here; other processes run the jobs (PostgreSQL only)."""
    stop, hurry = asyncio.Event(), asyncio.Event()

    def on_signal() -> None:
        (hurry if stop.is_set() else stop).set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    services = service_settings(settings.ai, settings.photography)
    for note in services.notes:
        log.info("services %s", note)
    for name, url in _redirected_services(settings):
        # Tokens and keys go to this address: an operator should see it was changed.
        log.warning("service_address_changed %s=%s", name, url)
    by_platform = {frontend.platform: frontend for frontend in frontends}

    async with await Storage.open(settings.storage.database) as storage:
        observers: list[Callable[[JobUpdate], None]] = []  # metrics, when served

        delivery_owner = uuid.uuid4().hex
        delivery_hold = settings.queue.reply_retry_seconds + 60

        async def route(update: JobUpdate) -> None:
            for observe in observers:
                observe(update)
            ended = update.job.status in ENDED_STATUSES
            if ended and not await storage.jobs.take_delivery(
                update.job.id, delivery_owner, delivery_hold
            ):
                # Delivered already, or another process delivers it now: a job is delivered
                # once, even if it ran twice.
                log.info("delivery_skipped job=%s", update.job.id)
                return
            # A frontend raises when some of a job's replies did not reach its chat: the job
            # stays undelivered, and the next start sends what is left.
            frontend = by_platform.get(update.job.session.user.platform)
            try:
                if frontend is not None:
                    await frontend.on_job_update(update)
                elif subscriber is not None:
                    await subscriber(update)
            except BaseException:
                if ended:
                    await storage.jobs.release_delivery(update.job.id, delivery_owner)
                raise
            if ended:
                await storage.jobs.mark_delivered(update.job.id)

        queue = QueueService(
            storage,
            settings,
            route,
            PoolOptions(
                content=ContentEngine(services.providers),
                photography=services.photography,
                # A chat's job runs where that chat's bot runs, so its results reach the chat;
                # a headless worker takes the command line's jobs only.
                platforms=frozenset({HEADLESS_PLATFORM, *by_platform}),
                usage=storage.usage,
            ),
            workers=workers,
        )
        started: list[Frontend] = []
        started_server: OperationsServer | None = None
        try:
            await queue.open()  # the frontends' first submissions may come while they start
            for frontend in frontends:
                await frontend.start(storage, queue.api)
                started.append(frontend)
            # Before any worker starts: every undelivered job is one a previous run left.
            await _deliver_left_over(storage, by_platform, route)
            await queue.start()
            sweeper = asyncio.create_task(sweep_periodically(storage, settings.storage))
            routes = [route for frontend in frontends for route in frontend.http_routes()]
            if settings.operations.http_port is not None or routes:
                started_server = await _operations_server(
                    settings, storage, queue, frontends, routes
                )
                observers.append(started_server.metrics.observe)
            await stop.wait()
            sweeper.cancel()
            log.info("worker_stopping grace=%ss", settings.queue.shutdown_grace)
            await queue.stop(settings.queue.shutdown_grace, hurry)
        finally:
            if started_server is not None:
                await started_server.stop()
            for frontend in reversed(started):
                await frontend.stop()


async def _operations_server(
    settings: Settings,
    storage: Storage,
    queue: QueueService,
    frontends: Sequence[Frontend],
    routes: Sequence[Route],
) -> OperationsServer:
    """The health and metrics server, started: it checks the database, the workers and each
    chat, and serves the chats' `routes`. Without `POSTREADY_HTTP_PORT` (only a webhook needs
    it) it listens where Telegram's webhook always did: every address, `TELEGRAM_WEBHOOK_PORT`."""
    from postready.adapters.http.metrics import JobMetrics
    from postready.adapters.http.server import Check, OperationsServer

    async def database() -> str | None:
        await storage.jobs.queued_count()
        return None

    checks: dict[str, Check] = {"database": database, "workers": queue.problem}
    checks |= {frontend.platform: frontend.problem for frontend in frontends}
    operations = settings.operations
    if operations.http_port is not None:
        host, port = operations.http_host, operations.http_port
    else:
        host, port = "0.0.0.0", settings.telegram.webhook_port  # reachable by Telegram
    server = OperationsServer(host, port, checks, JobMetrics(storage.jobs), routes)
    await server.start()
    return server


def _redirected_services(settings: Settings) -> list[tuple[str, str]]:
    """The services whose address is not their own (an `.env` line may have set it)."""
    addresses = {
        "TELEGRAM_API_BASE_URL": (settings.telegram.api_base_url, TELEGRAM_API),
        "OPENAI_BASE_URL": (settings.ai.openai.base_url, None),
        "GEMINI_BASE_URL": (settings.ai.gemini.base_url, None),
    }
    return [(name, url) for name, (url, usual) in addresses.items() if url and url != usual]


async def _deliver_left_over(
    storage: Storage, platforms: Collection[str], route: JobSubscriber
) -> None:
    """Tell the chats about jobs that ended while no process could (it died sending them, or
    the chat kept failing): each chat sends the replies it has not recorded as sent."""
    if not platforms:
        return
    for job in await storage.jobs.undelivered(platforms, DELIVERY_WINDOW):
        result = None
        if job.status == "completed" and job.session.results is not None:
            try:
                result = OptimizeResult.from_json(job.session.results)
            except ValueError as exc:  # written by another version: the status line only
                log.warning(
                    "results_unreadable job=%s session=%s reason=%s", job.id, job.session.id, exc
                )
        log.info(
            "job_delivered_late job=%s session=%s status=%s", job.id, job.session.id, job.status
        )
        try:
            await route(JobUpdate(job, result=result))
        except Exception:
            log.exception("late_delivery_failed job=%s session=%s", job.id, job.session.id)
