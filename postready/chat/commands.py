"""The chat command grammar, one parser for Telegram and Discord.

`parse_command` turns a message into a command, a `CommandError` (code and one-line message),
or None when the message is not a command for this bot. It never raises for user input.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postready.chat.brand import FIELDS, USAGE
from postready.core.errors import AnyErrorCode, AppErrorCode, error_code
from postready.core.i18n import LANGUAGES, N_, language_named
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.logo import LogoPosition, parse_logo_position
from postready.pipeline.marking import Marked
from postready.pipeline.platforms import (
    ALL_PLATFORMS_WORD,
    OUTPUT_FORMATS,
    PLATFORMS,
    platform_names,
    resolve_platform,
    resolve_platforms,
    unsupported_network_error,
)
from postready.pipeline.wording import HASHTAG_LANGUAGES

MAX_DESCRIPTION = 1000
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z_]+)(?:@(?P<bot>[A-Za-z0-9_]+))?(?=\s|$)")
_WORD = re.compile(r"[^\s,]+")
_JOB_ID = re.compile(r"^#?(\d{1,12})$")
# Typo suggestions only against full names: short aliases ("ig", "x") would match everyday words.
_TYPO_TARGETS = [name for name in platform_names() if len(name) >= 6]
_TYPO_CUTOFF = 0.8
_SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
MAX_ACCOUNT_NAME = 40
_DEFAULT_ACCOUNT_WORDS = ("off", "none", "default")
# `/settings albums …`: several photos sent together make one carousel post, or a post each.
_ALBUMS = {"carousel": True, "one": True, "separate": False, "each": False}


@dataclass(frozen=True, slots=True)
class CommandError:
    """A command refused: its code and English line (`message`), and the marked text and fields
    it was made from (`template`, `fields`), which the chat shows in the user's language."""

    code: AnyErrorCode
    message: str
    template: str = field(default="", compare=False)
    fields: Mapping[str, object] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, error: PostReadyError) -> CommandError:
        return cls(error_code(error.code), error.message, error.template, error.fields)


@dataclass(frozen=True, slots=True)
class Start:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class ListPlatforms:
    pass


@dataclass(frozen=True, slots=True)
class ListStyles:
    pass


@dataclass(frozen=True, slots=True)
class Optimize:
    platforms: tuple[str, ...] | None  # platform keys; None: the user's defaults
    description: str = ""


@dataclass(frozen=True, slots=True)
class Logo:
    """`/logo`: the next image is the logo; `/logo off` removes it; `/logo top-left` moves it."""

    action: Literal["next_image", "off", "position"]
    position: LogoPosition | None = None


@dataclass(frozen=True, slots=True)
class ShowSettings:
    pass


@dataclass(frozen=True, slots=True)
class ChangeSetting:
    """One user setting to change; `field` names a field of `store.UserSettings`."""

    field: Literal[
        "default_platforms",
        "timezone",
        "language",
        "hashtag_language",
        "output_format",
        "send_as_files",
        "send_previews",
        "album_carousel",
        "account_name",
    ]
    value: tuple[str, ...] | str | bool | None


@dataclass(frozen=True, slots=True)
class History:
    limit: int = 10


@dataclass(frozen=True, slots=True)
class Status:
    job_id: int | None = None  # None: the newest job in progress


@dataclass(frozen=True, slots=True)
class Cancel:
    job_id: int | None = None  # None: the newest job in progress


@dataclass(frozen=True, slots=True)
class Block:
    """`/block <user id>` (admins): stop a user of this chat platform from using PostReady;
    `/unblock <user id>` lets them again."""

    user_id: str
    blocked: bool = True


@dataclass(frozen=True, slots=True)
class Stats:
    """`/stats` (admins): the bot's numbers."""


@dataclass(frozen=True, slots=True)
class Brand:
    """`/brand`: the brand kit's menu; `/brand reset`; `/brand <field> <words>` sets one."""

    action: Literal["show", "reset", "set"] = "show"
    field: str = ""
    words: str = ""


@dataclass(frozen=True, slots=True)
class Forget:
    """`/forget`: delete everything kept about the user (after a confirm button)."""


