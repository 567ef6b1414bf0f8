"""The OpenAPI document is true: schemathesis sends examples generated from it (a bounded
number per operation) to a running server, with a valid key, and checks that no answer is a
server error and that each answer's status, content type and body are the ones the document
gives."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.case import Case

from postready.adapters.http.api.openapi import openapi_document
from postready.core.api_keys import issue_key
from postready.core.config.settings import ApiSection, QueueSection, Settings, StorageSection
from postready.core.storage import Storage
from tests.adapters.api.conftest import API, PHOTO, Api, serving
from tests.fakes.threaded import running_in_thread

schema = schemathesis.openapi.from_dict(openapi_document())
EXAMPLES = 15  # per operation


@dataclass
class Live:
    url: str
    token: str
    session_id: str  # a completed session of the key's, for the examples to find


@asynccontextmanager
async def live_api(folder: Path) -> AsyncIterator[Live]:
    configured = Settings(
        storage=StorageSection(data_dir=folder / "data"),
        queue=QueueSection(workers=1, poll_seconds=0.05),
        api=ApiSection(requests_per_minute=100_000),
    )
    async with await Storage.open(folder / "postready.db") as store:
        issued = await issue_key(store, "schemathesis")
        async with serving(store, configured) as (client, queue, _):
            api = Api(client, store, queue, issued.token, issued.key.webhook_secret)
            _, queued = await api.submit(platforms="instagram")
            async with api.working():
                await api.ended_status(queued["session_id"])
                yield Live(str(client.make_url("")).rstrip("/"), issued.token, queued["session_id"])


class _Server:
    """`live_api` as the thread runner enters it."""

    def __init__(self, folder: Path) -> None:
        self._context = live_api(folder)
        self.live: Live | None = None

    async def __aenter__(self) -> None:
        self.live = await self._context.__aenter__()

    async def __aexit__(self, *exc_info: object) -> None:
        await self._context.__aexit__(None, None, None)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = _Server(tmp_path_factory.mktemp("schemathesis"))
    with running_in_thread(server):
        assert server.live is not None
        yield server.live


def test_the_spec_names_every_route() -> None:
    from postready.adapters.http.api import ApiFrontend

    served = {
        (method.lower(), re.sub(r":[^}]+}", "}", path))  # a parameter's pattern is not in it
        for method, path, _ in ApiFrontend(Settings()).http_routes()
    }
    documented = {
        (method, path) for path, item in openapi_document()["paths"].items() for method in item
    }
    assert served == documented
    assert all(path.startswith(API) for _, path in documented)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_keeps_to_its_spec(case: Case, live: Live) -> None:
    _check(case, live)


@pytest.mark.parametrize(
    ("path", "method", "parameters"),
    [
        ("/api/v1/optimize/status/{session_id}", "GET", {}),
        ("/api/v1/optimize/results/{session_id}", "GET", {}),
        ("/api/v1/files/{session_id}/{name}", "GET", {"name": "results.json"}),
        ("/api/v1/optimize/{session_id}", "DELETE", {}),
    ],
)
def test_a_sessions_answers_keep_to_the_spec(
    live: Live, path: str, method: str, parameters: dict[str, str]
) -> None:
    """Random session ids are not found: the key's own session, as the document describes."""
    operation = schema[path][method]
    case = operation.Case(path_parameters={"session_id": live.session_id, **parameters})
    assert _check(case, live).status_code == 200


def _check(case: Case, live: Live):  # type: ignore[no-untyped-def]
    return case.call_and_validate(
        base_url=live.url,
        headers={"Authorization": f"Bearer {live.token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_a_photo_in_the_documented_form_is_taken(live: Live) -> None:
    """Random bytes are rarely a photo: one real one, sent as the document describes."""
    operation = schema["/api/v1/optimize/image"]["POST"]
    case = operation.Case(
        body={"image": [PHOTO], "platforms": "instagram"}, media_type="multipart/form-data"
    )
    assert _check(case, live).status_code == 202
    carousel = operation.Case(
        body={"image": [PHOTO] * 3, "platforms": "x"}, media_type="multipart/form-data"
    )
    assert _check(carousel, live).status_code == 202
