"""The Telegram bot under load: USERS people each send two photos at once (a 12-megapixel JPEG
and an 8000×8000 PNG of a few hundred KB) to a real `postready bot telegram` process (default
settings) through the fake Bot API server of the tests, run in this process.

Reports how long each photo waited for its first answer (the "⏳ Queued" line, a style offer or
an error) from the moment its update was available to `getUpdates`, when the last results
arrived, the bot's peak RSS (VmHWM), and the photos that got no results. `--kill` SIGKILLs the
bot once KILL_AFTER photos have been answered, starts it again at once, and also counts the
photos that never got results and the replies that arrived twice.

    python bench/bench_chat_load.py [--users 20] [--kill [--kill-after 10]] [--timeout 600]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench_images import make_photo
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from postready.chat.delivery import FILES_ACTION  # noqa: E402
from postready.chat.styles import PROMPT  # noqa: E402
from tests.fakes.telegram_server import TOKEN, FakeTelegram  # noqa: E402

PNG_SIDE = 8000
FIRST_USER = 5001
STATUS_MARK = "⏳"
ERROR = re.compile(r"⚠️ .* \([A-Z_]+\)$")  # texts.error_line; not a failed platform's post


def make_png(side: int = PNG_SIDE) -> bytes:
    """A smooth illustration (sky, sun, clouds, three hills) drawn at 1000 px and enlarged: an
    8000×8000 PNG of a few hundred KB, as exported graphics are. Not a product shot, so the bot
    queues it without offering styles."""
    small = 1000
    ys, xs = np.mgrid[0:small, 0:small].astype(np.float32) / small
    sky = np.stack([90 + 100 * ys, 150 + 70 * ys, 235 - 20 * ys], axis=-1)
    sun = ((xs - 0.75) ** 2 + (ys - 0.22) ** 2) < 0.006
    sky[sun] = (255, 214, 90)
    for cx, cy in ((0.1, 0.03), (0.45, 0.1), (0.95, 0.02), (0.02, 0.4)):  # clouds at the edges
        sky[((xs - cx) / 3) ** 2 + (ys - cy) ** 2 < 0.004] = (250, 250, 250)
    for height, phase, colour in ((0.62, 1.0, (70, 140, 70)), (0.72, 2.5, (50, 115, 55)),
                                  (0.82, 4.0, (35, 90, 45))):  # fmt: skip
        ground = ys > height + 0.06 * np.sin(xs * 7 + phase)
        shade = (1 - 0.3 * (ys - height))[..., None]
        sky = np.where(ground[..., None], np.array(colour, np.float32) * shade, sky)
    image = Image.fromarray(np.clip(sky + 0.5, 0, 255).astype(np.uint8))
    image = image.resize((side, side), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting when each update became available and each bot message
    arrived (monotonic clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.pushed: dict[int, list[float]] = {}  # chat → when its photos became available
        self.arrived: dict[int, float] = {}  # bot message id → when it arrived

    async def _push(self, update: dict[str, Any]) -> None:
        chat = update.get("message", {}).get("chat", {}).get("id")
        if chat is not None:
            self.pushed.setdefault(chat, []).append(time.monotonic())
        await super()._push(update)

    def _bot_message(
        self, params: dict[str, Any], kind: str, text: str, data: bytes | None = None
    ) -> dict[str, Any]:
        message = super()._bot_message(params, kind, text, data)
        self.arrived[message["message_id"]] = time.monotonic()
        return message


class BotProcess:
    """`postready bot telegram` as a child process, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "postready", "bot", "telegram"],
                env=env,
                cwd=env["POSTREADY_DATA_DIR"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def peak_rss_mb(self) -> float:
        """The process's peak resident set so far (VmHWM), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        return int(kib) / 1024

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class ChatOutcome:
    acks: list[float] = field(default_factory=list)  # seconds, per answered photo
    first_answers: list[str] = field(default_factory=list)
    results: int = 0  # distinct jobs whose last post arrived
    results_at: float | None = None  # monotonic time of the last result
    duplicates: int = 0  # replies (files, last posts) that arrived more than once


def answers(telegram: TimedTelegram, chat: int) -> list[tuple[float, str]]:
    """The bot's first answers to photos in `chat`: status lines ("⏳ Queued"), style offers
    and error lines, as they were first sent."""
    out = []
    for shown in telegram.chat(chat):
        first = shown.edits[0]
        if shown.kind == "text" and (first.startswith((STATUS_MARK, PROMPT)) or ERROR.match(first)):
            out.append((telegram.arrived[shown.message_id], first))
    return out


def outcome(telegram: TimedTelegram, chat: int) -> ChatOutcome:
    result = ChatOutcome()
    pushed = telegram.pushed.get(chat, [])
    for sent, (at, text) in zip(pushed, answers(telegram, chat), strict=False):
        result.acks.append(at - sent)
        result.first_answers.append(text)
    sessions: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for shown in telegram.chat(chat):
        for _, data in shown.buttons:
            if data.startswith(f"{FILES_ACTION}:"):
                sessions[data] += 1
                at = telegram.arrived[shown.message_id]
                result.results_at = max(result.results_at or at, at)
        if shown.file is not None:
            # Platforms of one size share an image: the caption tells their replies apart.
            files[hashlib.sha1(shown.text.encode() + shown.file).hexdigest()] += 1
    result.results = len(sessions)
    result.duplicates = sum(n - 1 for n in sessions.values()) + sum(n - 1 for n in files.values())
    return result


async def wait_for(check, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, photos: list[tuple[str, bytes, tuple[int, int]]]) -> None:
    users = [FIRST_USER + n for n in range(args.users)]
    expected = len(users) * len(photos)
    with tempfile.TemporaryDirectory(prefix="postready-load-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        async with TimedTelegram() as telegram:
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("POSTREADY_", "TELEGRAM_", "DISCORD_", "OPENAI_"))
                and key not in ("GEMINI_API_KEY", "CLOUDINARY_URL", "PROCESSING_TIMEOUT")
            } | {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.origin,
                "POSTREADY_DATA_DIR": str(data_dir),
                "PYTHONPATH": str(ROOT),
            }
            log = Path(tmp) / "bot.log"
            bot = BotProcess(env, log)
            peaks: list[float] = []
            try:
                if not await wait_for(lambda: telegram.methods("getUpdates"), 120):
                    raise SystemExit(f"the bot did not start:\n{log.read_text()}")
                started = time.monotonic()
                for user in users:
                    for _, data, size in photos:
                        await telegram.send_photo(user, data, as_document=True, size=size)

                def answered() -> int:
                    return sum(len(answers(telegram, user)) for user in users)

                def finished() -> bool:
                    return sum(outcome(telegram, user).results for user in users) >= expected

                killed_at = None
                if args.kill:
                    await wait_for(lambda: answered() >= args.kill_after, args.timeout)
                    peaks.append(bot.peak_rss_mb())
                    bot.kill()
                    killed_at = time.monotonic() - started
                    bot = BotProcess(env, log)
                await wait_for(finished, args.timeout, step=0.5)
                peaks.append(bot.peak_rss_mb())
            finally:
                bot.stop()
            report(args, users, telegram, started, peaks, killed_at, len(photos))


def report(
    args: argparse.Namespace,
    users: list[int],
    telegram: TimedTelegram,
    started: float,
    peaks: list[float],
    killed_at: float | None,
    per_user: int,
) -> None:
    outcomes = [outcome(telegram, user) for user in users]
    acks = [ack for item in outcomes for ack in item.acks]
    expected = len(users) * per_user
    kinds = Counter(
        "queued" if text.startswith(STATUS_MARK) else "style offer" if text == PROMPT
        else "error: " + text[:60]
        for item in outcomes for text in item.first_answers
    )  # fmt: skip
    print(f"{len(users)} users × {per_user} photos, {os.cpu_count()} CPUs, default settings")
    if killed_at is not None:
        print(f"bot SIGKILLed at {killed_at:.1f} s (after {args.kill_after} answers), restarted")
    print(f"answered: {len(acks)} of {expected}  ({dict(kinds)})")
    if acks:
        print(
            f"ack latency: p50 {statistics.median(acks):.2f} s, p95 {percentile(acks, 0.95):.2f} s,"
            f" max {max(acks):.2f} s"
        )
    done = [item.results_at for item in outcomes if item.results_at is not None]
    results = sum(item.results for item in outcomes)
    if done:
        print(f"results: {results} of {expected}, the last {max(done) - started:.1f} s after start")
    print(f"photos with no results: {expected - results}")
    print(f"duplicate replies: {sum(item.duplicates for item in outcomes)}")
    print("peak RSS of the bot: " + " → ".join(f"{peak:.0f} MB" for peak in peaks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the bot mid-run, restart")
    parser.add_argument("--kill-after", type=int, default=10, help="answers before the kill")
    parser.add_argument("--timeout", type=float, default=600.0, help="for all results (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jpeg = Path(tmp) / "photo.jpg"
        make_photo(jpeg)
        photos = [
            ("12 MP JPEG", jpeg.read_bytes(), Image.open(jpeg).size),
            ("8000×8000 PNG", make_png(), (PNG_SIDE, PNG_SIDE)),
        ]
    for name, data, size in photos:
        print(f"{name}: {size[0]}×{size[1]}, {len(data) / 1e6:.2f} MB")
    asyncio.run(run(args, photos))


if __name__ == "__main__":
    main()
