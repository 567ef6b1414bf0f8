"""Discord on several machines (PostgreSQL): the bot receives `/optimize` and runs no job; a
worker elsewhere runs it and answers the interaction itself over Discord's HTTP API, with the
token the bot stored, without a gateway connection of its own."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from postready.adapters.discord import discord_frontend
from postready.adapters.discord.bot import DiscordFrontend
from postready.core.config.settings import DiscordSection, QueueSection, Settings, StorageSection
from postready.core.queue import PoolOptions, QueueService
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.serve import run_worker
from tests.adapters.test_discord import ALICE, done, photo
from tests.fakes.discord_server import TOKEN, FakeDiscord
from tests.waiting import PATIENCE, until


def machine(tmp_path: Path, name: str, url: str) -> Settings:
    return Settings(
        storage=StorageSection(data_dir=tmp_path / name, database_url=url),
        queue=QueueSection(workers=1, progress_interval=0.2, poll_seconds=0.1, shutdown_grace=5),
        discord=DiscordSection(bot_token=TOKEN),
    )


async def test_a_worker_answers_a_discord_interaction_the_bot_received(
    tmp_path: Path, postgres_url: str
) -> None:
    bot_settings = machine(tmp_path, "bot", postgres_url)
    worker_settings = machine(tmp_path, "worker", postgres_url)
    async with FakeDiscord() as fake, await Storage.open(postgres_url) as storage:
        deliverer = DiscordFrontend(worker_settings, receive=False)

        async def deliver(update: JobUpdate) -> None:
            await deliverer.on_job_update(update)

        worker = QueueService(
            storage, worker_settings, deliver, PoolOptions(platforms=frozenset({"discord"}))
        )
        bot = asyncio.create_task(
            run_worker(bot_settings, frontends=[discord_frontend(bot_settings)], workers=False)
        )
        await until(lambda: bot.done() or fake.ready.is_set())
        assert not bot.done(), bot.exception()
        await deliverer.start(storage, worker.api)
        await worker.start()
        try:
            options = {"image": photo(fake), "platforms": "instagram", "description": "mug"}
            token = await fake.slash(ALICE, "optimize", options)
            shown = fake.shown(token)
            await until(lambda: done(shown) and len(shown.followups) >= 2)
        finally:
            await worker.stop()
            await deliverer.stop()
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(bot, PATIENCE)
        counts = await storage.jobs.status_counts()
    assert counts == {"completed": 1}
    assert shown.original[0].startswith("⏳") and shown.original[-1].startswith("✅")
    files = [name for followup in shown.followups for name, _ in followup.files]
    assert "instagram.jpg" in files
    assert fake.gateway_connections == 1  # the bot's: the worker never connected
    # The worker made the files: they are under its own data directory, not the bot's.
    assert list((tmp_path / "worker" / "output").glob("*/instagram.jpg"))
    assert not list((tmp_path / "bot" / "output").glob("*/instagram.jpg"))
