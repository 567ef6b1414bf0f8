"""`postready worker` as real processes: killed mid-job, stopped with SIGTERM, restarted.
Nothing is lost: the job finishes, or fails visibly once its attempts are used up."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
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
from tests.waiting import PATIENCE

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
def env(tmp_path: Path, database: Path | str, monkeypatch) -> Iterator[dict[str, str]]:
    """The workers' environment: SQLite under the data directory, or the PostgreSQL database."""
    if isinstance(database, str):
        monkeypatch.setenv("POSTREADY_DATABASE_URL", database)
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


class Worker:
    """`postready worker` as a child process; a thread collects its output as it is written, so
    a test can wait for a line."""

    def __init__(self, env: dict[str, str], stuck: bool) -> None:
        code = ["-c", STUCK_WORKER] if stuck else ["-m", "postready", "worker"]
        self.process = subprocess.Popen(
            [sys.executable, *code],
            env=env | {"PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: list[str] = []
        self._new_line = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with self.process.stdout as output:  # type: ignore[union-attr]
            for line in output:
                with self._new_line:
                    self._lines.append(line)
                    self._new_line.notify_all()

    @property
    def output(self) -> str:
        with self._new_line:
            return "".join(self._lines)

    def wait_for_line(self, text: str) -> None:
        """Until a line of the output contains `text`."""
        with self._new_line:
            seen = self._new_line.wait_for(
                lambda: any(text in line for line in self._lines), PATIENCE
            )
        assert seen, f"no {text!r} in the output:\n{self.output}"

    def stop(self, sig: signal.Signals) -> str:
        """Send `sig`; the whole output, once the process has exited."""
        self.process.send_signal(sig)
        self.process.wait(PATIENCE)
        self._reader.join(PATIENCE)
        return self.output


def job_one(job_id: int = 1) -> Job:
    async def read() -> Job:
        async with await Storage.open(Settings().storage.database) as store:
            job = await store.jobs.get(job_id)
        assert job is not None
        return job

    return asyncio.run(read())


def wait_until(check: Callable[[Job], bool], timeout: float = PATIENCE, job_id: int = 1) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_one(job_id)
        if check(job):
            return job
        assert time.monotonic() < deadline, f"job stuck as {job}"
        time.sleep(0.05)


@pytest.fixture
def queued_photo(env, tmp_path: Path, capsys) -> None:
    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(textured((1200, 900)), "JPEG", quality=90))
    assert main(["enqueue", str(photo), "-p", "ig", "pin", "-d", "blue mug"]) == EXIT_OK
    assert capsys.readouterr().out == "queued job #1 (position 1)\n"


def test_a_killed_worker_loses_nothing(env, queued_photo) -> None:
    stuck = Worker(env, stuck=True)
    wait_until(lambda job: job.status == "running")
    stuck.stop(signal.SIGKILL)  # no clean-up at all
    orphan = job_one()
    assert orphan.status == "running" and orphan.attempts == 1

    # A worker stopped with SIGTERM puts the job it holds back, without using an attempt; a
    # second signal cuts its grace period short.
    stuck = Worker(env | {"POSTREADY_SHUTDOWN_GRACE": "60"}, stuck=True)
    wait_until(lambda job: job.status == "running" and job.attempts == 2)
    stuck.process.send_signal(signal.SIGTERM)
    # Handled before the second is sent: two signals still pending at once count as one.
    stuck.wait_for_line("worker_stopping grace=60.0s")
    output = stuck.stop(signal.SIGTERM)
    assert stuck.process.returncode == 0, output
    released = job_one()
    assert released.status == "queued" and released.attempts == 1

    worker = Worker(env, stuck=False)
    try:
        done = wait_until(lambda job: job.status in ("completed", "failed"))
    finally:
        output = worker.stop(signal.SIGINT)
    assert done.status == "completed", output
    assert worker.process.returncode == 0
    folder = Settings().storage.output_dir / done.session.id
    assert {p.name for p in folder.glob("*.jpg")} == {"instagram.jpg", "pinterest.jpg"}
    assert (folder / "results.json").exists()
    assert "job=1 completed" in output


def test_a_killed_workers_job_resumes_at_the_restart_not_when_its_lease_ends(
    env, queued_photo
) -> None:
    """The restarted process finds its predecessor's pid gone and takes the job back at once,
    though the lease would hold it for another minute."""
    env = env | {"POSTREADY_LEASE_SECONDS": "60"}
    stuck = Worker(env, stuck=True)
    wait_until(lambda job: job.status == "running")
    stuck.stop(signal.SIGKILL)
    worker = Worker(env, stuck=False)
    try:
        # Generous for a loaded machine: start-up and the job itself, well within the lease.
        done = wait_until(lambda job: job.status in ("completed", "failed"), timeout=15)
    finally:
        output = worker.stop(signal.SIGTERM)
    assert done.status == "completed" and done.attempts == 2, output
    assert "reason=its process is gone" in output
    assert "job_abandoned job=1" in output


def test_a_job_that_keeps_killing_workers_fails_visibly(
    env, queued_photo, capsys, monkeypatch
) -> None:
    for attempt in (1, 2):
        stuck = Worker(env, stuck=True)
        wait_until(lambda job, n=attempt: job.status == "running" and job.attempts == n)
        stuck.stop(signal.SIGKILL)

    worker = Worker(env, stuck=False)
    try:
        failed = wait_until(lambda job: job.status != "running")
    finally:
        output = worker.stop(signal.SIGTERM)
    assert failed.status == "failed"
    assert failed.session.error.code == AppErrorCode.JOB_INTERRUPTED
    assert "job=1 failed JOB_INTERRUPTED: processing stopped 2 times" in output

    monkeypatch.setenv("COLUMNS", "200")
    assert main(["jobs"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "#1" in listing and "failed" in listing and "JOB_INTERRUPTED" in listing
    assert "AI cost" in listing  # unknown for a job that never finished: "-"


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
    from postready.core.queue import QueueService
    from postready.pipeline.models import OptimizeRequest

    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(textured((1200, 900)), "JPEG", quality=90))

    async def from_telegram() -> None:
        settings = Settings()
        async with await Storage.open(settings.storage.database) as store:
            user = await store.users.get_or_create(UserRef("telegram", "42"))
            request = OptimizeRequest(source=photo, platforms=("x",), chat_id="42")
            queue = QueueService(store, settings, workers=False)
            await queue.open()
            await queue.api.submit(user, request)
            await queue.stop()

    asyncio.run(from_telegram())
    assert main(["enqueue", str(photo), "-p", "x"]) == EXIT_OK
    assert capsys.readouterr().out == "queued job #2 (position 2)\n"
    worker = Worker(env, stuck=False)
    try:
        wait_until(lambda job: job.status == "completed", job_id=2)
        time.sleep(0.3)  # a few more polls
    finally:
        worker.stop(signal.SIGTERM)
    assert job_one(1).status == "queued" and job_one(1).attempts == 0


def test_a_carousel_killed_mid_run_completes_after_a_restart(env, tmp_path) -> None:
    from postready.core.queue import QueueService
    from postready.pipeline.models import CarouselPhoto, OptimizeRequest

    photo = encode(textured((1200, 900)), "JPEG", quality=90)

    async def submit() -> None:
        settings = Settings()
        async with await Storage.open(settings.storage.database) as store:
            user = await store.users.get_or_create(UserRef("cli", "me"))
            more = tuple(CarouselPhoto(photo, f"{n}.jpg") for n in (2, 3))
            request = OptimizeRequest(
                source=photo, platforms=("instagram",), source_name="1.jpg", more_photos=more
            )
            queue = QueueService(store, settings, workers=False)
            await queue.open()
            await queue.api.submit(user, request)
            await queue.stop()

    asyncio.run(submit())
    stuck = Worker(env, stuck=True)
    wait_until(lambda job: job.status == "running")
    stuck.stop(signal.SIGKILL)
    assert len(list(Settings().storage.uploads_dir.iterdir())) == 3  # kept for the next run

    worker = Worker(env, stuck=False)
    try:
        done = wait_until(lambda job: job.status in ("completed", "failed"))
    finally:
        output = worker.stop(signal.SIGTERM)
    assert done.status == "completed" and done.attempts == 2, output
    folder = Settings().storage.output_dir / done.session.id
    assert sorted(p.name for p in folder.glob("*.jpg")) == [
        "instagram_1.jpg",
        "instagram_2.jpg",
        "instagram_3.jpg",
    ]
    assert not list(Settings().storage.uploads_dir.iterdir())
