"""Benchmark: one 12-megapixel JPEG made ready for five platforms by PostReady, the seed's
method, libvips and a no-analysis floor; in process, then as whole processes (interpreter
start-up, imports and peak memory included), and the CLI's start-up to its first pipeline
call. Target checks are reported, never enforced.

    python bench/bench_images.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import PIL
import pyvips
from measure import median_ms
from PIL import Image, ImageOps
from reference_methods import QUALITY, REFERENCES, Job, Method
from skimage import data

import postready
from postready.pipeline.models import OptimizeRequest
from postready.pipeline.platform_plans import choose_variant, min_decoded_size
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.runner import run_optimization

PLATFORM_KEYS = ("instagram", "facebook", "linkedin", "pinterest", "x")
SOURCE_SIZE = (4000, 3000)
GRAIN_SIGMA = 6.0  # film grain, in 8-bit levels: gives the JPEG a camera-like size
MB = 1_000_000
REFERENCES_SCRIPT = Path(__file__).with_name("reference_methods.py")
MEASURE_SCRIPT = Path(__file__).with_name("measure.py")
FIRST_CALL_SCRIPT = Path(__file__).with_name("first_call.py")


@dataclass(frozen=True, slots=True)
class ProcessStats:
    wall_ms: float
    peak_rss_mb: float


def make_photo(path: Path) -> None:
    """A 4000×3000 JPEG: coffee filling the frame, an astronaut (a face) right of centre."""
    canvas = ImageOps.fit(Image.fromarray(data.coffee()), SOURCE_SIZE, Image.Resampling.LANCZOS)
    person = Image.fromarray(data.astronaut()).resize((1800, 1800), Image.Resampling.LANCZOS)
    canvas.paste(person, (2100, 1200))
    pixels = np.asarray(canvas, dtype=np.float32)
    grain = np.random.default_rng(2024).standard_normal(pixels.shape, dtype=np.float32)
    noisy = np.clip(pixels + GRAIN_SIGMA * grain, 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(path, quality=QUALITY)


def plan_job(photo: Path) -> Job:
    """The variants PostReady itself picks for this source, so that every method makes the
    same five outputs."""
    targets = {key: choose_variant(PLATFORMS[key], SOURCE_SIZE).size for key in PLATFORM_KEYS}
    return Job(photo, targets, min_decoded_size(list(targets.values()), SOURCE_SIZE))


def ours(job: Job, out_dir: Path) -> None:
    request = OptimizeRequest(source=job.photo, platforms=tuple(job.targets))
    asyncio.run(run_optimization(request, out_dir))


METHODS: dict[str, Method] = {"ours": ours, **REFERENCES}


def measure_processes(commands: list[list[str]], repeat: int) -> list[ProcessStats]:
    """Whole-process wall time and peak RSS of each command, measured from the lean launcher
    with the commands taking turns."""
    launcher = [sys.executable, str(MEASURE_SCRIPT), str(repeat)]
    output = subprocess.run(
        launcher, input=json.dumps(commands), stdout=subprocess.PIPE, text=True, check=True
    ).stdout
    stats = []
    for line in output.splitlines():
        wall_ms, peak_kib = line.split()
        stats.append(ProcessStats(float(wall_ms), int(peak_kib) * 1024 / MB))
    return stats


def measure_first_call(job: Job, out_dir: Path, repeat: int) -> float:
    """Median ms from spawning the CLI to its first call of the pipeline (after one warm-up):
    interpreter start-up, imports and argument parsing, before any work on the photo."""

    def run_once() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            stamp = Path(tmp) / "first-call"
            argv = [sys.executable, str(FIRST_CALL_SCRIPT), str(stamp), *cli_args(job, out_dir)]
            started = time.monotonic()
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
            return (float(stamp.read_text()) - started) * 1000

    run_once()
    return statistics.median(run_once() for _ in range(repeat))


def cli_args(job: Job, out_dir: Path) -> list[str]:
    """`postready optimize` for the job, offline whatever the environment configures."""
    platforms = ["--platforms", *job.targets]
    return ["optimize", str(job.photo), *platforms, "--no-ai", "--out", str(out_dir)]


def process_argv(method: str, job: Job, out_dir: Path) -> list[str]:
    """The command a user would run: the real `postready` CLI for ours, a one-method script
    for the references."""
    if method == "ours":
        return [str(Path(sys.executable).with_name("postready")), *cli_args(job, out_dir)]
    return [sys.executable, str(REFERENCES_SCRIPT), method, str(out_dir), *job.to_args()]


def check_outputs(method: str, out_dir: Path, job: Job) -> None:
    """Fail loudly if a method did not write exactly the five target-sized JPEGs."""
    made: set[tuple[str, tuple[int, int]]] = set()
    for path in out_dir.rglob("*.jpg"):
        with Image.open(path) as image:
            made.add((path.stem, image.size))
    expected = set(job.targets.items())
    if made != expected:
        raise RuntimeError(f"{method} wrote {sorted(made)}, expected {sorted(expected)}")


def bench_in_process(job: Job, root: Path, repeat: int) -> dict[str, float]:
    times: dict[str, float] = {}
    for name, method in METHODS.items():
        out_dir = root / f"in-process-{name}"
        out_dir.mkdir()
        times[name] = median_ms(partial(method, job, out_dir), repeat)
        check_outputs(name, out_dir, job)
    return times


def bench_whole_process(job: Job, root: Path, repeat: int) -> dict[str, ProcessStats]:
    out_dirs = {name: root / f"process-{name}" for name in METHODS}
    for out_dir in out_dirs.values():
        out_dir.mkdir()
    commands = [process_argv(name, job, out_dir) for name, out_dir in out_dirs.items()]
    stats = dict(zip(METHODS, measure_processes(commands, repeat), strict=True))
    for name, out_dir in out_dirs.items():
        check_outputs(name, out_dir, job)
    return stats


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """Fixed-width text: the first column left-aligned, numbers right-aligned."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    print(f"\n{title}")
    for row in (header, *rows):
        cells = [cell.rjust(width) for cell, width in zip(row, widths, strict=True)]
        cells[0] = row[0].ljust(widths[0])
        print("  ".join(cells))


