"""`postready bot`: the chat bots and the worker pool in one process until stopped."""

from __future__ import annotations

import argparse

from postready.cli.worker import serve_jobs
from postready.core.i18n import N_, _
from postready.pipeline.errors import ErrorCode, PostReadyError


def add_parser(commands: argparse._SubParsersAction) -> None:
    bot = commands.add_parser(
        "bot", help=_("run the chat bots and the worker pool until stopped (SIGTERM or Ctrl-C)")
    )
    bot.set_defaults(run=run)
    bot.add_argument(
        "chats",
        nargs="*",
        metavar="CHAT",
        help=_(
            "telegram, discord, api (default: every chat with a token, and the HTTP API "
            "when POSTREADY_HTTP_PORT is set)"
        ),
    )
    bot.add_argument(
        "--no-worker",
        action="store_true",
        help=_(
            "run no worker in this process: `postready worker` processes run the jobs "
            "(needs PostgreSQL: POSTREADY_DATABASE_URL)"
        ),
    )
    bot.add_argument(
        "--sync",
        action="store_true",
        help=_("register Discord's slash commands even when they look unchanged"),
    )


def run(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.serve import CHAT_FRONTENDS, chat_frontends

    unknown = [name for name in args.chats if name not in CHAT_FRONTENDS]
    if unknown:
        known = ", ".join(CHAT_FRONTENDS)
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("unknown chat '{chat}'; available: {known}"),
            chat=unknown[0],
            known=known,
        )
    settings = load_settings()
    if args.sync:
        settings = settings.replace(discord={"sync_commands": True})
    if args.no_worker and not isinstance(settings.storage.database, str):
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_(
                "--no-worker needs PostgreSQL (POSTREADY_DATABASE_URL): with SQLite the bot's "
                "own workers run its chats' jobs"
            ),
        )
    frontends = chat_frontends(args.chats, settings)
    return serve_jobs(settings, frontends, workers=not args.no_worker)
