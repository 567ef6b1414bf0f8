"""The queue on SQLite against PostgreSQL: 60 small jobs through 1 and 2 `postready worker`
processes, as jobs per minute and queue wait (from enqueue to start) p50/p95.

Each run starts its workers (one job at a time each), waits until they are up, then queues the
60 jobs at once from this process (one 400×300 JPEG each, for one platform) and waits until all
have ended. Jobs per minute count from the first start to the last end. The runs take turns
(SQLite 1, PostgreSQL 1, SQLite 2, PostgreSQL 2, then again), each on a fresh database.

    python bench/bench_engines.py [--rounds 1] [--jobs 60] [--server postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from postready.core.config.settings import Settings
from postready.core.identity import HEADLESS_PLATFORM, UserRef
from postready.core.queue import QueueService
from postready.core.storage import Storage
from postready.pipeline.models import OptimizeRequest

PATIENCE = 600.0
ENDED = ("completed", "failed", "cancelled")
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def photo() -> bytes:
    """A small photo with some texture (noise), so that every job does real work."""
    image = Image.effect_noise((400, 300), 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Worker:
    """`postready worker` as a child process, its output read as it comes."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "postready", "worker", "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.started = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "workers_started" in line:
                self.started.set()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(PATIENCE)


async def queue_and_wait(database: Path | str, settings: Settings, jobs: int) -> list[tuple]:
    """Queue the jobs and wait for their ends; each job's queue, start and end times, status."""
    data = photo()
    async with await Storage.open(database) as store:
        user = await store.users.get_or_create(UserRef(HEADLESS_PLATFORM, "bench"))
        queue = QueueService(store, settings, workers=False)  # procrastinate on PostgreSQL
        await queue.open()
        for _ in range(jobs):
            await queue.api.submit(user, OptimizeRequest(source=data, platforms=("x",)))
        await queue.stop()
        deadline = time.monotonic() + PATIENCE
        while True:
            counts = await store.jobs.status_counts()
            if sum(counts.get(status, 0) for status in ENDED) >= jobs:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the jobs did not end")
            await asyncio.sleep(0.2)
        found = await store.jobs.recent(jobs)
    return [
        (j.session.created_at, j.session.started_at, j.session.completed_at, j.status)
        for j in found
    ]


def run(engine: str, workers: int, jobs: int, server: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {
            "POSTREADY_DATA_DIR": str(Path(folder) / "data"),
            "POSTREADY_MAX_JOBS_IN_FLIGHT": str(jobs),
            "POSTREADY_MAX_JOBS_PER_HOUR": str(jobs),
            "POSTREADY_JOBS_PER_DAY": str(jobs),
            "POSTREADY_QUEUE_LIMIT": str(jobs),
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
        name = f"postready_bench_{uuid.uuid4().hex[:8]}"
        if engine == "postgresql":
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            env["POSTREADY_DATABASE_URL"] = urlsplit(server)._replace(path=f"/{name}").geturl()
        os.environ.update(env)
        try:
            settings = Settings()
            started = [Worker(env) for _ in range(workers)]
            for worker in started:
                if not worker.started.wait(PATIENCE):
                    raise TimeoutError("a worker did not start")
            times = asyncio.run(queue_and_wait(settings.storage.database, settings, jobs))
            for worker in started:
                worker.stop()
        finally:
            for key in env:
                os.environ.pop(key, None)
            if engine == "postgresql":
                with psycopg.connect(server, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    failed = [t for t in times if t[3] != "completed"]
    if failed:
        raise RuntimeError(f"{len(failed)} jobs did not complete: {failed[0]}")
    waits = sorted((s - q).total_seconds() for q, s, _, _ in times)
    span = (max(e for *_, e, _ in times) - min(s for _, s, _, _ in times)).total_seconds()
    return {
        "jobs_per_min": len(times) / span * 60,
        "wait_p50": statistics.median(waits),
        "wait_p95": waits[max(0, round(0.95 * len(waits)) - 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--server", default=SERVER, help="a PostgreSQL maintenance database")
    args = parser.parse_args()
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for _ in range(args.rounds):
        for workers in (1, 2):
            for engine in ("sqlite", "postgresql"):
                result = run(engine, workers, args.jobs, args.server)
                results.setdefault((engine, workers), []).append(result)
                print(f"{engine:10} workers={workers} {result}", flush=True)
    print(f"\n{args.jobs} jobs, median of {args.rounds} round(s):")
    print(f"{'engine':10} {'workers':>7} {'jobs/min':>9} {'wait p50 s':>11} {'wait p95 s':>11}")
    for (engine, workers), runs in results.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(
            f"{engine:10} {workers:>7} {med['jobs_per_min']:>9.0f} "
            f"{med['wait_p50']:>11.2f} {med['wait_p95']:>11.2f}"
        )


if __name__ == "__main__":
    main()
