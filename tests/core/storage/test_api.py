"""The HTTP API's keys and jobs, on both engines: a key is found by its token's hash until it
is revoked, names are unique among active keys, and a job's row goes with its session."""

from __future__ import annotations

import asyncio

import pytest

from postready.core.api_keys import authenticate, issue_key, key_user
from postready.core.storage import Storage
from postready.core.storage.models import ApiJob
from tests.conftest import LIMITS, new_job, rows_of


async def test_keys_are_issued_found_and_revoked(store) -> None:
    issued = await issue_key(store, "shop")
    assert issued.token.startswith(f"pr_{issued.key.prefix}_")
    found = await authenticate(store, issued.token)
    assert found == issued.key and found.revoked_at is None
    user = await store.users.get_or_create(key_user(found))
    assert user.id == found.user_id and user.ref.platform == "api"
    with pytest.raises(ValueError, match="exists already"):
        await issue_key(store, "shop")
    assert await authenticate(store, issued.token + "x") is None
    revoked = await store.api.revoke(issued.key.prefix)
    assert revoked is not None and revoked.revoked_at is not None
    assert await authenticate(store, issued.token) is None
    assert await store.api.revoke("shop") is None
    again = await issue_key(store, "shop")  # the name is free again
    assert [key.name for key in await store.api.keys()] == ["shop", "shop"]
    assert await store.api.key(issued.key.id) == revoked and again.key.revoked_at is None


async def test_a_job_row_comes_before_its_session_and_goes_with_it(store, tmp_path) -> None:
    issued = await issue_key(store, "shop")
    user = await store.users.get_or_create(key_user(issued.key))
    job = new_job(tmp_path, 1)
    await store.api.add_job(ApiJob(job.session_id, None, issued.key.id, None, "http://x"))
    assert (await store.api.job(job.session_id)) == ApiJob(
        job.session_id, None, issued.key.id, None, "http://x"
    )
    queued = await store.jobs.enqueue(user, job, LIMITS)
    await store.api.set_job_id(job.session_id, queued.id)
    assert (await store.api.job(job.session_id)).job_id == queued.id  # type: ignore[union-attr]
    await store.api.add_job(ApiJob("refused", None, issued.key.id, "https://h", "http://x"))
    await store.api.drop_job("refused")
    assert await store.api.job("refused") is None

    await store.jobs.request_cancel(queued.id)
    await store.jobs.prune_sessions(store.database.clock() + 1)
    assert await store.api.job(job.session_id) is None
    assert await rows_of(store, "SELECT * FROM api_jobs") == []


async def test_requests_per_minute_are_counted_once_for_every_process(
    store, database, clock
) -> None:
    """Two processes on one database share a key's count: of 12 requests at once through
    both, 5 are served; the next is served once the first has left the minute."""
    key = (await issue_key(store, "shop")).key
    other = (await issue_key(store, "another shop")).key
    async with await Storage.open(database, clock) as elsewhere:
        taken = await asyncio.gather(
            *((store if number % 2 else elsewhere).api.take_request(key, 5) for number in range(12))
        )
        assert taken.count(None) == 5
        assert all(wait == pytest.approx(60.0) for wait in taken if wait is not None)
        assert await elsewhere.api.take_request(other, 5) is None  # each key its own count
        clock.advance(59.5)
        assert await store.api.take_request(key, 5) == pytest.approx(0.5)
        clock.advance(0.5)
        assert await elsewhere.api.take_request(key, 5) is None
    assert len(await rows_of(store, "SELECT * FROM api_requests")) == 2  # the rest forgotten
