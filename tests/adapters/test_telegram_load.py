"""Twenty people each sending two photos at once (a 12-megapixel JPEG and an 8000×8000 PNG) to
a real bot process: every photo is answered at once and queued, and the bot's memory stays
bounded. The limits here are loose, for a busy test machine; bench/bench_chat_load.py measures
the real figures (README)."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

from PIL import Image

from postready.core.storage import Storage
from tests.adapters.test_telegram_crash import STUCK_BOT, bot_process
from tests.fakes.telegram_server import FakeTelegram
from tests.images import encode, textured
from tests.waiting import until

USERS = 20
FIRST_USER = 7001
ACK_P95_LIMIT = 10.0  # seconds; measured: about 1 s on a loaded 2-core machine
RSS_LIMIT_MB = 1400  # measured: about 440 MB (3 GB before answers came first)


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


async def jobs_kept(data_dir: Path, count: int) -> bool:
    async with await Storage.open(data_dir / "postready.db") as store:
        return len(await store.jobs.recent(count + 1)) == count


async def test_forty_photos_are_answered_at_once_and_queued_in_bounded_memory(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    photos = (encode(textured((4000, 3000))), big_png())
    users = range(FIRST_USER, FIRST_USER + USERS)
    # Default workers (2); the jobs never end, so only receiving is measured.
    async with (
        FakeTelegram() as telegram,
        bot_process(telegram, data_dir, log, STUCK_BOT, workers=2) as bot,
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
                for index in range(len(telegram.chat(user))):
                    answered.setdefault((user, index), now)
            return len(answered) == len(sent)

        await until(all_answered, timeout=120)
        await until(lambda: jobs_kept(data_dir, 2 * USERS), timeout=180)
        rss = peak_rss_mb(bot.pid)
        bot.kill()
        await bot.wait()
    waits = sorted(answered[key] - sent[key] for key in sent)
    p95 = statistics.quantiles(waits, n=20)[-1]
    assert p95 < ACK_P95_LIMIT, f"ack p95 {p95:.1f} s"
    assert rss < RSS_LIMIT_MB, f"peak RSS {rss:.0f} MB"
    # Queued, or started (two workers took a photo each): none refused, none lost.
    assert all(m.text.startswith("⏳") for u in users for m in telegram.chat(u)), log.read_text()
    print(f"ack p50 {statistics.median(waits):.2f} s, p95 {p95:.2f} s; peak RSS {rss:.0f} MB")