Command = (
    Start
    | Help
    | ListPlatforms
    | ListStyles
    | Optimize
    | Logo
    | ShowSettings
    | ChangeSetting
    | History
    | Status
    | Cancel
    | Block
    | Forget
    | Stats
    | Brand
)


def parse_command(text: str, bot_username: str | None = None) -> Command | CommandError | None:
    """Parse a chat message. `/cmd@otherbot` (another bot's command in a group) and anything
    that is not a command give None."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    if match["bot"] and bot_username and match["bot"].lower() != bot_username.lower():
        return None
    name = match["name"].lower()
    args = text.strip()[match.end() :].strip()
    try:
        return _parse(name, args)
    except PostReadyError as exc:
        return CommandError.of(exc)


def _parse(name: str, args: str) -> Command:
    words = args.split()
    simple: dict[str, Command] = {
        "start": Start(),
        "help": Help(),
        "platforms": ListPlatforms(),
        "styles": ListStyles(),
        "history": History(),
        "forget": Forget(),
        "stats": Stats(),
    }
    if name in simple:
        return simple[name]
    if name == "optimize":
        return _optimize(args)
    if name == "logo":
        return _logo(args)
    if name == "settings":
        return _settings(words)
    if name == "brand":
        return _brand(args)
    if name in ("status", "cancel"):
        job_id = _job_id(words, name)
        return Status(job_id) if name == "status" else Cancel(job_id)
    if name in ("block", "unblock"):
        if len(words) != 1:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION, N_("say whom: /{command} <user id>"), command=name
            )
        return Block(words[0].removeprefix("@"), blocked=name == "block")
    raise PostReadyError(
        AppErrorCode.UNKNOWN_COMMAND, N_("unknown command /{command}; try /help"), command=name
    )


def optimize_options(platforms: str, description: str) -> Optimize | CommandError:
    """`/optimize` from separate options (Discord's slash command): every word of `platforms`
    must name a platform (or `all`); `description` is taken as written."""
    try:
        chosen, rest = _leading_platforms(platforms)
        if rest:
            raise PostReadyError(
                ErrorCode.UNKNOWN_PLATFORM,
                N_("unknown platform '{name}'; see /platforms for the list"),
                name=rest.split()[0],
            )
        return _optimize_command(chosen, description.strip())
    except PostReadyError as exc:
        return CommandError.of(exc)


def _optimize(args: str) -> Optimize:
    """Leading words that name platforms (or `all`) are the platforms; the rest, as typed, is
    the description."""
    return _optimize_command(*_leading_platforms(args))


def _leading_platforms(args: str) -> tuple[tuple[str, ...] | None, str]:
    """The platform keys the leading words name (None: no platform named) and the rest of
    `args` as typed. A first leftover word that looks like a misspelt platform is an error."""
    chosen: dict[str, None] = {}
    everything = False
    rest = ""
    for match in _WORD.finditer(args):
        word = match[0]
        spec = resolve_platform(word)
        if spec is not None:
            chosen[spec.key] = None
        elif word.lower() == ALL_PLATFORMS_WORD:
            everything = True
        elif (unsupported := unsupported_network_error(word)) is not None:
            raise unsupported
        else:
            typo = difflib.get_close_matches(word.lower(), _TYPO_TARGETS, 1, _TYPO_CUTOFF)
            if typo:
                # A name from the platform table always resolves.
                key = resolve_platform(typo[0]).key  # type: ignore[union-attr]
                raise PostReadyError(
                    ErrorCode.UNKNOWN_PLATFORM,
                    N_("unknown platform '{name}' — did you mean '{key}'?"),
                    name=word,
                    key=key,
                )
            rest = args[match.start() :].strip()
            break
    return (tuple(PLATFORMS) if everything else tuple(chosen) or None), rest


def _optimize_command(platforms: tuple[str, ...] | None, description: str) -> Optimize:
    if len(description) > MAX_DESCRIPTION:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("the description is {length} characters; keep it under {limit}"),
            length=len(description),
            limit=MAX_DESCRIPTION,
        )
    return Optimize(platforms, description)


def _logo(args: str) -> Logo:
    if not args:
        return Logo("next_image")
    if args.lower() in ("off", "remove", "none"):
        return Logo("off")
    return Logo("position", parse_logo_position(args))


def _settings(words: list[str]) -> ShowSettings | ChangeSetting:
    if not words:
        return ShowSettings()
    name, values = words[0].lower(), words[1:]
    if name in ("platforms", "default", "defaults"):
        if not values:
            raise _usage(N_("/settings platforms instagram pinterest (or all)"))
        if any(v.lower() == ALL_PLATFORMS_WORD for v in values):
            return ChangeSetting("default_platforms", tuple(PLATFORMS))
        return ChangeSetting(
            "default_platforms", tuple(spec.key for spec in resolve_platforms(values))
        )
    value = " ".join(values)
    if name in ("timezone", "tz"):
        return ChangeSetting("timezone", _timezone(value))
    if name in ("language", "lang") and (language := language_named(value)) is not None:
        return ChangeSetting("language", language)
    if name in ("hashtags", "tags") and value.lower() in HASHTAG_LANGUAGES:
        return ChangeSetting("hashtag_language", value.lower())
    if name == "format" and value.lower() in OUTPUT_FORMATS:
        return ChangeSetting("output_format", value.lower())
    if name == "files" and value.lower() in _SWITCH:
        return ChangeSetting("send_as_files", _SWITCH[value.lower()])
    if name == "previews" and value.lower() in _SWITCH:
        return ChangeSetting("send_previews", _SWITCH[value.lower()])
    if name in ("albums", "album") and value.lower() in _ALBUMS:
        return ChangeSetting("album_carousel", _ALBUMS[value.lower()])
    if name == "account" and 0 < len(value) <= MAX_ACCOUNT_NAME:
        default = value.lower() in _DEFAULT_ACCOUNT_WORDS
        return ChangeSetting("account_name", None if default else value)
    usages = {
        "language": f"/settings language {'|'.join(LANGUAGES)}",
        "lang": f"/settings language {'|'.join(LANGUAGES)}",
        "hashtags": f"/settings hashtags {'|'.join(HASHTAG_LANGUAGES)}",
        "tags": f"/settings hashtags {'|'.join(HASHTAG_LANGUAGES)}",
        "format": f"/settings format {'|'.join(OUTPUT_FORMATS)}",
        "files": "/settings files on|off",
        "previews": "/settings previews on|off",
        "albums": "/settings albums carousel|separate",
        "album": "/settings albums carousel|separate",
    }
    if name in usages:
        raise _usage(usages[name])
    if name == "account":
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("usage: /settings account @yourname (at most {count} characters, or off)"),
            count=MAX_ACCOUNT_NAME,
        )
    raise PostReadyError(
        ErrorCode.INVALID_OPTION,
        N_(
            "unknown setting '{name}'; use platforms, timezone, language, hashtags, format, "
            "albums, files, previews or account"
        ),
        name=words[0],
    )


def _brand(args: str) -> Brand:
    field, _sep, words = args.partition(" ")
    if not field:
        return Brand()
    if field.lower() == "reset" and not words.strip():
        return Brand("reset")
    if field.lower() in FIELDS and words.strip():
        return Brand("set", field.lower(), words.strip())
    raise _usage(USAGE, fields="|".join(FIELDS))


def _timezone(name: str) -> str:
    if not name:
        raise _usage("/settings timezone Europe/Berlin")
    try:
        return str(ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("unknown timezone '{name}'; use a name like Europe/Berlin or America/New_York"),
            name=name,
        ) from None


def _job_id(words: list[str], command: str) -> int | None:
    if not words:
        return None
    match = _JOB_ID.match(words[0]) if len(words) == 1 else None
    if match is None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("usage: /{command} or /{command} 12 (a job number)"),
            command=command,
        )
    return int(match[1])


def _usage(example: str, **fields: object) -> PostReadyError:
    """`example`: the command as typed, or a marked text (shown translated, `fields` filled
    in)."""
    return PostReadyError(
        ErrorCode.INVALID_OPTION, N_("usage: {example}"), example=Marked(example, fields)
    )
