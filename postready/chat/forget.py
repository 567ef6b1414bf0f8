"""`/forget`: after a confirm button, everything PostReady keeps about a user goes: photos and
results, logo, settings, history and the chat messages it remembers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from postready.chat.replies import Choice, Option, Text
from postready.core.config.settings import StorageSection
from postready.core.i18n import N_, _, ngettext
from postready.core.identity import UserRef
from postready.core.retention import remove_session_files
from postready.core.storage import Storage
from postready.core.storage.models import User

PREFIX = "fg"
PROMPT = N_(
    "This deletes your photos and results, your logo, your settings and your history here. "
    "It cannot be undone."
)
MB = 1_000_000


def confirm(user: UserRef) -> Choice:
    """The confirm buttons, bound to `user`."""
    key = f"{PREFIX}:{user.platform_user_id}"
    return Choice(
        _(PROMPT),
        ((Option(f"{key}:yes", _("Delete everything")), Option(f"{key}:no", _("Keep"))),),
    )


def owner(key: str) -> str:
    return key.split(":")[1] if key.count(":") == 2 else ""


async def forget(
    storage: Storage,
    files: StorageSection,
    user: User,
    settle: Callable[[], Awaitable[None]],
) -> Text:
    """Delete everything about `user` (once their photos on the way are queued: `settle`);
    what was deleted, in one line."""
    await settle()
    sessions = await storage.jobs.user_sessions(user.id)
    waiting = [c for c in await storage.chats.open_style_choices() if c.user == user.ref]
    freed = 0
    for session_id in sessions:
        freed += await asyncio.to_thread(remove_session_files, files, session_id)
    logo = Path(user.settings.logo_path) if user.settings.logo_path else None
    for path in [*(c.source_path for c in waiting), *([logo] if logo else [])]:
        path.unlink(missing_ok=True)
    await storage.users.forget(user.ref)
    jobs = ngettext(
        "{count} job with its files ({mb} MB)",
        "{count} jobs with their files ({mb} MB)",
        len(sessions),
    )
    deleted = [jobs.format(count=len(sessions), mb=f"{freed / MB:.1f}")]
    if waiting:
        photos = ngettext(
            "{count} photo waiting for styles", "{count} photos waiting for styles", len(waiting)
        )
        deleted.append(photos.format(count=len(waiting)))
    if logo is not None:
        deleted.append(_("your logo"))
    deleted.append(_("your settings and history"))
    return Text.line(_("🗑️ Deleted {what}.").format(what=", ".join(deleted)))
