"""The instances repository: processes running workers and their heartbeats."""

from __future__ import annotations

from pathlib import Path

from postready.core.storage import Storage
from postready.core.storage.models import Instance
from tests.conftest import LIMITS, T0, make_user, new_job


async def test_a_beat_registers_then_renews_and_stop_marks_it(store: Storage, clock) -> None:
    assert await store.instances.all() == []
    await store.instances.beat("a", "host-1", 100)
    clock.advance(4)
    await store.instances.beat("b", "host-2", 200)
    clock.advance(3)
    await store.instances.beat("a", "host-1", 100)
    clock.advance(2)
    await store.instances.stop("b")
    assert await store.instances.all() == [
        Instance("a", "host-1", 100, T0, T0 + 7, None, silent_for=2),
        Instance("b", "host-2", 200, T0 + 4, T0 + 4, T0 + 9, silent_for=5),
    ]


async def test_forgetting_keeps_an_instance_that_still_holds_a_job(
    store: Storage, tmp_path: Path
) -> None:
    for name in ("idle", "busy", "stopped"):
        await store.instances.beat(name, "host", 1)
    await store.instances.stop("stopped")
    await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    await store.jobs.claim("busy", 60)
    await store.instances.forget(["busy", "stopped", "unknown"])
    assert {i.id for i in await store.instances.all()} == {"idle", "busy"}
    # Forgotten while silent, an instance that beats again is registered anew.
    await store.instances.forget(["idle"])
    await store.instances.beat("idle", "host", 1)
    assert {i.id for i in await store.instances.all()} == {"idle", "busy"}
