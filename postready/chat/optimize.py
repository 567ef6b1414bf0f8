"""From a photo in a chat to a queued job: answer at once with its status line, then download
it (never past the caps), offer product photography for a product shot, and submit it. Also
keeps a photo sent after `/logo` as the user's logo."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from postready.chat.commands import Optimize, parse_command
from postready.chat.delivery import StatusMessages
from postready.chat.messages import ChatSetup, Incoming, Photo
from postready.chat.replies import Album, Choice, MediaItem, Text
from postready.chat.sending import SendError
from postready.chat.styles import StylePicker
from postready.chat.texts import (
    SOMETHING_WENT_WRONG,
    WAITING_FOR_PHOTO,
    error_line,
    error_reply,
    error_text,
    item_error_line,
    queued_line,
    shown_position,
)
from postready.core.i18n import N_, _
from postready.core.identity import UserRef
from postready.core.storage.models import InboxEntry, NewStyleChoice, StyleChoice, User
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import (
    HEADER_BYTES,
    LoadLimits,
    check_byte_size,
    check_decodes,
    load_logo,
    require_format,
)
from postready.pipeline.logo import LogoOptions, LogoPosition
from postready.pipeline.marking import Marked
from postready.pipeline.models import (
    DEFAULT_ACCOUNT_NAME,
    CarouselPhoto,
    LogoRequest,
    OptimizeRequest,
)
from postready.pipeline.photography import DEFAULT_COLOUR
from postready.pipeline.platforms import DEFAULT_PLATFORMS
from postready.pipeline.product_detection import detect_product

log = logging.getLogger(__name__)
T = TypeVar("T")
MB = 1_000_000
PENDING_SECONDS = 300.0  # `/optimize` sent alone waits this long for its photo
_UPLOAD_LIMITS = LoadLimits()  # the queue and the pipeline refuse more than this anyway


class PhotoIntake:
    """One chat platform's photos on their way into the queue.

    A photo is answered first and worked on after: its status line ("Queued") goes out as soon
    as the message is in the inbox; the download and product detection run in the background,
    a few at a time (`JobQueue.prepare_limit`) and on the workers' bounded thread pool, and
    then the job is submitted (or the styles offered) in that same status message. The inbox
    entry is handled once every photo of it has its job or its answer."""

    def __init__(self, setup: ChatSetup, status: StatusMessages) -> None:
        self._users = setup.storage.users
        self._chats = setup.storage.chats
        self._inbox = setup.storage.inbox
        self._queue = setup.queue
        self._status = status
        self._out = setup.output
        self._data_dir = setup.data_dir
        self._limits = setup.limits
        self._bot_username = setup.bot_username
        self._access = setup.access
        self.styles = StylePicker(setup.storage.chats, setup.output, self._submit_choice)
        self._slots = asyncio.Semaphore(setup.queue.prepare_limit)
        self._preparing = 0  # photos answered and not yet queued, in this process
        self._tasks: dict[asyncio.Task[None], UserRef] = {}

    async def optimize(
        self,
        user: User,
        message: Incoming,
        command: Optimize | None,
        entries: Sequence[InboxEntry] = (),
    ) -> bool:
        """`/optimize` with its photos, a photo alone (for a waiting `/optimize`, the logo the
        user announced, or their defaults), or `/optimize` alone, which waits for its photo.
        Whether it took over the inbox `entries` (to mark them handled when its photos are
        queued)."""
        photos = message.photos or message.reply_photos
        if command is not None and not photos:
            await self._chats.set_pending_command(message.chat_id, user.ref, message.text)
            await self._out.send(message.chat_id, Text.line(_(WAITING_FOR_PHOTO)))
            return False
        if command is None:
            if user.settings.awaiting_logo:
                await self.save_logo(user, message.chat_id, photos[0])
                return False
            waiting = await self._chats.take_pending_command(
                message.chat_id, user.ref, PENDING_SECONDS
            )
            pending = parse_command(waiting, self._bot_username) if waiting else None
            if not isinstance(pending, Optimize):
                if message.group:
                    return False  # people share photos in groups; only a command makes one ours
                pending = Optimize(None)
            command = pending
        if len(photos) > 1 and user.settings.album_carousel:
            return await self._carousel(user, message.chat_id, command, photos, entries)
        entry = entries[0] if entries else None
        accepted: list[_Accepted] = []
        for index, photo in enumerate(photos):
            try:
                self._check_size(photo)
                if entry is None or index not in entry.acks:
                    await self._queue.admit(
                        user, album_index=index, unlimited=self._access.is_admin(user.ref)
                    )
            except PostReadyError as exc:
                await self._out.send(message.chat_id, error_reply(error_text(exc)))
                continue
            status, shown = await self._status_line(message.chat_id, entry, index)
            key = f"inbox:{entry.id}:{index}" if entry is not None else None
            if key is not None and await self._queued_before(message.chat_id, key, status):
                continue
            accepted.append(_Accepted(photo, index, status, key, shown))
            self._preparing += 1
        steps = [
            functools.partial(self._prepare, user, message.chat_id, command, photo, len(photos))
            for photo in accepted
        ]
        self._start(user.ref, self._prepare_all(message.chat_id, steps, entries))
        return True

    async def _carousel(
        self,
        user: User,
        chat_id: str,
        command: Optimize,
        photos: Sequence[Photo],
        entries: Sequence[InboxEntry],
    ) -> bool:
        """An album as one carousel post: one status line, one job, counted once against the
        user's limits. A photo the chat reports too large is named and left out; the others
        still make the post."""
        # The album's first entry by arrival names its job, however its parts were ordered.
        entry = min(entries, key=lambda e: e.id) if entries else None
        usable: list[tuple[int, Photo]] = []
        refused: list[str] = []
        for number, photo in enumerate(photos, 1):
            try:
                self._check_size(photo)
                usable.append((number, photo))
            except PostReadyError as exc:
                refused.append(item_error_line(number, len(photos), exc))
        if refused:
            await self._out.send(chat_id, error_reply("\n".join(refused)))
        if not usable:
            return False
        try:
            if entry is None or 0 not in entry.acks:
                await self._queue.admit(user, unlimited=self._access.is_admin(user.ref))
        except PostReadyError as exc:
            await self._out.send(chat_id, error_reply(error_text(exc)))
            return False
        status, shown = await self._status_line(chat_id, entry, 0)
        key = f"inbox:{entry.id}:carousel" if entry is not None else None
        if key is not None and await self._queued_before(chat_id, key, status):
            return False
        accepted = _Accepted(usable[0][1], 0, status, key, shown)
        self._preparing += 1
        step = functools.partial(
            self._prepare_carousel, user, chat_id, command, accepted, usable, len(photos)
        )
        self._start(user.ref, self._prepare_all(chat_id, [step], entries))
        return True

    async def _status_line(
        self, chat_id: str, entry: InboxEntry | None, index: int
    ) -> tuple[str | None, str | None]:
        """The id of the photo's status message, sent now unless a previous run sent it, and
        what it says when sent now."""
        status = entry.acks.get(index) if entry is not None else None
        if status is not None:
            return status, None
        shown = queued_line(await self._queue.waiting() + self._preparing + 1)
        return await self._acknowledge(chat_id, entry, index, shown), shown

    def _start(self, user: UserRef, preparing: Coroutine[Any, Any, None]) -> None:
        """Prepare photos in the background (`settle` and `close` wait for and stop it)."""
        task = asyncio.create_task(preparing)
        self._tasks[task] = user
        task.add_done_callback(self._tasks.pop)

    async def _prepare_carousel(
        self,
        user: User,
        chat_id: str,
        command: Optimize,
        accepted: _Accepted,
        usable: list[tuple[int, Photo]],
        total: int,
    ) -> None:
        """Download and check every photo of the carousel (a few at a time), then queue the
        ones that are fine as one job; each bad one is named in one answer, never the reason
        the rest is lost."""
        async with self._answering(chat_id, accepted.status, f"album of {total}"):
            checked = await asyncio.gather(
                *(self._fetched(photo, check_decodes) for _, photo in usable),
                return_exceptions=True,
            )
            good: list[tuple[Photo, bytes]] = []
            refused: list[str] = []
            for (number, photo), data in zip(usable, checked, strict=True):
                if isinstance(data, PostReadyError):
                    refused.append(item_error_line(number, total, data))
                elif isinstance(data, BaseException):
                    raise data
                else:
                    good.append((photo, data[0]))
            if not good:
                await self._answer(chat_id, accepted.status, Text.line("\n".join(refused)))
                return
            if refused:
                await self._out.send(chat_id, error_reply("\n".join(refused)))
            await self._queue_carousel(user, chat_id, command, accepted, good)

    async def _fetched(self, photo: Photo, examine: Callable[[bytes], T]) -> tuple[bytes, T]:
        """The photo's bytes, checked to be an image of a format and size PostReady takes (else
        PostReadyError), and what `examine` (run on the workers' threads) finds in them; a few
        photos at a time."""
        async with self._slots:
            data = await self._out.fetch(photo)
            check_byte_size(len(data), _UPLOAD_LIMITS)
            require_format(data[:HEADER_BYTES])
            return data, await self._queue.run_cpu(examine, data)

    async def _queue_carousel(
        self,
        user: User,
        chat_id: str,
        command: Optimize,
        accepted: _Accepted,
        photos: list[tuple[Photo, bytes]],
    ) -> None:
        platforms = command.platforms or user.settings.default_platforms or DEFAULT_PLATFORMS
        (first, data), *more = photos
        request = dataclasses.replace(
            _request(user, chat_id, data, first.name, platforms, command.description),
            more_photos=tuple(CarouselPhoto(photo_data, photo.name) for photo, photo_data in more),
        )
        await self._queue_job(user, request, accepted.status, 0, accepted.key, accepted.shown)

    async def close(self) -> None:
        """Abandon the photos still being prepared: their inbox entries stay unhandled, and the
        next start takes them up again."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.styles.close()

    async def settle(self, user: UserRef | None = None) -> None:
        """Wait until every photo answered so far (of `user`, or of anyone) is queued or
        refused."""
        while tasks := [t for t, owner in self._tasks.items() if user in (None, owner)]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def save_logo(
        self, user: User, chat_id: str, photo: Photo, position: LogoPosition | None = None
    ) -> None:
        """Keep `photo` as the user's logo (at `position`, else where the last one was)."""
        try:
            self._check_size(photo)
            data = await self._out.fetch(photo)
            fmt = require_format(data[:HEADER_BYTES])
            # Refused now, with the limits its jobs would apply, not at the next photo.
            await self._queue.run_cpu(load_logo, data)
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
        label = _("Logo saved · {position}").format(position=shown_position(settings.logo_position))
        await self._out.send(chat_id, Album((MediaItem(path, label),)))

    async def _queued_before(self, chat_id: str, key: str, status: str | None) -> bool:
        """Whether a previous run queued this photo (its inbox entry is handled again after a
        crash); if so its status line is the job's again, known before any worker reports on
        it, so the job's updates edit that line rather than send another."""
        job = await self._queue.for_request(key)
        if job is None:
            return False
        if status is not None:
            async with self._status.registering(chat_id):
                await self._status.remember(job.id, chat_id, status)
        return True

    async def _acknowledge(
        self, chat_id: str, entry: InboxEntry | None, index: int, line: str
    ) -> str | None:
        """Send the photo's status line at once (`line`: the place it will most likely get)."""
        try:
            message_id = await self._out.send(chat_id, Text.line(line))
        except Exception:
            # The status line is a courtesy: the photo goes on, and its job sends a new one.
            log.exception("status_line_failed chat=%s", chat_id)
            return None
        if entry is not None and message_id is not None:
            await self._inbox.acknowledge(entry.id, index, message_id)
        return message_id

    async def _prepare_all(
        self,
        chat_id: str,
        steps: Sequence[Callable[[], Awaitable[None]]],
        entries: Sequence[InboxEntry],
    ) -> None:
        """Prepare the photos answered, one step each (a carousel's: one for them all), then
        mark their inbox `entries` handled."""
        try:
            for step in steps:
                try:
                    await step()
                finally:
                    self._preparing -= 1
            if entries:
                await self._inbox.handled([entry.id for entry in entries])
        except Exception:
            # Nobody awaits this task: log here. Unhandled entries are tried again at start.
            log.exception("photo_intake_failed chat=%s", chat_id)

    @asynccontextmanager
    async def _answering(self, chat_id: str, status: str | None, what: str) -> AsyncIterator[None]:
        """Work on `what` (a photo, an album): its refusal (PostReadyError) or a failure of
        ours is answered in its status message `status`."""
        try:
            yield
        except PostReadyError as exc:
            await self._answer(chat_id, status, Text.line(error_text(exc)))
        except Exception:
            log.exception("photo_prepare_failed chat=%s photo=%s", chat_id, what)
            line = error_line(ErrorCode.PROCESSING_FAILED, SOMETHING_WENT_WRONG)
            await self._answer(chat_id, status, Text.line(line))

    async def _prepare(
        self, user: User, chat_id: str, command: Optimize, photo: _Accepted, album_size: int
    ) -> None:
        """Download the photo and queue it, or first offer product-photography styles when it
        is a product. An album counts as one request against the in-flight limit: each photo
        may pass it by the photos of its album queued before it, and a product photo, queued
        once its styles are chosen, joins the album last."""
        async with self._answering(chat_id, photo.status, photo.photo.name):
            data, found = await self._fetched(photo.photo, detect_product)
            product = found.suitable
            platforms = command.platforms or user.settings.default_platforms or DEFAULT_PLATFORMS
            if product:
                path = self._data_dir / "choices" / uuid.uuid4().hex
                await asyncio.to_thread(_write, path, data)
                choice = NewStyleChoice(
                    user=user.ref,
                    chat_id=chat_id,
                    source_path=path,
                    source_name=photo.photo.name,
                    platforms=platforms,
                    description=command.description,
                    colour=DEFAULT_COLOUR,
                    album_index=album_size - 1,
                    request_key=photo.key,
                )
                await self.styles.offer(choice, functools.partial(self._show, chat_id, photo))
                return
            request = _request(
                user, chat_id, data, photo.photo.name, platforms, command.description
            )
            await self._queue_job(user, request, photo.status, photo.index, photo.key, photo.shown)

    async def _show(self, chat_id: str, photo: _Accepted, choice: Choice) -> str | None:
        """The style buttons, in the photo's status message."""
        if photo.status is None:
            return await self._out.send(chat_id, choice)
        await self._out.edit(chat_id, photo.status, choice)
        return photo.status

    async def _answer(self, chat_id: str, message_id: str | None, line: Text) -> None:
        if message_id is None:
            await self._out.send(chat_id, line)
        else:
            await self._out.edit(chat_id, message_id, line)

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
            await self._queue_job(
                user, request, choice.message_id, choice.album_index, choice.request_key
            )
        except PostReadyError as exc:
            await self._answer(choice.chat_id, choice.message_id, Text.line(error_text(exc)))

    async def _queue_job(
        self,
        user: User,
        request: OptimizeRequest,
        message_id: str | None,
        album_index: int = 0,
        request_key: str | None = None,
        shown: str | None = None,
    ) -> None:
        """Submit the job and show its status: in a new message, or in `message_id` (which
        says `shown` now)."""
        chat_id = request.chat_id or ""
        async with self._status.registering(chat_id):
            submitted = await self._queue.submit(
                user,
                request,
                album_index=album_index,
                request_key=request_key,
                unlimited=self._access.is_admin(user.ref),
                status_message=message_id,
            )
            line = queued_line(submitted.position)
            try:
                if message_id is None:
                    message_id = await self._out.send(chat_id, Text.line(line))
                    if message_id is not None:
                        await self._status.remember(submitted.job.id, chat_id, message_id)
                elif line != shown:
                    await self._out.edit(chat_id, message_id, Text.line(line))
            except SendError as exc:
                # The job is queued all the same: its end and results come in new messages.
                log.warning("status_not_shown job=%s reason=%s", submitted.job.id, exc)

    def _check_size(self, photo: Photo) -> None:
        """Refuse a photo the platform or PostReady would refuse anyway, by the size the chat
        reports: a file over the cap is never downloaded."""
        if photo.size is not None:
            limit = self._limits.max_download
            if limit is not None and photo.size > limit:
                raise PostReadyError(
                    ErrorCode.FILE_TOO_LARGE,
                    N_("the file is {size} MB; {note}"),
                    size=f"{photo.size / MB:.0f}",
                    note=Marked(self._limits.download_note, {}),
                )
            check_byte_size(photo.size, _UPLOAD_LIMITS)


@dataclass(frozen=True, slots=True)
class _Accepted:
    """A photo answered with its status line (`status`: that message's id, if sent), to be
    queued under `key` (see `JobQueue.submit`)."""

    photo: Photo
    index: int  # in its message (its album)
    status: str | None
    key: str | None
    shown: str | None  # what the status message says, when this process sent it


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
        hashtag_language=settings.hashtag_language,
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
