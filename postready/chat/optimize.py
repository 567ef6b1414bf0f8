"""From a photo in a chat to a queued job: download it (never past the caps), offer product
photography for a product shot, then submit it and show its status line. Also keeps a photo
sent after `/logo` as the user's logo."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import uuid
from pathlib import Path

from postready.chat.commands import Optimize, parse_command
from postready.chat.delivery import StatusMessages
from postready.chat.messages import ChatSetup, Incoming, Photo
from postready.chat.replies import Album, MediaItem, Text
from postready.chat.styles import StylePicker
from postready.chat.texts import (
    WAITING_FOR_PHOTO,
    error_reply,
    error_text,
    queued_line,
)
from postready.core.storage.models import NewStyleChoice, StyleChoice, User
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import HEADER_BYTES, LoadLimits, check_byte_size, require_format
from postready.pipeline.logo import LogoOptions, LogoPosition
from postready.pipeline.models import DEFAULT_ACCOUNT_NAME, LogoRequest, OptimizeRequest
from postready.pipeline.photography import DEFAULT_COLOUR
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.product_detection import detect_product

MB = 1_000_000
PENDING_SECONDS = 300.0  # `/optimize` sent alone waits this long for its photo
_UPLOAD_LIMITS = LoadLimits()  # the queue and the pipeline refuse more than this anyway


class PhotoIntake:
    """One chat platform's photos on their way into the queue."""

    def __init__(self, setup: ChatSetup, status: StatusMessages) -> None:
        self._users = setup.storage.users
        self._chats = setup.storage.chats
        self._queue = setup.queue
        self._status = status
        self._out = setup.output
        self._data_dir = setup.data_dir
        self._limits = setup.limits
        self._bot_username = setup.bot_username
        self.styles = StylePicker(setup.storage.chats, setup.output, self._submit_choice)

    async def optimize(self, user: User, message: Incoming, command: Optimize | None) -> None:
        """`/optimize` with its photos, a photo alone (for a waiting `/optimize`, the logo the
        user announced, or their defaults), or `/optimize` alone, which waits for its photo."""
        photos = message.photos or message.reply_photos
        if command is not None and not photos:
            await self._chats.set_pending_command(message.chat_id, user.ref, message.text)
            await self._out.send(message.chat_id, Text.line(WAITING_FOR_PHOTO))
            return
        if command is None:
            if user.settings.awaiting_logo:
                await self.save_logo(user, message.chat_id, photos[0])
                return
            waiting = await self._chats.take_pending_command(
                message.chat_id, user.ref, PENDING_SECONDS
            )
            pending = parse_command(waiting, self._bot_username) if waiting else None
            if not isinstance(pending, Optimize):
                if message.group:
                    return  # people share photos in groups; only a command makes one ours
                pending = Optimize(None)
            command = pending
        for index, photo in enumerate(photos):
            await self._submit(user, message.chat_id, photo, command, index, len(photos))

    async def save_logo(
        self, user: User, chat_id: str, photo: Photo, position: LogoPosition | None = None
    ) -> None:
        """Keep `photo` as the user's logo (at `position`, else where the last one was)."""
        try:
            data = await self._download(photo)
            fmt = require_format(data[:HEADER_BYTES])
        except PostReadyError as exc:
            await self._out.send(chat_id, error_reply(error_text(exc)))
            return
        path = self._data_dir / "logos" / f"{user.id}.{fmt.lower()}"
        await asyncio.to_thread(_write, path, data)
        settings = dataclasses.replace(
            user.settings,
            logo_path=str(path),
            logo_position=position or user.settings.logo_position,
            awaiting_logo=False,
        )
        await self._users.save_settings(user.id, settings)
        label = f"Logo saved · {settings.logo_position}"
        await self._out.send(chat_id, Album((MediaItem(path, label),)))

    async def _submit(
        self,
        user: User,
        chat_id: str,
        photo: Photo,
        command: Optimize,
        album_index: int = 0,
        album_size: int = 1,
    ) -> None:
        """Queue the photo, or first offer product-photography styles when it is a product.
        An album counts as one request against the in-flight limit: each photo may pass it by
        the photos of its album queued before it, and a product photo, queued once its styles
        are chosen, joins the album last."""
        try:
            data = await self._download(photo)
            platforms = command.platforms or user.settings.default_platforms or tuple(PLATFORMS)
            if (await asyncio.to_thread(detect_product, data)).suitable:
                path = self._data_dir / "choices" / uuid.uuid4().hex
                await asyncio.to_thread(_write, path, data)
                choice = NewStyleChoice(
                    user=user.ref,
                    chat_id=chat_id,
                    source_path=path,
                    source_name=photo.name,
                    platforms=platforms,
                    description=command.description,
                    colour=DEFAULT_COLOUR,
                    album_index=album_size - 1,
                )
                await self.styles.offer(choice, functools.partial(self._out.send, chat_id))
                return
            request = _request(user, chat_id, data, photo.name, platforms, command.description)
            await self._queue_job(user, request, None, album_index)
        except PostReadyError as exc:
            await self._out.send(chat_id, error_reply(error_text(exc)))

    async def _submit_choice(
        self, choice: StyleChoice, styles: tuple[str, ...], colour: str
    ) -> None:
        """Queue a product photo once its styles are chosen (none: skipped or timed out); its
        buttons' message becomes the job's status message."""
        user = await self._users.get_or_create(choice.user)
        request = _request(
            user,
            choice.chat_id,
            choice.source_path,
            choice.source_name,
            choice.platforms,
            choice.description,
            styles=styles,
            colour=colour,
        )
        try:
            await self._queue_job(user, request, choice.message_id, choice.album_index)
        except PostReadyError as exc:
            line = Text.line(error_text(exc))
            if choice.message_id is None:
                await self._out.send(choice.chat_id, line)
            else:
                await self._out.edit(choice.chat_id, choice.message_id, line)

    async def _queue_job(
        self, user: User, request: OptimizeRequest, message_id: str | None, album_index: int = 0
    ) -> None:
        """Submit the job and show its status: in a new message, or in `message_id`."""
        chat_id = request.chat_id or ""
        async with self._status.registering(chat_id):
            submitted = await self._queue.submit(user, request, album_index=album_index)
            status = Text.line(queued_line(submitted.position))
            if message_id is None:
                message_id = await self._out.send(chat_id, status)
            else:
                await self._out.edit(chat_id, message_id, status)
            if message_id is not None:
                await self._status.remember(submitted.job.id, chat_id, message_id)

    async def _download(self, photo: Photo) -> bytes:
        """The photo's bytes, unless the platform or PostReady would refuse them anyway: a
        file over the cap is never read into memory."""
        if photo.size is not None:
            limit = self._limits.max_download
            if limit is not None and photo.size > limit:
                raise PostReadyError(
                    ErrorCode.FILE_TOO_LARGE,
                    f"the file is {photo.size / MB:.0f} MB; {self._limits.download_note}",
                )
            check_byte_size(photo.size, _UPLOAD_LIMITS)
        return await photo.fetch()


def _request(
    user: User,
    chat_id: str,
    source: bytes | Path,
    name: str,
    platforms: tuple[str, ...],
    description: str,
    *,
    styles: tuple[str, ...] = (),
    colour: str = DEFAULT_COLOUR,
) -> OptimizeRequest:
    """The pipeline request for a chat photo, with the user's settings."""
    settings = user.settings
    logo = None
    if settings.logo_path:
        logo = LogoRequest(Path(settings.logo_path), LogoOptions(settings.logo_position))
    return OptimizeRequest(
        source=source,
        platforms=platforms,
        description=description,
        output_format=settings.output_format,
        logo=logo,
        user_id=str(user.ref),
        chat_id=chat_id,
        timezone=settings.timezone,
        language=settings.language,
        source_name=name,
        styles=styles,
        background_colour=colour,
        # The owner looked at the photo and chose styles: it is a product.
        product=True if styles else None,
        previews=settings.send_previews,
        account_name=settings.account_name or DEFAULT_ACCOUNT_NAME,
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
