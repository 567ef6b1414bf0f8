"""Discord's interaction tokens, kept in the shared database."""

from __future__ import annotations

from pathlib import Path

import pytest

from postready.adapters.discord.interaction_tokens import InteractionToken, InteractionTokens
from tests.conftest import rows_of


@pytest.fixture
def database(either_database: Path | str) -> Path | str:
    """The tokens' SQL is the adapter's own, one file per engine."""
    return either_database


async def test_an_interaction_token_answers_until_it_expires(store, clock) -> None:
    tokens = InteractionTokens(store.database)
    start = clock()
    await tokens.save("88:1", InteractionToken("old", 10, start + 900))
    await tokens.save("88:1", InteractionToken("t1", 25, start + 900))
    await tokens.save("88:2", InteractionToken("t2", 25, start + 60))
    assert await tokens.get("88:1") == InteractionToken("t1", 25, start + 900)
    assert await tokens.get("88:3") is None
    clock.advance(61)
    assert await tokens.get("88:2") is None  # expired
    await tokens.save("88:4", InteractionToken("t4", 25, start + 900))
    rows = await rows_of(store, "SELECT chat_id FROM interaction_tokens")
    assert sorted(r[0] for r in rows) == ["88:1", "88:4"]  # the expired one was dropped
