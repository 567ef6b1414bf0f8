"""`postready brand show | set FILE.toml | reset`: a brand kit from a TOML file, or the one kept
for a user (the local user of `postready enqueue` by default; `--user telegram:1234`, or
`api:<key prefix>` for an HTTP API key), shown with a post written with it. `load_kit` reads
the file `postready optimize --brand` takes."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from postready.cli.exit_codes import EXIT_OK
from postready.core.i18n import N_, _
from postready.pipeline.errors import ErrorCode, PostReadyError

if TYPE_CHECKING:
    from postready.core.identity import UserRef
    from postready.pipeline.brand import BrandKit

_PLATFORMS = ("telegram", "discord", "cli", "api")


def add_parser(commands: argparse._SubParsersAction) -> None:
    brand = commands.add_parser(
        "brand", help=_("show, set or reset a brand kit (tone, signature, brand hashtags, ...)")
    )
    actions = brand.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help=_("a kit and a post written with it"))
    show.add_argument("file", type=Path, nargs="?", metavar="FILE.toml", help=_("a kit file"))
    set_kit = actions.add_parser("set", help=_("keep a kit file's kit for a user"))
    set_kit.add_argument("file", type=Path, metavar="FILE.toml", help=_("a kit file"))
    reset = actions.add_parser("reset", help=_("remove a user's kit"))
    for action, run in ((show, _show), (set_kit, _set), (reset, _reset)):
        action.add_argument(
            "--user",
            metavar="PLATFORM:ID",
            help=_(
                "whose kit: telegram:1234, discord:…, api:<key prefix> (default: you, as "
                "`postready enqueue` sends)"
            ),
        )
        action.set_defaults(run=run)


def load_kit(path: Path) -> BrandKit:
    """The kit of a TOML file; INVALID_OPTION saying what is wrong with it."""
    import tomllib  # only runs with a kit file pay for it

    from postready.pipeline.brand import BrandKit, BrandKitError
    from postready.pipeline.marking import Marked

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("brand kit {path}: {problem}"),
            path=path,
            problem=exc.strerror or exc,
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("brand kit {path}: not TOML ({problem})"),
            path=path,
            problem=exc,
        ) from None
    try:
        return BrandKit.from_json(data)
    except BrandKitError as exc:
        problem = Marked(exc.template, exc.fields)  # in the output's language too
        raise PostReadyError(
            ErrorCode.INVALID_OPTION, N_("brand kit {path}: {problem}"), path=path, problem=problem
        ) from None


def _show(args: argparse.Namespace) -> int:
    if args.file is not None and args.user is not None:
        raise PostReadyError(ErrorCode.INVALID_OPTION, N_("show a kit file or a user's, not both"))
    kit = load_kit(args.file) if args.file is not None else asyncio.run(_stored(args.user))
    _print_kit(kit)
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    kit = load_kit(args.file)

    async def save() -> None:
        async with await _storage() as storage:
            user = await storage.users.get_or_create(_user(args.user))
            await storage.brands.save(user.id, kit)

    asyncio.run(save())
    print(_("brand kit of {user} set from {file}").format(user=_user(args.user), file=args.file))
    _print_kit(kit)
    return EXIT_OK


def _reset(args: argparse.Namespace) -> int:
    async def reset() -> None:
        async with await _storage() as storage:
            user = await storage.users.get_or_create(_user(args.user))
            await storage.brands.reset(user.id)

    asyncio.run(reset())
    print(_("brand kit of {user} removed").format(user=_user(args.user)))
    return EXIT_OK


async def _stored(who: str | None) -> BrandKit:
    async with await _storage() as storage:
        user = await storage.users.get_or_create(_user(who))
        return await storage.brands.get(user.id)


def _print_kit(kit: BrandKit) -> None:
    from postready.chat.brand import kit_text, preview_text
    from postready.pipeline.brand_preview import preview_post

    print(kit_text(kit))
    print()
    print(preview_text(asyncio.run(preview_post(kit))))


def _user(who: str | None) -> UserRef:
    from postready.cli.terminal import local_user
    from postready.core.identity import HEADLESS_PLATFORM, UserRef

    if who is None:
        return UserRef(HEADLESS_PLATFORM, local_user())
    platform, _sep, user_id = who.partition(":")
    if platform not in _PLATFORMS or not user_id:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("--user takes PLATFORM:ID ({platforms}), e.g. telegram:1234"),
            platforms=", ".join(_PLATFORMS),
        )
    return UserRef(platform, user_id)


async def _storage():
    from postready.core.config.settings import load_settings
    from postready.core.storage import Storage

    return await Storage.open(load_settings().storage.database)
