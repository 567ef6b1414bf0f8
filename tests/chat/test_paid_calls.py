"""Paid calls through the chat: the daily AI quota holds across a user's jobs (the rest is
written locally, and the reply says so), admins have none, and /stats counts the calls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from postready.core.access import AccessRules
from postready.core.queue import PoolOptions
from postready.core.storage import Storage
from postready.pipeline.content import ContentEngine
from postready.pipeline.providers.base import OpenAIConfig, ProviderSettings
from tests.chat.conftest import ALICE, BOB, Bot, photo
from tests.fakes.ai_servers import FakeServer, Reply, openai_completion
from tests.pipeline.providers.test_openai import answer

DONE = "✅ Done — 1 of 1 platform ready"


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeServer]:
    body = openai_completion(answer(platforms=("x",)))
    async with FakeServer("/v1/chat/completions", Reply(body=body)) as fake:
        yield fake


@pytest.fixture
def pool_options(store: Storage, openai_server: FakeServer) -> PoolOptions:
    config = OpenAIConfig("sk-test", "gpt-test", f"{openai_server.origin}/v1")
    return PoolOptions(content=ContentEngine(ProviderSettings(openai=config)), usage=store.usage)


def finished(bot: Bot, user: str) -> bool:
    """Both of the user's jobs done and their posts sent (the notice goes before a post)."""
    texts = bot.output.texts(user)
    return texts.count(DONE) == 2 and sum(t.startswith("X — caption") for t in texts) == 2


@pytest.mark.parametrize("user_limits", [{"ai_calls_per_day": 1, "max_jobs_in_flight": 5}])
@pytest.mark.parametrize("access", [AccessRules(admins=frozenset({BOB}))])
async def test_the_daily_ai_quota_holds_and_the_reply_says_so(bot, openai_server) -> None:
    for words in ("red mug", "blue mug"):  # different words: no cached answer
        await bot.send(ALICE, f"/optimize x {words}", photo())
    for words in ("green mug", "grey mug"):
        await bot.send(BOB, f"/optimize x {words}", photo())
    async with bot.working():
        await bot.output.until(lambda: finished(bot, ALICE) and finished(bot, BOB), timeout=120)
    assert len(openai_server.requests) == 3  # Alice's first, both of the admin's
    notices = [t for t in bot.output.texts(ALICE) if t.startswith("ℹ️")]
    assert notices == [
        "ℹ️ Written without AI: you have used today's 1 AI call; more from 12:00\u202fAM UTC, "
        "in 16 h 0 min"
    ]
    assert not [t for t in bot.output.texts(BOB) if t.startswith("ℹ️")]
    results = [job.session.results for job in await bot.jobs()]
    assert sorted(r["optimization_metadata"]["ai_calls"] for r in results) == [0, 1, 1, 1]
    await bot.send(BOB, "/stats")
    assert (
        "AI: today 3 calls, 0 image renders, about $0.00; 7 days 3 calls"
        in (bot.output.texts(BOB)[-1])
    )
