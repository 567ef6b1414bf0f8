"""The conversation, for any chat platform: what a message, a button or a job update means,
and which replies it gets. An adapter turns its platform's updates into `Incoming` messages and
implements `ChatOutput`; everything else is decided here."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from postready.chat import settings as settings_menu
from postready.chat.commands import (
    Cancel,
    ChangeSetting,
    Command,
    CommandError,
    Help,
    History,
    ListPlatforms,
    ListStyles,
    Logo,
    Optimize,
    ShowSettings,
    Start,
    Status,
    parse_command,
)
from postready.chat.delivery import FILES_ACTION, result_replies
from postready.chat.replies import Album, Choice, Files, MediaItem, Progress, Reply, Text
from postready.chat.styles import PREFIX as STYLE_ACTION
from postready.chat.styles import StylePicker
from postready.chat.texts import (
    HELP,
    WAITING_FOR_LOGO,
    WAITING_FOR_PHOTO,
    error_message,
    history_text,
    platforms_text,
    settings_text,
    styles_text,
)
from postready.core.identity import UserRef
from postready.core.queue.api import JobQueue
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import StyleChoice, User
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import HEADER_BYTES, LoadLimits, check_byte_size, require_format
from postready.pipeline.logo import LogoOptions
from postready.pipeline.models import LogoRequest, OptimizeRequest
from postready.pipeline.photography import DEFAULT_COLOUR
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.product_detection import detect_product

log = logging.getLogger(__name__)
MB = 1_000_000
PENDING_SECONDS = 300.0  # `/optimize` sent alone waits this long for its photo
_UPLOAD_LIMITS = LoadLimits()  # the queue and the pipeline refuse more than this anyway


@dataclass(frozen=True, slots=True)
class Photo:
    """An image in a message, downloaded only when it is used."""

    fetch: Callable[[], Awaitable[bytes]]
    name: str  # the file name, or the chat's file id
    size: int | None  # bytes, as the chat reports it before download


@dataclass(frozen=True, slots=True)
class Incoming:
    user_id: str
    chat_id: str
    text: str  # the message text or the photo's caption
    photos: tuple[Photo, ...] = ()  # several for an album
    reply_photos: tuple[Photo, ...] = ()  # the photo of the message this one replies to
    group: bool = False  # said in a group, where a bare photo is not addressed to the bot
    # Parsed already, by a chat whose commands come with separate options (Discord).
    command: Command | CommandError | None = None


class ChatOutput(Protocol):
    """What an adapter does for the conversation: send a reply (returning the id of its last
    message, if any) and edit a message it sent."""

    async def send(self, chat_id: str, reply: Reply) -> str | None: ...

    async def edit(
        self, chat_id: str, message_id: str, reply: Text | Progress | Choice
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ChatLimits:
    max_download: int | None = None  # bytes the platform lets a bot download
    download_note: str = ""  # said when a photo is over it


class ChatService:
    """One chat platform's conversation over the shared storage and job queue."""

    def __init__(
        self,
        platform: str,
        storage: Storage,
        queue: JobQueue,
        output: ChatOutput,
        data_dir: Path,
        *,
        limits: ChatLimits = ChatLimits(),
        bot_username: str | None = None,
    ) -> None:
        self.platform = platform
        self._users = storage.users
        self._jobs = storage.jobs
        self._chats = storage.chats
        self._queue = queue
        self._out = output
        self._data_dir = data_dir
        self._limits = limits
        self._bot_username = bot_username
        # A user's messages are handled in order (`/optimize` then the photo), other users'
        # meanwhile.
        self._turns: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)
        # Per chat, held while a job is submitted and its status message recorded, so that
        # none of the job's updates looks for the message before it is known.
        self._registering: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._styles = StylePicker(storage.chats, output, self._submit_choice)

    async def start(self) -> None:
        """Pick up what a previous run left waiting (style choices and their timeouts)."""
        await self._styles.resume()

    async def stop(self) -> None:
        await self._styles.close()

    def _ref(self, platform_user_id: str) -> UserRef:
        return UserRef(self.platform, platform_user_id)

    async def on_message(self, message: Incoming) -> None:
        async with self._turns[(message.chat_id, message.user_id)]:
            await self._on_message(message)

    async def _on_message(self, message: Incoming) -> None:
        command = message.command
        if command is None and message.text:
            command = parse_command(message.text, self._bot_username)
        if isinstance(command, CommandError):
            await self._error(message.chat_id, command.code, command.message)
            return
        user = await self._users.get_or_create(self._ref(message.user_id))
        if command is None and not message.photos:
            return  # chatter in a group, or a message this bot has nothing to say to
        if command is None or isinstance(command, Optimize):
            await self._optimize(user, message, command)
        elif isinstance(command, Logo) and command.action != "off" and message.photos:
            await self._save_logo(user, message.chat_id, message.photos[0], command.position)
        else:
            await self._command(user, message.chat_id, command)

    async def on_action(
        self,
        user_id: str,
        chat_id: str,
        message_id: str,
        key: str,
        picked: tuple[str, ...] | None = None,
    ) -> str | None:
        """A button was pressed, or options were picked in the menu `key` (`picked`: their
        keys); returns a short alert for the presser, or None."""
        name, _, session_id = key.partition(":")
        if name == STYLE_ACTION:
            return await self._styles.press(self._ref(user_id), key, picked)
        if name == settings_menu.PREFIX:
            return await self._settings_button(user_id, chat_id, message_id, key, picked)
        session = await self._jobs.get_session(session_id) if name == FILES_ACTION else None
        if session is None:
            return "This button has expired."
        user = await self._users.get_or_create(self._ref(user_id))
        if session.user_id != user.id:
            return "Only the person who sent the photo can use this button."
        files = [
            MediaItem(f.path, f"{PLATFORMS[f.platform].display_name} · {f.path.name}")
            for f in await self._jobs.session_files(session_id)
            if f.file_type in ("image", "product_photo")
            and f.platform
            and f.path
            and f.path.is_file()
        ]
        if not files:
            return "These files are no longer kept."
        await self._out.send(chat_id, Files(tuple(files)))
        return None

    async def on_job_update(self, update: JobUpdate) -> None:
        job = update.job
        async with self._registering[job.session.chat_id or ""]:
            where = await self._chats.job_message(job.id)
        chat_id = where[0] if where else job.session.chat_id
        if chat_id is None:
            return
        if update.progress is not None or update.position is not None:
            if where is not None:
                await self._out.edit(*where, _moving(update))
            return
        status = _job_status(update)
        if status is not None:
            if where is not None:
                await self._out.edit(*where, status)
            else:
                await self._out.send(chat_id, status)
        if update.result is not None:
            user = await self._users.get_or_create(job.session.user)
            for reply in result_replies(update.result, user.settings.send_as_files):
                try:
                    await self._out.send(chat_id, reply)
                except Exception:
                    # One reply the chat refused (a file it will not take) must not keep the
                    # others from the user.
                    kind = type(reply).__name__
                    log.exception(
                        "reply_failed job=%s session=%s reply=%s", job.id, job.session.id, kind
                    )

    # Messages

    async def _optimize(self, user: User, message: Incoming, command: Optimize | None) -> None:
        photos = message.photos or message.reply_photos
        if command is not None and not photos:
            await self._chats.set_pending_command(message.chat_id, user.ref, message.text)
            await self._out.send(message.chat_id, Text.line(WAITING_FOR_PHOTO))
            return
        if command is None:
            if user.settings.awaiting_logo:
                await self._save_logo(user, message.chat_id, photos[0])
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
            await self._submit(user, message.chat_id, photo, command, index)

    async def _submit(
        self, user: User, chat_id: str, photo: Photo, command: Optimize, album_index: int = 0
    ) -> None:
        """Queue the photo, or first offer product-photography styles when it is a product."""
        try:
            data = await self._download(photo)
            platforms = command.platforms or user.settings.default_platforms or tuple(PLATFORMS)
            if (await asyncio.to_thread(detect_product, data)).suitable:
                path = self._data_dir / "choices" / uuid.uuid4().hex
                await asyncio.to_thread(_write, path, data)
                send = functools.partial(self._out.send, chat_id)
                await self._styles.offer(
                    user, chat_id, path, photo.name, platforms, command.description, send
                )
                return
            request = _request(user, chat_id, data, photo.name, platforms, command.description)
            await self._queue_job(user, request, None, album_index)
        except PostReadyError as exc:
            await self._error(chat_id, exc.code, error_message(exc))

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
            await self._queue_job(user, request, choice.message_id)
        except PostReadyError as exc:
            line = Text.line(error_line(exc.code, error_message(exc)))
            if choice.message_id is None:
                await self._out.send(choice.chat_id, line)
            else:
                await self._out.edit(choice.chat_id, choice.message_id, line)

    async def _queue_job(
        self, user: User, request: OptimizeRequest, message_id: str | None, album_index: int = 0
    ) -> None:
        """Submit the job and show its status: in a new message, or in `message_id`."""
        chat_id = request.chat_id or ""
        async with self._registering[chat_id]:
            submitted = await self._queue.submit(user, request, album_index=album_index)
            status = Text.line(queued_line(submitted.position))
            if message_id is None:
                message_id = await self._out.send(chat_id, status)
            else:
                await self._out.edit(chat_id, message_id, status)
            if message_id is not None:
                await self._chats.set_job_message(submitted.job.id, chat_id, message_id)

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

    async def _save_logo(
        self, user: User, chat_id: str, photo: Photo, position: str | None = None
    ) -> None:
        """Keep `photo` as the user's logo (at `position`, else where the last one was)."""
        try:
            data = await self._download(photo)
            fmt = require_format(data[:HEADER_BYTES])
        except PostReadyError as exc:
            await self._error(chat_id, exc.code, error_message(exc))
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

    # Commands

    async def _command(self, user: User, chat_id: str, command: Command) -> None:
        try:
            reply = await self._answer(user, chat_id, command)
        except PostReadyError as exc:
            await self._error(chat_id, exc.code, error_message(exc))
            return
        await self._out.send(chat_id, reply)

    async def _answer(self, user: User, chat_id: str, command: Command) -> Reply:
        match command:
            case Start() | Help():
                return Text.line(HELP)
            case ListPlatforms():
                return Text.line(platforms_text())
            case ListStyles():
                return Text.line(styles_text())
            case ShowSettings():
                return settings_menu.settings_menu(user)
            case ChangeSetting(field=field, value=value):
                user = await self._users.save_settings(
                    user.id, dataclasses.replace(user.settings, **{field: value})
                )
                return Text.line("Saved.\n" + settings_text(user.settings))
            case Logo(action="next_image"):
                settings = dataclasses.replace(user.settings, awaiting_logo=True)
                await self._users.save_settings(user.id, settings)
                return Text.line(WAITING_FOR_LOGO)
            case Logo(action="off"):
                settings = dataclasses.replace(user.settings, logo_path=None, awaiting_logo=False)
                await self._users.save_settings(user.id, settings)
                return Text.line("Logo removed.")
            case Logo(position=position):
                settings = dataclasses.replace(user.settings, logo_position=position or "")
                await self._users.save_settings(user.id, settings)
                return Text.line(f"Logo position: {position}.")
            case History(limit=limit):
                return Text.line(history_text(await self._jobs.recent(limit, user.id)))
            case Status(job_id=job_id):
                status = await self._queue.status(user, job_id)
                if status.position:
                    detail = f"queued — position {status.position}"
                elif status.progress is not None:
                    detail = Progress.from_event(status.progress).bar
                else:
                    detail = status.job.status
                return Text.line(f"Job #{status.job.id}: {detail}")
            case Cancel(job_id=job_id):
                job = await self._queue.cancel(user, job_id)
                if job.status == "cancelled":
                    where = await self._chats.job_message(job.id)
                    if where is not None:
                        await self._out.edit(*where, Text.line("✖️ Cancelled"))
                    return Text.line(f"Job #{job.id} cancelled.")
                return Text.line(f"Stopping job #{job.id}…")
        raise AssertionError(f"unhandled command {command!r}")

    async def _settings_button(
        self, user_id: str, chat_id: str, message_id: str, key: str, picked: tuple[str, ...] | None
    ) -> str | None:
        if settings_menu.owner(key) != user_id:
            return "These are someone else's settings; send /settings for yours."
        user = await self._users.get_or_create(self._ref(user_id))
        changed = settings_menu.apply(user.settings, key, picked)
        if changed != user.settings:
            user = await self._users.save_settings(user.id, changed)
            await self._out.edit(chat_id, message_id, settings_menu.settings_menu(user))
        return None

    async def _error(self, chat_id: str, code: StrEnum, message: str) -> None:
        await self._out.send(chat_id, Text.line(error_line(code, message), private=True))


