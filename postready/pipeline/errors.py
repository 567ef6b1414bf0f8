"""Errors a user can cause: a stable code and a plain-language, one-line message."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_IMAGE_FORMAT = "INVALID_IMAGE_FORMAT"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    CORRUPT_IMAGE = "CORRUPT_IMAGE"
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    UNKNOWN_PLATFORM = "UNKNOWN_PLATFORM"
    UNKNOWN_VARIANT = "UNKNOWN_VARIANT"
    INVALID_OPTION = "INVALID_OPTION"
    UNKNOWN_STYLE = "UNKNOWN_STYLE"
    UNKNOWN_COLOR = "UNKNOWN_COLOR"
    ENCODING_FAILED = "ENCODING_FAILED"
    PROCESSING_FAILED = "PROCESSING_FAILED"
    NO_ALTERNATIVE = "NO_ALTERNATIVE"  # another caption or other hashtags: none left to offer


class PostReadyError(Exception):
    """An error with a stable code, shown to the user as one line. The code is the pipeline's
    `ErrorCode` or a layer above's own (the application's queue and chat codes).

    `message` is English, marked for the catalogs (`N_`) where a chat shows it; its `{fields}`
    are filled from `fields`, so that a chat can fill the same fields into the translation
    (`template`). `message` is the English line, filled in."""

    def __init__(self, code: StrEnum, message: str, **fields: object) -> None:
        text = message.format(**fields) if fields else message
        super().__init__(text)
        self.code = code
        self.message = text
        self.template = message
        self.fields = fields

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __reduce__(self) -> tuple[Callable[..., PostReadyError], tuple[object, ...]]:
        # Exceptions pickle their args; ours are the code, template and fields.
        return (_restore, (type(self), dict(self.__dict__)))


def _restore(cls: type[PostReadyError], state: dict[str, object]) -> PostReadyError:
    error = cls.__new__(cls)
    Exception.__init__(error, state["message"])
    error.__dict__.update(state)
    return error
