"""Command-line tests run as a user without API keys: no call may leave the machine."""

from __future__ import annotations

import pytest

from postready.bot.ai_settings import AISettings

AI_VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "GEMINI_API_KEY", "GEMINI_BASE_URL",
    "GEMINI_MODEL", "POSTREADY_ACCOUNTS_FILE", "POSTREADY_HASHTAG_PAGES_URL",
)  # fmt: skip


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch, tmp_path_factory) -> None:
    for name in AI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(AISettings.model_config, "env_file", None)  # ignore a developer's .env
    monkeypatch.setenv("POSTREADY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
