"""Which instances are dead: the rules, and this process's instance in a store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from postready.core.queue.instances import (
    INITIAL_PID_NAMESPACE,
    Here,
    ThisInstance,
    death,
    pid_exists,
    this_host,
)
from postready.core.storage import Storage
from postready.core.storage.models import Instance
from tests.conftest import LIMITS, make_user, new_job

HERE = Here("this-host", pid=1000, instances={"mine"})
SILENCE = 30.0
RUNNING = {1000, 2000}


def instance(
    id: str = "other",
    host: str = "this-host",
    pid: int = 2000,
    silent_for: float = 1.0,
    stopped_at: float | None = None,
) -> Instance:
    return Instance(id, host, pid, 0.0, 100.0, stopped_at, silent_for)


def dead(one: Instance) -> str | None:
    return death(one, HERE, SILENCE, lambda pid: pid in RUNNING)


@pytest.mark.parametrize(
    ("one", "reason"),
    [
        (instance(), None),  # this machine, its process runs, it beats
        (instance(host="elsewhere", pid=4242), None),  # its pid means nothing here
        (instance(host="elsewhere", silent_for=SILENCE), None),  # late, not yet silent
        (instance(stopped_at=50.0), "stopped"),
        (instance(host="elsewhere", stopped_at=50.0), "stopped"),
        (instance(host="elsewhere", silent_for=31.0), "silent for 31s"),
        (instance(silent_for=31.0), "silent for 31s"),  # its pid was taken by another process
        (instance(pid=3000), "its process is gone"),  # this machine's previous run
        (instance(pid=1000), "an earlier process with this pid"),  # before a reboot
        (instance("mine", pid=1000, silent_for=99.0), None),  # this process runs it
    ],
)
def test_the_rules(one: Instance, reason: str | None) -> None:
    assert dead(one) == reason


def test_this_host_names_the_pid_namespace_of_a_container(monkeypatch) -> None:
    host = socket.gethostname()
    namespaces = iter([INITIAL_PID_NAMESPACE, "pid:[4026532200]"])
    monkeypatch.setattr(os, "readlink", lambda path: next(namespaces))
    assert this_host() == host
    assert this_host() == f"{host} pid:[4026532200]"


def test_pid_exists() -> None:
    assert pid_exists(os.getpid())
    assert pid_exists(1)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert not pid_exists(int(ended.stdout))


async def test_an_instance_recovers_the_jobs_of_dead_ones_and_forgets_them(
    store: Storage, tmp_path, clock
) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    for n, user in enumerate(users):
        await store.jobs.enqueue(user, new_job(tmp_path, n), LIMITS)
    me, sibling = ThisInstance(store.instances, 10), ThisInstance(store.instances, 10)
    await me.start()
    await sibling.start()  # another pool of this process: same host and pid, alive
    await store.instances.beat("previous run", me.host, os.getpid())
    await store.instances.beat("far away", "elsewhere", 1)
    for owner in (sibling.id, "previous run", "far away"):
        await store.jobs.claim(owner, 60)
    requeued = await me.recover_dead(store.jobs, retry_delay=0)
    assert [(j.id, j.status) for j in requeued] == [(2, "queued")]
    assert {i.id for i in await store.instances.all()} == {me.id, sibling.id, "far away"}
    clock.advance(31)  # three beats missed
    await me.beat()
    await sibling.beat()
    assert [j.id for j in await me.recover_dead(store.jobs, retry_delay=0)] == [3]
    await sibling.stop()
    assert [j.id for j in await me.recover_dead(store.jobs, retry_delay=0)] == [1]
    assert [i.id for i in await store.instances.all()] == [me.id]
    await me.stop()
