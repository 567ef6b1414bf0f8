"""Captions per platform: a hook first, the user's words woven in, a call to action that fits
the platform, emoji only where its style allows, hashtags where it wants them, within its
limits. Deterministic for the same seed, varied across photos and platforms."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from postready.pipeline.hashtags import SHORT_SUBJECT_WORDS, HashtagData, format_hashtags
from postready.pipeline.platforms import EmojiPolicy, HashtagPlacement, PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.text import measure, shorten

_HOOKS = {
    "friendly": ("Meet {the_subject}.", "Say hello to {the_subject}.",
                 "A little {mood} moment: {the_subject}.", "Fresh on the feed: {the_subject}."),
    "professional": ("Introducing {the_subject}.", "A closer look at {the_subject}.",
                     "Behind the work: {the_subject}."),
    "inspiring": ("Ideas to save: {subject}.", "Inspiration for your board: {subject}.",
                  "{Subject} in {colour} tones."),
    "casual": ("{Subject}.", "Today's view: {subject}.", "New on the timeline: {subject}."),
}  # fmt: skip
_GENERIC_SUBJECT = {
    "friendly": "this {thing}", "professional": "our latest {thing}",
    "inspiring": "{thing} ideas", "casual": "this {thing}",
}  # fmt: skip
_DETAILS = (
    "{Colour} and {colour2} tones, {mood}.",
    "Shot in {colour} and {colour2}.",
    "All {colour} and {colour2}, with a {mood} feel.",
    "The mood: {mood}.",
)
_PRODUCT_DETAILS = ("Every detail, in {colour} and {colour2}.", "Made to be looked at twice.")
_PEOPLE_DETAILS = ("Real people, real moments.", "The people behind it all.")
_CTAS = {
    "instagram": ("Save this for later and tell us what you think in the comments.",
                  "Which detail catches your eye first? Tell us below.",
                  "Share it with someone who would love it."),
    "facebook": ("What do you think?", "Tell us in the comments!", "Would you try it?"),
    "linkedin": ("What's your take? I'd love to hear your thoughts in the comments.",
                 "How do you approach this in your work? Share below.",
                 "Curious what you think: the comments are open."),
    "pinterest": ("Save this Pin for your next idea.", "Save it to your board for later.",
                  "Pin it now, try it later."),
    "x": ("Thoughts?", "What do you think?", "Would you?"),
    "tiktok": ("Follow for more!", "Would you try this? Comment below!", "Save this for later!"),
    "threads": ("What would you add?", "Thoughts?", "Tell me what you think."),
    "bluesky": ("What do you think?", "Thoughts?", "Would you?"),
}  # fmt: skip
_CTA_EMOJI = {"instagram": "👇", "tiktok": "✨"}
_PARAGRAPHS = {"instagram", "linkedin", "facebook", "pinterest", "tiktok"}  # the rest: one line
_TAG_ROOM = 60  # characters kept free for inline hashtags when a long description fills a post
# Pictographs, dingbats, flags, variation selectors and joiners: what "emoji" means here.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U00002b00-\U00002bff"
    "\ufe0f\u200d\u20e3]+"
)


_TRAILING_TAGS = re.compile(r"(?:[ \t]*#\w+)+[ \t]*$", re.MULTILINE)
_INLINE_TAG = re.compile(r"(?<![\w&])#(\w+)")


@dataclass(frozen=True, slots=True)
class Post:
    """What the user copies: the caption (with inline hashtags where the platform wants them)
    and the first comment (hashtags, where the platform wants them there)."""

    caption: str
    first_comment: str
    hashtags: tuple[str, ...]


def draft_caption(
    spec: PlatformSpec,
    analysis: ImageAnalysis,
    niches: Sequence[str],
    data: HashtagData,
    seed: str,
) -> str:
    """A caption without hashtags for `spec`, near its target length."""
    rng = random.Random(hashlib.sha256(f"{seed}|caption|{spec.key}".encode()).digest())
    style = spec.caption_style
    niche = data.niches.get(niches[0]) if niches else None
    words = _fill_words(analysis, niche.thing if niche else "shot", style.tone)
    long_description = len(analysis.subject.split()) > SHORT_SUBJECT_WORDS
    hook_template = rng.choice(_HOOKS[style.tone])
    # The hook must be read before the platform's "more" (room left for an emoji).
    hook = shorten(hook_template.format(**words), spec.caption_visible - 3, style.unit)
    details = (
        _PRODUCT_DETAILS if analysis.product_shot else
        _PEOPLE_DETAILS if analysis.faces else _DETAILS
    )  # fmt: skip
    # Say each thing once: no mood or colour in the detail when the hook already has it.
    fresh = [d for d in details if not _shared_words(hook_template, d)] or list(details)
    cta = rng.choice(_CTAS[spec.key])
    if style.emoji != "none" and niche:
        hook = f"{hook} {niche.emoji}"
        if style.emoji == "some" and spec.key in _CTA_EMOJI:
            cta = f"{cta} {_CTA_EMOJI[spec.key]}"
    separator = "\n\n" if spec.key in _PARAGRAPHS else " "

    def join(*parts: str) -> str:
        return separator.join(parts)

    if long_description:
        # The user's own words come first: kept whole up to the hard limit (less room for
        # hashtags), shortened only when even that is too little.
        room = spec.caption_limit - _TAG_ROOM - measure(join(hook, "", cta), style.unit)
        detail = shorten(_sentence(analysis.subject), max(room, _TAG_ROOM), style.unit)
        return join(hook, detail, cta)
    detail = rng.choice(fresh).format(**words)
    texts = [join(hook, detail, cta), join(hook, cta), join(hook, detail), hook]
    fitting = [t for t in texts if measure(t, style.unit) <= style.target]
    return fitting[0] if fitting else min(texts, key=lambda t: measure(t, style.unit))


def _fill_words(analysis: ImageAnalysis, thing: str, tone: str) -> dict[str, str]:
    short = analysis.subject and len(analysis.subject.split()) <= SHORT_SUBJECT_WORDS
    subject = analysis.subject if short else _GENERIC_SUBJECT[tone].format(thing=thing)
    subject = _lower_first(subject.rstrip(".!"))
    colours = [c.name for c in analysis.colours] + ["neutral", "soft"]
    mood = analysis.mood.split(",")[0]
    return {
        "subject": subject,
        "Subject": _upper_first(subject),
        "the_subject": subject if _has_determiner(subject) else f"the {subject}",
        "mood": mood,
        "colour": colours[0],
        "Colour": _upper_first(colours[0]),
        "colour2": colours[1] if colours[1] != colours[0] else colours[2],
    }


def _shared_words(first: str, second: str) -> bool:
    fields = ("{mood}", "{colour}", "{Colour}")
    return any(f in first for f in fields) and any(f in second for f in fields)


def _has_determiner(subject: str) -> bool:
    first = subject.split()[0].lower() if subject else ""
    return first in {"a", "an", "the", "my", "our", "this", "these", "your", "their"}


def _sentence(text: str) -> str:
    text = _upper_first(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    # Keep acronyms and proper names ("NYC", "iPhone") as the user wrote them.
    return text if text[:2].isupper() or not text[:1].isupper() else text[:1].lower() + text[1:]


def apply_emoji_policy(text: str, policy: EmojiPolicy) -> str:
    """Remove emoji a platform's style does not want ("one": keep the first only)."""
    if policy == "some":
        return text
    matches = list(EMOJI.finditer(text))
    keep = matches[:1] if policy == "one" else []
    for match in reversed(matches):
        if match not in keep:
            text = text[: match.start()] + text[match.end() :]
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"[ \t]+([.,!?])", r"\1", text)).strip()


