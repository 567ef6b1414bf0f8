"""A job's updates as the chat shows them: its status line edited in place (queue position,
progress, how it ended), and a finished job's results as replies: the images as albums (or
files), the feed previews' contact sheet, then one post per platform.

Each reply has a key within its job (`album:1`, `files`, `previews`, `post:<platform>`), the
same whenever the result is delivered. A reply is retried while the chat fails for a passing
reason, and recorded once the chat has taken it or refused it for good; delivering the job
again (after a restart) sends only the replies not recorded yet. Status edits are best effort.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime

from postready.chat.messages import ChatOutput, ChatSetup
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
from postready.chat.rework_keys import rework_actions
from postready.chat.sending import SendError, TransientSendError, send_patiently
from postready.chat.texts import error_line, queued_line, variant_word
from postready.core.i18n import DEFAULT_LANGUAGE, N_, _, day, fill, hours, ngettext, speaking
from postready.core.queue.updates import JobUpdate
from postready.core.storage.models import Job
from postready.core.storage.repositories import ChatStateRepository
from postready.pipeline.caption_file import post_range
from postready.pipeline.models import ImageOutput, OptimizeResult, PlatformResult
from postready.pipeline.platforms import PLATFORMS, HashtagPlacement

log = logging.getLogger(__name__)
FILES_ACTION = "files"  # the "📎 Original files" button: `files:<session id>`
MAX_SLOTS = 3


def files_action(session_id: str) -> Option:
    return Option(f"{FILES_ACTION}:{session_id}", _("📎 Original files"))


def result_images(result: OptimizeResult) -> list[MediaItem]:
    """Every platform image, then every local product-photography image, labelled."""
    items = [
        MediaItem(
            item.image.path,
            image_label(key, item),
            (item.image.width, item.image.height),
            item.content.alt_text if item.content else "",
        )
        for key, item in result.platforms.items()
        if item.image is not None
    ]
    if result.product_photography is not None:
        from postready.pipeline.photography import STYLES

        for style, by_platform in result.product_photography.styles.items():
            for key, image in by_platform.items():
                if image.path is not None and image.path.is_file():  # not uploaded-only
                    name = _(STYLES[style].name)
                    label = f"{name} · {PLATFORMS[key].display_name}"
                    content = result.platforms[key].content if key in result.platforms else None
                    described = content.alt_text if content else ""
                    alt = (
                        _("{style} product photo. {description}").format(
                            style=name, description=described
                        )
                        if described
                        else ""
                    )
                    items.append(MediaItem(image.path, label, alt_text=alt))
    return items


def image_label(key: str, item: PlatformResult, image: ImageOutput | None = None) -> str:
    """Which platform and size an image is for: "Instagram · portrait 1080×1350" (`image`:
    one of a carousel's, else the platform's image)."""
    image = image or item.image
    assert image is not None
    size = f"{image.width}×{image.height}"
    variant = f"{variant_word(item.variant)} " if item.variant else ""
    return f"{PLATFORMS[key].display_name} · {variant}{size}"


def carousel_images(key: str, item: PlatformResult) -> list[MediaItem]:
    """A carousel platform's images in order, each labelled with its place:
    "Instagram · square 1080×1080 · 2/3", with its own alt text."""
    content = item.content
    alt_texts = content.item_alt_texts if content else ()
    total = len(item.items)
    return [
        MediaItem(
            one.image.path,
            f"{image_label(key, item, one.image)} · {one.item}/{total}",
            (one.image.width, one.image.height),
            alt_texts[one.item - 1] if one.item <= len(alt_texts) else "",
        )
        for one in item.items
    ]


def slot_text(start: datetime, end: datetime) -> str:
    """A time to post in the user's language and time zone: "Tue, Nov 24, 9:00 AM – 1:00 PM
    GMT"."""
    return f"{day(start)}, {hours(start, end)} {start.tzname()}"


PREVIEWS_LABEL = N_("Feed previews · how each post will look")


