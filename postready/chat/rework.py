"""Rework a finished job's posts in place, from the buttons under each post: another caption
or other hashtags for that platform, or new words for every post of the job (the content step
again, no image work). Only the job's owner may; each press shows its progress on the post it
changes, and an error is one line with its code. The stored results, results.json and the
caption files follow the latest version of each post."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Mapping

from postready.chat.delivery import StatusMessages, result_replies
from postready.chat.messages import ChatSetup
from postready.chat.replies import Text
from postready.chat.rework_keys import CAPTION, DESCRIBE, HASHTAGS, ReworkKey
from postready.chat.sending import SendError
from postready.chat.texts import error_line, error_text
from postready.core.config.settings import StorageSection
from postready.core.errors import AppErrorCode
from postready.core.i18n import N_, _, fill
from postready.core.identity import UserRef
from postready.core.queue.codec import request_for
from postready.core.storage.models import Job
from postready.pipeline.errors import PostReadyError
from postready.pipeline.marking import Marked
from postready.pipeline.models import OptimizeResult
from postready.pipeline.rework import (
    another_caption,
    new_description,
    other_hashtags,
    save_posts,
)

log = logging.getLogger(__name__)
ASK_SECONDS = 600.0  # "Change description" waits this long for the new words
PROGRESS = {
    CAPTION: N_("✍️ Writing another caption…"),
    HASHTAGS: N_("#️⃣ Picking other hashtags…"),
    DESCRIBE: N_("✍️ Writing your captions…"),
}
ASK = N_("📝 What does the photo show? Send the new words for these posts in your next message.")
REWRITTEN = N_("✅ Your posts above are written again for your new words.")
EXPIRED = (AppErrorCode.JOB_NOT_FOUND, N_("these posts are no longer kept; send the photo again"))
NOT_YOURS = (
    AppErrorCode.NOT_ALLOWED,
    N_("only the person who sent the photo can change its posts"),
)


class Rework:
    """One chat platform's rework buttons over the shared storage and the queue's content
    engine (the one jobs write with)."""

    def __init__(self, setup: ChatSetup, status: StatusMessages) -> None:
        self._jobs = setup.storage.jobs
        self._chats = setup.storage.chats
        self._users = setup.storage.users
        self._queue = setup.queue
        self._out = setup.output
        self._status = status
        self._output_dir = StorageSection.model_construct(data_dir=setup.data_dir).output_dir
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def press(
        self, presser: UserRef, chat_id: str, message_id: str, key: str, words: str | None
    ) -> str | None:
        """A rework button under the post `message_id` (`words`: the new description, from a
        chat that asked for them with the press); returns a line for the presser, or None."""
        parsed = ReworkKey.parse(key)
        job = await self._jobs.get(parsed.job_id) if parsed else None
        if parsed is None or job is None or job.session.results is None:
            return error_line(*EXPIRED)
        if job.session.user != presser:
            return error_line(*NOT_YOURS)
        if parsed.op == DESCRIBE:
            if words is None:  # asked here, answered by the user's next message
                await self._chats.set_pending_description(chat_id, presser, job.id)
                await self._out.send(chat_id, Text((_(ASK),), answer_wanted=True))
                return None
            return await self._describe(job, words)
        async with self._locks[job.id]:
            return await self._rework_post(job.id, parsed, chat_id, message_id)

    async def answer(self, user: UserRef, chat_id: str, words: str) -> bool:
        """The user's message in the chat, if it answers their "Change description": the
        posts are written again and the outcome said; False when nothing waits for words."""
        job_id = await self._chats.take_pending_description(chat_id, user, ASK_SECONDS)
        if job_id is None:
            return False
        job = await self._jobs.get(job_id)
        if job is None or job.session.results is None:
            line = error_line(*EXPIRED)
        else:
            line = await self._describe(job, words) or _(REWRITTEN)
        await self._out.send(chat_id, Text.line(line))
        return True

    async def waiting(self, user: UserRef, chat_id: str) -> bool:
        """Whether the user's next message in the chat is words for their posts."""
        return await self._chats.has_pending_description(chat_id, user, ASK_SECONDS)

    async def _rework_post(
        self, job_id: int, key: ReworkKey, chat_id: str, message_id: str
    ) -> str | None:
        latest = await self._latest(job_id)
        if latest is None or key.platform not in latest[1].platforms:
            return error_line(*EXPIRED)
        job, result = latest
        before = await self._posts(job, result)
        await self._edit(chat_id, message_id, Text.line(_(PROGRESS[key.op])))
        engine = self._queue.content
        try:
            if key.op == CAPTION:
                gate = self._queue.usage_gate(job)
                request = request_for(job)
                reworked = await another_caption(engine, result, key.platform, request, gate)
            else:
                reworked = other_hashtags(engine, result, key.platform)
        except PostReadyError as exc:
            await self._edit(chat_id, message_id, before[key.platform])
            return error_text(exc)
        await self._save(job, reworked.result, (key.platform,))
        after = await self._posts(job, reworked.result)
        await self._edit(chat_id, message_id, after[key.platform])
        return _notice(reworked.notices)

    async def _describe(self, job: Job, words: str) -> str | None:
        """Every post of the job written again for `words`; a line to say, or None."""
        async with self._locks[job.id]:
            latest = await self._latest(job.id)
            if latest is None:
                return error_line(*EXPIRED)
            job, result = latest
            where = await self._status.find(job)
            chat_id = where[0] if where else job.session.chat_id or ""
            messages = await self._chats.reply_messages(job.id)
            shown = {
                key: messages[f"post:{key}"]
                for key in result.platforms
                if f"post:{key}" in messages
            }
            before = await self._posts(job, result)
            for message_id in shown.values():
                await self._edit(chat_id, message_id, Text.line(_(PROGRESS[DESCRIBE])))
            try:
                reworked = await new_description(
                    self._queue.content, result, request_for(job), words,
                    gate=self._queue.usage_gate(job),
                )  # fmt: skip
            except PostReadyError as exc:
                for key, message_id in shown.items():
                    await self._edit(chat_id, message_id, before[key])
                return error_text(exc)
            await self._save(job, reworked.result, tuple(result.platforms), words)
            after = await self._posts(job, reworked.result)
            for key, message_id in shown.items():
                await self._edit(chat_id, message_id, after[key])
            return _notice(reworked.notices)

    async def _latest(self, job_id: int) -> tuple[Job, OptimizeResult] | None:
        """The job as stored now and its results; None when they are gone or unreadable."""
        job = await self._jobs.get(job_id)
        if job is None or job.session.results is None:
            return None
        try:
            return job, OptimizeResult.from_json(job.session.results)
        except ValueError as exc:
            log.warning("results_unreadable job=%s reason=%s", job.id, exc)
            return None

    async def _posts(self, job: Job, result: OptimizeResult) -> Mapping[str, Text]:
        """Each platform's post as delivered, with its buttons (the owner's settings say
        whether the files button is among them)."""
        settings = (await self._users.get_or_create(job.session.user)).settings
        replies = result_replies(result, settings.send_as_files, settings.send_previews, job.id)
        return {
            key: reply
            for key in result.platforms
            if isinstance(reply := replies[f"post:{key}"], Text)
        }

    async def _save(
        self,
        job: Job,
        result: OptimizeResult,
        platforms: tuple[str, ...],
        description: str | None = None,
    ) -> None:
        await self._jobs.save_results(result, description)
        folder = self._output_dir / result.session_id
        await asyncio.to_thread(save_posts, result, platforms, folder)
        log.info("posts_reworked job=%s session=%s platforms=%s", job.id, job.session.id,
                 ",".join(platforms))  # fmt: skip

    async def _edit(self, chat_id: str, message_id: str, reply: Text) -> None:
        """Edit a post, as best it can: an edit the chat did not take is logged."""
        try:
            await self._out.edit(chat_id, message_id, reply)
        except SendError as exc:
            log.warning("post_not_edited chat=%s message=%s reason=%s", chat_id, message_id, exc)


def _notice(notices: tuple[Marked, ...]) -> str | None:
    """A daily quota kept the AI out: said, with its code."""
    if not notices:
        return None
    said = "; ".join(fill(notice.template, notice.fields) for notice in notices)
    return f"⚠️ {said} ({AppErrorCode.QUOTA_EXCEEDED})"
