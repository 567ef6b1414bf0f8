"""`postready bot telegram` as a real process killed with SIGKILL after it took photos from
Telegram but before it could queue them, or while it ran their jobs: the restarted bot answers
every photo once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from types import MappingProxyType

from postready.core.storage import Storage
from tests.adapters.test_telegram import ALICE, BOB, finished, image, photo_bytes
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.waiting import PATIENCE, until

ROOT = Path(__file__).parents[2]
BOT = ["-m", "postready", "bot", "telegram"]
# The bot, with jobs that never finish: killed while they are running.
STUCK_BOT = [
    "-c",
    "import asyncio, sys\n"
    "from postready.core.queue import worker\n"
    "async def stuck(*args, **kwargs):\n"
    "    await asyncio.Event().wait()\n"
    "worker.run_optimization = stuck\n"
    "from postready.cli import main\n"
    "sys.exit(main(['bot', 'telegram']))\n",
]


@asynccontextmanager
async def bot_process(
    telegram: FakeTelegram,
    data_dir: Path,
    log: Path,
    command: list[str] = BOT,
    workers: int = 1,
    settings: Mapping[str, str] = MappingProxyType({}),
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The bot as its own process, receiving updates from the fake Telegram; `settings`:
    environment variables of its own."""
    env = (
        os.environ
        | dict(settings)
        | {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.origin,
            "POSTREADY_DATA_DIR": str(data_dir),
            "POSTREADY_WORKERS": str(workers),
            "POSTREADY_POLL_SECONDS": "0.1",
            "POSTREADY_SHUTDOWN_GRACE": "5",
        }
    )
    polls = len(telegram.methods("getUpdates"))
    with log.open("a") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *command,
            env=env, cwd=data_dir.parent, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        await until(
            lambda: process.returncode is not None or telegram.methods("getUpdates")[polls:]
        )
        assert process.returncode is None, log.read_text()
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), PATIENCE)


async def answers_recorded(data_dir: Path, count: int) -> bool:
    async with await Storage.open(data_dir / "postready.db") as store:
        entries = await store.inbox.unhandled("telegram")
    return sum(len(entry.acks) for entry in entries) >= count


async def test_photos_received_before_a_kill_are_answered_once_after_the_restart(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    async with FakeTelegram() as telegram:
        telegram.downloads_open.clear()  # the photos are taken from Telegram, not downloaded
        async with bot_process(telegram, data_dir, log) as first:
            await telegram.send_photo(ALICE, photo_bytes(seed=1), "/optimize x red mug")
            await telegram.send_photo(BOB, photo_bytes(seed=2), "/optimize bluesky")
            # Each is answered at once, before its download and its job; killed once the
            # answers are recorded (a kill between an answer and its record sends it again).
            await until(lambda: all(telegram.chat(user) for user in (ALICE, BOB)))
            await until(lambda: answers_recorded(data_dir, 2))
            first.kill()  # SIGKILL: nothing is cleaned up
            await first.wait()
        telegram.downloads_open.set()
        async with bot_process(telegram, data_dir, log):
            await until(lambda: all(finished(telegram, user) for user in (ALICE, BOB)))
    for user, platform in ((ALICE, "X"), (BOB, "Bluesky")):
        chat = telegram.chat(user)
        # One status line, the one sent before the kill, edited to its end; one image.
        (status,) = [s for s in chat if s.kind == "text" and s.edits[0].startswith("⏳ Queued")]
        assert status.text.startswith("✅ Done"), log.read_text()
        assert [s.text.split(" · ")[0] for s in chat if image(s)] == [platform]
        assert finished(telegram, user) == 1


async def running_jobs(data_dir: Path, count: int) -> bool:
    async with await Storage.open(data_dir / "postready.db") as store:
        jobs = await store.jobs.recent(count)
    return len([job for job in jobs if job.status == "running"]) >= count


async def killed_mid_job(
    tmp_path: Path, send: Callable[[FakeTelegram], Awaitable[None]]
) -> tuple[FakeTelegram, Path]:
    """The chat after what `send` sent was running as one job when the bot was killed, and
    the bot then restarted; and the bots' log."""
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    async with FakeTelegram() as telegram:
        async with bot_process(telegram, data_dir, log, STUCK_BOT) as first:
            await send(telegram)
            await until(lambda: running_jobs(data_dir, 1))
            first.kill()
            await first.wait()
        # The restarted bot knows its predecessor is dead: the job runs again at once (the
        # lease, 60 s, is not waited for) and its results come once, in its status line.
        async with bot_process(telegram, data_dir, log):
            await until(lambda: finished(telegram, ALICE), timeout=40)
    return telegram, log


async def test_photos_whose_jobs_ran_when_the_bot_was_killed_are_answered_once(
    tmp_path: Path,
) -> None:
    async def send(telegram: FakeTelegram) -> None:
        await telegram.send_photo(ALICE, photo_bytes(seed=1), "/optimize x")

    telegram, log = await killed_mid_job(tmp_path, send)
    chat = telegram.chat(ALICE)
    (status,) = [s for s in chat if s.kind == "text" and s.edits[0].startswith("⏳ Queued")]
    assert status.text.startswith("✅ Done"), log.read_text()
    assert [s.text.split(" · ")[0] for s in chat if image(s)] == ["X"]
    assert finished(telegram, ALICE) == 1


async def test_an_album_whose_carousel_ran_when_the_bot_was_killed_is_answered_once(
    tmp_path: Path,
) -> None:
    async def send(telegram: FakeTelegram) -> None:
        for seed in range(3):
            caption = "/optimize instagram" if seed == 0 else None
            await telegram.send_photo(ALICE, photo_bytes(seed=seed), caption, album="a1")

    telegram, log = await killed_mid_job(tmp_path, send)
    chat = telegram.chat(ALICE)
    # One status line for the album, edited to its end; the carousel's three images, once.
    (status,) = [s for s in chat if s.kind == "text" and s.edits[0].startswith("⏳ Queued")]
    assert status.text.startswith("✅ Done"), log.read_text()
    labels = [s.text.rsplit(" · ", 1)[1] for s in chat if image(s)]
    assert labels == ["1/3", "2/3", "3/3"]
    assert finished(telegram, ALICE) == 1
