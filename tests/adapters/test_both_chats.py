"""`postready bot --sync` with both tokens set: Telegram and Discord in one process, on one
loop and one worker pool, each answering its own users — run as the command line runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from postready.adapters.discord.bot import COMMANDS_DIGEST, DiscordFrontend
from postready.cli import main
from postready.core.config.settings import Settings
from tests.adapters.test_discord import done
from tests.adapters.test_telegram import finished
from tests.fakes.discord_server import TOKEN as DISCORD_TOKEN
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.telegram_server import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.threaded import running_in_thread
from tests.images import encode, textured
from tests.waiting import PATIENCE

ALICE, BOB = 1001, 2002


def test_one_process_runs_both_bots_and_sync_registers_unchanged_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)  # no developer's .env
    with (
        running_in_thread(FakeTelegram()) as telegram,
        running_in_thread(FakeDiscord()) as discord,
    ):
        environment = {
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.server.origin,
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "POSTREADY_DATA_DIR": str(data),
            "POSTREADY_WORKERS": "2",
            "POSTREADY_PROGRESS_INTERVAL": "0.2",
            "POSTREADY_POLL_SECONDS": "0.1",
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        # The commands were synced before and have not changed: only --sync registers them.
        digest = asyncio.run(DiscordFrontend(Settings()).commands_digest())
        data.mkdir()
        (data / COMMANDS_DIGEST).write_text(digest)

        stopped = threading.Event()
        failures: list[BaseException] = []
        tokens: list[str] = []

        def wait(condition: Callable[[], bool]) -> None:
            deadline = time.monotonic() + PATIENCE
            while not condition():
                if stopped.is_set() or time.monotonic() > deadline:
                    raise TimeoutError("the bots did not get there")
                time.sleep(0.05)

        def users() -> None:
            try:
                wait(lambda: bool(telegram.server.methods("getUpdates")))
                wait(discord.server.ready.is_set)
                picture = encode(textured((1200, 900), 3))
                telegram.run(telegram.server.send_photo(ALICE, picture, "/optimize x cosy mug"))
                image = discord.server.upload("mug.jpg", picture)
                options = {"image": image, "platforms": "bluesky"}
                tokens.append(discord.run(discord.server.slash(BOB, "optimize", options)))
                shown = discord.server.shown(tokens[0])
                wait(lambda: finished(telegram.server, ALICE) == 1)
                wait(lambda: done(shown) and len(shown.followups) >= 3)
            except BaseException as exc:
                failures.append(exc)
            finally:
                if not stopped.is_set():
                    os.kill(os.getpid(), signal.SIGTERM)  # as a service manager stops it

        thread = threading.Thread(target=users)
        thread.start()
        try:
            assert main(["bot", "--sync"]) == 0
        finally:
            stopped.set()
            thread.join(PATIENCE)
    assert not failures, failures
    assert len(discord.server.made("PUT", "/commands")) == 1  # --sync: registered anyway
    assert telegram.server.methods("setMyCommands")
    # Each chat got its own user's result, and only that.
    shown = discord.server.shown(tokens[0])
    assert shown.original[-1] == "✅ Done — 1 of 1 platform ready"
    assert [name for f in shown.followups for name, _ in f.files] == ["bluesky.jpg", "sheet.png"]
    labels = [m.text for m in telegram.server.chat(ALICE) if m.kind in ("photo", "document")]
    assert any(label.startswith("X ·") for label in labels)
    assert not any("Bluesky" in label for label in labels)
