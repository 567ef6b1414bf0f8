"""Rework a finished session's posts without touching its images: another caption or other
hashtags for one platform, or every platform's post for new words about the photo. Works from
the stored result (no pixels are decoded); `save_posts` writes the caption files and
results.json again, and nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from postready.pipeline.analysis import redescribe
from postready.pipeline.brand import BrandKit
from postready.pipeline.branding import brand_tags, clear_caption, emoji_policy
from postready.pipeline.caption_file import write_caption_file
from postready.pipeline.captions import Post, assemble_post, draft_caption
from postready.pipeline.content import ContentEngine, PreparedPhoto, Report, vision_jpeg
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.hashtags import select_hashtags
from postready.pipeline.marking import N_, Marked
from postready.pipeline.meaning import read_topics
from postready.pipeline.models import OptimizeRequest, OptimizeResult, PlatformContent
from postready.pipeline.platforms import PLATFORMS, PlatformSpec
from postready.pipeline.pricing import cost_of
from postready.pipeline.providers.base import ProviderError, QuotaUsedUp, UsageGate
from postready.pipeline.providers.types import ContentBrief, ImageAnalysis, Usage, Writing
from postready.pipeline.runner import write_results
from postready.pipeline.subject import describe_subject
from postready.pipeline.vocabulary import load_vocabulary

log = logging.getLogger(__name__)
DRAFTS = 8  # local captions tried for one that differs from the current one


@dataclass(frozen=True, slots=True)
class Reworked:
    """The session's result with the changed posts, and what to tell the user: a daily quota
    that kept the AI out this time."""

    result: OptimizeResult
    notices: tuple[Marked, ...] = ()


async def another_caption(
    engine: ContentEngine,
    result: OptimizeResult,
    platform: str,
    request: OptimizeRequest,
    gate: UsageGate | None = None,
) -> Reworked:
    """`result` with a different caption for `platform` (its hashtags kept): one call to the
    AI writer when one is configured, counted in `ai_calls` and against the user's daily
    quota (`gate`); written locally otherwise, past the quota, or when the call fails.
    `request`: the session's (its words, its language). NO_ALTERNATIVE when no caption other
    than the current one can be written."""
    content, analysis = _content(result, platform)
    spec = PLATFORMS[platform]
    caption, writer = None, engine.writer.name
    calls = 0
    usage: tuple[Usage, ...] = ()
    notices: tuple[Marked, ...] = ()
    if engine.writer.remote:
        try:
            if gate is not None:
                await gate.take("ai_call")
        except QuotaUsedUp as exc:
            notices = (exc.wording,)
        else:
            calls = 1
            writing = await _written(engine, result, platform, request, analysis, content.caption)
            usage = writing.usage if writing else ()
            draft = writing.posts.get(platform) if writing else None
            caption = draft.caption if draft else None
    kit = result.brand or BrandKit()
    if caption:
        caption = clear_caption(caption, "", kit.avoid)[0]
    if not caption or _post(spec, kit, caption, content.hashtags).caption == content.caption:
        caption, writer = _drafted(result, platform, analysis, content, request.language), "local"
    post = _post(spec, kit, caption, content.hashtags)
    sources = replace(content.sources, writing=writer, cached=())
    changed = replace(content, caption=post.caption, first_comment=post.first_comment)
    contents = {platform: replace(changed, sources=sources)}
    return Reworked(_with(engine, result, contents, calls, usage, notices), notices)


def other_hashtags(engine: ContentEngine, result: OptimizeResult, platform: str) -> Reworked:
    """`result` with the next best hashtags for `platform` from the vocabulary, none of its
    current ones where the vocabulary has enough, within the platform's rules.
    NO_ALTERNATIVE when the vocabulary has no other set."""
    content, analysis = _content(result, platform)
    spec, vocabulary = PLATFORMS[platform], load_vocabulary(result.language)
    topics = read_topics(analysis, vocabulary)
    if content.niches:  # the niches the post was written for (a model's, when one chose)
        topics = replace(topics, niches=content.niches)
    tags = select_hashtags(
        spec, topics, analysis, vocabulary,
        seed=f"{result.session_id}|{' '.join(content.hashtags)}", avoid=content.hashtags,
        language=result.language, mix=result.hashtag_language,
    )  # fmt: skip
    kit = result.brand or BrandKit()
    tags = brand_tags(spec, kit, tags)
    if set(tags) == set(content.hashtags):
        raise PostReadyError(ErrorCode.NO_ALTERNATIVE, N_("no other hashtags fit this photo"))
    post = assemble_post(spec, content.caption, tags)
    changed = replace(
        content, caption=post.caption, first_comment=post.first_comment, hashtags=post.hashtags
    )
    return Reworked(_with(engine, result, {platform: changed}, 0, (), ()))


async def new_description(
    engine: ContentEngine,
    result: OptimizeResult,
    request: OptimizeRequest,
    description: str,
    report: Report = lambda message: None,
    gate: UsageGate | None = None,
) -> Reworked:
    """`result` with the content step run again for `description`: captions, hashtags, alt
    text and the rest for every platform that has a post, from the stored analysis (no image
    work), its AI calls within the user's daily quota (`gate`). `request`: the session's
    request (time zones, language)."""
    if result.analysis is None:
        raise PostReadyError(ErrorCode.NO_ALTERNATIVE, N_("this photo has no posts to write again"))
    platforms = tuple(key for key, item in result.platforms.items() if item.content is not None)
    if not platforms:
        raise PostReadyError(ErrorCode.NO_ALTERNATIVE, N_("this photo has no posts to write again"))
    jpeg = await _vision_jpeg(result, platforms[0]) if engine.writer.remote else b""
    photo = PreparedPhoto(redescribe(result.analysis, description), result.session_id, jpeg)
    again = replace(request, platforms=platforms, description=description)
    outcome = await engine.generate(
        again, photo, datetime.now(UTC), report, result.session_id, gate
    )
    changed = _with(
        engine, result, outcome.platforms, outcome.ai_calls, outcome.usage, outcome.notices
    )
    return Reworked(replace(changed, analysis=outcome.analysis), outcome.notices)


def save_posts(result: OptimizeResult, platforms: tuple[str, ...], session_dir: Path) -> None:
    """The caption files of `platforms` and results.json, written again in `session_dir` (if
    its files are still kept)."""
    if not session_dir.is_dir():
        return
    for key in platforms:
        content = result.platforms[key].content
        if content is not None:
            write_caption_file(session_dir, key, content, language=result.language)
    write_results(result, session_dir)


def _content(result: OptimizeResult, platform: str) -> tuple[PlatformContent, ImageAnalysis]:
    item = result.platforms.get(platform)
    if item is None or item.content is None or result.analysis is None:
        raise PostReadyError(ErrorCode.NO_ALTERNATIVE, N_("this post has no text to change"))
    return item.content, result.analysis


def _post(spec: PlatformSpec, kit: BrandKit, caption: str, hashtags: tuple[str, ...]) -> Post:
    """A reworked caption as the kit wants it: signed where it fits, its emoji level."""
    return assemble_post(spec, caption, hashtags, kit.signature, emoji_policy(spec, kit))


def _drafted(
    result: OptimizeResult,
    platform: str,
    analysis: ImageAnalysis,
    content: PlatformContent,
    language: str,
) -> str:
    """A local caption other than the current one, in `language`: a different hook, detail
    and call to action where the platform has them (in the result's brand kit, without its
    words to avoid)."""
    spec, vocabulary = PLATFORMS[platform], load_vocabulary(language)
    kit = result.brand or BrandKit()
    subject = describe_subject(analysis, read_topics(analysis, vocabulary), vocabulary)
    for attempt in range(DRAFTS):
        seed = f"{result.session_id}|{content.caption}|{attempt}"
        drafted = draft_caption(spec, subject, analysis, seed, content.caption, language, kit)
        caption = clear_caption(drafted, "", kit.avoid)[0]
        if _post(spec, kit, caption, content.hashtags).caption != content.caption:
            return caption
    raise PostReadyError(ErrorCode.NO_ALTERNATIVE, N_("no other caption fits this photo"))


async def _written(
    engine: ContentEngine,
    result: OptimizeResult,
    platform: str,
    request: OptimizeRequest,
    analysis: ImageAnalysis,
    current: str,
) -> Writing | None:
    """The AI writer's other caption; None (logged) when it fails."""
    asked = ContentBrief(
        image_jpeg=await _vision_jpeg(result, platform),
        image_hash=result.session_id,
        description=request.description,
        platforms=(platform,),
        analysis=analysis,
        language=request.language,
        rewrite=current,
        brand=result.brand,
    )
    try:
        return await engine.writer.write(asked)
    except ProviderError as exc:
        log.warning("rework_fallback session=%s reason=%s", result.session_id, exc.reason)
    except Exception:
        log.exception("rework_provider_failed session=%s", result.session_id)
    return None


async def _vision_jpeg(result: OptimizeResult, platform: str) -> bytes:
    """What a vision model sees of the photo: the platform's image, read (never changed)."""
    image = result.platforms[platform].image
    if image is None or not image.path.is_file():
        return b""

    def read() -> bytes:
        with Image.open(image.path) as opened:
            return vision_jpeg(opened)

    return await asyncio.to_thread(read)


def _with(
    engine: ContentEngine,
    result: OptimizeResult,
    contents: Mapping[str, PlatformContent],
    ai_calls: int,
    usage: tuple[Usage, ...],
    notices: tuple[Marked, ...],
) -> OptimizeResult:
    """`result` with the new `contents`, and the calls that wrote them counted and priced."""
    platforms = {
        key: replace(item, content=contents[key]) if key in contents else item
        for key, item in result.platforms.items()
    }
    before = result.cost.usage if result.cost else ()
    return replace(
        result,
        platforms=platforms,
        ai_calls=result.ai_calls + ai_calls,
        cost=cost_of(before + usage, engine.settings.prices),
        notices=tuple(dict.fromkeys(result.notices + notices)),
    )