def strip_hashtags(text: str) -> str:
    """A caption without hashtags of its own (they would break the platform's tag count):
    trailing runs of tags go, a tag inside a sentence becomes its word."""
    text = _INLINE_TAG.sub(r"\1", _TRAILING_TAGS.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def assemble_post(spec: PlatformSpec, caption: str, hashtags: Sequence[str]) -> Post:
    """Place the hashtags as the platform wants and keep everything within its limits: the
    caption is shortened before hashtags are dropped, and never below the platform's minimum."""
    style = spec.caption_style
    caption = apply_emoji_policy(strip_hashtags(caption), style.emoji)
    tags = list(hashtags)[: spec.hashtags.max]
    if spec.hashtags.placement == HashtagPlacement.FIRST_COMMENT:
        return Post(
            shorten(caption, spec.caption_limit, style.unit), format_hashtags(tags), tuple(tags)
        )
    separator = " " if spec.hashtags.placement == HashtagPlacement.INLINE else "\n\n"
    while True:
        suffix = separator + format_hashtags(tags) if tags else ""
        room = spec.caption_limit - measure(suffix, style.unit)
        if room >= min(40, spec.caption_limit // 2) or len(tags) <= spec.hashtags.min:
            return Post(shorten(caption, room, style.unit) + suffix, "", tuple(tags))
        tags.pop()
