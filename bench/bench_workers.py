"""Threads or processes for the job queue's CPU work: throughput and event-loop lag.

Runs JOBS optimisations of one 12-megapixel JPEG (all platforms), WORKERS at a time, two ways:

- **thread**: every job's pipeline on one event loop with a shared ThreadPoolExecutor (what
  `postready worker` does);
- **process**: each job's whole pipeline in a ProcessPoolExecutor child (its own event loop and
  threads), the parent only awaiting the result.

While the jobs run, a ticker on the parent's event loop asks for a 10 ms sleep over and over;
how late it wakes (p50, p99, max) is how late a chat update would be answered.

    python bench/bench_workers.py [--jobs 6] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from bench_images import make_photo

from postready.pipeline.models import OptimizeRequest
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.runner import run_optimization

TICK = 0.010


def _request(photo: bytes) -> OptimizeRequest:
    return OptimizeRequest(source=photo, platforms=tuple(PLATFORMS))


def _run_in_child(photo: bytes, out: str) -> int:
    result = asyncio.run(run_optimization(_request(photo), Path(out)))
    return len(result.successful)


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        started = loop.time()
        await asyncio.sleep(TICK)
        lags.append(loop.time() - started - TICK)


async def _run_mode(mode: str, photo: bytes, jobs: int, workers: int, out: str) -> dict:
    loop = asyncio.get_running_loop()
    executor: Executor
    if mode == "thread":
        executor = ThreadPoolExecutor(max_workers=os.cpu_count())
    else:
        executor = ProcessPoolExecutor(max_workers=workers)
        # Start the children (imports included) before timing, as a long-running worker would.
        await asyncio.gather(*(loop.run_in_executor(executor, os.getpid) for _ in range(workers)))
    slots = asyncio.Semaphore(workers)

    async def one_job() -> None:
        async with slots:
            if mode == "thread":
                await run_optimization(_request(photo), Path(out), executor=executor)
            else:
                await loop.run_in_executor(executor, _run_in_child, photo, out)

    lags: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(lags, stop))
    started = time.perf_counter()
    await asyncio.gather(*(one_job() for _ in range(jobs)))
    wall = time.perf_counter() - started
    stop.set()
    await ticker
    executor.shutdown()
    lags.sort()
    return {
        "wall": wall,
        "p50": lags[len(lags) // 2] * 1000,
        "p99": lags[int(len(lags) * 0.99)] * 1000,
        "max": lags[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.jpg"
        make_photo(path)  # the image benchmark's 12 MP photo: the same work in both benchmarks
        photo = path.read_bytes()
    print(f"{args.jobs} jobs × {len(PLATFORMS)} platforms, 12 MP JPEG, {args.workers} at a time,")
    print(f"{os.cpu_count()} CPUs; wall time per batch and event-loop lag of a {TICK * 1000:g} ms")
    print("sleep (ms), median over the repeats; modes alternate so both see the same load.")
    runs: dict[str, list[dict]] = {"thread": [], "process": []}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            for mode, results in runs.items():
                results.append(asyncio.run(_run_mode(mode, photo, args.jobs, args.workers, out)))
    for mode, results in runs.items():
        row = {key: statistics.median(r[key] for r in results) for key in results[0]}
        walls = ", ".join(f"{r['wall']:.2f}" for r in results)
        print(
            f"{mode:<8} wall {row['wall']:6.2f} s ({walls})  {args.jobs / row['wall']:.2f} jobs/s"
            f"  lag p50 {row['p50']:5.1f}  p99 {row['p99']:6.1f}  max {row['max']:6.1f}"
        )


if __name__ == "__main__":
    main()
