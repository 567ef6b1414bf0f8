"""Paid calls per user: the daily quotas count them in the user's own day, one transaction at a
time, and /stats sums them and what sessions cost."""

from __future__ import annotations

import asyncio

import pytest

from postready.core.errors import AppErrorCode, QuotaExceeded
from postready.core.quotas import DailyUsageGate
from postready.pipeline.providers.base import QuotaUsedUp
from tests.conftest import LIMITS, Clock, execute, make_user, new_job, rows_of

PARIS = "Europe/Paris"  # the clock starts at 09:00 there: the day ends in 15 hours


async def test_a_daily_quota_counts_each_kind_in_the_users_day(store, clock: Clock) -> None:
    alice, bob = await make_user(store, "alice"), await make_user(store, "bob")
    usage = store.usage
    assert [await usage.take(alice.id, None, "ai_call", 2, PARIS) for _ in range(2)] == [1, 2]
    with pytest.raises(QuotaExceeded) as used_up:
        await usage.take(alice.id, None, "ai_call", 2, PARIS)
    assert used_up.value.code == AppErrorCode.QUOTA_EXCEEDED
    assert used_up.value.message == (
        "you have used today's 2 AI calls; more from 00:00 Europe/Paris, in 15 h 0 min"
    )
    assert await usage.take(alice.id, None, "image_render", 2, PARIS) == 1  # its own count
    assert await usage.take(bob.id, None, "ai_call", 2, PARIS) == 1  # everyone their own
    assert await usage.take(alice.id, None, "ai_call", None, PARIS) == 3  # no limit: counted
    clock.advance(15 * 3600)  # midnight in Paris
    assert await usage.take(alice.id, None, "ai_call", 2, PARIS) == 1


async def test_calls_made_at_once_never_pass_the_quota(store) -> None:
    alice = await make_user(store, "alice")
    attempts = await asyncio.gather(
        *(store.usage.take(alice.id, None, "ai_call", 3, "UTC") for _ in range(10)),
        return_exceptions=True,
    )
    assert sorted(a for a in attempts if isinstance(a, int)) == [1, 2, 3]
    assert sum(isinstance(a, QuotaExceeded) for a in attempts) == 7


async def test_a_jobs_gate_says_which_quota_and_admins_have_none(store, tmp_path) -> None:
    alice = await make_user(store, "alice")
    job = await store.jobs.enqueue(alice, new_job(tmp_path, 1), LIMITS)
    gate = DailyUsageGate(
        store.usage, alice.id, job.session.id, "UTC", {"ai_call": 1, "image_render": None}
    )
    await gate.take("ai_call")
    with pytest.raises(QuotaUsedUp) as used_up:
        await gate.take("ai_call")
    assert used_up.value.reason.startswith("you have used today's 1 AI call; more from 00:00 UTC")
    for _ in range(5):
        await gate.take("image_render")
    counted = await rows_of(store, "SELECT kind, session_id FROM ai_usage ORDER BY id")
    assert [tuple(row) for row in counted] == [("ai_call", job.session.id)] + [
        ("image_render", job.session.id)
    ] * 5


async def test_totals_costs_pruning_and_forgetting(store, clock: Clock, tmp_path) -> None:
    alice, bob = await make_user(store, "alice"), await make_user(store, "bob")
    await store.usage.take(alice.id, None, "ai_call", None, "UTC")
    clock.advance(3600)
    await store.usage.take(bob.id, None, "image_render", None, "UTC")
    await store.usage.take(bob.id, None, "ai_call", None, "UTC")
    start = clock.now - 3600
    assert await store.usage.totals(start) == {"ai_call": 2, "image_render": 1}
    assert await store.usage.totals(clock.now) == {"ai_call": 1, "image_render": 1}
    for number, (cost, completed) in enumerate([(0.002, clock.now), (0.5, start - 10)], 1):
        job = await store.jobs.enqueue(bob, new_job(tmp_path, number), LIMITS)
        await execute(
            store,
            "UPDATE processing_sessions SET cost_usd = :cost, completed_at = :at WHERE id = :id",
            {"cost": cost, "at": completed, "id": job.session.id},
        )
    assert await store.usage.cost(start) == pytest.approx(0.002)  # the other one: before
    assert await store.usage.prune(clock.now) == 1  # alice's, an hour older
    await store.users.forget(bob.ref)
    assert await store.usage.totals(0) == {}
