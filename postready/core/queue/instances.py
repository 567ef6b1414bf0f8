"""Which processes running workers are alive. Each worker pool is an instance with a row in
the storage that it beats while it runs and marks stopped when it shuts down cleanly; the
jobs leased by a dead instance are re-queued at once rather than when their leases run out
(the leases stay as the backstop, for owners with no row)."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass

from postready.core.storage.models import Instance, Job
from postready.core.storage.repositories import InstanceRepository, JobRepository

log = logging.getLogger(__name__)
SILENT_BEATS = 3  # an instance that missed this many beats is dead
INITIAL_PID_NAMESPACE = "pid:[4026531836]"  # the kernel's own, fixed since Linux 3.8
_RUNNING_HERE: set[str] = set()  # the instances this process runs, started and not stopped


@dataclass(frozen=True, slots=True)
class Here:
    """The process asking: its machine, its pid and the instances it runs itself."""

    host: str
    pid: int
    instances: Collection[str]


def death(
    instance: Instance,
    here: Here,
    silence: float,
    pid_exists: Callable[[int], bool],
) -> str | None:
    """Why `instance` is dead, or None while it may be alive. `silence`: seconds without a
    beat after which it is dead wherever it runs; on this machine its process is looked up."""
    if instance.id in here.instances:
        return None
    if instance.stopped_at is not None:
        return "stopped"
    if instance.host == here.host:
        if instance.pid == here.pid:
            # Not one of ours, so an earlier process that had our pid (before a reboot, say).
            return "an earlier process with this pid"
        if not pid_exists(instance.pid):
            return "its process is gone"
    if instance.silent_for > silence:
        return f"silent for {instance.silent_for:.0f}s"
    return None


def this_host() -> str:
    """This machine as instances name it: its hostname, with the PID namespace when the
    process has one of its own. Containers sharing the hostname (`--network host`) have pids
    of their own, and one must not judge another's by its pid."""
    name = socket.gethostname()
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:  # not Linux
        return name
    return name if namespace == INITIAL_PID_NAMESPACE else f"{name} {namespace}"


def pid_exists(pid: int) -> bool:
    """Whether a process `pid` runs in this PID namespace (perhaps another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ThisInstance:
    """A worker pool's instance: its heartbeat row, and the recovery of dead instances' jobs."""

    def __init__(self, instances: InstanceRepository, heartbeat_seconds: float) -> None:
        self.id = uuid.uuid4().hex
        self._instances = instances
        self._silence = heartbeat_seconds * SILENT_BEATS
        self.host = this_host()

    async def start(self) -> None:
        _RUNNING_HERE.add(self.id)
        await self.beat()
        log.info("instance_started id=%s host=%s pid=%s", self.id, self.host, os.getpid())

    async def beat(self) -> None:
        await self._instances.beat(self.id, self.host, os.getpid())

    async def stop(self) -> None:
        _RUNNING_HERE.discard(self.id)
        await self._instances.stop(self.id)

    async def recover_dead(self, jobs: JobRepository, retry_delay: float) -> list[Job]:
        """Re-queue the running jobs of dead instances, then forget those instances; the jobs
        changed."""
        here = Here(self.host, os.getpid(), frozenset(_RUNNING_HERE))
        dead = []
        for instance in await self._instances.all():
            reason = death(instance, here, self._silence, pid_exists)
            if reason is not None:
                dead.append(instance.id)
                log.info(
                    "instance_dead id=%s host=%s pid=%s reason=%s",
                    instance.id,
                    instance.host,
                    instance.pid,
                    reason,
                )
        if not dead:
            return []
        changed = await jobs.recover_abandoned(dead, retry_delay)
        await self._instances.forget(dead)
        return changed
