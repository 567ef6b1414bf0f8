"""The whole flow through the HTTP API: upload, status, results, files, cancel, another key's
session, a restart, the webhook; on both storage engines (on PostgreSQL the jobs run on
procrastinate)."""

from __future__ import annotations

import hashlib
import hmac
import io
from pathlib import Path

import pytest
from PIL import Image

from postready.adapters.http.api.webhooks import SIGNATURE_HEADER
from postready.core.api_keys import issue_key
from postready.core.config.settings import Settings
from postready.core.storage import Storage
from tests.adapters.api.conftest import API, Api, Receiver, serving
from tests.images import encode, textured
from tests.waiting import until


@pytest.fixture
def database(either_database: Path | str) -> Path | str:
    return either_database


async def test_upload_status_results_and_files(api: Api, settings: Settings) -> None:
    """The real pipeline, as a client would use it."""
    status, queued = await api.submit(platforms="instagram pin", description="cozy mug")
    assert status == 202, queued
    session_id = queued["session_id"]
    assert queued["status"] == "queued" and queued["queue_position"] == 1
    assert queued["status_url"].endswith(f"{API}/optimize/status/{session_id}")
    assert queued["results_url"].endswith(f"{API}/optimize/results/{session_id}")
    assert queued["platforms"] == ["instagram", "pinterest"]
    status, early = await api.get(f"{API}/optimize/results/{session_id}")
    assert (status, early["code"]) == (409, "NOT_READY")

    async with api.working():
        ended = await api.ended_status(session_id)
    assert ended["status"] == "completed" and ended["error"] is None

    status, results = await api.get(f"{API}/optimize/results/{session_id}")
    assert status == 200
    assert results["session_id"] == session_id
    assert set(results["platforms"]) == {"instagram", "pinterest"}
    image_url = results["platforms"]["instagram"]["processed_image"]
    assert image_url.startswith("http://") and f"/files/{session_id}/" in image_url
    listed = {item["url"]: item for item in results["files"]}
    assert image_url in listed and listed[image_url]["type"] == "image"
    assert any(item["type"] == "json" for item in results["files"])

    folder = settings.storage.output_dir / session_id
    for url, item in listed.items():
        async with api.client.session.get(url, headers=api.auth) as response:
            assert response.status == 200
            assert await response.read() == (folder / item["name"]).read_bytes()


async def test_three_photos_are_one_carousel_job_with_a_url_for_every_item(
    api: Api, settings: Settings
) -> None:
    shapes = ((480, 360), (360, 480), (400, 400))  # each under the tests' upload cap
    first, *more = [encode(textured(size, seed)) for seed, size in enumerate(shapes)]
    status, queued = await api.submit(first, more=more, platforms="instagram x")
    assert status == 202, queued
    session_id = queued["session_id"]
    async with api.working():
        ended = await api.ended_status(session_id)
    assert ended["status"] == "completed", ended["error"]
    assert len(await api.store.jobs.recent()) == 1  # one job for the three

    _, results = await api.get(f"{API}/optimize/results/{session_id}")
    assert [item["source_image"] for item in results["items"]] == [
        "mug.jpg",
        "mug-2.jpg",
        "mug-3.jpg",
    ]
    listed = {item["url"]: item for item in results["files"]}
    for key in ("instagram", "x"):
        platform = results["platforms"][key]
        assert platform["variant_shared"] and platform["posts"] == [[1, 2, 3]]
        urls = [item["processed_image"] for item in platform["items"]]
        assert len(urls) == 3 and all(listed[url]["type"] == "image" for url in urls)
    sizes = set()
    for item in results["platforms"]["instagram"]["items"]:
        async with api.client.session.get(item["processed_image"], headers=api.auth) as got:
            assert got.status == 200
            sizes.add(Image.open(io.BytesIO(await got.read())).size)
    assert len(sizes) == 1  # Instagram shows every item in the first one's shape


async def test_another_keys_session_is_not_found(api: Api, store: Storage, pipeline) -> None:
    _, queued = await api.submit(platforms="instagram")
    session_id = queued["session_id"]
    async with api.working():
        await api.ended_status(session_id)
    other = (await issue_key(store, "another shop")).token
    for path in (
        f"{API}/optimize/status/{session_id}",
        f"{API}/optimize/results/{session_id}",
        f"{API}/files/{session_id}/results.json",
    ):
        status, problem = await api.get(path, token=other)
        assert (status, problem["code"]) == (404, "JOB_NOT_FOUND"), path
    async with api.client.delete(
        f"{API}/optimize/{session_id}", headers={"Authorization": f"Bearer {other}"}
    ) as response:
        assert response.status == 404
    status, _ = await api.get(f"{API}/optimize/status/{session_id}")
    assert status == 200


