"""Gemini with Google Search grounding: real accounts worth tagging, each kept with the web
sources the search returned. Accounts with no grounding behind them are dropped.

Retries: the SDK's HttpRetryOptions cover 408 and 5xx (exponential backoff with jitter). It
neither honours a 429's requested delay nor retries timeouts on its aiohttp transport, so those
two are retried here with tenacity: the server's delay when it gives one (Retry-After header or
the google.rpc.RetryInfo detail), exponential backoff with jitter otherwise.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import GeminiConfig, ProviderError
from postready.pipeline.providers.local import normalise_handle
from postready.pipeline.providers.types import (
    AccountSuggestions,
    ContentBrief,
    SuggestedAccount,
    Usage,
)
from postready.pipeline.wording import foreign_language_name

if TYPE_CHECKING:
    from google.genai.errors import APIError
    from google.genai.types import GenerateContentResponse
    from tenacity import AsyncRetrying, RetryCallState

log = logging.getLogger(__name__)
MAX_ACCOUNTS = 5
_SDK_RETRIED_STATUS = [408, 500, 502, 503, 504]
_RATE_LIMITED = 429
_MAX_SERVER_DELAY = 60.0  # a 429 asking for longer is not retried: the local fallback is better


class _Account(BaseModel):
    handle: str
    platform: str = ""
    reason: str = ""


class _Answer(BaseModel):
    accounts: list[_Account]


ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "accounts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "handle": {"type": "string"},
                    "platform": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["handle", "platform", "reason"],
            },
        }
    },
    "required": ["accounts"],
}


def _prompt(brief: ContentBrief, niches: tuple[str, ...]) -> str:
    platforms = ", ".join(PLATFORMS[key].display_name for key in brief.platforms)
    topic = brief.analysis.subject or brief.analysis.summary
    return (
        f"Search the web for up to {MAX_ACCOUNTS} real, currently active public accounts on "
        f"{platforms} that post about {topic} (niches: {', '.join(niches)}), which a small "
        "creator could tag or engage with. Only include accounts you found in search results, "
        "with their exact handle (starting with @), the platform, and one short reason. "
        "If you find none, return an empty list. Answer with JSON matching the schema."
        + _in_language(brief.language)
    )


def _in_language(code: str) -> str:
    """For a post in another language: accounts its audience follows, reasons it can read."""
    name = foreign_language_name(code)
    if not name:
        return ""
    return f" Prefer accounts that post in {name}, and write each reason in {name}."


class GeminiAccountFinder:
    remote = True

    def __init__(self, config: GeminiConfig) -> None:
        self._config = config
        self.name = f"gemini:{config.model}+google_search"

    async def find(self, brief: ContentBrief, niches: tuple[str, ...]) -> AccountSuggestions:
        from google import genai
        from google.genai import errors, types

        config = self._config
        client = genai.Client(
            api_key=config.api_key,
            http_options=types.HttpOptions(
                base_url=config.base_url,
                timeout=round(config.timeout * 1000),  # milliseconds
                retry_options=types.HttpRetryOptions(
                    attempts=config.attempts,
                    initial_delay=config.initial_delay,
                    max_delay=config.max_delay,
                    http_status_codes=_SDK_RETRIED_STATUS,
                ),
            ),
        )
        request = types.GenerateContentConfig(
            tools=[types.Tool(google_search=types.GoogleSearch())],
            response_mime_type="application/json",
            response_json_schema=ANSWER_SCHEMA,
        )
        try:
            async for attempt in self._retrying(errors.APIError):
                with attempt:
                    response = await client.aio.models.generate_content(
                        model=config.model, contents=_prompt(brief, niches), config=request
                    )
        except TimeoutError as exc:
            raise ProviderError(
                f"Gemini timed out ({config.timeout:g} s, {config.attempts} attempts)"
            ) from exc
        except errors.APIError as exc:
            raise ProviderError(_status_reason(exc, config.attempts)) from exc
        except OSError as exc:  # aiohttp connection errors
            raise ProviderError("Gemini could not be reached") from exc
        finally:
            await client.aio.aclose()
        return replace(
            suggestions_from_response(response), usage=(response_usage(response, config.model),)
        )

    def _retrying(self, api_error: type[APIError]) -> AsyncRetrying:
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
        from tenacity.wait import wait_exponential_jitter

        config = self._config
        backoff = wait_exponential_jitter(initial=config.initial_delay, max=config.max_delay)

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, api_error) and getattr(exc, "code", None) == _RATE_LIMITED:
                return (server_delay(exc) or 0.0) <= _MAX_SERVER_DELAY
            return isinstance(exc, TimeoutError)

        def wait(state: RetryCallState) -> float:
            delay = server_delay(state.outcome.exception() if state.outcome else None)
            return delay if delay is not None else backoff(state)

        return AsyncRetrying(
            stop=stop_after_attempt(config.attempts),
            retry=retry_if_exception(retryable),
            wait=wait,
            reraise=True,
        )


def server_delay(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait: a Retry-After header or a RetryInfo detail."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    details = getattr(exc, "details", None)
    error = details.get("error", {}) if isinstance(details, dict) else {}
    for detail in error.get("details", []) if isinstance(error, dict) else []:
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", str(delay or ""))
        if match:
            return float(match.group(1))
    return None


def _status_reason(exc: APIError, attempts: int) -> str:
    code = getattr(exc, "code", None)
    if code == _RATE_LIMITED:
        return f"Gemini rate limit or quota (429) after {attempts} attempts"
    if isinstance(code, int) and code >= 500:
        return f"Gemini server error ({code}) after {attempts} attempts"
    if code in (401, 403):
        return f"Gemini refused the API key ({code})"
    # Never the service's own words, which may quote the request.
    return f"Gemini rejected the request ({code})"


def response_usage(response: GenerateContentResponse, model: str) -> Usage:
    """The tokens the answer reports (its thinking billed as output) and the searches it ran."""
    tokens = response.usage_metadata
    candidate = response.candidates[0] if response.candidates else None
    metadata = getattr(candidate, "grounding_metadata", None)
    queries = (metadata.web_search_queries or []) if metadata else []
    return Usage(
        model,
        (tokens.prompt_token_count or 0) if tokens else 0,
        ((tokens.candidates_token_count or 0) + (tokens.thoughts_token_count or 0))
        if tokens else 0,
        searches=len(queries),
    )  # fmt: skip


def suggestions_from_response(response: GenerateContentResponse) -> AccountSuggestions:
    """Accounts from the JSON answer, each with the grounding sources whose supported text
    mentions it; nothing when the answer was not grounded in search results."""
    try:
        answer = _Answer.model_validate(json.loads(response.text or ""))
    except (ValueError, ValidationError) as exc:
        raise ProviderError(f"Gemini's answer was not valid JSON for the schema: {exc}") from exc
    candidate = response.candidates[0] if response.candidates else None
    metadata = getattr(candidate, "grounding_metadata", None)
    chunks = [c.web.uri for c in (metadata.grounding_chunks or []) if c.web and c.web.uri] if (
        metadata
    ) else []  # fmt: skip
    if not chunks:
        return AccountSuggestions(
            note="Gemini's search returned no sources, so no accounts are shown (never unsourced)."
        )
    supports = (metadata.grounding_supports or []) if metadata else []
    accounts: dict[str, SuggestedAccount] = {}
    for item in answer.accounts[:MAX_ACCOUNTS]:
        handle = normalise_handle(item.handle)
        if not handle or handle in accounts:
            continue
        cited = [
            chunks[index]
            for support in supports
            if support.segment and handle[1:].lower() in (support.segment.text or "").lower()
            for index in (support.grounding_chunk_indices or [])
            if 0 <= index < len(chunks)
        ]
        platform = next(
            (key for key, spec in PLATFORMS.items()
             if item.platform.lower() in (key, spec.display_name.lower())),
            None,
        )  # fmt: skip
        accounts[handle] = SuggestedAccount(
            handle, item.reason.strip(), platform, tuple(dict.fromkeys(cited))
        )
    note = "Found with Google Search; check each account before tagging it."
    return AccountSuggestions(tuple(accounts.values()), tuple(dict.fromkeys(chunks)), note)
