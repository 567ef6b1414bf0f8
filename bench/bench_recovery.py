"""How soon a job resumes after its worker process is killed with SIGKILL.

Each round queues a 12-megapixel JPEG for every platform, starts `postready worker`, kills it
(SIGKILL) once the job runs, starts a new `postready worker` at once and times, from the kill,
when the job runs again and when it is done. Two ways, taking turns:

- **instance**: as shipped: the new process sees its predecessor's pid is gone;
- **lease only**: the killed process's heartbeat row deleted before the restart, so the new
  process knows nothing about it and waits for the job's lease to run out (as before the
  instances table).

Default settings (60 s lease, 5 s retry delay) unless the environment says otherwise.

    python bench/bench_recovery.py [--rounds 1] [--instance-only]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.images import encode, textured

POLL = 0.02
PATIENCE = 300.0
MODES = ("instance", "lease only")


def job_state(db: Path) -> tuple[str, int] | None:
    """Job 1's status and attempts."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT s.status, j.attempts FROM jobs j"
            " JOIN processing_sessions s ON s.id = j.session_id WHERE j.id = 1"
        ).fetchone()


def wait_for(db: Path, wanted: set[tuple[str, int]]) -> tuple[str, int]:
    deadline = time.monotonic() + PATIENCE
    while (state := job_state(db)) not in wanted:
        if state is not None and state[0] in ("completed", "failed"):
            raise RuntimeError(f"the job ended too early: {state}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"job stuck as {state}")
        time.sleep(POLL)
    return state


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "postready", "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def one_round(photo: Path, mode: str) -> tuple[float, float]:
    """Seconds from the kill until the job runs again, and until it is done."""
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {"POSTREADY_DATA_DIR": data}
        db = Path(data) / "postready.db"
        subprocess.run(
            [sys.executable, "-m", "postready", "enqueue", str(photo), "-p", "all"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        first = worker(env)
        wait_for(db, {("running", 1)})
        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.wait()
        if mode == "lease only":
            with sqlite3.connect(db) as connection:
                connection.execute("DELETE FROM instances")
        second = worker(env)
        try:
            wait_for(db, {("running", 2), ("completed", 2)})
            resumed = time.monotonic() - killed
            wait_for(db, {("completed", 2)})
            done = time.monotonic() - killed
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait()
    return resumed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--instance-only", action="store_true", help="skip the lease-only way")
    args = parser.parse_args()
    modes = MODES[:1] if args.instance_only else MODES
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "photo.jpg"
        photo.write_bytes(encode(textured((4000, 3000)), "JPEG", quality=92))
        times: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
        for n in range(args.rounds):
            for mode in modes:
                times[mode].append(one_round(photo, mode))
                resumed, done = times[mode][-1]
                print(f"round {n + 1} {mode:>10}: runs again {resumed:5.1f} s, done {done:5.1f} s")
    print(f"\nmedian of {args.rounds}, seconds from the kill:")
    for mode, rounds in times.items():
        resumed = statistics.median(r for r, _ in rounds)
        done = statistics.median(d for _, d in rounds)
        print(f"  {mode:>10}: runs again {resumed:5.1f}, done {done:5.1f}")
    if len(times) == 2:
        ratio = statistics.median(r for r, _ in times["instance"]) / statistics.median(
            r for r, _ in times["lease only"]
        )
        print(f"  runs again: instance / lease only = {ratio:.2f}")


if __name__ == "__main__":
    main()
