"""Errors as RFC 9457 problem details (`application/problem+json`): the chats' stable codes
(`INVALID_IMAGE_FORMAT`, `FILE_TOO_LARGE`, ...) with the HTTP status each one means, and the
API's own (a missing key, a slow upload)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from enum import StrEnum

from aiohttp import web

from postready.adapters.http.api.languages import tag
from postready.core.errors import AppErrorCode, QuotaExceeded
from postready.core.i18n import DEFAULT_LANGUAGE, N_, fill, speaking
from postready.pipeline.errors import ErrorCode, PostReadyError

PROBLEM_TYPE = "application/problem+json"


class ApiErrorCode(StrEnum):
    UNAUTHORIZED = "UNAUTHORIZED"  # no key, or not a valid one
    INVALID_REQUEST = "INVALID_REQUEST"  # not a multipart form, or no image in it
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"  # the upload did not arrive whole in time
    NOT_FOUND = "NOT_FOUND"  # no such file
    NOT_READY = "NOT_READY"  # results asked for before the session completed


STATUSES: Mapping[str, int] = {
    ErrorCode.INVALID_IMAGE_FORMAT: 415,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.IMAGE_TOO_LARGE: 422,
    ErrorCode.IMAGE_TOO_SMALL: 422,
    ErrorCode.CORRUPT_IMAGE: 422,
    ErrorCode.FILE_NOT_FOUND: 404,
    ErrorCode.UNKNOWN_PLATFORM: 422,
    ErrorCode.UNKNOWN_VARIANT: 422,
    ErrorCode.INVALID_OPTION: 422,
    ErrorCode.UNKNOWN_STYLE: 422,
    ErrorCode.UNKNOWN_COLOR: 422,
    AppErrorCode.QUEUE_FULL: 503,
    AppErrorCode.TOO_MANY_JOBS: 429,
    AppErrorCode.RATE_LIMITED: 429,
    AppErrorCode.QUOTA_EXCEEDED: 429,
    AppErrorCode.JOB_NOT_FOUND: 404,
    AppErrorCode.NOT_ALLOWED: 403,
    AppErrorCode.DISK_FULL: 507,
    ApiErrorCode.UNAUTHORIZED: 401,
    ApiErrorCode.INVALID_REQUEST: 400,
    ApiErrorCode.REQUEST_TIMEOUT: 408,
    ApiErrorCode.NOT_FOUND: 404,
    ApiErrorCode.NOT_READY: 409,
}
# The statuses a refusal of a new job may have, for the spec.
SUBMIT_STATUSES = (400, 413, 415, 422, 429, 503, 507)


class Problem(Exception):
    """An answer other than success: raised by a handler, sent as problem details. `message`
    is English, marked for the catalogs, with its `{fields}` filled from `fields`: its
    `detail` is sent in the language the request accepts."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        headers: Mapping[str, str] | None = None,
        **fields: object,
    ) -> None:
        super().__init__(message.format(**fields) if fields else message)
        self.code, self.template, self.fields = code, message, fields
        self.message = str(self)
        self.status = STATUSES.get(code, 400)
        self.headers = dict(headers or {})

    @classmethod
    def of(cls, exc: PostReadyError, now: float) -> Problem:
        """The problem a PostReady refusal is; a used-up quota says when to try again."""
        headers = {}
        if isinstance(exc, QuotaExceeded):
            headers["Retry-After"] = str(max(1, math.ceil(exc.resets.timestamp() - now)))
        return cls(exc.code, exc.template, headers, **exc.fields)

    def response(self, language: str = DEFAULT_LANGUAGE) -> web.Response:
        """The problem details, `detail` in `language`."""
        with speaking(language):
            detail = fill(self.template, self.fields)
        body = {
            "type": "about:blank",
            "title": self.code,
            "status": self.status,
            "detail": detail,
            "code": self.code,
        }
        headers = {**self.headers, "Content-Language": tag(language), "Vary": "Accept-Language"}
        return web.Response(
            status=self.status,
            text=json.dumps(body, ensure_ascii=False),
            content_type=PROBLEM_TYPE,
            charset="utf-8",
            headers=headers,
        )


def not_found(session_id: str) -> Problem:
    return Problem(AppErrorCode.JOB_NOT_FOUND, N_("there is no session {id}"), id=session_id)
