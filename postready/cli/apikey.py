"""`postready apikey create NAME | list | revoke NAME`: the HTTP API's keys. A key's token
and webhook secret are shown once, when it is created; only the token's hash is kept."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from postready.cli.exit_codes import EXIT_OK
from postready.core.i18n import N_, _
from postready.pipeline.errors import ErrorCode, PostReadyError


def add_parser(commands: argparse._SubParsersAction) -> None:
    apikey = commands.add_parser("apikey", help=_("create, list and revoke HTTP API keys"))
    actions = apikey.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help=_("create a key and print it (shown only once)"))
    create.add_argument("name", help=_("what the key is for (a shop, an n8n flow)"))
    create.set_defaults(run=_create)
    listing = actions.add_parser("list", help=_("list the keys"))
    listing.set_defaults(run=_list)
    revoke = actions.add_parser("revoke", help=_("revoke a key: it is refused from now on"))
    revoke.add_argument("name", help=_("the key's name or prefix"))
    revoke.set_defaults(run=_revoke)


def _create(args: argparse.Namespace) -> int:
    from postready.core.api_keys import issue_key

    async def create() -> tuple[str, str, str]:
        async with await _storage() as storage:
            try:
                issued = await issue_key(storage, args.name)
            except ValueError as exc:
                raise PostReadyError(ErrorCode.INVALID_OPTION, str(exc)) from None
        return issued.token, issued.key.prefix, issued.key.webhook_secret

    token, prefix, secret = asyncio.run(create())
    print(
        _("API key '{name}' (prefix {prefix}); keep these, they are not shown again:").format(
            name=args.name, prefix=prefix
        )
    )
    # The labels padded to one width, whatever their language.
    labels = (_("key:"), _("webhook secret:"))
    width = max(len(label) for label in labels) + 1
    for label, value in zip(labels, (token, secret), strict=True):
        print(f"  {label:<{width}}{value}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    async def keys():
        async with await _storage() as storage:
            return await storage.api.keys()

    table = Table(title=_("API keys"), title_justify="left")
    for column in (_("Name"), _("Prefix"), _("User"), _("Created (UTC)"), _("Revoked (UTC)")):
        table.add_column(column)
    for key in asyncio.run(keys()):
        table.add_row(
            key.name,
            key.prefix,
            f"api:{key.prefix}",
            _when(key.created_at),
            _when(key.revoked_at) if key.revoked_at is not None else "-",
        )
    Console().print(table)
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    async def revoke():
        async with await _storage() as storage:
            return await storage.api.revoke(args.name)

    key = asyncio.run(revoke())
    if key is None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION, N_("no active API key '{name}'"), name=args.name
        )
    print(_("revoked API key '{name}' (prefix {prefix})").format(name=key.name, prefix=key.prefix))
    return EXIT_OK


async def _storage():
    from postready.core.config.settings import load_settings
    from postready.core.storage import Storage

    return await Storage.open(load_settings().storage.db_path)


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")
