"""Every refusal the API answers with: problem details, the chats' codes, the HTTP status each
one means, and Retry-After where waiting helps."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData

from postready.adapters.http.api.frontend import _existing_file
from postready.adapters.http.api.languages import accepted_language
from postready.adapters.http.api.problems import PROBLEM_TYPE
from postready.core.api_keys import issue_key, key_user
from postready.core.storage import Storage
from tests.adapters.api.conftest import API, PHOTO, SMALL_UPLOAD, Api

NOT_AN_IMAGE = b"%PDF-1.7 not a photo" * 10
NEARLY_FULL = PHOTO + bytes(SMALL_UPLOAD - len(PHOTO) - 1000)  # a photo just under the cap


@pytest.mark.parametrize(
    ("image", "fields", "status", "code"),
    [
        (NOT_AN_IMAGE, {}, 415, "INVALID_IMAGE_FORMAT"),
        (PHOTO + bytes(SMALL_UPLOAD), {}, 413, "FILE_TOO_LARGE"),  # found while it streams
        (PHOTO + bytes(5 * SMALL_UPLOAD), {}, 413, "FILE_TOO_LARGE"),  # by its Content-Length
        (PHOTO, {"platforms": "myspace"}, 422, "UNKNOWN_PLATFORM"),
        (PHOTO, {"platforms": "instgram"}, 422, "UNKNOWN_PLATFORM"),
        (PHOTO, {"styles": "sepia"}, 422, "UNKNOWN_STYLE"),
        (PHOTO, {"styles": "floating", "background_color": "plaid"}, 422, "UNKNOWN_COLOR"),
        (PHOTO, {"timezone": "Mars/Olympus_Mons"}, 422, "INVALID_OPTION"),
        (PHOTO, {"language": "the english language"}, 422, "INVALID_OPTION"),
        (PHOTO, {"hashtag_language": "klingon"}, 422, "INVALID_OPTION"),
        (PHOTO, {"description": "x" * 2001}, 422, "INVALID_OPTION"),
        (PHOTO, {"webhook_url": "ftp://example.com/hook"}, 422, "INVALID_OPTION"),
        (PHOTO, {"colour": "White"}, 422, "INVALID_OPTION"),  # not a field of the form
    ],
)
async def test_a_photo_refused(
    api: Api, image: bytes, fields: dict[str, str], status: int, code: str
) -> None:
    answered, problem = await api.submit(image, **fields)
    assert (answered, problem["code"]) == (status, code), problem
    assert problem["status"] == status and problem["title"] == code and problem["detail"]
    assert await api.store.jobs.recent() == []
    assert await api.store.api.keys()  # nothing else was kept


@pytest.mark.parametrize(
    ("more", "fields", "status", "code", "detail"),
    [
        ([PHOTO, NOT_AN_IMAGE], {}, 415, "INVALID_IMAGE_FORMAT", "image 3 (mug-3.jpg): "),
        ([PHOTO + bytes(SMALL_UPLOAD)], {}, 413, "FILE_TOO_LARGE", "image 2 (mug-2.jpg) is "),
        # Each photo under its cap, the five together over the set's (4 × the cap), found
        # while they stream.
        ([NEARLY_FULL] * 4, {}, 413, "FILE_TOO_LARGE", "the 5 images are larger than"),
        ([PHOTO] * 20, {}, 422, "INVALID_OPTION", "at most 20 images"),
        ([PHOTO], {"styles": "floating"}, 422, "INVALID_OPTION", "not on a carousel"),
    ],
)
async def test_a_carousel_refused_names_the_photo_or_the_set(
    api: Api, more: list[bytes], fields: dict[str, str], status: int, code: str, detail: str
) -> None:
    answered, problem = await api.submit(PHOTO, more=more, **fields)
    assert (answered, problem["code"]) == (status, code), problem
    assert detail in problem["detail"]
    assert await api.store.jobs.recent() == []


async def test_not_a_form(api: Api) -> None:
    async with api.client.post(
        f"{API}/optimize/image", json={"image": "..."}, headers=api.auth
    ) as response:
        assert response.status == 400 and response.content_type == PROBLEM_TYPE
        assert (await response.json(content_type=None))["code"] == "INVALID_REQUEST"
    form = FormData()
    form.add_field("platforms", "instagram")
    form.add_field("description", "no photo", content_type="text/plain")
    async with api.client.post(f"{API}/optimize/image", data=form, headers=api.auth) as response:
        assert response.status == 400
        assert "'image'" in (await response.json(content_type=None))["detail"]


@pytest.mark.parametrize("api_settings", [{"webhook_allow_private": False}])
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:192.168.0.1]/hook",
    ],
)
async def test_a_webhook_to_a_private_address_is_refused(api: Api, url: str) -> None:
    status, problem = await api.submit(platforms="instagram", webhook_url=url)
    assert (status, problem["code"]) == (422, "INVALID_OPTION")
    assert "public address" in problem["detail"]


async def test_without_a_valid_key(api: Api, store: Storage) -> None:
    for headers in ({}, {"Authorization": "Bearer pr_nope_nope"}, {"Authorization": api.token}):
        async with api.client.get(f"{API}/optimize/status/x", headers=headers) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"] == "Bearer"
            assert (await response.json(content_type=None))["code"] == "UNAUTHORIZED"
    await store.api.revoke("shop")
    status, problem = await api.submit()
    assert (status, problem["code"]) == (401, "UNAUTHORIZED")


async def test_a_blocked_key(api: Api, store: Storage) -> None:
    key = (await store.api.keys())[0]
    await store.users.block(key_user(key), by="admin")
    status, problem = await api.submit()
    assert (status, problem["code"]) == (403, "NOT_ALLOWED")


async def test_unknown_sessions_and_files(api: Api, pipeline) -> None:
    status, problem = await api.get(f"{API}/optimize/status/no-such-session")
    assert (status, problem["code"]) == (404, "JOB_NOT_FOUND")
    _, queued = await api.submit(platforms="instagram")
    status, problem = await api.get(f"{API}/files/{queued['session_id']}/nothing.jpg")
    assert (status, problem["code"]) == (404, "NOT_FOUND")


def test_a_file_outside_the_session_folder_is_never_served(tmp_path: Path) -> None:
    folder = tmp_path / "output" / "session"
    folder.mkdir(parents=True)
    (folder / "post.jpg").write_bytes(b"post")
    (tmp_path / "postready.db").write_bytes(b"database")
    (folder / "link.jpg").symlink_to(tmp_path / "postready.db")
    assert _existing_file(folder, "post.jpg") == folder / "post.jpg"
    for name in ("../../postready.db", "link.jpg", "/etc/passwd", "."):
        assert _existing_file(folder, name) is None


@pytest.mark.parametrize(
    ("user_limits", "status", "code", "retry_after"),
    [
        ({"max_jobs_in_flight": 1}, 429, "TOO_MANY_JOBS", False),
        ({"max_jobs_per_hour": 1}, 429, "RATE_LIMITED", False),
        ({"jobs_per_day": 1}, 429, "QUOTA_EXCEEDED", True),
        ({"queue_limit": 1}, 503, "QUEUE_FULL", False),
    ],
)
async def test_the_chats_limits_and_quotas_apply(
    api: Api, user_limits: dict[str, Any], status: int, code: str, retry_after: bool
) -> None:
    first, _ = await api.submit(platforms="instagram")
    assert first == 202
    async with api.client.post(f"{API}/optimize/image", data=_form(), headers=api.auth) as response:
        problem = await response.json(content_type=None)
        assert (response.status, problem["code"]) == (status, code)
        assert ("Retry-After" in response.headers) == retry_after
        if retry_after:
            assert 0 < int(response.headers["Retry-After"]) <= 86400


@pytest.mark.parametrize("api_settings", [{"requests_per_minute": 3}])
async def test_requests_per_minute_per_key(api: Api, store: Storage) -> None:
    for _ in range(3):
        status, _ = await api.get(f"{API}/optimize/status/x")
        assert status == 404
    async with api.client.get(f"{API}/optimize/status/x", headers=api.auth) as response:
        assert response.status == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert (await response.json(content_type=None))["code"] == "RATE_LIMITED"
    other = (await issue_key(store, "another shop")).token
    status, _ = await api.get(f"{API}/optimize/status/x", token=other)
    assert status == 404  # each key has its own


@pytest.mark.parametrize("api_settings", [{"upload_timeout": 0.3}])
async def test_a_slow_upload_times_out(api: Api) -> None:
    url = api.client.make_url(f"{API}/optimize/image")
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(
        (
            f"POST {url.path} HTTP/1.1\r\nHost: {url.host}\r\n"
            f"Authorization: Bearer {api.token}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
            '--b\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n'
        ).encode()
        + PHOTO[:1000]
    )
    await writer.drain()  # and nothing more: the rest never comes
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"408"


def _form() -> FormData:
    form = FormData()
    form.add_field("image", PHOTO, filename="mug.jpg", content_type="image/jpeg")
    form.add_field("platforms", "instagram")
    return form


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-CH, fr;q=0.9", "de"),
        ("fr;q=0.5, es;q=0.9, en;q=0.1", "es"),  # by quality, not by order
        ("zh-CN, pt-BR;q=0.8", "pt_BR"),  # the first PostReady speaks
        ("uk, ru", "uk"),  # equal qualities: in order
        ("es;q=0, fr", "fr"),  # q=0: not acceptable
        ("it;q=abc, tr;q=0.2", "tr"),  # a broken quality counts as 0
        ("EN-us", "en"),
        ("*", "en"),
        ("xx, tlh;q=0.5", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_answers_language_is_the_first_accepted_that_postready_speaks(
    header: str | None, language: str
) -> None:
    assert accepted_language(header) == language


async def test_a_refusal_in_the_language_the_request_accepts(api: Api) -> None:
    """The code (and the status) stay as they are; `detail` is in the language."""
    status, problem = await api.submit(platforms="instgram", accept_language="es-419, en;q=0.5")
    assert (status, problem["code"], problem["title"]) == (
        422,
        "UNKNOWN_PLATFORM",
        "UNKNOWN_PLATFORM",
    )
    assert problem["detail"] == "plataforma desconocida 'instgram': ¿querías decir 'instagram'?"
    status, problem = await api.submit(timezone="Mars/Olympus_Mons", accept_language="de")
    assert (status, problem["code"]) == (422, "INVALID_OPTION")
    assert problem["detail"] == (
        "unbekannte Zeitzone 'Mars/Olympus_Mons'; nimm einen IANA-Namen wie Europe/London oder UTC"
    )
    status, problem = await api.submit(platforms="instgram")  # no header: English
    assert problem["detail"] == "unknown platform 'instgram' — did you mean 'instagram'?"


async def test_a_carousels_refused_photo_is_named_in_the_language(api: Api) -> None:
    status, problem = await api.submit(PHOTO, more=[PHOTO, NOT_AN_IMAGE], accept_language="fr")
    assert (status, problem["code"]) == (415, "INVALID_IMAGE_FORMAT")
    assert problem["detail"].startswith("image 3 (mug-3.jpg) : ")
    assert await api.store.jobs.recent() == []


async def test_the_apis_own_errors_in_the_language(api: Api) -> None:
    headers = {"Authorization": "Bearer pr_nope_nope", "Accept-Language": "de-AT, de;q=0.9"}
    async with api.client.get(f"{API}/optimize/status/x", headers=headers) as response:
        assert response.status == 401 and response.headers["Content-Language"] == "de"
        problem = await response.json(content_type=None)
    assert problem["code"] == "UNAUTHORIZED"
    assert (
        problem["detail"] == "sende einen gültigen API-Schlüssel als 'Authorization: Bearer <key>'"
    )
    headers = {**api.auth, "Accept-Language": "pt-BR"}
    async with api.client.get(f"{API}/optimize/status/no-such", headers=headers) as response:
        assert response.headers["Content-Language"] == "pt-BR"
        problem = await response.json(content_type=None)
    assert (problem["code"], problem["detail"]) == ("JOB_NOT_FOUND", "não existe a sessão no-such")


@pytest.mark.parametrize("api_settings", [{"requests_per_minute": 3}])
async def test_a_count_in_an_error_takes_the_languages_plural(api: Api) -> None:
    for _ in range(3):
        await api.get(f"{API}/optimize/status/x")
    headers = {**api.auth, "Accept-Language": "ru"}
    async with api.client.get(f"{API}/optimize/status/x", headers=headers) as response:
        problem = await response.json(content_type=None)
        seconds = response.headers["Retry-After"]
    assert problem["code"] == "RATE_LIMITED"
    assert problem["detail"] == (
        f"больше лимита для этого ключа (3 запроса в минуту); повторите через {seconds} с"
    )
