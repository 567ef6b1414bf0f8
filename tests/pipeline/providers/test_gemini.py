"""The Gemini account finder through the real `google-genai` SDK against a fake server."""

from __future__ import annotations

import json
import time

import pytest

from postready.pipeline.content import ContentEngine
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import GeminiConfig, OpenAIConfig, ProviderSettings
from postready.pipeline.providers.gemini_accounts import server_delay
from postready.pipeline.providers.local import NO_ACCOUNTS_NOTE
from postready.pipeline.providers.types import Usage
from tests.fakes.ai_servers import (
    FakeServer,
    Reply,
    asking_in,
    gemini_error,
    gemini_prompt,
    gemini_response,
    openai_completion,
)
from tests.pipeline.providers.test_openai import answer

SOURCES = [
    ("https://www.instagram.com/eastfork/", "East Fork (@eastfork) • Instagram"),
    ("https://www.example.com/best-pottery-accounts", "The 20 best pottery accounts"),
]
ACCOUNTS = {
    "accounts": [
        {"handle": "@eastfork", "platform": "Instagram", "reason": "Pottery studio in NC"},
        {"handle": "florian gadsby", "platform": "instagram", "reason": "not a handle"},
        {"handle": "@florian_gadsby", "platform": "Instagram", "reason": "Potter, process videos"},
        {"handle": "@eastfork", "platform": "Instagram", "reason": "duplicate"},
    ]
}
GROUNDED = gemini_response(
    json.dumps(ACCOUNTS),
    sources=SOURCES,
    supports=[('"handle": "@eastfork"', [0]), ('"@florian_gadsby", potter', [1, 0])],
)


@pytest.fixture
async def server():
    async with FakeServer("/{version}/models/{model}", Reply(body=GROUNDED)) as fake:
        yield fake


def settings(server: FakeServer, **options) -> ProviderSettings:
    options = {"initial_delay": 0.01, "max_delay": 0.05, **options}
    return ProviderSettings(gemini=GeminiConfig("g-test", "gemini-test", server.origin, **options))


async def test_grounded_accounts_keep_their_sources(server, run_content) -> None:
    outcome = await run_content(settings(server), platforms=("instagram", "pinterest"))

    assert len(server.requests) == 1 and outcome.ai_calls == 1
    # Thinking is billed as output; each search the answer ran is billed too.
    assert outcome.usage == (Usage("gemini-test", 120, 75, searches=1),)
    request = server.requests[0]
    assert request.path.endswith("/models/gemini-test:generateContent")
    assert request.headers["x-goog-api-key"] == "g-test"
    body = request.json
    assert body["tools"] == [{"googleSearch": {}}]
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    assert "accounts" in body["generationConfig"]["responseJsonSchema"]["properties"]
    prompt = body["contents"][0]["parts"][0]["text"]
    assert "handmade ceramic mug" in prompt and "Instagram, Pinterest" in prompt

    content = outcome.platforms["instagram"]
    assert content.sources.accounts == "gemini:gemini-test+google_search"
    accounts = content.accounts.accounts
    assert [a.handle for a in accounts] == ["@eastfork", "@florian_gadsby"]
    assert accounts[0].sources == (SOURCES[0][0],)
    assert accounts[1].sources == (SOURCES[1][0], SOURCES[0][0])
    assert accounts[0].platform == "instagram"
    assert content.accounts.sources == tuple(uri for uri, _ in SOURCES)
    profile = content.to_json()["profile_results"]
    assert profile["extracted_usernames"] == ["@eastfork", "@florian_gadsby"]
    assert profile["total_usernames"] == 2
    assert profile["sources"] == [uri for uri, _ in SOURCES]


async def test_answers_without_search_sources_show_no_accounts(server, run_content) -> None:
    server.default = Reply(body=gemini_response(json.dumps(ACCOUNTS)))
    outcome = await run_content(settings(server))
    accounts = outcome.platforms["x"].accounts
    assert accounts.accounts == () and "no sources" in accounts.note


