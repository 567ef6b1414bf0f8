"""Each platform's post from the writers' drafts, through the same checks whichever writer
produced it: hashtags within the platform's rules, caption within its limits and free of the
brand's avoided words, the brand's signature where it fits, alt text, posting times."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import zip_longest

from postready.pipeline.alt_text import fit_alt_text
from postready.pipeline.brand import BrandKit
from postready.pipeline.branding import (
    avoided_tags,
    brand_report,
    brand_tags,
    clear_caption,
    emoji_policy,
    with_own_handle,
)
from postready.pipeline.captions import assemble_post
from postready.pipeline.hashtags import select_hashtags
from postready.pipeline.meaning import Topics, read_topics
from postready.pipeline.models import ContentSources, OptimizeRequest, PlatformContent
from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.providers.types import AccountSuggestions, ContentBrief, Writing
from postready.pipeline.timing import posting_times
from postready.pipeline.vocabulary import Vocabulary, load_vocabulary


def platform_content(
    spec: PlatformSpec,
    request: OptimizeRequest,
    brief: ContentBrief,
    now: datetime,
    writing: Writing,
    local: Writing,
    topics: Topics,
    accounts: AccountSuggestions,
    sources: ContentSources,
) -> PlatformContent:
    """One platform's post from whichever writer produced it, through the same checks: tags
    within the platform's rules (the brand's first, then the writer's picks, none of a
    ruled-out kind or to avoid), caption within its limits and without words to avoid (an AI
    caption with one is repaired here), the brand's signature where it fits, alt text within
    the platform's."""
    kit = request.brand or BrandKit()
    draft = writing.posts.get(spec.key) or local.posts[spec.key]
    own_caption = local.posts[spec.key].caption
    caption, repaired = clear_caption(draft.caption or own_caption, own_caption, kit.avoid)
    banned = avoided_tags(kit)
    tags = select_hashtags(
        spec, topics, writing.analysis, load_vocabulary(),
        preferred=[tag for tag in draft.hashtags if tag.lower() not in banned],
        related=brief.related_tags, seed=f"{brief.image_hash}|{brief.description}",
        language=brief.language, mix=brief.hashtag_language,
    )  # fmt: skip
    tags = brand_tags(spec, kit, tags)
    post = assemble_post(spec, caption, tags, kit.signature, emoji_policy(spec, kit))
    return PlatformContent(
        niches=topics.niches,
        hashtags=post.hashtags,
        caption=post.caption,
        first_comment=post.first_comment,
        posting=posting_times(spec, now, request.timezone, request.audience_timezone),
        accounts=with_own_handle(spec, kit, accounts),
        sources=sources,
        alt_text=fit_alt_text(writing.alt_text or local.alt_text, spec),
        item_alt_texts=tuple(
            fit_alt_text(seen or own, spec)
            for seen, own in zip_longest(writing.item_alt_texts, local.item_alt_texts, fillvalue="")
        )
        if local.item_alt_texts
        else (),
        brand=None
        if request.brand is None
        else brand_report(spec, kit, post.hashtags, post.signed, repaired),
    )


def post_topics(writing: Writing, local: Writing, vocabulary: Vocabulary) -> Topics:
    """What the photo is about: the user's words read locally; a model's niches, when it gave
    known ones, in its order (the kinds the words rule out stay out)."""
    topics = read_topics(writing.analysis, vocabulary)
    if writing is local:
        return topics
    named = [
        key for key in writing.niches
        if key in vocabulary.niches and key not in topics.ruled_out
    ]  # fmt: skip
    return replace(topics, niches=tuple(named)) if named else topics
