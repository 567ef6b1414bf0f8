"""Timing for the benchmark, and a lean launcher that measures whole processes.

Linux starts a child's ru_maxrss at the high-water RSS of the process that spawned it (it is
carried across fork/vfork and exec), so children spawned by the benchmark itself, which holds
images and OpenCV, would all report its size. They are spawned from this stdlib-only script
instead, whose own RSS (about 10 MB) is then the floor of what can be measured:

    python measure.py REPEAT COMMAND [ARG ...]  →  prints "<median wall ms> <peak RSS KiB>"
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` calls of `run`, after one warm-up call."""
    run()
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure_command(argv: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time (ms) of a fresh process running `argv`, and its largest peak RSS (KiB)."""
    peaks_kib: list[int] = []
    wall_ms = median_ms(lambda: peaks_kib.append(run_child(argv)), repeat)
    return wall_ms, max(peaks_kib)


def run_child(argv: list[str]) -> int:
    """Run `argv` to completion and return its peak RSS in KiB (ru_maxrss on Linux)."""
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors) as child,
    ):
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise RuntimeError(f"{argv[0]} exited with {child.returncode}:\n{message}")
    return usage.ru_maxrss


def main(argv: list[str]) -> None:
    repeat, *command = argv
    wall_ms, peak_kib = measure_command(command, int(repeat))
    print(f"{wall_ms:.3f} {peak_kib}")


if __name__ == "__main__":
    main(sys.argv[1:])