def error_line(code: StrEnum, message: str) -> str:
    return f"⚠️ {message} ({code})"


def queued_line(position: int) -> str:
    """A waiting job's status line (0: a worker has it already)."""
    return f"⏳ Queued — position {position}" if position else "⏳ Starting…"


def _moving(update: JobUpdate) -> Progress | Text:
    """A job on its way: its progress, or its new place in the queue."""
    if update.progress is not None:
        return Progress.from_event(update.progress)
    return Text.line(queued_line(update.position or 0))


def _job_status(update: JobUpdate) -> Text | None:
    job = update.job
    error = job.session.error
    if job.status == "completed" and update.result is not None:
        done, total = len(update.result.successful), len(update.result.platforms)
        return Text.line(f"✅ Done — {done} of {total} platforms ready")
    if job.status == "completed":
        return Text.line("✅ Done — see /history")
    if job.status == "queued":
        return Text.line("⏳ Queued again — it will resume shortly")
    if job.status == "cancelled":
        return Text.line("✖️ Cancelled")
    if job.status == "failed" and error is not None:
        return Text.line(error_line(error.code, error.message))
    return None


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
    settings = user.settings
    logo = None
    if settings.logo_path:
        logo = LogoRequest(Path(settings.logo_path), LogoOptions(settings.logo_position))
    return OptimizeRequest(
        source=source,
        platforms=platforms,
        description=description,
        output_format=settings.output_format,  # type: ignore[arg-type]
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
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
