"""Reading `POST /api/v1/optimize/image`'s multipart form: one `image` part, or several for one
carousel post. Each photo and the set are capped before a byte of the body is read (by its
Content-Length) and while it streams (a chunked body has none), and the whole body must arrive
within the upload timeout, so a slow or stalled client cannot hold a connection and memory."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from postready.adapters.http.api.problems import ApiErrorCode, Problem
from postready.pipeline.carousel import MAX_SET_BYTES_FACTOR
from postready.pipeline.errors import ErrorCode

MB = 1_000_000
MAX_IMAGES = 20  # `image` parts in one request: one carousel post (Instagram takes 20 a post)
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
class FormImage:
    data: bytes
    filename: str


@dataclass(frozen=True, slots=True)
class Form:
    images: tuple[FormImage, ...]  # in the order sent: several make one carousel post
    fields: dict[str, str]  # repeated fields (platforms=a&platforms=b) joined by commas


def set_cap(max_image: int) -> int:
    """What the photos of one request may make together (one carousel's set cap)."""
    return MAX_SET_BYTES_FACTOR * max_image


async def read_form(request: web.Request, max_image: int, timeout: float) -> Form:
    """The form's images and fields; a Problem when it is too large, too slow or malformed."""
    length = request.content_length
    if length is not None and length > set_cap(max_image) + FORM_ALLOWANCE:
        raise Problem(
            ErrorCode.FILE_TOO_LARGE,
            f"the upload is larger than the {set_cap(max_image) / MB:g} MB the photos of one "
            f"request may make together ({max_image / MB:g} MB each)",
        )
    if request.content_type != "multipart/form-data":
        raise Problem(
            ApiErrorCode.INVALID_REQUEST,
            "send the photo as multipart/form-data, in a part named 'image'",
        )
    try:
        async with asyncio.timeout(timeout):
            return await _read(request, max_image)
    except TimeoutError:
        raise Problem(
            ApiErrorCode.REQUEST_TIMEOUT, f"the upload did not arrive within {timeout:g} s"
        ) from None
    except (ValueError, AssertionError, KeyError, HttpProcessingError):
        # aiohttp's words for a broken form (a part's headers, its boundary)
        raise Problem(
            ApiErrorCode.INVALID_REQUEST, "the multipart form could not be read"
        ) from None


async def _read(request: web.Request, max_image: int) -> Form:
    reader = await request.multipart()
    images: list[FormImage] = []
    room = set_cap(max_image)  # for the rest of the photos
    fields: dict[str, list[str]] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise ValueError("nested multipart bodies are not read")
        if part.name == "image":
            number = len(images) + 1
            if number > MAX_IMAGES:
                raise Problem(
                    ErrorCode.INVALID_OPTION,
                    f"at most {MAX_IMAGES} images a request (one carousel post)",
                )
            filename = part.filename or f"image{number}"
            too_large = Problem(
                ErrorCode.FILE_TOO_LARGE,
                f"image {number} ({filename}) is larger than the {max_image / MB:g} MB limit"
                if room >= max_image
                else f"the {number} images are larger than the {set_cap(max_image) / MB:g} MB "
                "the photos of one request may make together",
            )
            data = await _read_capped(part, min(max_image, room), too_large)
            room -= len(data)
            images.append(FormImage(data, filename))
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
    if not images:
        raise Problem(ApiErrorCode.INVALID_REQUEST, "the form has no 'image' part")
    return Form(tuple(images), {name: ",".join(v) for name, v in fields.items()})


async def _read_capped(part: BodyPartReader, limit: int, problem: Problem) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk():
        size += len(chunk)
        if size > limit:
            raise problem
        chunks.append(chunk)
    return b"".join(chunks)
