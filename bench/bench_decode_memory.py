"""Memory and time of one large photo: product detection alone, and one job alone (every
platform, a thread pool of one thread per CPU as `postready worker` uses), each in a fresh
process, for an 8000×8000 PNG of a few hundred KB and a 12-megapixel JPEG.

Each child imports the pipeline, notes its resident set, runs the task once and reports its
wall and CPU time and its peak resident set (VmHWM: /proc's, which starts afresh at exec, unlike
ru_maxrss). `--baseline DIR` runs the same children against another copy of the package (e.g.
`git archive main | tar -x -C DIR`), taking turns round by round, so both see the same load.

    python bench/bench_decode_memory.py [--repeat 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("detect", "job")


def vm_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))


def child(task: str, photo: Path) -> None:
    """Run `task` once on `photo`; print its figures as one JSON line."""
    from concurrent.futures import ThreadPoolExecutor

    from postready.pipeline.faces import prepare_detectors
    from postready.pipeline.models import OptimizeRequest
    from postready.pipeline.platforms import PLATFORMS
    from postready.pipeline.product_detection import detect_product
    from postready.pipeline.runner import run_optimization

    prepare_detectors()
    data = photo.read_bytes()
    base = vm_kib("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    if task == "detect":
        detect_product(data)
    else:
        request = OptimizeRequest(source=data, platforms=tuple(PLATFORMS))
        with tempfile.TemporaryDirectory() as out, ThreadPoolExecutor(os.cpu_count()) as pool:
            asyncio.run(run_optimization(request, Path(out), executor=pool))
    figures = {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "base_mb": base / 1024,
        "peak_mb": vm_kib("VmHWM") / 1024,
    }
    print(json.dumps(figures))


def run_child(package: Path, task: str, photo: Path) -> dict[str, float]:
    env = os.environ | {"PYTHONPATH": str(package)}
    argv = [sys.executable, __file__, "--child", task, str(photo)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another copy of the package to compare")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PHOTO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_chat_load import make_png
    from bench_images import make_photo

    packages = {"this": ROOT} | ({"baseline": args.baseline} if args.baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        photos = {"8000×8000 PNG": Path(tmp) / "large.png", "12 MP JPEG": Path(tmp) / "12mp.jpg"}
        photos["8000×8000 PNG"].write_bytes(make_png())
        make_photo(photos["12 MP JPEG"])
        runs: dict[tuple[str, str, str], list[dict[str, float]]] = {}
        for _ in range(args.repeat):
            for photo_name, photo in photos.items():
                for task in TASKS:
                    for package_name, package in packages.items():
                        key = (photo_name, task, package_name)
                        runs.setdefault(key, []).append(run_child(package, task, photo))
    print(f"median of {args.repeat}; peak: the largest; {os.cpu_count()} CPUs")
    header = ("photo", "task", "package", "wall", "CPU", "peak RSS", "added")
    print("{:15} {:7} {:9} {:>8} {:>8} {:>9} {:>7}".format(*header))
    for (photo_name, task, package_name), figures in runs.items():
        wall = statistics.median(f["seconds"] for f in figures)
        cpu = statistics.median(f["cpu"] for f in figures)
        peak = max(f["peak_mb"] for f in figures)
        added = max(f["peak_mb"] - f["base_mb"] for f in figures)
        print(
            f"{photo_name:15} {task:7} {package_name:9} {wall:7.2f}s {cpu:7.2f}s "
            f"{peak:6.0f} MB {added:4.0f} MB"
        )


if __name__ == "__main__":
    main()
