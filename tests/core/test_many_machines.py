"""PostReady on several machines: one `postready bot --no-worker` process receiving Telegram,
two `postready worker` processes running the jobs and sending the results, one PostgreSQL.
Each process has a data directory of its own (as on separate machines): photos reach the
workers through the database. One worker is killed with SIGKILL in the middle of a job; every
photo is still answered, each result once, and no job is left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from postready.core.storage import Storage
from tests.adapters.test_telegram import finished
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.images import encode, textured
from tests.waiting import until

ROOT = Path(__file__).parents[2]
USERS = range(9101, 9111)  # ten people
PHOTOS_EACH = 3
DONE = "✅ Done — 1 of 1 platform ready"


@asynccontextmanager
async def process(
    command: list[str], data_dir: Path, log: Path, env: Mapping[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`postready COMMAND` as its own process, stopped with SIGTERM at the end (if alive)."""
    data_dir.mkdir(parents=True)
    with log.open("a") as output:
        started = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "postready", *command,
            env=os.environ | dict(env) | {"POSTREADY_DATA_DIR": str(data_dir)},
            cwd=data_dir, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        yield started
    finally:
        if started.returncode is None:
            started.send_signal(signal.SIGTERM)
            await asyncio.wait_for(started.wait(), 60)


async def job_counts(url: str) -> dict[str, int]:
    async with await Storage.open(url) as store:
        return await store.jobs.status_counts()


async def test_a_bot_and_two_workers_on_postgresql_lose_nothing_when_a_worker_is_killed(
    tmp_path: Path, postgres_url: str
) -> None:
    env = {
        "PYTHONPATH": str(ROOT),
        "POSTREADY_DATABASE_URL": postgres_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "POSTREADY_WORKERS": "1",
        "POSTREADY_LEASE_SECONDS": "3",
        "POSTREADY_INSTANCE_HEARTBEAT_SECONDS": "1",
        "POSTREADY_POLL_SECONDS": "0.2",
        "POSTREADY_RETRY_DELAY": "0",
        "POSTREADY_SHUTDOWN_GRACE": "5",
        "POSTREADY_MAX_JOBS_IN_FLIGHT": "5",
    }
    logs = {name: tmp_path / f"{name}.log" for name in ("bot", "worker1", "worker2")}

    def output() -> str:
        return "\n".join(f"--- {n}\n{p.read_text()[-4000:]}" for n, p in logs.items())

    async with FakeTelegram() as telegram, AsyncExitStack() as running:
        env["TELEGRAM_API_BASE_URL"] = telegram.origin
        bot_command = ["bot", "telegram", "--no-worker"]
        await running.enter_async_context(process(bot_command, tmp_path / "bot", logs["bot"], env))
        await until(lambda: telegram.methods("getUpdates"), timeout=120)
        doomed = await running.enter_async_context(
            process(["worker"], tmp_path / "worker1", logs["worker1"], env)
        )
        await running.enter_async_context(
            process(["worker"], tmp_path / "worker2", logs["worker2"], env)
        )
        for number in range(PHOTOS_EACH):
            for user in USERS:
                photo = encode(textured((640, 480), seed=user + number))
                await telegram.send_photo(user, photo, "/optimize instagram")

        # The first worker dies in the middle of a job: no clean-up at all.
        await until(lambda: "job_started" in logs["worker1"].read_text(), timeout=180)
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()

        try:
            await until(
                lambda: all(finished(telegram, user) >= PHOTOS_EACH for user in USERS),
                timeout=600,
            )
            await until(
                lambda: all(
                    sum(m.edits[-1] == DONE for m in telegram.chat(user)) == PHOTOS_EACH
                    for user in USERS
                ),
                timeout=60,
            )
        except AssertionError:
            pytest.fail(f"not every photo was answered:\n{output()}")
        counts = await job_counts(postgres_url)

    assert counts == {"completed": len(USERS) * PHOTOS_EACH}, output()
    for user in USERS:
        assert finished(telegram, user) == PHOTOS_EACH, output()  # each result once
    worker_logs = logs["worker1"].read_text() + logs["worker2"].read_text()
    assert "job_ended" in logs["worker2"].read_text()
    assert "job_ended" not in logs["bot"].read_text()  # the bot ran no job itself
    assert worker_logs.count("job_started") > len(USERS) * PHOTOS_EACH  # one ran twice
