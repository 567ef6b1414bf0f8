"""`postready apikey` as an operator runs it: a key is shown once, listed by name and prefix,
and refused once revoked."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, main
from postready.core.api_keys import authenticate, token_hash
from postready.core.storage import Storage


def test_create_list_and_revoke(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("POSTREADY_DATA_DIR", str(tmp_path / "data"))
    assert main(["apikey", "create", "shop"]) == EXIT_OK
    shown = capsys.readouterr().out
    token = re.search(r"key:\s+(pr_\S+)", shown)[1]  # type: ignore[index]
    prefix = re.search(r"prefix (\w+)", shown)[1]  # type: ignore[index]
    assert re.search(r"webhook secret:\s+whsec_\S+", shown)
    assert main(["apikey", "create", "shop"]) == EXIT_BAD_INPUT  # one active key a name

    async def stored() -> tuple[object, str]:
        async with await Storage.open(tmp_path / "data" / "postready.db") as store:
            key = await authenticate(store, token)
            rows = await store.api.keys()
        return key, rows[0].prefix

    key, kept_prefix = asyncio.run(stored())
    assert key is not None and kept_prefix == prefix
    database = (tmp_path / "data" / "postready.db").read_bytes()
    assert token.encode() not in database and token_hash(token).encode() in database

    assert main(["apikey", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "shop" in listed and prefix in listed and token not in listed

    assert main(["apikey", "revoke", "shop"]) == EXIT_OK
    assert asyncio.run(stored())[0] is None
    assert main(["apikey", "revoke", prefix]) == EXIT_BAD_INPUT


@pytest.mark.parametrize("token", ["", "Bearer", "pr_", "sk-something", "pr_00000000_guess"])
async def test_tokens_that_are_no_key(store: Storage, token: str) -> None:
    assert await authenticate(store, token) is None
