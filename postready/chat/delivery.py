"""A job's updates as the chat shows them: its status line edited in place (queue position,
progress, how it ended), and a finished job's results as replies: the images as albums (or
files), the feed previews' contact sheet, then one post per platform."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from postready.chat.messages import ChatOutput
from postready.chat.replies import (
    Album,
    Copyable,
    Files,
    MediaItem,
    Option,
    Part,
    Progress,
    Reply,
    Schedule,
    Slot,
    Text,
    albums,
)
from postready.chat.texts import error_line, queued_line
from postready.core.queue.updates import JobUpdate
from postready.core.storage.models import Job
from postready.core.storage.repositories import ChatStateRepository, UserRepository
from postready.pipeline.models import OptimizeResult, PlatformResult
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.timing import slot_label

log = logging.getLogger(__name__)
FILES_ACTION = "files"  # the "📎 Original files" button: `files:<session id>`
MAX_SLOTS = 3


def files_action(session_id: str) -> Option:
    return Option(f"{FILES_ACTION}:{session_id}", "📎 Original files")


def result_images(result: OptimizeResult) -> list[MediaItem]:
    """Every platform image, then every local product-photography image, labelled."""
    items = [
        MediaItem(
            item.image.path,
            f"{PLATFORMS[key].display_name} · {item.image.width}×{item.image.height}",
            (item.image.width, item.image.height),
        )
        for key, item in result.platforms.items()
        if item.image is not None
    ]
    if result.product_photography is not None:
        from postready.pipeline.photography import STYLES

        for style, by_platform in result.product_photography.styles.items():
            for key, image in by_platform.items():
                if image.path is not None and image.path.is_file():  # not uploaded-only
                    label = f"{STYLES[style].name} · {PLATFORMS[key].display_name}"
                    items.append(MediaItem(image.path, label))
    return items


PREVIEWS_LABEL = "Feed previews · how each post will look"


def result_replies(result: OptimizeResult, as_files: bool, previews: bool = True) -> list[Reply]:
    """What a user sees when their job is done. `as_files`: images as documents (the user's
    setting), else albums and a button for the uncompressed files under the last post.
    `previews`: the contact sheet of the feed previews (when the job drew them) as a photo."""
    images = result_images(result)
    media: list[Reply] = [Files(tuple(images))] if as_files and images else list(albums(images))
    if previews and result.previews is not None and result.previews.sheet.is_file():
        media.append(Album((MediaItem(result.previews.sheet, PREVIEWS_LABEL),)))
    posts = [_post(result.platforms[key]) for key in result.platforms]
    if posts and images and not as_files:
        last = posts[-1]
        posts[-1] = Text(last.parts, (files_action(result.session_id),))
    return [*media, *posts]


def _post(item: PlatformResult) -> Text:
    spec = PLATFORMS[item.platform]
    if item.status == "failed" or item.content is None:
        reason = f"{item.error.code}: {item.error.message}" if item.error else "no text written"
        if item.status == "failed":
            return Text.line(f"⚠️ {spec.display_name} failed — {reason}")
        return Text.line(f"{spec.display_name}: image ready; {reason}")
    content = item.content
    parts: list[Part] = [f"{spec.display_name} — caption", Copyable(content.caption)]
    if content.first_comment:
        parts += ["First comment (hashtags)", Copyable(content.first_comment)]
    slots = content.posting.next_slots[:MAX_SLOTS]
    if slots:
        schedule = tuple(Slot(s.start, s.end, slot_label(s)) for s in slots)
        parts.append(Schedule("Best times to post:", schedule))
    accounts = content.accounts
    if accounts.accounts:
        lines = [
            f"• {a.handle}" + (f" — {a.reason}" if a.reason else "") for a in accounts.accounts
        ]
        parts.append("Accounts to tag:\n" + "\n".join(lines))
    elif accounts.note:
        parts.append(f"Accounts to tag: {accounts.note}")
    return Text(tuple(parts))


class StatusMessages:
    """Which chat message shows each job's status. Per chat, `registering` is held while a job
    is submitted and its message recorded, so that none of its updates looks too early."""

    def __init__(self, chats: ChatStateRepository) -> None:
        self._chats = chats
        self._registering: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @asynccontextmanager
    async def registering(self, chat_id: str) -> AsyncIterator[None]:
        async with self._registering[chat_id]:
            yield

    async def remember(self, job_id: int, chat_id: str, message_id: str) -> None:
        await self._chats.set_job_message(job_id, chat_id, message_id)

    async def find(self, job: Job) -> tuple[str, str] | None:
        """(chat id, message id) of the job's status message, once it is registered."""
        async with self.registering(job.session.chat_id or ""):
            return await self._chats.job_message(job.id)


class Delivery:
    """Shows one chat platform's users what happens to their jobs."""

    def __init__(self, users: UserRepository, status: StatusMessages, output: ChatOutput) -> None:
        self._users = users
        self._status = status
        self._out = output

    async def on_job_update(self, update: JobUpdate) -> None:
        job = update.job
        where = await self._status.find(job)
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
            settings = user.settings
            replies = result_replies(update.result, settings.send_as_files, settings.send_previews)
            for reply in replies:
                try:
                    await self._out.send(chat_id, reply)
                except Exception:
                    # One reply the chat refused (a file it will not take) must not keep the
                    # others from the user.
                    kind = type(reply).__name__
                    log.exception(
                        "reply_failed job=%s session=%s reply=%s", job.id, job.session.id, kind
                    )


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