def result_replies(
    result: OptimizeResult, as_files: bool, previews: bool = True, job_id: int | None = None
) -> dict[str, Reply]:
    """What a user sees when their job is done, in order, by key. `as_files`: images as
    documents (the user's setting), else albums and a button for the uncompressed files under
    the last post. `previews`: the contact sheet of the feed previews (when the job drew them)
    as a photo. `job_id`: the job's, for the buttons that rework each post (none without).
    A carousel's replies start with the previews' sheet, then go platform by platform: its
    images (an album of at most ten, or files), then its post."""
    if result.items:
        return _preview_sheet(result, previews) | _carousel_replies(result, as_files, job_id)
    images = result_images(result)
    replies: dict[str, Reply] = {}
    if as_files and images:
        replies["files"] = Files(tuple(images))
    else:
        replies |= {f"album:{n}": album for n, album in enumerate(albums(images), 1)}
    replies |= _preview_sheet(result, previews)
    replies |= _notices(result)
    posts = {f"post:{key}": _post(item, job_id) for key, item in result.platforms.items()}
    if posts and images and not as_files:
        key = next(reversed(posts))
        posts[key] = _with_files_button(posts[key], result.session_id)
    return replies | posts


def _carousel_replies(
    result: OptimizeResult, as_files: bool, job_id: int | None
) -> dict[str, Reply]:
    replies: dict[str, Reply] = _notices(result)
    post = None
    for key, item in result.platforms.items():
        images = carousel_images(key, item)
        if images and as_files:
            replies[f"files:{key}"] = Files(tuple(images))
        elif images:
            replies |= {f"album:{key}:{n}": album for n, album in enumerate(albums(images), 1)}
        post = replies[f"post:{key}"] = _post(item, job_id)
    if post is not None and not as_files and any(item.items for item in result.platforms.values()):
        replies[next(reversed(replies))] = _with_files_button(post, result.session_id)
    return replies


def _preview_sheet(result: OptimizeResult, wanted: bool) -> dict[str, Reply]:
    """The contact sheet of the feed previews as a photo, when wanted and the job drew it."""
    if not wanted or result.previews is None or not result.previews.sheet.is_file():
        return {}
    return {"previews": Album((MediaItem(result.previews.sheet, _(PREVIEWS_LABEL)),))}


def _notices(result: OptimizeResult) -> dict[str, Reply]:
    """The notes the pipeline left on the result, in one message (none: no message)."""
    if not result.notices:
        return {}
    lines = (f"ℹ️ {fill(notice.template, notice.fields)}" for notice in result.notices)
    return {"notices": Text.line("\n".join(lines))}


def _with_files_button(post: Text, session_id: str) -> Text:
    """The last post, with the "📎 Original files" button under it."""
    return replace(post, actions=(*post.actions, files_action(session_id)))


def _post(item: PlatformResult, job_id: int | None) -> Text:
    spec = PLATFORMS[item.platform]
    if item.status == "failed" or item.content is None:
        reason = (
            f"{item.error.code}: {fill(*item.error.wording)}"
            if item.error
            else _("no text written")
        )
        if item.status == "failed":
            return Text.line(
                _("⚠️ {platform} failed — {reason}").format(
                    platform=spec.display_name, reason=reason
                )
            )
        return Text.line(
            _("{platform}: image ready; {reason}").format(platform=spec.display_name, reason=reason)
        )
    content = item.content
    caption = _("{platform} — caption").format(platform=spec.display_name)
    parts: list[Part] = [caption, Copyable(content.caption)]
    if content.first_comment:
        parts += [_("First comment (hashtags)"), Copyable(content.first_comment)]
    if spec.hashtags.placement == HashtagPlacement.TAGS_FIELD and content.hashtags:
        parts += [_("Tags (the post's tags field)"), Copyable(", ".join(content.hashtags))]
    if content.item_alt_texts:
        described = (
            _("Photo {number}: {text}").format(number=number, text=text)
            for number, text in enumerate(content.item_alt_texts, 1)
        )
        parts += [_("Alt text (one for each image)"), Copyable("\n".join(described))]
    elif content.alt_text:
        parts += [_("Alt text (for the image)"), Copyable(content.alt_text)]
    if len(item.posts) > 1:
        ranges = ", ".join(post_range(post) for post in item.posts)
        parts.append(
            _(
                "More photos than one post takes: {count} posts, one after the other (photos "
                "{ranges})"
            ).format(count=len(item.posts), ranges=ranges)
        )
    slots = content.posting.next_slots[:MAX_SLOTS]
    if slots:
        schedule = tuple(Slot(s.start, s.end, slot_text(s.start, s.end)) for s in slots)
        parts.append(Schedule(_("Best times to post:"), schedule))
    # Only accounts: why there are none (or how a search would be set up) is not the
    # creator's business, and an empty section is left out.
    accounts = content.accounts.accounts
    if accounts:
        lines = [f"• {a.handle}" + (f" — {a.reason}" if a.reason else "") for a in accounts]
        parts.append(_("Accounts to tag:") + "\n" + "\n".join(lines))
    return Text(tuple(parts), rework_actions(job_id, item.platform) if job_id else ())


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


