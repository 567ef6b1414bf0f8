"""The HTTP API as a frontend of `postready bot`: its routes on the process's HTTP server, its
keys' jobs run by this process's workers, and a completion webhook when one of them ends.

Every route but the tables and the spec needs `Authorization: Bearer <key>`; each key is a
user of its own (quotas, limits, history, retention) and sees only its own sessions: another
key's session is a 404, as one that does not exist."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from postready.adapters.http.api.documents import (
    API,
    Urls,
    platforms_document,
    results_document,
    status_document,
    styles_document,
)
from postready.adapters.http.api.languages import accepted_language
from postready.adapters.http.api.openapi import openapi_document
from postready.adapters.http.api.problems import ApiErrorCode, Problem, not_found
from postready.adapters.http.api.uploads import Form, read_form
from postready.adapters.http.api.webhooks import Delivery, WebhookSender, check_url
from postready.adapters.http.server import Route
from postready.chat.texts import STATUS_WORDS
from postready.core.access import AccessRules
from postready.core.api_keys import authenticate, key_user
from postready.core.config.settings import Settings
from postready.core.errors import AppErrorCode
from postready.core.i18n import N_
from postready.core.identity import API_PLATFORM
from postready.core.queue.api import JobQueue
from postready.core.queue.updates import JobUpdate
from postready.core.queue.worker import LOAD_LIMITS
from postready.core.retention import remove_session_files
from postready.core.storage import Storage
from postready.core.storage.models import ACTIVE_STATUSES, ENDED_STATUSES, ApiJob, ApiKey, User
from postready.pipeline.brand import BrandKit, BrandKitError
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import HEADER_BYTES, check_byte_size, require_format
from postready.pipeline.marking import Marked, Plural
from postready.pipeline.models import CarouselPhoto, OptimizeRequest
from postready.pipeline.photography import DEFAULT_COLOUR, resolve_colour, resolve_styles
from postready.pipeline.platforms import resolve_platforms
from postready.pipeline.timing import zone
from postready.pipeline.wording import DEFAULT_HASHTAG_LANGUAGE, HASHTAG_LANGUAGES

log = logging.getLogger(__name__)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
DESCRIPTION_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Caller:
    key: ApiKey
    user: User


Handler = Callable[[web.Request, Caller], Awaitable[web.StreamResponse]]


def api_frontend(settings: Settings) -> ApiFrontend:
    return ApiFrontend(settings)


class ApiFrontend:
    """The HTTP API as a `Frontend`. `receive=False`: it serves no endpoint and only sends
    finished jobs' webhooks (a worker process's)."""

    platform = API_PLATFORM

    def __init__(
        self,
        settings: Settings,
        max_upload: int = LOAD_LIMITS.max_bytes,
        *,
        receive: bool = True,
    ) -> None:
        self._receive = receive
        self._settings = settings
        self._api = settings.api
        self._max_upload = max_upload
        self._access = AccessRules.from_settings(settings.access)
        self._webhooks = WebhookSender(settings.api)
        self._started: tuple[Storage, JobQueue] | None = None

    async def start(self, storage: Storage, queue: JobQueue) -> None:
        await self._webhooks.start()
        self._started = (storage, queue)

    async def stop(self) -> None:
        await self._webhooks.close()

    async def problem(self) -> str | None:
        return None

    def http_routes(self) -> Sequence[Route]:
        if not self._receive:
            return ()
        keyed = self._keyed
        return (
            ("POST", f"{API}/optimize/image", keyed(self._submit)),
            ("GET", f"{API}/optimize/status/{{session_id}}", keyed(self._status)),
            ("GET", f"{API}/optimize/results/{{session_id}}", keyed(self._results)),
            ("DELETE", f"{API}/optimize/{{session_id}}", keyed(self._delete)),
            # Any name, line breaks too: one that matched no route was a plain-text 404.
            ("GET", f"{API}/files/{{session_id}}/{{name:[\\s\\S]+}}", keyed(self._file)),
            ("GET", f"{API}/brand", keyed(self._brand)),
            ("PUT", f"{API}/brand", keyed(self._set_brand)),
            ("GET", f"{API}/platforms", _table(platforms_document)),
            ("GET", f"{API}/styles", _table(styles_document)),
            ("GET", f"{API}/openapi.json", _table(openapi_document)),
        )

    async def on_job_update(self, update: JobUpdate) -> None:
        """A job's end goes to its webhook; raises when it could not be delivered, so the
        next start tries again."""
        job = update.job
        if job.status not in ENDED_STATUSES:
            return
        storage, queue = self._parts()
        api_job = await storage.api.job(job.session.id)
        if api_job is None or api_job.webhook_url is None:
            return
        key = await storage.api.key(api_job.key_id)
        if key is None:
            return
        user = await storage.users.get_or_create(key_user(key))
        urls = self._urls(api_job.base_url)
        document = status_document(await queue.status(user, job.id), urls)
        document["results"] = (
            results_document(
                job.session,
                await storage.jobs.session_files(job.session.id),
                self._settings.storage.output_dir,
                urls,
            )
            if job.status == "completed"
            else None
        )
        await self._webhooks.deliver(Delivery(api_job.webhook_url, key.webhook_secret, document))

    def _parts(self) -> tuple[Storage, JobQueue]:
        if self._started is None:
            raise RuntimeError("the API frontend is not started")
        return self._started

    def _keyed(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """`handler` for callers with a valid key and within their rate limit; errors are
        answered as problem details, in the language the request accepts."""

        async def serve(request: web.Request) -> web.StreamResponse:
            language = _language(request)
            try:
                return await handler(request, await self._caller(request))
            except Problem as problem:
                return problem.response(language)
            except PostReadyError as exc:
                # The storage's clock: the one quotas are counted by.
                return Problem.of(exc, self._parts()[0].database.clock()).response(language)

        return serve

    async def _caller(self, request: web.Request) -> Caller:
        storage, _ = self._parts()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        key = await authenticate(storage, token.strip()) if scheme.lower() == "bearer" else None
        if key is None:
            raise Problem(
                ApiErrorCode.UNAUTHORIZED,
                N_("send a valid API key as 'Authorization: Bearer <key>'"),
                {"WWW-Authenticate": "Bearer"},
            )
        wait = await storage.api.take_request(key, self._api.requests_per_minute)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            allowed = self._api.requests_per_minute
            raise Problem(
                AppErrorCode.RATE_LIMITED,
                N_("more than {requests} a minute with this key; try again in {seconds} s"),
                {"Retry-After": str(seconds)},
                # Translators: how many requests a minute a key may make, in the line above.
                requests=Plural("{count} request", "{count} requests", allowed),
                seconds=seconds,
            )
        ref = key_user(key)
        if await storage.users.is_blocked(ref):
            raise Problem(AppErrorCode.NOT_ALLOWED, N_("this API key is blocked"))
        return Caller(key, await storage.users.get_or_create(ref))

    def _urls(self, base: str) -> Urls:
        return Urls((self._api.public_url or base).rstrip("/"))

    async def _submit(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        storage, queue = self._parts()
        form = await read_form(request, self._max_upload, self._api.upload_timeout)
        for number, image in enumerate(form.images, 1):
            try:
                check_byte_size(len(image.data), LOAD_LIMITS)
                require_format(image.data[:HEADER_BYTES])
            except PostReadyError as exc:
                if len(form.images) == 1:
                    raise
                raise PostReadyError(
                    exc.code,
                    N_("image {number} ({name}): {problem}"),
                    number=number,
                    name=image.filename,
                    problem=Marked(exc.template, exc.fields),
                ) from exc
        optimize = self._optimize_request(caller, form)
        webhook = form.fields.get("webhook_url") or None
        if webhook is not None:
            check_url(webhook, self._api.webhook_allow_private)
        unlimited = self._access.is_admin(caller.user.ref)
        await queue.admit(caller.user, unlimited=unlimited)
        session_id = str(uuid.uuid4())
        base = str(request.url.origin())
        # Kept first: a job that ends at once still finds where its webhook goes.
        await storage.api.add_job(ApiJob(session_id, None, caller.key.id, webhook, base))
        try:
            submitted = await queue.submit(
                caller.user, optimize, unlimited=unlimited, session_id=session_id
            )
        except BaseException:
            await storage.api.drop_job(session_id)
            raise
        await storage.api.set_job_id(session_id, submitted.job.id)
        urls = self._urls(base)
        status = status_document(
            await queue.status(caller.user, submitted.job.id), urls, _language(request)
        )
        return web.json_response(status, status=202, headers={"Location": urls.status(session_id)})

    def _optimize_request(self, caller: Caller, form: Form) -> OptimizeRequest:
        """The pipeline's request for the form's fields: the chats' validation and codes."""
        fields = form.fields
        platforms = tuple(spec.key for spec in resolve_platforms([fields.get("platforms", "")]))
        styles = resolve_styles(fields.get("styles", "").split(","))
        colour = resolve_colour(fields.get("background_color") or DEFAULT_COLOUR)
        timezone = fields.get("timezone") or "UTC"
        zone(timezone)  # a known one, or INVALID_OPTION
        language = fields.get("language") or "en"
        if not _LANGUAGE.match(language):
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("'{language}' is not a language code (en, de, pt-BR)"),
                language=language,
            )
        mix = fields.get("hashtag_language") or DEFAULT_HASHTAG_LANGUAGE
        if mix not in HASHTAG_LANGUAGES:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("hashtag_language is one of {choices}, not '{value}'"),
                choices=", ".join(HASHTAG_LANGUAGES),
                value=mix,
            )
        description = fields.get("description", "")
        if len(description) > DESCRIPTION_CHARS:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("the description is longer than {limit} characters"),
                limit=DESCRIPTION_CHARS,
            )
        first, *more = form.images
        if more and styles:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("styles (product photography) work on one photo, not on a carousel yet"),
            )
        return OptimizeRequest(
            source=first.data,
            more_photos=tuple(CarouselPhoto(image.data, image.filename) for image in more),
            platforms=platforms,
            description=description,
            user_id=str(caller.user.ref),
            timezone=timezone,
            language=language,
            hashtag_language=mix,
            source_name=first.filename,
            styles=styles,
            background_colour=colour,
            product=True if styles else None,
        )

    async def _brand(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        """The key's brand kit, applied to every photo it sends."""
        storage, _ = self._parts()
        return web.json_response((await storage.brands.get(caller.user.id)).to_json())

    async def _set_brand(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        """A new brand kit for the key (`{}`: none), as the chats' `/brand` and the CLI's
        kit files check it."""
        storage, _ = self._parts()
        try:
            data = await request.json()
        except ValueError:
            raise Problem(
                ApiErrorCode.INVALID_REQUEST, N_("send the brand kit as a JSON object")
            ) from None
        try:
            kit = BrandKit.from_json(data)
        except BrandKitError as exc:
            raise PostReadyError(ErrorCode.INVALID_OPTION, exc.template, **exc.fields) from None
        return web.json_response((await storage.brands.save(caller.user.id, kit)).to_json())

    async def _owned(self, request: web.Request, caller: Caller) -> tuple[str, int]:
        """The session in the path and its job, when the caller's key submitted it."""
        storage, _ = self._parts()
        session_id = request.match_info["session_id"]
        api_job = await storage.api.job(session_id)
        if api_job is None or api_job.key_id != caller.key.id or api_job.job_id is None:
            raise not_found(session_id)
        return session_id, api_job.job_id

    async def _status(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        _, queue = self._parts()
        _, job_id = await self._owned(request, caller)
        status = await queue.status(caller.user, job_id)
        document = status_document(status, self._urls(_origin(request)), _language(request))
        return web.json_response(document)

    async def _results(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        storage, queue = self._parts()
        session_id, job_id = await self._owned(request, caller)
        job = (await queue.status(caller.user, job_id)).job
        if job.status != "completed" or job.session.results is None:
            raise Problem(
                ApiErrorCode.NOT_READY,
                N_("the session is {status}; its results are there once it has completed"),
                status=Marked(STATUS_WORDS[job.status], {}),
            )
        files = await storage.jobs.session_files(session_id)
        document = results_document(
            job.session, files, self._settings.storage.output_dir, self._urls(_origin(request))
        )
        return web.json_response(document)

    async def _file(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        session_id, _ = await self._owned(request, caller)
        folder = self._settings.storage.output_dir / session_id
        name = request.match_info["name"]
        path = await asyncio.to_thread(_existing_file, folder, name)
        if path is None:
            raise Problem(ApiErrorCode.NOT_FOUND, N_("the session has no file '{name}'"), name=name)
        return web.FileResponse(path)

    async def _delete(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        """Cancel a queued or running job; delete the files of one that has ended."""
        storage, queue = self._parts()
        session_id, job_id = await self._owned(request, caller)
        job = (await queue.status(caller.user, job_id)).job
        if job.status in ACTIVE_STATUSES:
            await queue.cancel(caller.user, job_id)
        else:
            freed = await asyncio.to_thread(
                remove_session_files, self._settings.storage, session_id
            )
            await storage.jobs.forget_files([session_id])
            log.info("api_files_deleted session=%s bytes=%d", session_id, freed)
        status = await queue.status(caller.user, job_id)
        document = status_document(status, self._urls(_origin(request)), _language(request))
        return web.json_response(document)


def _language(request: web.Request) -> str:
    """The language the request's errors are answered in."""
    return accepted_language(request.headers.get("Accept-Language"))


def _origin(request: web.Request) -> str:
    return str(request.url.origin())


def _existing_file(folder: Path, name: str) -> Path | None:
    """The file `name` in `folder`, never one outside it (`..`, links)."""
    folder = folder.resolve()
    path = (folder / name).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def _table(document: Callable[[], object]) -> Callable[[web.Request], Awaitable[web.Response]]:
    body = json.dumps(document())

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    return serve
