"""`/stats` for the bot's admins: jobs of today and of the last 7 days by how they ended,
failures by code, paid AI calls and their estimated cost, the queue, the disk the data
directory takes, and the services that are off (what creators' posts never mention)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from postready.chat.texts import STATUS_WORDS
from postready.core.i18n import _, ngettext
from postready.core.quotas import day_start
from postready.core.retention import DAY, folder_bytes
from postready.core.storage import Storage

STATUS_ORDER = ("completed", "failed", "cancelled", "running", "queued")
GB, MB = 1e9, 1e6


async def stats_text(
    storage: Storage, data_dir: Path, timezone: str, services: Sequence[str] = ()
) -> str:
    """The admin's numbers; "today" starts at midnight in `timezone`. `services`: notes on
    the services that are off (local_service_notes, marked texts shown in the language)."""
    now = storage.database.clock()
    start = day_start(now, timezone).timestamp()
    today = await storage.jobs.status_counts(start)
    week = await storage.jobs.status_counts(now - 7 * DAY)
    failures = await storage.jobs.failure_counts(now - 7 * DAY)
    waiting = await storage.jobs.queued_count()
    paid = [await _paid(storage, since) for since in (start, now - 7 * DAY)]
    disk = await asyncio.to_thread(folder_bytes, data_dir)
    failed = ", ".join(f"{code} {count}" for code, count in failures.items())
    lines = [
        "📊 PostReady",
        _("Today: {jobs}").format(jobs=_jobs(today)),
        _("7 days: {jobs}").format(jobs=_jobs(week)),
        _("Failures (7 days): {failures}").format(failures=failed or _("none")),
        _("AI: today {today}; 7 days {week}").format(today=paid[0], week=paid[1]),
        ngettext("Queue: {count} waiting", "Queue: {count} waiting", waiting).format(count=waiting),
        _("Disk: {size} in {folder}").format(size=_size(disk), folder=data_dir),
        _("Services: {services}").format(
            services="; ".join(_(note) for note in services) or _("all configured")
        ),
    ]
    return "\n".join(lines)


async def _paid(storage: Storage, since: float) -> str:
    calls = await storage.usage.totals(since)
    cost = await storage.usage.cost(since)
    return _("{calls} calls, {renders} image renders, about ${cost}").format(
        calls=calls.get("ai_call", 0), renders=calls.get("image_render", 0), cost=f"{cost:.2f}"
    )


def _jobs(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = [f"{counts[s]} {_(STATUS_WORDS[s])}" for s in STATUS_ORDER if counts.get(s)]
    jobs = ngettext("{count} job", "{count} jobs", total).format(count=total)
    return jobs + (" — " + ", ".join(parts) if parts else "")


def _size(count: int) -> str:
    return f"{count / GB:.1f} GB" if count >= GB else f"{count / MB:.1f} MB"
