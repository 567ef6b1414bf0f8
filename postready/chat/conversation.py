"""The conversation, for any chat platform: what a message or a button means, and who
answers it. An adapter turns its platform's updates into `Incoming` messages and button
presses and implements `ChatOutput`; `PhotoIntake` takes photos into the queue, `Delivery`
shows jobs' updates, and the commands are answered here."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from postready.chat import brand as brand_menu
from postready.chat import forget as forget_menu
from postready.chat import rework_keys
from postready.chat import settings as settings_menu
from postready.chat.commands import (
    Block,
    Brand,
    Cancel,
    ChangeSetting,
    Command,
    CommandError,
    Forget,
    Help,
    History,
    ListPlatforms,
    ListStyles,
    Logo,
    Optimize,
    ShowSettings,
    Start,
    Stats,
    Status,
    parse_command,
)
from postready.chat.delivery import FILES_ACTION, Delivery, StatusMessages, show_status
from postready.chat.inbox import (
    Press,
    album_message,
    message_from,
    message_payload,
    press_from,
    press_payload,
)
from postready.chat.messages import ChatSetup, Incoming
from postready.chat.optimize import PENDING_SECONDS, PhotoIntake
from postready.chat.replies import Choice, Files, MediaItem, Progress, Reply, Text
from postready.chat.rework import Rework
from postready.chat.stats import stats_text
from postready.chat.styles import PREFIX as STYLE_ACTION
from postready.chat.texts import (
    NOT_ALLOWED,
    STATUS_WORDS,
    WAITING_FOR_LOGO,
    error_line,
    error_reply,
    error_text,
    help_text,
    history_text,
    platforms_text,
    settings_text,
    shown_position,
    styles_text,
)
from postready.core.config.services import local_service_notes
from postready.core.config.settings import StorageSection
from postready.core.errors import AppErrorCode
from postready.core.i18n import N_, _, speaking, supported
from postready.core.identity import UserRef
from postready.core.queue.updates import JobUpdate
from postready.core.storage.models import ACTIVE_STATUSES, InboxEntry, User
from postready.pipeline.brand import BrandKit, BrandKitError
from postready.pipeline.brand_preview import preview_post
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.types import ImageAnalysis

log = logging.getLogger(__name__)
_NOT_ALLOWED = (AppErrorCode.NOT_ALLOWED, NOT_ALLOWED)
LATEST_JOBS = 5  # the newest jobs /brand looks through for a photo to write its preview for
FORGET_JOBS = 1000  # the newest jobs /forget cancels first, when in progress
INBOX_DAYS = 7  # handled updates are kept this long: a redelivery within it is recognised


class ChatService:
    """One chat platform's conversation over the shared storage and job queue."""

    def __init__(self, setup: ChatSetup) -> None:
        self.platform = setup.platform
        self._users = setup.storage.users
        self._brands = setup.storage.brands
        self._jobs = setup.storage.jobs
        self._inbox = setup.storage.inbox
        self._storage = setup.storage
        self._files = StorageSection.model_construct(data_dir=setup.data_dir)
        self._chats = setup.storage.chats
        self._queue = setup.queue
        self._out = setup.output
        self._bot_username = setup.bot_username
        self._access = setup.access
        # A user's messages are handled in order (`/optimize` then the photo), other users'
        # meanwhile.
        self._turns: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)
        self._status = StatusMessages(setup.storage.chats)
        self._intake = PhotoIntake(setup, self._status)
        self._delivery = Delivery(setup, self._status)
        self._rework = Rework(setup, self._status)

    async def start(self) -> None:
        """Pick up what a previous run left: style choices and their timeouts, and updates it
        received but did not finish handling (they are handled now, in the order they came)."""
        await self._intake.styles.resume()
        await self._inbox.prune(INBOX_DAYS * 86400)
        for parts in _replays(await self._inbox.unhandled(self.platform)):
            first = parts[0]
            log.info("inbox_resumed platform=%s update=%s", self.platform, first.update_key)
            try:
                if first.kind == "action":
                    await self._press(press_from(first.payload), parts)
                else:
                    message = album_message([message_from(p.payload) for p in parts])
                    await self.on_message(message, parts)
            except Exception:
                log.exception("inbox_resume_failed update=%s", first.update_key)

    async def stop(self) -> None:
        await self._intake.close()

    async def settle(self, user_id: str | None = None) -> None:
        """Wait until every photo received so far (from `user_id`, or anyone) is queued or
        refused."""
        await self._intake.settle(None if user_id is None else self._ref(user_id))

    async def addressed(self, message: Incoming) -> bool:
        """Whether the message is for this bot: anything in a private chat; in a group, a
        command of its own, a photo its sender's waiting `/optimize` is for, or words the bot
        asked its sender for (new words for posts, a brand kit field). What is not is
        left alone: nothing about it is stored."""
        if not message.group or message.command is not None:
            return True
        if message.text and parse_command(message.text, self._bot_username) is not None:
            return True
        ref = self._ref(message.user_id)
        if not message.photos:  # words the bot asked this user for, or chatter
            return bool(message.text) and (
                await self._rework.waiting(ref, message.chat_id)
                or await self._brands.awaits_words(ref, brand_menu.ASK_SECONDS)
            )
        return await self._chats.has_pending_command(message.chat_id, ref, PENDING_SECONDS)

    async def language(self, user_id: str, locale: str | None) -> str:
        """The language to speak to a user in where a chat answers before the conversation
        (a form that opens on a press): the one in their settings, or their chat app's
        `locale` for someone new (nothing is stored)."""
        user = await self._users.find(self._ref(user_id))
        return user.settings.language if user else supported(locale)

    async def receive(self, update_key: str, message: Incoming) -> InboxEntry | None:
        """Keep a message in the inbox as it arrives, before anything slow; None when this
        update (the chat's `update_key`) was received before, and must not be handled again,
        and for someone who may not use the bot (told so in one line; nothing is stored)."""
        if not await self._may_use(message.user_id, message.places or (message.chat_id,)):
            await self._out.send(message.chat_id, error_reply(error_line(*_NOT_ALLOWED)))
            return None
        return await self._inbox.receive(
            self.platform, update_key, "message", message_payload(message)
        )

    async def on_message(self, message: Incoming, entries: Sequence[InboxEntry] = ()) -> None:
        """Handle a message; `entries`: its inbox entries (an album has several), marked
        handled once its effects are stored."""
        taken = False
        try:
            async with self._turns[(message.chat_id, message.user_id)]:
                user = await self._users.get_or_create(
                    self._ref(message.user_id), supported(message.language)
                )
                with speaking(user.settings.language):
                    taken = await self._on_message(user, message, entries)
        finally:
            if entries and not taken:
                await self._inbox.handled([entry.id for entry in entries])

    async def on_action(
        self,
        user_id: str,
        chat_id: str,
        message_id: str,
        key: str,
        picked: tuple[str, ...] | None = None,
        update_key: str | None = None,
        places: tuple[str, ...] = (),
        words: str | None = None,
    ) -> str | None:
        """A button was pressed, or options were picked in the menu `key` (`picked`: their
        keys); returns a short alert for the presser, or None. With the chat's `update_key`
        the press is kept in the inbox first (and a redelivered one does nothing). `places`:
        where it was pressed, when that is not `chat_id` (Discord's guild and channel).
        `words`: what the user wrote for a button that asks (`Option.asks`), where the chat
        asked with the press."""
        if not await self._may_use(user_id, places or (chat_id,)):
            return error_line(*_NOT_ALLOWED)
        press = Press(user_id, chat_id, message_id, key, picked, words)
        if update_key is None:
            return await self._press(press)
        entry = await self._inbox.receive(self.platform, update_key, "action", press_payload(press))
        if entry is None:
            return None
        return await self._press(press, [entry])

    async def _press(self, press: Press, entries: Sequence[InboxEntry] = ()) -> str | None:
        try:
            user = await self._users.get_or_create(self._ref(press.user_id))
            with speaking(user.settings.language):
                return await self._act(press)
        finally:
            if entries:
                await self._inbox.handled([entry.id for entry in entries])

    async def _act(self, press: Press) -> str | None:
        user_id, chat_id, message_id, key, picked = (
            press.user_id, press.chat_id, press.message_id, press.key, press.picked
        )  # fmt: skip
        name, _sep, session_id = key.partition(":")
        if name == rework_keys.PREFIX:
            return await self._rework.press(
                self._ref(user_id), chat_id, message_id, key, press.words
            )
        if name == STYLE_ACTION:
            return await self._intake.styles.press(self._ref(user_id), key, picked)
        if name == settings_menu.PREFIX:
            return await self._settings_button(user_id, chat_id, message_id, key, picked)
        if name == FILES_ACTION:
            return await self._files_button(user_id, chat_id, session_id)
        if name == forget_menu.PREFIX:
            return await self._forget_button(user_id, chat_id, message_id, key)
        if name == brand_menu.PREFIX:
            return await self._brand_button(press)
        return _("This button has expired.")

    async def on_job_update(self, update: JobUpdate) -> None:
        await self._delivery.on_job_update(update)

    def _ref(self, platform_user_id: str) -> UserRef:
        return UserRef(self.platform, platform_user_id)

    async def _may_use(self, user_id: str, places: tuple[str, ...]) -> bool:
        ref = self._ref(user_id)
        if self._access.is_admin(ref):
            return True
        return self._access.allows(ref, places) and not await self._users.is_blocked(ref)

    async def _on_message(
        self, user: User, message: Incoming, entries: Sequence[InboxEntry]
    ) -> bool:
        """Whether the photo intake took over the inbox `entries`."""
        command = message.command
        if command is None and message.text:
            command = parse_command(message.text, self._bot_username)
        if isinstance(command, CommandError):
            await self._out.send(
                message.chat_id,
                error_reply(
                    error_line(command.code, command.template or command.message, command.fields)
                ),
            )
            return False
        if command is None and not message.photos:
            # Words the user was asked for: a brand kit's field, or new words for posts.
            if message.text and not await self._brand_words(user, message.chat_id, message.text):
                await self._rework.answer(user.ref, message.chat_id, message.text)
            return False  # else chatter in a group, or a message this bot has nothing to say to
        if command is None or isinstance(command, Optimize):
            return await self._intake.optimize(user, message, command, entries)
        if isinstance(command, Logo) and command.action != "off" and message.photos:
            await self._intake.save_logo(user, message.chat_id, message.photos[0], command.position)
        else:
            await self._command(user, message.chat_id, command)
        return False

    async def _files_button(self, user_id: str, chat_id: str, session_id: str) -> str | None:
        """ "📎 Original files": the session's images and caption files (their latest version,
        after any rework) as documents, for their owner only."""
        session = await self._jobs.get_session(session_id)
        if session is None:
            return _("This button has expired.")
        if session.user != self._ref(user_id):
            return _("Only the person who sent the photo can use this button.")
        kept = await self._jobs.session_files(session_id)
        files = [
            MediaItem(f.path, f"{PLATFORMS[f.platform].display_name} · {f.path.name}")
            for kinds in (("image", "product_photo"), ("caption",))  # the images first
            for f in kept
            if f.file_type in kinds and f.platform and f.path and f.path.is_file()
        ]
        if not files:
            return _("These files are no longer kept.")
        await self._out.send(chat_id, Files(tuple(files)))
        return None

    async def _command(self, user: User, chat_id: str, command: Command) -> None:
        if isinstance(command, Status | Cancel):
            # About the user's latest job: a photo they sent just before is one.
            await self._intake.settle(user.ref)
        try:
            reply = await self._answer(user, command)
        except PostReadyError as exc:
            await self._out.send(chat_id, error_reply(error_text(exc)))
            return
        await self._out.send(chat_id, reply)

    async def _answer(self, user: User, command: Command) -> Reply:
        match command:
            case Start() | Help():
                return Text.line(help_text())
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
                with speaking(user.settings.language):  # a language just set answers
                    return Text.line(_("Saved.") + "\n" + settings_text(user.settings))
            case Logo(action="next_image"):
                settings = dataclasses.replace(user.settings, awaiting_logo=True)
                await self._users.save_settings(user.id, settings)
                return Text.line(_(WAITING_FOR_LOGO))
            case Logo(action="off"):
                settings = dataclasses.replace(user.settings, logo_path=None, awaiting_logo=False)
                await self._users.save_settings(user.id, settings)
                return Text.line(_("Logo removed."))
            case Logo(position=position):
                settings = dataclasses.replace(
                    user.settings, logo_position=position or user.settings.logo_position
                )
                await self._users.save_settings(user.id, settings)
                shown = shown_position(position or user.settings.logo_position)
                return Text.line(_("Logo position: {position}.").format(position=shown))
            case History(limit=limit):
                jobs = await self._jobs.recent(limit, user.id)
                return Text.line(history_text(jobs, user.settings.timezone))
            case Status(job_id=job_id):
                status = await self._queue.status(user, job_id)
                if status.position:
                    detail = _("queued — position {position}").format(position=status.position)
                elif status.progress is not None:
                    detail = Progress.from_event(status.progress).bar
                else:
                    detail = _(STATUS_WORDS[status.job.status])
                return Text.line(_("Job #{id}: {detail}").format(id=status.job.id, detail=detail))
            case Cancel(job_id=job_id):
                job = await self._queue.cancel(user, job_id)
                if job.status == "cancelled":
                    where = await self._status.find(job)
                    if where is not None:
                        await show_status(self._out, job, where, Text.line(_("✖️ Cancelled")))
                    return Text.line(_("Job #{id} cancelled.").format(id=job.id))
                return Text.line(_("Stopping job #{id}…").format(id=job.id))
            case Forget():
                return forget_menu.confirm(user.ref)
            case Brand(action="reset"):
                await self._brands.reset(user.id)
                return await self._brand_menu(user, BrandKit())
            case Brand(action="set", field=field, words=words):
                try:
                    kit = brand_menu.set_field(await self._brands.get(user.id), field, words)
                except BrandKitError as exc:
                    raise PostReadyError(
                        ErrorCode.INVALID_OPTION, exc.template, **exc.fields
                    ) from None
                return await self._brand_menu(user, await self._brands.save(user.id, kit))
            case Brand():
                return await self._brand_menu(user, await self._brands.get(user.id))
            case Stats():
                self._require_admin(user)
                providers = self._queue.content.settings
                services = local_service_notes(
                    openai=providers.openai is not None, gemini=providers.gemini is not None
                )
                return Text.line(
                    await stats_text(
                        self._storage, self._files.data_dir, user.settings.timezone, services
                    )
                )
            case Block(user_id=target, blocked=blocked):
                return Text.line(await self._block(user, target, blocked))
        raise AssertionError(f"unhandled command {command!r}")

    async def _forget_button(
        self, user_id: str, chat_id: str, message_id: str, key: str
    ) -> str | None:
        if forget_menu.owner(key) != user_id:
            return _("Only the person who asked can answer this.")
        if not key.endswith(":yes"):
            await self._out.edit(chat_id, message_id, Text.line(_("Nothing was deleted.")))
            return None
        ref = self._ref(user_id)
        await self._out.edit(chat_id, message_id, Text.line(_("🗑️ Deleting…")))
        user = await self._users.get_or_create(ref)
        for job in await self._jobs.recent(FORGET_JOBS, user.id):
            if job.status in ACTIVE_STATUSES:
                await self._queue.cancel(user, job.id)  # stopped before their rows go
        report = await forget_menu.forget(
            self._storage, self._files, user, lambda: self._intake.settle(ref)
        )
        await self._out.edit(chat_id, message_id, report)
        return None

    def _require_admin(self, user: User) -> None:
        if not self._access.is_admin(user.ref):
            raise PostReadyError(AppErrorCode.NOT_ALLOWED, N_("only the bot's admins may do that"))

    async def _block(self, admin: User, target: str, blocked: bool) -> str:
        self._require_admin(admin)
        ref = self._ref(target)
        if not blocked:
            done = await self._users.unblock(ref)
            unblocked = (
                _("{user} may use PostReady again.") if done else _("{user} was not blocked.")
            )
            return unblocked.format(user=target)
        if self._access.is_admin(ref):
            raise PostReadyError(AppErrorCode.NOT_ALLOWED, N_("an admin cannot be blocked"))
        await self._users.block(ref, admin.ref.platform_user_id)
        return _("{user} is blocked: PostReady no longer answers them.").format(user=target)

    async def _settings_button(
        self, user_id: str, chat_id: str, message_id: str, key: str, picked: tuple[str, ...] | None
    ) -> str | None:
        if settings_menu.owner(key) != user_id:
            return _("These are someone else's settings; send /settings for yours.")
        user = await self._users.get_or_create(self._ref(user_id))
        changed = settings_menu.apply(user.settings, key, picked)
        if changed != user.settings:
            user = await self._users.save_settings(user.id, changed)
            with speaking(user.settings.language):  # a language just picked shows at once
                menu = settings_menu.settings_menu(user)
            await self._out.edit(chat_id, message_id, menu)
        return None

    async def _brand_menu(self, user: User, kit: BrandKit) -> Choice:
        """The kit's menu: the kit, and a caption written with it (locally, no AI call) for
        the user's latest photo and words (a sample mug before their first), in the language
        their posts are written in."""
        latest: dict[str, Any] = {}
        for job in await self._jobs.recent(LATEST_JOBS, user.id):
            analysis = (job.session.results or {}).get("analysis")
            if analysis:
                try:
                    latest["analysis"] = ImageAnalysis.from_json(analysis)
                except (KeyError, TypeError, ValueError):  # written by another version
                    continue
                latest["description"] = job.session.description
                break
        platform, language = brand_menu.PREVIEW_PLATFORM, user.settings.language
        preview = await preview_post(kit, platform, language=language, **latest)
        return brand_menu.brand_menu(user.ref.platform_user_id, kit, preview)

    async def _brand_button(self, press: Press) -> str | None:
        """A brand menu's option, form or button: the kit changed and its menu shown again;
        a button that asks for words asks for them here where the chat sent none."""
        if brand_menu.owner(press.key) != press.user_id:
            return _("This is someone else's brand kit; send /brand for yours.")
        user = await self._users.get_or_create(self._ref(press.user_id))
        kit = await self._brands.get(user.id)
        code, value = brand_menu.operation(press.key)
        field = brand_menu.word_field(value) if code == "w" else None
        if code == "w" and field is None:
            return _("This button has expired.")
        if field is not None and press.words is None:
            await self._brands.await_field(user.id, field)
            text = Text((brand_menu.ask_text(field),), answer_wanted=True)
            await self._out.send(press.chat_id, text)
            return None
        if code == "r":
            changed = BrandKit()
        elif field is not None and press.words is not None:
            try:
                changed = brand_menu.set_field(kit, field, press.words)
            except BrandKitError as exc:
                return error_line(ErrorCode.INVALID_OPTION, exc.template, exc.fields)
        else:
            changed = brand_menu.picked_kit(kit, press.key, press.picked)
        if changed != kit:
            await self._brands.save(user.id, changed)
            await self._out.edit(
                press.chat_id, press.message_id, await self._brand_menu(user, changed)
            )
        return None

    async def _brand_words(self, user: User, chat_id: str, words: str) -> bool:
        """The user's message, if it is the brand kit field they were asked for: the kit
        changed and its menu sent (or what is wrong said); False when nothing waits."""
        field = await self._brands.take_awaiting(user.id, brand_menu.ASK_SECONDS)
        if field is None:
            return False
        try:
            kit = brand_menu.set_field(await self._brands.get(user.id), field, words)
        except BrandKitError as exc:
            await self._out.send(
                chat_id, error_reply(error_line(ErrorCode.INVALID_OPTION, exc.template, exc.fields))
            )
            return True
        await self._brands.save(user.id, kit)
        await self._out.send(chat_id, await self._brand_menu(user, kit))
        return True


def _replays(entries: Sequence[InboxEntry]) -> list[list[InboxEntry]]:
    """The entries as they are handled again, in order: an album's parts together, at its
    first part's place."""
    groups: dict[str, list[InboxEntry]] = {}
    for entry in entries:
        album = entry.payload.get("album") if entry.kind == "message" else None
        groups.setdefault(album or f"entry:{entry.id}", []).append(entry)
    return list(groups.values())
