"""`postready cleanup`: remove what PostReady keeps no longer (as a running bot does hourly)."""

from __future__ import annotations

import argparse
import asyncio

from postready.cli.exit_codes import EXIT_OK
from postready.core.i18n import _, ngettext

MB = 1_000_000


def add_parser(commands: argparse._SubParsersAction) -> None:
    cleanup = commands.add_parser(
        "cleanup",
        help=_(
            "remove finished jobs' files after POSTREADY_KEEP_DAYS and their rows after "
            "POSTREADY_KEEP_HISTORY_DAYS"
        ),
    )
    cleanup.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.core.retention import sweep
    from postready.core.storage import Storage
    from postready.core.storage.private import make_private

    settings = load_settings().storage
    make_private(settings.data_dir)

    async def clean():
        async with await Storage.open(settings.database) as storage:
            return await sweep(storage, settings)

    swept = asyncio.run(clean())
    removed = ngettext(
        "removed the files of {count} job ({size} MB)",
        "removed the files of {count} jobs ({size} MB)",
        swept.sessions,
    ).format(count=swept.sessions, size=f"{swept.freed / MB:.1f}")
    forgot = ngettext("forgot {count} old job", "forgot {count} old jobs", swept.pruned).format(
        count=swept.pruned
    )
    print(f"{removed}; {forgot}")
    return EXIT_OK