def ratio(ours: float, other: float) -> str:
    return f"{ours / other:.2f}×"


def check(label: str, passed: bool, measured: str) -> str:
    return f"{label}: {'PASS' if passed else 'MISS'} ({measured})"


def report(
    in_process: dict[str, float], whole: dict[str, ProcessStats], first_call_ms: float, repeat: int
) -> None:
    runs = f"median of {repeat} after 1 warm-up"
    ours, ours_whole = in_process["ours"], whole["ours"]
    print_table(
        f"In process ({runs})",
        ["method", "wall ms", "ours ÷ method"],
        [[name, f"{ms:,.0f}", ratio(ours, ms)] for name, ms in in_process.items()],
    )
    print_table(
        f"Whole process: start-up, imports, work ({runs}, the methods taking turns; "
        "peak RSS: the largest seen)",
        ["method", "wall ms", "ours ÷ method", "peak RSS MB"],
        [
            [
                name,
                f"{s.wall_ms:,.0f}",
                ratio(ours_whole.wall_ms, s.wall_ms),
                f"{s.peak_rss_mb:.0f}",
            ]
            for name, s in whole.items()
        ],
    )
    print(f"\nStart-up to the first pipeline call ({runs}): {first_call_ms:,.0f} ms")
    vs_naive = ours_whole.wall_ms / whole["naive"].wall_ms
    vs_libvips = ours_whole.wall_ms / whole["libvips"].wall_ms
    vs_floor = ours / in_process["floor"]
    rss = ours_whole.peak_rss_mb
    print("\nTargets")
    print(check("whole process: ours ≤ 0.5× naive", vs_naive <= 0.5, f"{vs_naive:.2f}×"))
    print(check("whole process: ours ≤ 1.0× libvips", vs_libvips <= 1.0, f"{vs_libvips:.2f}×"))
    print(check("in process: ours ≤ 1.5× floor", vs_floor <= 1.5, f"{vs_floor:.2f}×"))
    print(check("start-up ≤ 150 ms", first_call_ms <= 150, f"{first_call_ms:.0f} ms"))
    print(check("peak RSS ours ≤ 160 MB", rss <= 160, f"{rss:.0f} MB"))


def project_version() -> str:
    """The commit measured (PostReady is installed editable), "-dirty" with local changes."""
    git = ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"]
    result = subprocess.run(git, capture_output=True, text=True, check=False)
    return result.stdout.strip() or "unknown"


def print_setup(job: Job) -> None:
    vips = ".".join(str(pyvips.version(i)) for i in range(3))
    print(
        f"PostReady {project_version()}; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, Pillow {PIL.__version__}, libvips {vips}, OpenCV {cv2.__version__}"
    )
    size = job.photo.stat().st_size / MB
    print(f"input: {SOURCE_SIZE[0]}×{SOURCE_SIZE[1]} JPEG q{QUALITY}, {size:.1f} MB")
    targets = ", ".join(f"{key} {w}×{h}" for key, (w, h) in job.targets.items())
    print(f"targets: {targets}; reduced decode {job.decode_size[0]}×{job.decode_size[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per method (5)")
    repeat = parser.parse_args().repeat
    # pip byte-compiles an installed package; an editable install under
    # PYTHONDONTWRITEBYTECODE=1 (as on our machines) would recompile every module on every run
    # and time the compiler, not the CLI a user runs.
    compileall.compile_dir(Path(postready.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="postready-bench-") as tmp:
        root = Path(tmp)
        job = plan_job(root / "photo.jpg")
        make_photo(job.photo)
        print_setup(job)
        in_process = bench_in_process(job, root, repeat)
        whole = bench_whole_process(job, root, repeat)
        first_call_ms = measure_first_call(job, root / "first-call", repeat)
    report(in_process, whole, first_call_ms, repeat)


if __name__ == "__main__":
    main()
