"""Cloudinary uploads (`cloudinary` SDK): the only module that talks to Cloudinary."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

_TIMEOUT = 60  # seconds per upload attempt


class StorageError(Exception):
    """An upload failed for good (after retries)."""


def _retriable() -> tuple[type[Exception], ...]:
    from cloudinary.exceptions import GeneralError, RateLimited

    return (RateLimited, GeneralError)


def account_options(cloudinary_url: str) -> dict[str, str]:
    """The SDK's per-call account options from a CLOUDINARY_URL
    (cloudinary://KEY:SECRET@CLOUD?upload_prefix=...), read the way the SDK reads it."""
    parts = urlsplit(cloudinary_url)
    if parts.scheme != "cloudinary" or not parts.hostname:
        raise StorageError("CLOUDINARY_URL must look like cloudinary://KEY:SECRET@CLOUD_NAME")
    options = {
        "cloud_name": parts.hostname,
        "api_key": parts.username or "",
        "api_secret": parts.password or "",
    }
    options.update(parse_qsl(parts.query))
    return options


class CloudinaryStorage:
    """Uploads files to one Cloudinary account. The account is passed with each call rather
    than set in the SDK's global config, so nothing else in the process is affected.

    The SDK has no retry of its own: rate limits and server errors are retried here with
    exponential backoff and jitter."""

    def __init__(
        self,
        cloudinary_url: str,
        folder: str = "postready",
        attempts: int = 4,
        max_wait: float = 8.0,
    ) -> None:
        from tenacity import (
            retry,
            retry_if_exception_type,
            stop_after_attempt,
            wait_exponential_jitter,
        )

        self.folder = folder
        self._account = account_options(cloudinary_url)
        self._upload = retry(
            retry=retry_if_exception_type(_retriable()),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(initial=0.5, max=max_wait, jitter=0.5),
            reraise=True,
        )(self._upload_once)

    def upload(self, path: Path, public_id: str) -> str:
        """Upload `path` as `<folder>/<public_id>`; return its secure (https) URL. Blocking:
        run it in a thread."""
        from cloudinary.exceptions import Error

        try:
            return self._upload(path, public_id)
        except Error as exc:
            # Not Cloudinary's own text: a signature error quotes the signed string.
            raise StorageError(f"upload of {path.name} failed ({type(exc).__name__})") from exc

    def _upload_once(self, path: Path, public_id: str) -> str:
        import cloudinary.uploader

        result = cloudinary.uploader.upload(
            str(path),
            public_id=public_id,
            folder=self.folder,
            overwrite=True,
            resource_type="image",
            timeout=_TIMEOUT,
            **self._account,
        )
        url: str = result["secure_url"]
        return url
