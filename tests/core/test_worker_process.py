"""`postready worker` as real processes: killed mid-job, stopped with SIGTERM, restarted.
Nothing is lost: the job finishes, or fails visibly once its attempts are used up."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, main
from postready.core.config.settings import Settings
from postready.core.errors import AppErrorCode
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import Job
from tests.images import encode, textured

ROOT = Path(__file__).parents[2]
# A worker whose pipeline never finishes: a job that is "running" for as long as we like.
STUCK_WORKER = """
import asyncio, sys
from postready.core.queue import worker

async def stuck(*args, **kwargs):
    await asyncio.Event().wait()

worker.run_optimization = stuck
from postready.cli import main
sys.exit(main(["worker"]))
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> Iterator[dict[str, str]]:
    values = {
        "POSTREADY_DATA_DIR": str(tmp_path / "data"),
        "POSTREADY_WORKERS": "1",
        "POSTREADY_LEASE_SECONDS": "0.6",
        "POSTREADY_POLL_SECONDS": "0.05",
        "POSTREADY_RETRY_DELAY": "0",
        "POSTREADY_SHUTDOWN_GRACE": "0.1",
        "POSTREADY_MAX_ATTEMPTS": "2",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # no stray .env
    yield os.environ | values


def start_worker(env: dict[str, str], stuck: bool) -> subprocess.Popen[str]:
    code = ["-c", STUCK_WORKER] if stuck else ["-m", "postready", "worker"]
    return subprocess.Popen(
        [sys.executable, *code],
        env=env | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def job_one(job_id: int = 1) -> Job:
    async def read() -> Job:
        async with await Storage.open(Settings().storage.db_path) as store:
            job = await store.jobs.get(job_id)
        assert job is not None
        return job

    return asyncio.run(read())


def wait_until(check: Callable[[Job], bool], timeout: float = 30, job_id: int = 1) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_one(job_id)
        if check(job):
            return job
        assert time.monotonic() < deadline, f"job stuck as {job}"
        time.sleep(0.05)


def stop(worker: subprocess.Popen[str], sig: signal.Signals) -> str:
    worker.send_signal(sig)
    output, _ = worker.communicate(timeout=20)
    return output


@pytest.fixture
def queued_photo(env, tmp_path: Path, capsys) -> None:
    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(textured((1200, 900)), "JPEG", quality=90))
    assert main(["enqueue", str(photo), "-p", "ig", "pin", "-d", "blue mug"]) == EXIT_OK
    assert capsys.readouterr().out == "queued job #1 (position 1)\n"


def test_a_killed_worker_loses_nothing(env, queued_photo) -> None:
    stuck = start_worker(env, stuck=True)
    wait_until(lambda job: job.status == "running")
    stop(stuck, signal.SIGKILL)  # no clean-up at all
    orphan = job_one()
    assert orphan.status == "running" and orphan.attempts == 1

    # A worker stopped with SIGTERM puts the job it holds back, without using an attempt; a
    # second signal cuts its grace period short.
    stuck = start_worker(env | {"POSTREADY_SHUTDOWN_GRACE": "60"}, stuck=True)
    wait_until(lambda job: job.status == "running" and job.attempts == 2)
    stuck.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    output = stop(stuck, signal.SIGTERM)
    assert stuck.returncode == 0, output
    assert "worker_stopping grace=60.0s" in output
    released = job_one()
    assert released.status == "queued" and released.attempts == 1

    worker = start_worker(env, stuck=False)
    try:
        done = wait_until(lambda job: job.status in ("completed", "failed"))
    finally:
        output = stop(worker, signal.SIGINT)
    assert done.status == "completed", output
    assert worker.returncode == 0
    folder = Settings().storage.output_dir / done.session.id
    assert {p.name for p in folder.glob("*.jpg")} == {"instagram.jpg", "pinterest.jpg"}
    assert (folder / "results.json").exists()
    assert "job=1 completed" in output


def test_a_job_that_keeps_killing_workers_fails_visibly(
    env, queued_photo, capsys, monkeypatch
) -> None:
    for attempt in (1, 2):
        stuck = start_worker(env, stuck=True)
        wait_until(lambda job, n=attempt: job.status == "running" and job.attempts == n)
        stop(stuck, signal.SIGKILL)

    worker = start_worker(env, stuck=False)
    try:
        failed = wait_until(lambda job: job.status != "running")
    finally:
        output = stop(worker, signal.SIGTERM)
    assert failed.status == "failed"
    assert failed.session.error.code == AppErrorCode.JOB_INTERRUPTED
    assert "job=1 failed JOB_INTERRUPTED: processing stopped 2 times" in output

    monkeypatch.setenv("COLUMNS", "200")
    assert main(["jobs"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "#1" in listing and "failed" in listing and "JOB_INTERRUPTED" in listing


def test_enqueue_refusals_are_one_line_errors(env, queued_photo, tmp_path: Path, capsys) -> None:
    photo = str(tmp_path / "mug.jpg")
    assert main(["enqueue", str(tmp_path / "gone.jpg")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: FILE_NOT_FOUND: cannot read ")
    assert main(["enqueue", photo, "-p", "instgram"]) == EXIT_BAD_INPUT
    assert "did you mean 'instagram'?" in capsys.readouterr().err
    assert main(["enqueue", photo]) == EXIT_OK  # the second in flight
    assert capsys.readouterr().out == "queued job #2 (position 2)\n"
    assert main(["enqueue", photo]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: TOO_MANY_JOBS: you already have 2 photos")


def test_a_headless_worker_leaves_a_chats_job_to_that_chats_bot(env, tmp_path, capsys) -> None:
    """Only the bot's process can send a chat its results, so only it runs the chat's jobs."""
    from postready.core.queue.api import JobQueue
    from postready.pipeline.models import OptimizeRequest

    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(textured((1200, 900)), "JPEG", quality=90))

    async def from_telegram() -> None:
        settings = Settings()
        async with await Storage.open(settings.storage.db_path) as store:
            user = await store.users.get_or_create(UserRef("telegram", "42"))
            request = OptimizeRequest(source=photo, platforms=("x",), chat_id="42")
            await JobQueue(store.jobs, settings).submit(user, request)

    asyncio.run(from_telegram())
    assert main(["enqueue", str(photo), "-p", "x"]) == EXIT_OK
    assert capsys.readouterr().out == "queued job #2 (position 2)\n"
    worker = start_worker(env, stuck=False)
    try:
        wait_until(lambda job: job.status == "completed", job_id=2)
        time.sleep(0.3)  # a few more polls
    finally:
        stop(worker, signal.SIGTERM)
    assert job_one(1).status == "queued" and job_one(1).attempts == 0