async def test_cancel_a_queued_job_then_delete_an_ended_ones_files(
    api: Api, settings: Settings, pipeline
) -> None:
    _, queued = await api.submit(platforms="instagram")
    async with api.client.delete(f"{API}/optimize/{queued['session_id']}", headers=api.auth) as r:
        assert r.status == 200
        cancelled = await r.json()
    assert cancelled["status"] == "cancelled" and cancelled["error"]["code"] == "CANCELLED"
    headers = {**api.auth, "Accept-Language": "it"}  # its error's message in the language
    async with api.client.get(
        f"{API}/optimize/status/{queued['session_id']}", headers=headers
    ) as r:
        error = (await r.json())["error"]
    assert cancelled["error"]["message"] == "cancelled before it started"
    assert error == {"code": "CANCELLED", "message": "annullato prima di iniziare"}

    _, done = await api.submit(platforms="instagram")
    session_id = done["session_id"]
    async with api.working():
        await api.ended_status(session_id)
    folder = settings.storage.output_dir / session_id
    assert any(folder.iterdir())
    async with api.client.delete(f"{API}/optimize/{session_id}", headers=api.auth) as r:
        assert r.status == 200 and (await r.json())["status"] == "completed"
    assert not folder.exists()
    status, problem = await api.get(f"{API}/files/{session_id}/results.json")
    assert (status, problem["code"]) == (404, "NOT_FOUND")
    _, results = await api.get(f"{API}/optimize/results/{session_id}")
    assert results["files"] == []


async def test_a_running_job_is_cancelled(api: Api, pipeline) -> None:
    release = pipeline.hold()
    _, queued = await api.submit(platforms="instagram")
    async with api.working():
        await pipeline.started.wait()
        async with api.client.delete(
            f"{API}/optimize/{queued['session_id']}", headers=api.auth
        ) as response:
            assert response.status == 200
        ended = await api.ended_status(queued["session_id"])
        release.set()
    assert ended["status"] == "cancelled"


async def test_the_webhook_is_signed_and_retried_after_500s(
    api: Api, receiver: Receiver, pipeline
) -> None:
    receiver.failures = 2
    _, queued = await api.submit(platforms="instagram", webhook_url=receiver.url)
    async with api.working():
        await until(lambda: api.ended)  # heard, and marked delivered
    assert len(receiver.received) == 3
    for body, headers in receiver.received:
        expected = hmac.new(api.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == f"sha256={expected}"
    document = receiver.documents()[-1]
    assert document["session_id"] == queued["session_id"]
    assert document["status"] == "completed"
    assert document["results"]["platforms"]["instagram"]["processed_image"].startswith("http")


async def test_a_failed_job_is_reported_with_its_error(
    api: Api, receiver: Receiver, pipeline
) -> None:
    from postready.pipeline.errors import ErrorCode, PostReadyError

    pipeline.error = PostReadyError(ErrorCode.IMAGE_TOO_SMALL, "the photo is too small")
    _, queued = await api.submit(platforms="instagram", webhook_url=receiver.url)
    async with api.working():
        ended = await api.ended_status(queued["session_id"])
        await receiver.got.wait()
    assert ended["error"] == {"code": "IMAGE_TOO_SMALL", "message": "the photo is too small"}
    assert receiver.documents()[0]["results"] is None


async def test_jobs_survive_a_restart(
    tmp_path: Path, settings: Settings, receiver: Receiver, pipeline, clock
) -> None:
    db = tmp_path / "restart.db"
    async with await Storage.open(db, clock) as store:
        issued = await issue_key(store, "shop")
        async with serving(store, settings) as (client, queue, _):
            api = Api(client, store, queue, issued.token, issued.key.webhook_secret)
            _, queued = await api.submit(platforms="instagram", webhook_url=receiver.url)
    # A new process: the job waited in the database, and its webhook with it.
    async with await Storage.open(db, clock) as store, serving(store, settings) as (c, q, _):
        api = Api(c, store, q, issued.token, issued.key.webhook_secret)
        async with api.working():
            ended = await api.ended_status(queued["session_id"])
            await receiver.got.wait()
    assert ended["status"] == "completed"
    assert receiver.documents()[0]["session_id"] == queued["session_id"]
