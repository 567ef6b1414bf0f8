"""Optional online source of related hashtags: public pages that list tags used together with a
tag, fetched with aiohttp and read with Beautiful Soup. Off unless configured; tenacity retries
429/5xx/timeouts (honouring Retry-After), since aiohttp has no retry of its own."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlparse

from postready.pipeline.providers.base import HashtagPagesConfig, ProviderError
from postready.pipeline.text import clean_tag

if TYPE_CHECKING:
    from aiohttp import ClientSession
    from tenacity import RetryCallState

log = logging.getLogger(__name__)
_TAG_IN_TEXT = re.compile(r"(?<![\w&/])#(\w{2,30})", re.UNICODE)
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 30.0
_USER_AGENT = "PostReady/0.1 (+https://github.com/postready; hashtag suggestions)"


def parse_hashtag_page(html: str, tag: str) -> tuple[str, ...]:
    """Hashtags a page lists (as '#tag' text or as links to hashtag pages), most frequent
    first, without the page's own tag."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "head"]):
        element.decompose()
    found: Counter[str] = Counter()
    order: dict[str, int] = {}

    def count(raw: str) -> None:
        cleaned = clean_tag(raw)
        if cleaned:
            found[cleaned] += 1
            order.setdefault(cleaned, len(order))

    for match in _TAG_IN_TEXT.finditer(soup.get_text(" ")):
        count(match.group(1))
    for link in soup.find_all("a", href=True):
        path = urlparse(str(link["href"])).path.rstrip("/")
        head, _, last = path.rpartition("/")
        if head.endswith(("/hashtag", "/tags", "/explore/tags")) and last:
            count(last)
    own = clean_tag(tag)
    ranked = sorted(found, key=lambda t: (-found[t], order[t]))
    return tuple(t for t in ranked if t != own)


class HashtagPages:
    name = "hashtag pages"

    def __init__(self, config: HashtagPagesConfig) -> None:
        self._config = config

    async def related(self, tags: Sequence[str]) -> tuple[str, ...]:
        """Related tags for each of `tags`, merged in order; ProviderError when none could be
        fetched."""
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=self._config.timeout)
        headers = {"User-Agent": _USER_AGENT}
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            pages = await asyncio.gather(
                *(self._fetch(session, tag) for tag in tags), return_exceptions=True
            )
        merged: dict[str, None] = {}
        failures = []
        for tag, page in zip(tags, pages, strict=True):
            if isinstance(page, BaseException):
                failures.append(f"#{tag}: {page}")
                continue
            merged.update(dict.fromkeys(parse_hashtag_page(page, tag)))
        if failures and not merged:
            raise ProviderError("hashtag pages unavailable (" + "; ".join(failures) + ")")
        return tuple(merged)[: self._config.max_related]

    async def _fetch(self, session: ClientSession, tag: str) -> str:
        import aiohttp
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
        from tenacity.wait import wait_exponential_jitter

        backoff = wait_exponential_jitter(initial=0.5, max=_MAX_RETRY_AFTER)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            after = exc.headers.get("Retry-After") if isinstance(exc, _StatusError) else None
            if after and after.strip().isdigit():
                return min(float(after), _MAX_RETRY_AFTER)
            return backoff(state)

        url = self._config.url_template.format(tag=quote(tag))
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._config.attempts),
            retry=retry_if_exception(
                lambda e: (
                    isinstance(e, TimeoutError | aiohttp.ClientConnectionError)
                    or (isinstance(e, _StatusError) and e.status in _RETRY_STATUS)
                )
            ),
            wait=wait,
            reraise=True,
        ):
            with attempt:
                async with session.get(url) as response:
                    if response.status != 200:
                        raise _StatusError(response.status, response.headers)
                    return await response.text()
        raise AssertionError("unreachable: tenacity re-raises the last error")


class _StatusError(Exception):
    def __init__(self, status: int, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers
