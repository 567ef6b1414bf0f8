"""The optional hashtag-pages source: the parser on saved pages, fetching from a local server."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from postready.pipeline.providers.base import HashtagPagesConfig, ProviderError, ProviderSettings
from postready.pipeline.providers.hashtag_pages import HashtagPages, parse_hashtag_page
from postready.pipeline.vocabulary import load_vocabulary

FIXTURES = Path(__file__).parent / "fixtures"


def test_parser_reads_tag_boxes_and_hashtag_links() -> None:
    tags = parse_hashtag_page((FIXTURES / "hashtags_coffee.html").read_text(), "coffee")
    # Listed twice (text and link) ranks first; the page's own tag is left out.
    assert tags[:3] == ("coffeetime", "latteart", "barista")
    assert "coffee" not in tags
    assert {"pourover", "coffeebeans", "cafe", "follow4follow"} <= set(tags)
    # Scripts, styles, the head, anchors, e-mail addresses, "C#" and "#1" are not tags.
    for noise in ("fromscript", "tracking", "fromcss", "meta", "team", "1", "2"):
        assert noise not in tags


def test_parser_reads_explore_links_and_unicode_tags() -> None:
    tags = parse_hashtag_page((FIXTURES / "hashtags_explore.html").read_text(), "#Ceramics")
    assert tags[:2] == ("pottery", "wheelthrown")
    assert {"handmadeceramics", "studiopottery", "céramique", "陶芸"} <= set(tags)
    assert "ceramics" not in tags


@pytest.fixture
async def pages_server():
    """Serves the coffee fixture at /hashtag/<tag>/, after one 503 for 'barista'."""
    hits: list[str] = []
    failures = {"barista": 1, "gone": 99}

    async def page(request: web.Request) -> web.Response:
        tag = request.match_info["tag"]
        hits.append(tag)
        if failures.get(tag, 0) > 0:
            failures[tag] -= 1
            return web.Response(status=503, headers={"Retry-After": "0"})
        return web.Response(
            text=(FIXTURES / "hashtags_coffee.html").read_text(), content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/hashtag/{tag}/", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield HashtagPagesConfig(f"http://127.0.0.1:{port}/hashtag/{{tag}}/", timeout=60), hits
    await runner.cleanup()


async def test_fetch_retries_and_merges(pages_server) -> None:
    config, hits = pages_server
    related = await HashtagPages(config).related(["barista", "coffee"])
    assert hits.count("barista") == 2  # a 503, then the page
    assert related[:3] == ("coffee", "coffeetime", "latteart")  # the barista page first
    assert len(related) == config.max_related


async def test_fetch_gives_up_with_a_reason(pages_server) -> None:
    config, _ = pages_server
    with pytest.raises(ProviderError, match=r"hashtag pages unavailable.*HTTP 503"):
        await HashtagPages(config).related(["gone"])


async def test_related_tags_reach_the_posts(pages_server, run_content) -> None:
    config, hits = pages_server
    outcome = await run_content(ProviderSettings(hashtag_pages=config), platforms=("instagram",))
    assert hits  # the niches' top tags were looked up
    instagram = outcome.platforms["instagram"]
    related = parse_hashtag_page((FIXTURES / "hashtags_coffee.html").read_text(), "")
    curated = {tag for niche in load_vocabulary().niches.values() for tags in niche.tags.values()
               for tag in tags}  # fmt: skip
    assert set(instagram.hashtags) & (set(related) - curated)
    assert "follow4follow" not in instagram.hashtags  # banned, even when a page lists it
    assert instagram.sources.fallbacks == {}
