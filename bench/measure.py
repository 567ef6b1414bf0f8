"""Timing for the benchmark, and a lean launcher that measures whole processes.

Linux starts a child's ru_maxrss at the high-water RSS of the process that spawned it (it is
carried across fork/vfork and exec), so children spawned by the benchmark itself, which holds
images and OpenCV, would all report its size. They are spawned from this stdlib-only script
instead, whose own RSS (about 10 MB) is then the floor of what can be measured:

    python measure.py REPEAT < commands.json  →  one "<median wall ms> <peak RSS KiB>" line
                                                  per command (a JSON list of argv lists)

The commands take turns, round by round, so that a change in the machine's load (ours is
shared) falls on all of them alike and their ratios stay fair.
"""

from __future__ import annotations

import json
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


def measure_commands(commands: list[list[str]], repeat: int) -> list[tuple[float, int]]:
    """Each command's median wall time (ms) as a fresh process, and its largest peak RSS (KiB):
    one warm-up round, then `repeat` rounds in which every command runs once."""
    times: list[list[float]] = [[] for _ in commands]
    peaks_kib: list[list[int]] = [[] for _ in commands]
    for round_number in range(repeat + 1):
        for argv, command_times, command_peaks in zip(commands, times, peaks_kib, strict=True):
            started = time.perf_counter()
            command_peaks.append(run_child(argv))
            if round_number > 0:  # the first round warms caches up
                command_times.append(time.perf_counter() - started)
    return [(statistics.median(t) * 1000, max(p)) for t, p in zip(times, peaks_kib, strict=True)]


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
    (repeat,) = argv
    for wall_ms, peak_kib in measure_commands(json.load(sys.stdin), int(repeat)):
        print(f"{wall_ms:.3f} {peak_kib}")


if __name__ == "__main__":
    main(sys.argv[1:])
