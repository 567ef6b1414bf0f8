"""The fixed texts of the chat: help, the platform and style lists, settings, history lines."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from postready.chat.replies import Text
from postready.core.errors import JobNotFound, QueueLimitExceeded
from postready.core.i18n import LANGUAGES, N_, _, day_and_time, fill, ngettext
from postready.core.storage.models import Job, UserSettings
from postready.pipeline.errors import PostReadyError
from postready.pipeline.models import DEFAULT_ACCOUNT_NAME
from postready.pipeline.platforms import DEFAULT_PLATFORMS, PLATFORMS
from postready.pipeline.timing import zone

# The commands menu (Telegram's setMyCommands), in the order users meet them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("optimize", N_("photo caption: /optimize instagram pinterest cozy mug")),
    ("platforms", N_("the platforms and their image sizes")),
    ("styles", N_("product-photography styles")),
    ("logo", N_("set your logo (send an image next), /logo off")),
    ("settings", N_("default platforms, time zone, language, format, files")),
    ("brand", N_("your brand kit: tone, signature, brand hashtags, words to avoid")),
    ("status", N_("your photo in progress")),
    ("cancel", N_("stop your photo in progress")),
    ("history", N_("your recent photos")),
    ("forget", N_("delete everything PostReady keeps about you")),
    ("help", N_("how to use PostReady")),
)

# Commands for the operator's admins, left out of the public menus.
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", N_("jobs, failures, queue and disk (admins)")),
    ("block", N_("stop a user from using PostReady: /block <user id> (admins)")),
    ("unblock", N_("let a blocked user use PostReady again (admins)")),
)

# A job's status, as the chat says it.
STATUS_WORDS = {
    "pending": N_("pending"),
    "queued": N_("queued"),
    "running": N_("running"),
    "completed": N_("completed"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
SOMETHING_WENT_WRONG = N_("something went wrong on our side")
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


def help_text() -> str:
    """/help and /start: how to use PostReady, then the brand kit's command."""
    return f"{_(HELP)}\n/brand — {_(dict(COMMANDS)['brand'])}"


# The form a chat with forms (Discord) shows for a button that asks for words (`Option.asks`):
# "Change description", the only such button.
FORM_TITLE = N_("Change description")
FORM_LABEL = N_("What the photo shows, in your words")
WAITING_FOR_PHOTO = N_("Now send the photo (within 5 minutes).")
# The hashtags setting's choices (`wording.HASHTAG_LANGUAGES`), as /settings shows them.
HASHTAG_CHOICES = {
    "mine": N_("in your language"),
    "english": N_("in English"),
    "both": N_("both"),
}
WAITING_FOR_LOGO = N_("Send your logo as the next image (a PNG with transparency works best).")


# What the chats call the platforms' image variants; a variant not here shows its name.
VARIANT_WORDS = {
    "cover": N_("cover"),
    "feed_portrait": N_("feed portrait"),
    "grid_portrait": N_("grid portrait"),
    "landscape": N_("landscape"),
    "photo": N_("photo"),
    "pin": N_("pin"),
    "portrait": N_("portrait"),
    "post": N_("post"),
    "square": N_("square"),
    "story": N_("story"),
    "thumbnail": N_("thumbnail"),
}


# The logo's positions as the chats show them; in English the words `/logo` takes.
POSITION_WORDS = {
    "top-left": N_("top-left"),
    "top-right": N_("top-right"),
    "bottom-left": N_("bottom-left"),
    "bottom-right": N_("bottom-right"),
    "centre": N_("centre"),
}


def shown_position(position: str) -> str:
    """A logo position in the user's language: "bottom-right", "abajo a la derecha"."""
    return _(POSITION_WORDS.get(position, position))


def variant_word(name: str) -> str:
    """An image variant as the chat names it, in the user's language: "portrait"."""
    return _(VARIANT_WORDS[name]) if name in VARIANT_WORDS else name.replace("_", " ")


def command_menu(commands: tuple[tuple[str, str], ...] = COMMANDS) -> list[tuple[str, str]]:
    """The commands and what each does, in the current language (Telegram's commands menu)."""
    return [(name, _(about)) for name, about in commands]


