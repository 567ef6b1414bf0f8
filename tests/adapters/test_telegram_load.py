"""Forty people each sending two photos at once (an 8000×8000 PNG and a phone-sized JPEG) to a
real bot process with the default settings: every photo is answered at once, every job runs
to its end and its results arrive once, the daily quota holds for everyone, and the bot's
memory stays bounded. The limits here are loose, for a busy test machine;
bench/bench_chat_load.py measures the real figures (README)."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

from PIL import Image

from postready.core.storage import Storage
from tests.adapters.test_telegram import finished
from tests.adapters.test_telegram_crash import bot_process
from tests.fakes.telegram_server import FakeTelegram
from tests.images import encode, textured
from tests.waiting import until

USERS = 40
FIRST_USER = 7001
PHOTOS_PER_DAY = 2  # each user's second photo uses the quota up; a third is refused
ACK_P95_LIMIT = 10.0  # seconds; measured: under 1 s on a loaded 2-core machine
RSS_LIMIT_MB = 1400  # the bound is 700 MB; measured: see README
DONE = "✅ Done — 2 of 2 platforms ready"
QUOTA = "⚠️ you have used today's 2 photos; more from 12:00\u202fAM UTC"


def big_png() -> bytes:
    """An 8000×8000 picture enlarged from a small one, a few MB as a PNG: a busy scene, not a
    product shot, so it is queued without a style offer."""
    small = textured((250, 250), seed=3)
    out = io.BytesIO()
    small.resize((8000, 8000), Image.Resampling.NEAREST).save(out, "PNG", compress_level=6)
    return out.getvalue()


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


async def all_delivered(data_dir: Path) -> bool:
    """No job left running or queued, none ended without its end reaching the chat."""
    async with await Storage.open(data_dir / "postready.db") as store:
        counts = await store.jobs.status_counts()
        undelivered = await store.jobs.undelivered(("telegram",), 3600)
        return not (counts.get("queued") or counts.get("running") or undelivered)


async def test_eighty_photos_from_forty_people_all_end_once_within_quota_and_memory(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    photos = (big_png(), encode(textured((1200, 900))))
    users = range(FIRST_USER, FIRST_USER + USERS)
    settings = {"POSTREADY_JOBS_PER_DAY": str(PHOTOS_PER_DAY)}
    async with (
        FakeTelegram() as telegram,
        bot_process(telegram, data_dir, log, workers=2, settings=settings) as bot,
    ):
        sent: dict[tuple[int, int], float] = {}
        for user in users:
            for index, data in enumerate(photos):
                await telegram.send_photo(user, data, "/optimize instagram x")
                sent[(user, index)] = time.monotonic()
        answered: dict[tuple[int, int], float] = {}

        def all_answered() -> bool:
            now = time.monotonic()
            for user in users:
                for index in range(min(len(telegram.chat(user)), len(photos))):
                    answered.setdefault((user, index), now)
            return len(answered) == len(sent)

        await until(all_answered, timeout=120)
        await until(lambda: all(finished(telegram, user) == 2 for user in users), timeout=900)
        for user in users:  # over the quota: refused, however busy the bot is
            await telegram.send_photo(user, photos[1], "/optimize x")
        await until(
            lambda: all(telegram.chat(user)[-1].text.startswith(QUOTA) for user in users),
            timeout=120,
        )
        await until(lambda: all_delivered(data_dir), timeout=60)
        rss = peak_rss_mb(bot.pid)
    waits = sorted(answered[key] - sent[key] for key in sent)
    p95 = statistics.quantiles(waits, n=20)[-1]
    assert p95 < ACK_P95_LIMIT, f"ack p95 {p95:.1f} s"
    assert rss < RSS_LIMIT_MB, f"peak RSS {rss:.0f} MB"
    for user in users:
        statuses = [m.text for m in telegram.chat(user) if m.edits[0].startswith("⏳")]
        assert statuses == [DONE, DONE], log.read_text()[-3000:]
        assert finished(telegram, user) == 2  # each job's results once
    async with await Storage.open(data_dir / "postready.db") as store:
        assert len(await store.jobs.recent(1000)) == 2 * USERS  # no third job for anyone
    print(f"ack p50 {statistics.median(waits):.2f} s, p95 {p95:.2f} s; peak RSS {rss:.0f} MB")
