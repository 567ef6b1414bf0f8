"""Reading `POST /api/v1/optimize/image`'s multipart form: the size is capped before a byte of
the body is read (by its Content-Length) and while it streams (a chunked body has none), and
the whole body must arrive within the upload timeout, so a slow or stalled client cannot hold
a connection and memory."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from postready.adapters.http.api.problems import ApiErrorCode, Problem
from postready.pipeline.errors import ErrorCode

MB = 1_000_000
FIELD_BYTES = 8_192  # a text field's most
FORM_ALLOWANCE = 64 * 1024  # the form's text fields and part headers, beside the image
FIELDS = (
    "platforms",
    "description",
    "styles",
    "background_color",
    "timezone",
    "language",
    "hashtag_language",
    "webhook_url",
)


@dataclass(frozen=True, slots=True)
class Form:
    image: bytes
    filename: str
    fields: dict[str, str]  # repeated fields (platforms=a&platforms=b) joined by commas


async def read_form(request: web.Request, max_image: int, timeout: float) -> Form:
    """The form's image and fields; a Problem when it is too large, too slow or malformed."""
    too_large = Problem(
        ErrorCode.FILE_TOO_LARGE, f"the upload is larger than the {max_image / MB:g} MB limit"
    )
    length = request.content_length
    if length is not None and length > max_image + FORM_ALLOWANCE:
        raise too_large
    if request.content_type != "multipart/form-data":
        raise Problem(
            ApiErrorCode.INVALID_REQUEST,
            "send the photo as multipart/form-data, in a part named 'image'",
        )
    try:
        async with asyncio.timeout(timeout):
            return await _read(request, max_image, too_large)
    except TimeoutError:
        raise Problem(
            ApiErrorCode.REQUEST_TIMEOUT, f"the upload did not arrive within {timeout:g} s"
        ) from None
    except (ValueError, AssertionError, KeyError, HttpProcessingError):
        # aiohttp's words for a broken form (a part's headers, its boundary)
        raise Problem(
            ApiErrorCode.INVALID_REQUEST, "the multipart form could not be read"
        ) from None


async def _read(request: web.Request, max_image: int, too_large: Problem) -> Form:
    reader = await request.multipart()
    image: bytes | None = None
    filename = ""
    fields: dict[str, list[str]] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise ValueError("nested multipart bodies are not read")
        if part.name == "image":
            if image is not None:
                raise Problem(ApiErrorCode.INVALID_REQUEST, "send one image per request")
            image = await _read_capped(part, max_image, too_large)
            filename = part.filename or "image"
        elif part.name in FIELDS:
            raw = await _read_capped(
                part,
                FIELD_BYTES,
                Problem(ErrorCode.INVALID_OPTION, f"'{part.name}' is too long"),
            )
            fields.setdefault(part.name, []).append(raw.decode(errors="replace"))
        else:
            known = ", ".join(("image", *FIELDS))
            raise Problem(
                ErrorCode.INVALID_OPTION, f"unknown field '{part.name}'; the fields are: {known}"
            )
    if image is None:
        raise Problem(ApiErrorCode.INVALID_REQUEST, "the form has no 'image' part")
    return Form(image, filename, {name: ",".join(values) for name, values in fields.items()})


async def _read_capped(part: BodyPartReader, limit: int, problem: Problem) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk():
        size += len(chunk)
        if size > limit:
            raise problem
        chunks.append(chunk)
    return b"".join(chunks)