async def test_rate_limit_waits_as_the_server_asks(server, run_content) -> None:
    server.script = [Reply(429, gemini_error(429, "RESOURCE_EXHAUSTED", retry_delay="0.3s"))]
    started = time.perf_counter()
    outcome = await run_content(settings(server))
    assert time.perf_counter() - started >= 0.3  # our own backoff is 0.01 s
    assert len(server.requests) == 2
    assert outcome.platforms["x"].accounts.accounts[0].handle == "@eastfork"
    assert outcome.platforms["x"].sources.fallbacks == {}


def test_server_delay_from_header_or_retry_info() -> None:
    class Failure(Exception):
        def __init__(self, headers=None, details=None) -> None:
            self.response = type("Response", (), {"headers": headers or {}})()
            self.details = details

    assert server_delay(Failure({"Retry-After": "7"})) == 7.0
    assert server_delay(Failure(details=gemini_error(429, "RESOURCE_EXHAUSTED", "12.5s"))) == 12.5
    assert server_delay(Failure({"Retry-After": "soon"})) is None
    assert server_delay(None) is None


async def test_server_errors_until_fallback(server, run_content) -> None:
    server.default = Reply(500, gemini_error(500, "INTERNAL"))
    outcome = await run_content(settings(server, attempts=3))
    assert len(server.requests) == 3  # HttpRetryOptions: three attempts in all
    x = outcome.platforms["x"]
    assert x.sources.accounts == "none"
    assert x.sources.fallbacks["accounts"] == "Gemini server error (500) after 3 attempts"
    assert x.accounts.accounts == () and x.accounts.note == NO_ACCOUNTS_NOTE


async def test_timeouts_fall_back(server, run_content) -> None:
    server.default = Reply(body=GROUNDED, delay=120.0)
    started = time.perf_counter()
    outcome = await run_content(settings(server, timeout=0.2, attempts=2))
    assert time.perf_counter() - started < 60.0  # gave up long before the server answered
    assert len(server.requests) == 2
    assert outcome.platforms["x"].sources.fallbacks["accounts"].startswith("Gemini timed out")


async def test_at_most_two_calls_per_session_for_every_platform(server, run_content) -> None:
    async with FakeServer(
        "/v1/chat/completions", Reply(body=openai_completion(answer(platforms=ALL)))
    ) as openai_server:
        both = ProviderSettings(
            openai=OpenAIConfig("sk-test", "gpt-test", f"{openai_server.origin}/v1"),
            gemini=settings(server).gemini,
        )
        outcome = await run_content(both, platforms=ALL)
        assert len(openai_server.requests) + len(server.requests) == 2
        assert outcome.ai_calls == 2
        assert set(outcome.platforms) == set(ALL)

        # A budget of one call: the second part falls back rather than call.
        tight = ProviderSettings(openai=both.openai, gemini=both.gemini, max_ai_calls=1)
        outcome = await run_content(tight, platforms=ALL, description="a different mug")
        assert len(openai_server.requests) + len(server.requests) == 3
        assert "budget" in outcome.platforms["x"].sources.fallbacks["accounts"]


ALL = tuple(PLATFORMS)


async def test_a_repeated_search_is_served_from_the_cache(server, run_content) -> None:
    engine = ContentEngine(settings(server))
    first = await run_content(engine)
    again = await run_content(engine)
    assert len(server.requests) == 1 and again.ai_calls == 0
    assert again.platforms["x"].sources.cached == ("accounts",)
    assert again.platforms["x"].accounts == first.platforms["x"].accounts


async def test_accounts_for_a_post_in_another_language(server, run_content) -> None:
    server.require = asking_in("German", gemini_prompt)
    outcome = await run_content(settings(server), language="de")
    assert len(server.requests) == 1
    assert outcome.platforms["x"].sources.accounts == "gemini:gemini-test+google_search"
    assert "write each reason in German" in gemini_prompt(server.requests[0].json)