async def show_status(
    out: ChatOutput, job: Job, where: tuple[str, str], status: Text | Progress
) -> None:
    """Edit the job's status line `where` (chat id, message id) to `status`, as best it can: a
    status the chat did not take is logged, never an error for the user."""
    try:
        await out.edit(*where, status)
    except SendError as exc:
        log.warning("status_not_shown job=%s session=%s reason=%s", job.id, job.session.id, exc)


class UndeliveredReplies(Exception):
    """Some replies of a job did not reach the chat in the time allowed: the job is not
    delivered yet, and the next delivery sends them."""

    def __init__(self, job_id: int, parts: list[str]) -> None:
        super().__init__(f"job {job_id}: not sent yet: {', '.join(parts)}")
        self.parts = parts


class Delivery:
    """Shows one chat platform's users what happens to their jobs."""

    def __init__(self, setup: ChatSetup, status: StatusMessages) -> None:
        self._users = setup.storage.users
        self._chats = setup.storage.chats
        self._status = status
        self._out = setup.output
        self._patience = setup.reply_retry_seconds

    async def on_job_update(self, update: JobUpdate) -> None:
        """Show the update, in the language its photo was sent in. An ended job's update raises
        UndeliveredReplies when some of its replies are still to be sent (the chat kept
        failing); it is delivered otherwise."""
        with speaking(str(update.job.session.options.get("language") or DEFAULT_LANGUAGE)):
            await self._on_job_update(update)

    async def _on_job_update(self, update: JobUpdate) -> None:
        job = update.job
        where = await self._status.find(job)
        chat_id = where[0] if where else job.session.chat_id
        if chat_id is None:
            return
        if update.progress is not None or update.position is not None:
            if where is not None:
                await show_status(self._out, job, where, _moving(update))
            return
        replies: dict[str, Reply] = {}
        status = _job_status(update)
        if status is not None:
            if where is not None:
                await show_status(self._out, job, where, status)
            else:  # no status line to edit: the news is a reply of its own
                replies[f"status:{job.status}"] = status
        if update.result is not None:
            settings = (await self._users.get_or_create(job.session.user)).settings
            replies |= result_replies(
                update.result, settings.send_as_files, settings.send_previews, job.id
            )
        await self._send(job, chat_id, replies)

    async def _send(self, job: Job, chat_id: str, replies: dict[str, Reply]) -> None:
        """Send the replies not recorded yet, in order, within the time allowed; stop at one
        that could not be sent in it (the chat is failing), leaving it and the rest."""
        recorded = await self._chats.recorded_replies(job.id) if replies else set()
        deadline = time.monotonic() + self._patience
        parts = [part for part in replies if part not in recorded]
        for number, part in enumerate(parts):
            reply = replies[part]
            patience = max(0.0, deadline - time.monotonic())
            try:
                message_id = await send_patiently(
                    functools.partial(self._out.send, chat_id, reply), patience
                )
            except TransientSendError as exc:
                log.warning(
                    "reply_not_sent job=%s session=%s reply=%s reason=%s",
                    job.id, job.session.id, part, exc,
                )  # fmt: skip
                raise UndeliveredReplies(job.id, parts[number:]) from exc
            except Exception as exc:
                # Refused for good (a file the chat will not take): it must not keep the
                # others from the user.
                log.error(
                    "reply_refused job=%s session=%s reply=%s reason=%s",
                    job.id, job.session.id, part, exc,
                    exc_info=not isinstance(exc, SendError),
                )  # fmt: skip
                await self._chats.record_reply(job.id, part, "refused")
                continue
            await self._chats.record_reply(job.id, part, "sent", message_id)


def delivery_only(setup: ChatSetup) -> Delivery:
    """What shows a chat's users their jobs from a process that does not receive the chat (a
    worker on another machine): status lines edited, results sent, each reply once."""
    return Delivery(setup, StatusMessages(setup.storage.chats))


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
        ready = ngettext(
            "✅ Done — {done} of {total} platform ready",
            "✅ Done — {done} of {total} platforms ready",
            total,
        )
        return Text.line(ready.format(done=done, total=total))
    if job.status == "completed":
        return Text.line(_("✅ Done — see /history"))
    if job.status == "queued":
        return Text.line(_("⏳ Queued again — it will resume shortly"))
    if job.status == "cancelled":
        return Text.line(_("✖️ Cancelled"))
    if job.status == "failed" and error is not None:
        return Text.line(error_line(error.code, *error.wording))
    return None
