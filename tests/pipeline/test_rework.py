"""Reworking a finished session's posts from its stored result: another caption, other
hashtags, new words for every post; the images are never touched."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import pytest

from postready.pipeline.brand import BrandKit
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import PostReadyError
from postready.pipeline.marking import Marked
from postready.pipeline.models import OptimizeRequest, OptimizeResult, PlatformResult
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import QuotaUsedUp, UsageKind
from postready.pipeline.providers.types import ContentBrief, PostDraft, Usage, Writing
from postready.pipeline.rework import (
    another_caption,
    new_description,
    other_hashtags,
    save_posts,
)
from postready.pipeline.runner import run_optimization
from postready.pipeline.vocabulary import load_vocabulary
from tests.images import encode, textured

PLATFORM_KEYS = ("instagram", "x", "linkedin", "pinterest")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[OptimizeResult, Path]:
    """A real run, once: its result and the folder it wrote."""
    out = tmp_path_factory.mktemp("rework")
    request = OptimizeRequest(
        encode(textured((900, 700), 3)), PLATFORM_KEYS, description="handmade ceramic mug"
    )
    return asyncio.run(run_optimization(request, out, content=ContentEngine())), out


def request_of(result: OptimizeResult, description: str = "handmade ceramic mug"):
    return OptimizeRequest(b"", tuple(result.platforms), description=description)


def content(result: OptimizeResult, key: str):
    found = result.platforms[key].content
    assert found is not None
    return found


@pytest.mark.parametrize("key", PLATFORM_KEYS)
async def test_another_caption_is_never_the_same_twice_in_a_row(made, key) -> None:
    result, _ = made
    engine = ContentEngine()
    seen = [content(result, key).caption]
    for _ in range(5):
        result = (await another_caption(engine, result, key, request_of(result))).result
        caption = content(result, key).caption
        assert caption != seen[-1]
        seen.append(caption)
        spec = PLATFORMS[key]
        assert len(caption) <= spec.caption_limit
        # The hashtags stay as they were.
        assert content(result, key).hashtags == content(made[0], key).hashtags
    assert len(set(seen)) >= 3  # not just two captions taking turns
    assert result.ai_calls == made[0].ai_calls  # all local: no AI call


@pytest.mark.parametrize("key", PLATFORM_KEYS)
async def test_other_hashtags_are_the_next_set_within_the_platforms_rules(made, key) -> None:
    result, _ = made
    engine, spec = ContentEngine(), PLATFORMS[key]
    before = content(result, key).hashtags
    result = other_hashtags(engine, result, key).result
    after = content(result, key)
    assert set(after.hashtags) != set(before)
    assert spec.hashtags.min <= len(after.hashtags) <= spec.hashtags.max
    assert len(set(after.hashtags)) == len(after.hashtags)
    shown = {word for word in (after.first_comment or after.caption).split() if word[0] == "#"}
    assert shown == {f"#{tag}" for tag in after.hashtags}  # the old set's are gone
    again = content(other_hashtags(engine, result, key).result, key).hashtags
    assert set(again) != set(after.hashtags)


async def test_new_words_write_every_post_again_and_touch_no_image(made, tmp_path) -> None:
    result, out = made
    images = {k: i.image.path for k, i in result.platforms.items() if i.image}
    before = {k: (p.read_bytes(), p.stat().st_mtime_ns) for k, p in images.items()}
    events: list[str] = []
    words = "sourdough loaf fresh from the oven"
    reworked = await new_description(
        ContentEngine(), result, request_of(result), words, events.append
    )
    changed = reworked.result
    assert changed.analysis is not None and changed.analysis.subject == words
    for key in PLATFORM_KEYS:
        assert "sourdough" in content(changed, key).caption.lower()
        assert content(changed, key).caption != content(result, key).caption
        assert content(changed, key).alt_text.startswith("Photo: sourdough loaf")
    assert events == ["Captions written", "Accounts to tag checked"]  # the content step only
    folder = out / result.session_id
    save_posts(changed, tuple(PLATFORM_KEYS), folder)
    saved = json.loads((folder / "results.json").read_text())
    assert saved["platforms"]["x"]["caption"] == content(changed, "x").caption
    assert content(changed, "x").caption in (folder / "x_caption.txt").read_text()
    after = {k: (p.read_bytes(), p.stat().st_mtime_ns) for k, p in images.items()}
    assert after == before


class CountingWriter:
    """An AI writer that counts its calls and writes what it is told."""

    name = "openai:test"
    remote = True

    def __init__(self, caption: str) -> None:
        self.briefs: list[ContentBrief] = []
        self.caption = caption

    async def write(self, brief: ContentBrief) -> Writing:
        self.briefs.append(brief)
        posts = {key: PostDraft(self.caption, ()) for key in brief.platforms}
        usage = (Usage("gpt-5.4-mini", 1000, 200),)
        return Writing(brief.analysis, (), posts, "", usage)


class Gate:
    def __init__(self, left: int) -> None:
        self.left = left

    async def take(self, kind: UsageKind) -> None:
        if self.left <= 0:
            raise QuotaUsedUp("you have used today's 1 AI call")
        self.left -= 1


async def test_another_caption_with_ai_is_one_call_counted_and_within_the_quota(made) -> None:
    result, _ = made
    engine = ContentEngine()
    writer = CountingWriter("A brand new hook for the mug. Tell us what you think!")
    engine.writer = writer
    gate = Gate(left=1)
    first = await another_caption(engine, result, "x", request_of(result), gate)
    assert len(writer.briefs) == 1 and writer.briefs[0].platforms == ("x",)
    assert writer.briefs[0].rewrite == content(result, "x").caption  # told what not to repeat
    assert writer.briefs[0].image_jpeg  # the platform's image, read
    assert content(first.result, "x").caption.startswith("A brand new hook for the mug.")
    assert first.result.ai_calls == result.ai_calls + 1 and not first.notices
    assert first.result.cost is not None and first.result.cost.usage[-1].input_tokens == 1000
    # The day's quota is used up: written locally, and the user is told why.
    second = await another_caption(engine, first.result, "x", request_of(result), gate)
    assert len(writer.briefs) == 1
    assert second.notices == (Marked("you have used today's 1 AI call", {}),)
    assert content(second.result, "x").caption != content(first.result, "x").caption
    assert content(second.result, "x").sources.writing == "local"
    assert second.result.ai_calls == first.result.ai_calls


async def test_a_post_without_text_cannot_be_reworked(made) -> None:
    result, _ = made
    failed = PlatformResult("x", "failed", 0.0)  # no image, no post
    bare = dataclasses.replace(result, platforms={**result.platforms, "x": failed})
    with pytest.raises(PostReadyError) as caught:
        other_hashtags(ContentEngine(), bare, "x")
    assert caught.value.code == "NO_ALTERNATIVE"


async def test_reworked_posts_keep_the_brand_kit(made) -> None:
    kit = BrandKit(tone="luxury", signature="Shop at example.com", hashtags=("hearthclay",),
                   avoid=("terracotta",))  # fmt: skip
    result = dataclasses.replace(made[0], brand=kit)
    engine = ContentEngine()
    for _ in range(3):
        result = (await another_caption(engine, result, "instagram", request_of(result))).result
        caption = content(result, "instagram").caption
        assert caption.endswith("\n\nShop at example.com") and "terracotta" not in caption.lower()
        assert caption.startswith(("Exquisitely crafted", "Timeless elegance", "The art of"))
    result = other_hashtags(engine, result, "x").result
    assert content(result, "x").hashtags[0] == "hearthclay"


async def test_reworked_posts_stay_in_the_sessions_language(tmp_path) -> None:
    request = OptimizeRequest(
        encode(textured((640, 480), 5)), ("instagram",), description="mi gato",
        language="es", hashtag_language="mine",
    )  # fmt: skip
    engine = ContentEngine()
    result = await run_optimization(request, tmp_path, content=engine)
    tags_in = load_vocabulary().languages["es"]
    spanish = set(tags_in["cats"] + tags_in["pets"])
    caption = (await another_caption(engine, result, "instagram", request)).result
    assert "mi gato" in content(caption, "instagram").caption
    assert caption.language == "es"
    tags = content(other_hashtags(engine, result, "instagram").result, "instagram").hashtags
    assert tags and set(tags) <= spanish