def platforms_text() -> str:
    lines = [_("Platforms (name — sizes, caption limit):")]
    for spec in PLATFORMS.values():
        sizes = ", ".join(f"{variant_word(v.name)} {v.width}×{v.height}" for v in spec.variants)
        limit = ngettext("{count} char", "{count} chars", spec.caption_limit)
        lines.append(
            f"• {spec.display_name} ({spec.key}) — {sizes}; "
            + limit.format(count=spec.caption_limit)
        )
    return "\n".join(lines)


def styles_text() -> str:
    from postready.pipeline.photography import COLOURS, STYLES

    lines = [_("Product-photography styles (for product shots):")]
    lines += [f"• {_(style.name)}" for style in STYLES.values()]
    colours = ", ".join(_(colour) for colour in COLOURS)
    lines.append(_("Solid background colours: {colours}").format(colours=colours))
    return "\n".join(lines)


def settings_text(settings: UserSettings) -> str:
    platforms = ", ".join(settings.default_platforms or DEFAULT_PLATFORMS)
    logo = (
        _("on, {position}").format(position=shown_position(settings.logo_position))
        if settings.logo_path
        else _("none (/logo)")
    )
    files = _("on") if settings.send_as_files else _("off")
    previews = _("on") if settings.send_previews else _("off")
    albums = _("one carousel post") if settings.album_carousel else _("a post per photo")
    language = LANGUAGES.get(settings.language, settings.language)
    account = settings.account_name or DEFAULT_ACCOUNT_NAME
    return "\n".join(
        [
            _("Your settings:"),
            _("• platforms: {platforms}").format(platforms=platforms),
            _("• timezone: {timezone}").format(timezone=settings.timezone),
            _("• language: {language}").format(language=language),
            _("• hashtags: {hashtags} (for posts not in English)").format(
                hashtags=_(HASHTAG_CHOICES[settings.hashtag_language])
            ),
            _("• format: {format}").format(format=settings.output_format),
            _("• albums: {albums}").format(albums=albums),
            _("• files: {files} (images as documents)").format(files=files),
            _("• previews: {previews} (each post as its feed shows it)").format(previews=previews),
            _("• account: {account} (the name previews show)").format(account=account),
            _("• logo: {logo}").format(logo=logo),
            _("Change one: /settings timezone Europe/Berlin"),
        ]
    )


def history_text(jobs: list[Job], timezone: str) -> str:
    """One line per job, with the number /status and /cancel take; times in `timezone`."""
    if not jobs:
        return _("No photos yet. Send one with /optimize as its caption.")
    lines = [_("Your recent photos (use the number with /status or /cancel):")]
    for job in jobs:
        session = job.session
        detail = session.error.code if session.error else session.description[:40]
        sent = day_and_time(session.created_at.astimezone(zone(timezone)))
        lines.append(
            f"• #{job.id} · {sent} · {_(STATUS_WORDS[session.status])} · "
            f"{', '.join(session.platforms)}" + (f" · {detail}" if detail else "")
        )
    return "\n".join(lines)


def error_text(error: PostReadyError) -> str:
    """The error's one line as the chat shows it, pointing at the command that helps."""
    message = fill(error.template, error.fields)
    if isinstance(error, QueueLimitExceeded) and error.kind == "in_flight":
        message = _("{message} or /cancel it").format(message=message)
    elif isinstance(error, JobNotFound) and error.job_id is None:
        message = _("{message}; /history lists past ones").format(message=message)
    return f"⚠️ {message} ({error.code})"


def item_error_line(number: int, total: int, error: PostReadyError) -> str:
    """One photo of several refused, named by its place: "⚠️ photo 2 of 3: … (CORRUPT_IMAGE)"."""
    item = _("photo {number} of {total}").format(number=number, total=total)
    return f"⚠️ {item}: {fill(error.template, error.fields)} ({error.code})"


def error_line(code: StrEnum, message: str, fields: Mapping[str, object] | None = None) -> str:
    """`message` (marked with `N_`, its `{fields}` filled from `fields`) in the user's
    language where the catalogs have it."""
    return f"⚠️ {fill(message, fields or {})} ({code})"


def error_reply(line: str) -> Text:
    """An error's line for the person who caused it (privately, where the chat can)."""
    return Text.line(line, private=True)


def queued_line(position: int) -> str:
    """A waiting job's status line (0: a worker has it already)."""
    if not position:
        return _("⏳ Starting…")
    return _("⏳ Queued — position {position}").format(position=position)
