"""`postready db upgrade`: bring the database's schema up to date (every start does too)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from urllib.parse import urlsplit

from postready.cli.exit_codes import EXIT_OK
from postready.core.i18n import _


def add_parser(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help=_("the database: upgrade its schema"))
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser(
        "upgrade",
        help=_(
            "apply the migrations the database lacks (POSTREADY_DATABASE_URL, or the SQLite "
            "file); safe while other processes start"
        ),
    )
    upgrade.set_defaults(run=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.core.storage import upgrade_schema

    database = load_settings().storage.database
    version = asyncio.run(upgrade_schema(database))
    print(
        _("{database}: schema {version}, up to date").format(
            database=describe(database), version=version
        )
    )
    return EXIT_OK


def describe(database: Path | str) -> str:
    """The database in words, without the URL's password."""
    if isinstance(database, Path):
        return f"SQLite {database}"
    url = urlsplit(database)
    return f"PostgreSQL {url.hostname or 'localhost'}:{url.port or 5432}{url.path}"
