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
from postready.core.i18n import N_
from postready.pipeline.carousel import MAX_SET_BYTES_FACTOR
from postready.pipeline.errors import ErrorCode
from postready.pipeline.marking import Plural

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
            N_(
                "the upload is larger than the {total} MB the photos of one request may make "
                "together ({each} MB each)"
            ),
            total=f"{set_cap(max_image) / MB:g}",
            each=f"{max_image / MB:g}",
        )
    if request.content_type != "multipart/form-data":
        raise Problem(
            ApiErrorCode.INVALID_REQUEST,
            N_("send the photo as multipart/form-data, in a part named 'image'"),
        )
    try:
        async with asyncio.timeout(timeout):
            return await _read(request, max_image)
    except TimeoutError:
        raise Problem(
            ApiErrorCode.REQUEST_TIMEOUT,
            N_("the upload did not arrive within {seconds} s"),
            seconds=f"{timeout:g}",
        ) from None
    except (ValueError, AssertionError, KeyError, HttpProcessingError):
        # aiohttp's words for a broken form (a part's headers, its boundary)
        raise Problem(
            ApiErrorCode.INVALID_REQUEST, N_("the multipart form could not be read")
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
                    N_("at most {count} images a request (one carousel post)"),
                    count=MAX_IMAGES,
                )
            filename = part.filename or f"image{number}"
            too_large = (
                Problem(
                    ErrorCode.FILE_TOO_LARGE,
                    N_("image {number} ({name}) is larger than the {limit} MB limit"),
                    number=number,
                    name=filename,
                    limit=f"{max_image / MB:g}",
                )
                if room >= max_image
                else Problem(
                    ErrorCode.FILE_TOO_LARGE,
                    N_(
                        "the {images} are larger than the {limit} MB the photos of one request "
                        "may make together"
                    ),
                    # Translators: how many images were sent, in the line above.
                    images=Plural("{count} image", "{count} images", number),
                    limit=f"{set_cap(max_image) / MB:g}",
                )
            )
            data = await _read_capped(part, min(max_image, room), too_large)
            room -= len(data)
            images.append(FormImage(data, filename))
        elif part.name in FIELDS:
            raw = await _read_capped(
                part,
                FIELD_BYTES,
                Problem(ErrorCode.INVALID_OPTION, N_("'{name}' is too long"), name=part.name),
            )
            fields.setdefault(part.name, []).append(raw.decode(errors="replace"))
        else:
            known = ", ".join(("image", *FIELDS))
            raise Problem(
                ErrorCode.INVALID_OPTION,
                N_("unknown field '{name}'; the fields are: {fields}"),
                name=part.name,
                fields=known,
            )
    if not images:
        raise Problem(ApiErrorCode.INVALID_REQUEST, N_("the form has no 'image' part"))
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
