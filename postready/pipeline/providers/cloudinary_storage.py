"""Cloudinary uploads (`cloudinary` SDK): the only module that talks to Cloudinary."""

from __future__ import annotations

from pathlib import Path

from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

_TIMEOUT = 60  # seconds per upload attempt


class StorageError(Exception):
    """An upload failed for good (after retries)."""


def _retriable() -> tuple[type[Exception], ...]:
    from cloudinary.exceptions import GeneralError, RateLimited

    return (RateLimited, GeneralError)


class CloudinaryStorage:
    """Uploads files to the account in CLOUDINARY_URL (read by the SDK when this is made).

    The SDK has no retry of its own: rate limits and server errors are retried here with
    exponential backoff and jitter."""

    def __init__(self, folder: str = "postready", attempts: int = 4, max_wait: float = 8.0):
        import cloudinary

        cloudinary.reset_config()  # the SDK reads CLOUDINARY_URL from the environment
        if not cloudinary.config().cloud_name:
            raise StorageError("CLOUDINARY_URL is not set")
        self.folder = folder
        self._upload = retry(
            retry=retry_if_exception_type(_retriable()),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(initial=0.5, max=max_wait),
            reraise=True,
        )(self._upload_once)

    def upload(self, path: Path, public_id: str) -> str:
        """Upload `path` as `<folder>/<public_id>`; return its secure (https) URL. Blocking:
        run it in a thread."""
        from cloudinary.exceptions import Error

        try:
            return self._upload(path, public_id)
        except Error as exc:
            raise StorageError(f"upload of {path.name} failed: {exc}") from exc

    def _upload_once(self, path: Path, public_id: str) -> str:
        import cloudinary.uploader

        result = cloudinary.uploader.upload(
            str(path),
            public_id=public_id,
            folder=self.folder,
            overwrite=True,
            resource_type="image",
            timeout=_TIMEOUT,
        )
        return result["secure_url"]
