"""`postready jobs`: the recent jobs and their state, as a table."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from postready.cli.exit_codes import EXIT_OK
from postready.core.i18n import _, fill


def add_parser(commands: argparse._SubParsersAction) -> None:
    jobs = commands.add_parser("jobs", help=_("list recent jobs and their state"))
    jobs.set_defaults(run=run)
    jobs.add_argument(
        "--limit", type=int, default=20, help=_("how many jobs, the latest first (%(default)s)")
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from postready.chat.texts import STATUS_WORDS
    from postready.core.config.settings import load_settings
    from postready.core.storage import Storage

    database = load_settings().storage.database

    async def recent():
        async with await Storage.open(database) as storage:
            return await storage.jobs.recent(args.limit)

    table = Table(title=_("Recent jobs"), title_justify="left")
    columns = (
        _("Job"),
        _("State"),
        _("User"),
        _("Platforms"),
        _("Tries"),
        _("Queued at (UTC)"),
        _("AI cost"),
        _("Detail"),
    )
    for column in columns:
        table.add_column(column)
    for job in asyncio.run(recent()):
        session = job.session
        error = session.error
        table.add_row(
            f"#{job.id}",
            (_(STATUS_WORDS[job.status]) if job.status in STATUS_WORDS else job.status)
            + (_(" (cancel requested)") if job.cancel_requested else ""),
            str(session.user),
            ", ".join(session.platforms),
            f"{job.attempts}/{job.max_attempts}",
            session.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            _cost(session.results),
            f"{error.code}: {fill(*error.wording)}" if error else session.description,
        )
    Console().print(table)
    return EXIT_OK


def _cost(results: dict[str, Any] | None) -> str:
    """A finished job's estimated cost of paid calls ("-" when it has none recorded)."""
    cost = (results or {}).get("optimization_metadata", {}).get("cost")
    return f"${cost['usd']:.4f}" if cost else "-"
