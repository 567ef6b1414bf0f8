"""The fixed texts of the chat: help, the platform and style lists, settings, history lines."""

from __future__ import annotations

from enum import StrEnum

from postready.chat.replies import Text
from postready.core.errors import JobNotFound, QueueLimitExceeded
from postready.core.i18n import LANGUAGES, N_, _, ngettext
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
    ("brand", "your brand kit: tone, signature, brand hashtags, words to avoid"),
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
NOT_ALLOWED = N_("PostReady is private here; ask whoever runs it for access")

HELP = N_(
    """PostReady makes one photo ready to post everywhere: sized images, captions, hashtags and \
the best times to post.

Send a photo with a caption:
/optimize instagram pinterest cozy morning coffee
— the platforms first (or "all"), then what the photo shows in your words.

Or reply /optimize … to a photo, or send /optimize … and then the photo.
A photo without a caption is made ready for your default platforms (/settings).

/platforms — sizes and limits · /styles — product photography
/logo — send your logo next · /logo off · /logo top-left
/settings timezone Europe/Berlin · /settings platforms instagram x · /settings files on
/status · /cancel · /history · /settings language es"""
)

# The form a chat with forms (Discord) shows for a button that asks for words (`Option.asks`):
# "Change description", the only such button.
FORM_TITLE = N_("Change description")
FORM_LABEL = N_("What the photo shows, in your words")
WAITING_FOR_PHOTO = N_("Now send the photo (within 5 minutes).")
WAITING_FOR_LOGO = N_("Send your logo as the next image (a PNG with transparency works best).")


def platforms_text() -> str:
    lines = [_("Platforms (name — sizes, caption limit):")]
    for spec in PLATFORMS.values():
        sizes = ", ".join(f"{v.name} {v.width}×{v.height}" for v in spec.variants)
        limit = ngettext("{count} char", "{count} chars", spec.caption_limit)
        lines.append(
            f"• {spec.display_name} ({spec.key}) — {sizes}; "
            + limit.format(count=spec.caption_limit)
        )
    return "\n".join(lines)


def styles_text() -> str:
    from postready.pipeline.photography import COLOURS, STYLES

    lines = [_("Product-photography styles (for product shots):")]
    lines += [f"• {style.name}" for style in STYLES.values()]
    lines.append(_("Solid background colours: {colours}").format(colours=", ".join(COLOURS)))
    return "\n".join(lines)


def settings_text(settings: UserSettings) -> str:
    platforms = ", ".join(settings.default_platforms or DEFAULT_PLATFORMS)
    logo = (
        _("on, {position}").format(position=settings.logo_position)
        if settings.logo_path
        else _("none (/logo)")
    )
    files = _("on") if settings.send_as_files else _("off")
    previews = _("on") if settings.send_previews else _("off")
    language = LANGUAGES.get(settings.language, settings.language)
    account = settings.account_name or DEFAULT_ACCOUNT_NAME
    return "\n".join(
        [
            _("Your settings:"),
            _("• platforms: {platforms}").format(platforms=platforms),
            _("• timezone: {timezone}").format(timezone=settings.timezone),
            _("• language: {language}").format(language=language),
            _("• format: {format}").format(format=settings.output_format),
            _("• files: {files} (images as documents)").format(files=files),
            _("• previews: {previews} (each post as its feed shows it)").format(previews=previews),
            _("• account: {account} (the name previews show)").format(account=account),
            _("• logo: {logo}").format(logo=logo),
            _("Change one: /settings timezone Europe/Berlin"),
        ]
    )


def history_text(jobs: list[Job]) -> str:
    """One line per job, with the number /status and /cancel take."""
    if not jobs:
        return _("No photos yet. Send one with /optimize as its caption.")
    lines = [_("Your recent photos (use the number with /status or /cancel):")]
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
        message = _("{message} or /cancel it").format(message=message)
    elif isinstance(error, JobNotFound) and error.job_id is None:
        message = _("{message}; /history lists past ones").format(message=message)
    return error_line(error.code, message)


def error_line(code: StrEnum, message: str) -> str:
    """`message` in the user's language where the catalogs have it (marked with `N_`)."""
    return f"⚠️ {_(message)} ({code})"


def error_reply(line: str) -> Text:
    """An error's line for the person who caused it (privately, where the chat can)."""
    return Text.line(line, private=True)


def queued_line(position: int) -> str:
    """A waiting job's status line (0: a worker has it already)."""
    if not position:
        return _("⏳ Starting…")
    return _("⏳ Queued — position {position}").format(position=position)
