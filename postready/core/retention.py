"""What PostReady keeps, and for how long: a finished job's files for `POSTREADY_KEEP_DAYS`,
its row (history, `postready jobs`) for `POSTREADY_KEEP_HISTORY_DAYS`. A running bot sweeps
hourly; `postready cleanup` sweeps once."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from postready.core.config.settings import StorageSection
from postready.core.queue.uploads import discard_uploads
from postready.core.storage import Storage

log = logging.getLogger(__name__)
DAY = 86400.0
SWEEP_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Swept:
    sessions: int  # whose files were removed
    freed: int  # bytes
    pruned: int  # sessions forgotten altogether


async def sweep(storage: Storage, settings: StorageSection) -> Swept:
    """Remove the files of jobs that ended more than `keep_days` ago, and forget jobs that
    ended more than `keep_history_days` ago."""
    now = storage.database.clock()
    expired = await storage.jobs.expired_sessions(now - settings.keep_days * DAY)
    freed = 0
    for session_id in expired:
        freed += await asyncio.to_thread(remove_session_files, settings, session_id)
    await storage.jobs.forget_files(expired)
    pruned = await storage.jobs.prune_sessions(now - settings.keep_history_days * DAY)
    await storage.usage.prune(now - settings.keep_history_days * DAY)
    swept = Swept(len(expired), freed, pruned)
    if expired or pruned:
        log.info("retention_swept sessions=%d bytes=%d pruned=%d", len(expired), freed, pruned)
    return swept


async def sweep_periodically(storage: Storage, settings: StorageSection) -> None:
    """Sweep now and then every hour, for as long as the process runs."""
    while True:
        try:
            await sweep(storage, settings)
        except Exception:
            log.exception("retention_sweep_failed")
        await asyncio.sleep(SWEEP_SECONDS)


def remove_session_files(settings: StorageSection, session_id: str) -> int:
    """Delete a session's outputs and uploads; the bytes freed."""
    folder = settings.output_dir / session_id
    freed = folder_bytes(folder)
    shutil.rmtree(folder, ignore_errors=True)
    discard_uploads(settings.uploads_dir, session_id)
    return freed


def folder_bytes(folder: Path) -> int:
    """The bytes of every file under `folder` (0 when there is none)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
