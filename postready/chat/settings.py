"""`/settings` as buttons: default platforms, time zone, language, logo position, albums as
one carousel post or a post each, files and previews on/off, hashtags (in the user's
language, English or both, in turn). The button data names the owner
(`set:<user>:<op>`), so only they change their settings with it."""

from __future__ import annotations

import dataclasses

from postready.chat.replies import Choice, Menu, Option
from postready.chat.texts import HASHTAG_CHOICES, settings_text, shown_position
from postready.core.i18n import LANGUAGES, _
from postready.core.storage.models import User, UserSettings
from postready.pipeline.logo import LOGO_POSITIONS
from postready.pipeline.platforms import DEFAULT_PLATFORMS, PLATFORMS
from postready.pipeline.wording import HASHTAG_LANGUAGES

PREFIX = "set"
# The zones most audiences live in; any other IANA zone: `/settings timezone Area/City`.
TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def settings_menu(user: User) -> Choice:
    settings = user.settings

    def key(op: str) -> str:
        return f"{PREFIX}:{user.ref.platform_user_id}:{op}"

    def option(op: str, label: str, selected: bool) -> Option:
        return Option(key(op), label, selected)

    chosen = settings.default_platforms or DEFAULT_PLATFORMS
    platforms = [
        option(f"p:{key}", spec.display_name, key in chosen) for key, spec in PLATFORMS.items()
    ]
    zones = TIMEZONES if settings.timezone in TIMEZONES else (*TIMEZONES, settings.timezone)
    timezones = [
        option(f"t:{zone}", zone.rpartition("/")[2].replace("_", " "), zone == settings.timezone)
        for zone in zones
    ]
    languages = [
        option(f"g:{code}", name, code == settings.language) for code, name in LANGUAGES.items()
    ]
    positions = [
        option(f"l:{position}", shown_position(position), position == settings.logo_position)
        for position in LOGO_POSITIONS
    ]
    menus = (
        Menu(key("p"), _("Default platforms"), tuple(platforms), multiple=True),
        Menu(key("t"), _("Time zone"), tuple(timezones)),
        Menu(key("g"), _("Language"), tuple(languages)),
        Menu(key("l"), _("Logo position"), tuple(positions)),
    )
    # Discord shows at most five rows: the albums' choice is a button (off: a post per photo).
    albums = option("a", _("Albums as one carousel post"), settings.album_carousel)
    files = option("f", _("Send images as files"), settings.send_as_files)
    previews = option("v", _("Send feed previews"), settings.send_previews)
    # A button that goes round the choices (a chat message has room for four menus).
    choice = _(HASHTAG_CHOICES[settings.hashtag_language])
    hashtags = option("h", _("Hashtags: {choice}").format(choice=choice), False)
    prompt = settings_text(settings) + (
        "\n"
        + _(
            "Pick your default platforms, time zone (others: /settings timezone Area/City), "
            "language, logo position, whether images come as files, and whether feed "
            "previews come."
        )
    )
    return Choice(prompt, ((albums, files), (previews, hashtags)), menus)


def owner(key: str) -> str:
    """The platform user id a settings button belongs to ("" for malformed data)."""
    parts = key.split(":", 2)
    return parts[1] if len(parts) == 3 else ""


def apply(settings: UserSettings, key: str, picked: tuple[str, ...] | None = None) -> UserSettings:
    """The settings after pressing the button `key`, or after picking `picked` (option keys)
    in the menu `key`; unchanged for a button or an option it does not know."""
    kind, _sep, value = key.split(":", 2)[2].partition(":")
    ops = [p.split(":", 2)[2].partition(":") for p in picked or () if p.count(":") >= 3]
    values = [v for k, _sep, v in ops if k == kind]
    if kind == "p" and picked is not None:
        return _platforms(settings, {v for v in values if v in PLATFORMS})
    if picked is not None:
        value = values[0] if len(values) == 1 else ""
    if kind == "p" and value in PLATFORMS:
        return _platforms(settings, set(settings.default_platforms or DEFAULT_PLATFORMS) ^ {value})
    if kind == "t" and (value in TIMEZONES or value == settings.timezone):
        return dataclasses.replace(settings, timezone=value)
    if kind == "g" and value in LANGUAGES:
        return dataclasses.replace(settings, language=value)
    if kind == "h":
        after = HASHTAG_LANGUAGES.index(settings.hashtag_language) + 1
        mix = HASHTAG_LANGUAGES[after % len(HASHTAG_LANGUAGES)]
        return dataclasses.replace(settings, hashtag_language=mix)
    if kind == "l" and value in LOGO_POSITIONS:
        return dataclasses.replace(settings, logo_position=value)
    if kind == "a":
        return dataclasses.replace(settings, album_carousel=not settings.album_carousel)
    if kind == "f":
        return dataclasses.replace(settings, send_as_files=not settings.send_as_files)
    if kind == "v":
        return dataclasses.replace(settings, send_previews=not settings.send_previews)
    return settings


def _platforms(settings: UserSettings, chosen: set[str]) -> UserSettings:
    # None left, or just the default set: the default (which follows DEFAULT_PLATFORMS).
    platforms = (
        ()
        if chosen in (set(), set(DEFAULT_PLATFORMS))
        else tuple(k for k in PLATFORMS if k in chosen)
    )
    return dataclasses.replace(settings, default_platforms=platforms)
