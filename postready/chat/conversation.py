"""The conversation, for any chat platform: what a message or a button means, and who
answers it. An adapter turns its platform's updates into `Incoming` messages and button
presses and implements `ChatOutput`; `PhotoIntake` takes photos into the queue, `Delivery`
shows jobs' updates, and the commands are answered here."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict
from typing import Any

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
from postready.chat.delivery import FILES_ACTION, Delivery, StatusMessages
from postready.chat.messages import ChatSetup, Incoming
from postready.chat.optimize import PhotoIntake
from postready.chat.replies import Files, MediaItem, Progress, Reply, Text
from postready.chat.styles import PREFIX as STYLE_ACTION
from postready.chat.texts import (
    HELP,
    WAITING_FOR_LOGO,
    error_line,
    error_reply,
    error_text,
    history_text,
    platforms_text,
    settings_text,
    styles_text,
)
from postready.core.identity import UserRef
from postready.core.queue.updates import JobUpdate
from postready.core.storage.models import User
from postready.pipeline.errors import PostReadyError
from postready.pipeline.platforms import PLATFORMS


class ChatService:
    """One chat platform's conversation over the shared storage and job queue."""

    def __init__(self, setup: ChatSetup) -> None:
        self.platform = setup.platform
        self._users = setup.storage.users
        self._jobs = setup.storage.jobs
        self._queue = setup.queue
        self._out = setup.output
        self._bot_username = setup.bot_username
        # A user's messages are handled in order (`/optimize` then the photo), other users'
        # meanwhile.
        self._turns: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)
        self._status = StatusMessages(setup.storage.chats)
        self._intake = PhotoIntake(setup, self._status)
        self._delivery = Delivery(setup.storage.users, self._status, setup.output)

    async def start(self) -> None:
        """Pick up what a previous run left waiting (style choices and their timeouts)."""
        await self._intake.styles.resume()

    async def stop(self) -> None:
        await self._intake.styles.close()

    async def on_message(self, message: Incoming) -> None:
        async with self._turns[(message.chat_id, message.user_id)]:
            await self._on_message(message)

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
            return await self._intake.styles.press(self._ref(user_id), key, picked)
        if name == settings_menu.PREFIX:
            return await self._settings_button(user_id, chat_id, message_id, key, picked)
        if name == FILES_ACTION:
            return await self._files_button(user_id, chat_id, session_id)
        return "This button has expired."

    async def on_job_update(self, update: JobUpdate) -> None:
        await self._delivery.on_job_update(update)

    def _ref(self, platform_user_id: str) -> UserRef:
        return UserRef(self.platform, platform_user_id)

    async def _on_message(self, message: Incoming) -> None:
        command = message.command
        if command is None and message.text:
            command = parse_command(message.text, self._bot_username)
        if isinstance(command, CommandError):
            await self._out.send(
                message.chat_id, error_reply(error_line(command.code, command.message))
            )
            return
        user = await self._users.get_or_create(self._ref(message.user_id))
        if command is None and not message.photos:
            return  # chatter in a group, or a message this bot has nothing to say to
        if command is None or isinstance(command, Optimize):
            await self._intake.optimize(user, message, command)
        elif isinstance(command, Logo) and command.action != "off" and message.photos:
            await self._intake.save_logo(user, message.chat_id, message.photos[0], command.position)
        else:
            await self._command(user, message.chat_id, command)

    async def _files_button(self, user_id: str, chat_id: str, session_id: str) -> str | None:
        """ "📎 Original files": the session's images as documents, for their owner only."""
        session = await self._jobs.get_session(session_id)
        if session is None:
            return "This button has expired."
        if session.user != self._ref(user_id):
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

    async def _command(self, user: User, chat_id: str, command: Command) -> None:
        try:
            reply = await self._answer(user, command)
        except PostReadyError as exc:
            await self._out.send(chat_id, error_reply(error_text(exc)))
            return
        await self._out.send(chat_id, reply)

    async def _answer(self, user: User, command: Command) -> Reply:
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
                change: dict[str, Any] = {field: value}
                user = await self._users.save_settings(
                    user.id, dataclasses.replace(user.settings, **change)
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
                settings = dataclasses.replace(
                    user.settings, logo_position=position or user.settings.logo_position
                )
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
                    where = await self._status.find(job)
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
