"""The fixed texts of the chat: help, the platform and style lists, settings, history lines."""

from __future__ import annotations

from enum import StrEnum

from postready.chat.replies import Text
from postready.core.errors import JobNotFound, QueueLimitExceeded
from postready.core.storage.models import Job, UserSettings
from postready.pipeline.errors import PostReadyError
from postready.pipeline.models import DEFAULT_ACCOUNT_NAME
from postready.pipeline.platforms import DEFAULT_PLATFORMS, PLATFORMS

# The commands menu (Telegram's setMyCommands), in the order users meet them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("optimize", "photo caption: /optimize instagram pinterest cozy mug"),
    ("platforms", "the platforms and their image sizes"),
    ("styles", "product-photography styles"),
    ("logo", "set your logo (send an image next), /logo off"),
    ("settings", "default platforms, timezone, format, files"),
    ("status", "your photo in progress"),
    ("cancel", "stop your photo in progress"),
    ("history", "your recent photos"),
    ("forget", "delete everything PostReady keeps about you"),
    ("help", "how to use PostReady"),
)

# Commands for the operator's admins, left out of the public menus.
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "jobs, failures, queue and disk (admins)"),
    ("block", "stop a user from using PostReady: /block <user id> (admins)"),
    ("unblock", "let a blocked user use PostReady again (admins)"),
)
NOT_ALLOWED = "PostReady is private here; ask whoever runs it for access"

HELP = """PostReady makes one photo ready to post everywhere: sized images, captions, hashtags and \
the best times to post.

Send a photo with a caption:
/optimize instagram pinterest cozy morning coffee
— the platforms first (or "all"), then what the photo shows in your words.

Or reply /optimize … to a photo, or send /optimize … and then the photo.
A photo without a caption is made ready for your default platforms (/settings).

/platforms — sizes and limits · /styles — product photography
/logo — send your logo next · /logo off · /logo top-left
/settings timezone Europe/Berlin · /settings platforms instagram x · /settings files on
/status · /cancel · /history"""

# The form a chat with forms (Discord) shows for a button that asks for words (`Option.asks`):
# "Change description", the only such button.
FORM_TITLE = "Change description"
FORM_LABEL = "What the photo shows, in your words"
WAITING_FOR_PHOTO = "Now send the photo (within 5 minutes)."
WAITING_FOR_LOGO = "Send your logo as the next image (a PNG with transparency works best)."


def platforms_text() -> str:
    lines = ["Platforms (name — sizes, caption limit):"]
    for spec in PLATFORMS.values():
        sizes = ", ".join(f"{v.name} {v.width}×{v.height}" for v in spec.variants)
        lines.append(f"• {spec.display_name} ({spec.key}) — {sizes}; {spec.caption_limit} chars")
    return "\n".join(lines)


def styles_text() -> str:
    from postready.pipeline.photography import COLOURS, STYLES

    lines = ["Product-photography styles (for product shots):"]
    lines += [f"• {style.name}" for style in STYLES.values()]
    lines.append(f"Solid background colours: {', '.join(COLOURS)}")
    return "\n".join(lines)


def settings_text(settings: UserSettings) -> str:
    platforms = ", ".join(settings.default_platforms or DEFAULT_PLATFORMS)
    logo = f"on, {settings.logo_position}" if settings.logo_path else "none (/logo)"
    return "\n".join(
        [
            "Your settings:",
            f"• platforms: {platforms}",
            f"• timezone: {settings.timezone}",
            f"• language: {settings.language}",
            f"• format: {settings.output_format}",
            f"• files: {'on' if settings.send_as_files else 'off'} (images as documents)",
            f"• previews: {'on' if settings.send_previews else 'off'} (each post as its feed "
            "shows it)",
            f"• account: {settings.account_name or DEFAULT_ACCOUNT_NAME} (the name previews show)",
            f"• logo: {logo}",
            "Change one: /settings timezone Europe/Berlin",
        ]
    )


def history_text(jobs: list[Job]) -> str:
    """One line per job, with the number /status and /cancel take."""
    if not jobs:
        return "No photos yet. Send one with /optimize as its caption."
    lines = ["Your recent photos (use the number with /status or /cancel):"]
    for job in jobs:
        session = job.session
        detail = session.error.code if session.error else session.description[:40]
        lines.append(
            f"• #{job.id} · {session.created_at:%d %b %H:%M} · {session.status} · "
            f"{', '.join(session.platforms)}" + (f" · {detail}" if detail else "")
        )
    return "\n".join(lines)


def error_text(error: PostReadyError) -> str:
    """The error's one line as the chat shows it, pointing at the command that helps."""
    message = error.message
    if isinstance(error, QueueLimitExceeded) and error.kind == "in_flight":
        message = f"{message} or /cancel it"
    elif isinstance(error, JobNotFound) and error.job_id is None:
        message = f"{message}; /history lists past ones"
    return error_line(error.code, message)


def error_line(code: StrEnum, message: str) -> str:
    return f"⚠️ {message} ({code})"


def error_reply(line: str) -> Text:
    """An error's line for the person who caused it (privately, where the chat can)."""
    return Text.line(line, private=True)


def queued_line(position: int) -> str:
    """A waiting job's status line (0: a worker has it already)."""
    return f"⏳ Queued — position {position}" if position else "⏳ Starting…"
