"""Captions per platform from what the photo shows (subject.py): a hook first, the user's
words woven in, a call to action that fits the subject and the platform, emoji only where its
style allows, hashtags where it wants them, within its limits. Deterministic for the same
seed, varied across photos and platforms."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from postready.pipeline.brand import TONE_STYLES, BrandKit
from postready.pipeline.branding import avoided_in
from postready.pipeline.hashtags import camel_case
from postready.pipeline.markup import to_markup
from postready.pipeline.platforms import EmojiPolicy, HashtagPlacement, PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.subject import Subject
from postready.pipeline.text import EMOJI, WORD_CHAR, format_hashtags, measure, shorten
from postready.pipeline.vocabulary import load_vocabulary
from postready.pipeline.wording import ENGLISH, PostWording, wording

_CTA_EMOJI = {"instagram": "👇", "tiktok": "✨"}
# The hook, the detail and the call to action as paragraphs; the rest: one line.
_PARAGRAPHS = {"instagram", "linkedin", "facebook", "pinterest", "tiktok", "snapchat", "tumblr",
               "telegram", "youtube", "google_business"}  # fmt: skip
# Where the general calls to action by kind ("Tap the link in our bio to shop.") read right;
# the others use their own (_CTAS) unless _KIND_CTAS names them.
_KIND_CTA_PLATFORMS = {"instagram", "linkedin", "facebook", "pinterest", "tiktok"}
_TAG_ROOM = 60  # characters kept free for inline hashtags when a long description fills a post


_TRAILING_TAGS = re.compile(rf"(?:[ \t]*#{WORD_CHAR}+)+[ \t]*$", re.MULTILINE)
_INLINE_TAG = re.compile(rf"(?<![\w&])#({WORD_CHAR}+)")


@dataclass(frozen=True, slots=True)
class Post:
    """What the user copies: the caption (with inline hashtags where the platform wants them)
    and the first comment (hashtags, where the platform wants them there)."""

    caption: str
    first_comment: str
    hashtags: tuple[str, ...]
    signed: bool = False  # the brand's signature is under the caption


def draft_caption(
    spec: PlatformSpec,
    subject: Subject,
    analysis: ImageAnalysis,
    seed: str,
    avoid: str = "",
    language: str = ENGLISH,
    brand: BrandKit | None = None,
) -> str:
    """A caption without hashtags for `spec` in `language`, near its target length: a hook
    about what the photo shows, a detail (or the user's own sentences), and a call to action
    that fits. `avoid`: a caption to differ from (another caption asked for): the hook, detail
    and call to action after its own are used, so that asking again goes round all of them.
    `brand`: the kit's tone (its hooks in `language`, length, detail or none, emoji), emoji
    level and call to action (its tone's for its kind of account, in `language`)."""
    rng = random.Random(hashlib.sha256(f"{seed}|caption|{spec.key}".encode()).digest())
    kit = brand or BrandKit()
    style = spec.caption_style
    table = wording(language)
    tone_name = kit.tone if kit.tone and subject.kind != "memorial" else None
    tone = TONE_STYLES[tone_name] if tone_name else None
    target = round(style.target * tone.length) if tone else style.target
    words = _fill_words(subject, analysis, table)
    if tone_name and (subject.phrase or subject.thing):
        tone_words = table.tones[tone_name]
        hooks = tone_words.hooks if subject.phrase else tone_words.thing_hooks
    elif subject.phrase and subject.kind != "memorial":
        hooks = table.own_hooks[style.tone]
    elif subject.kind:
        hooks = table.kind_hooks.get(subject.kind, table.general_hooks)
    else:
        hooks = table.general_hooks if subject.thing else table.neutral_hooks
    hooks = _without(hooks, words, kit.avoid)
    hook_template = _next(hooks, words, avoid, rng)
    # The hook must be read before the platform's "more" (room left for an emoji).
    hook = shorten(hook_template.format(**words), spec.caption_visible - 3, style.unit)
    if subject.kind == "memorial":  # the user's words, not colours, under a memorial
        own = _sentence(subject.phrase).replace("{", "{{").replace("}", "}}")
        details: tuple[str, ...] = (own,) if subject.phrase else ("",)
    elif tone and not tone.detail:
        details = ("",)
    elif subject.occasion and subject.occasion not in hook:
        details = (table.wish(subject.occasion),)
    elif subject.product:
        details = table.product_details
    elif analysis.faces and subject.kind in ("people", "event", ""):
        details = table.people_details
    else:
        details = table.details
    # Say each thing once: no mood or colour in the detail when the hook already has it.
    fresh = [d for d in details if not _shared_words(hook_template, d)] or list(details)
    fresh = list(_without(tuple(fresh), words, kit.avoid))
    brand_cta = kit.cta(language) if subject.kind != "memorial" else ""
    cta = brand_cta or _next(_ctas(table, spec.key, subject), words, avoid, rng)
    level = kit.emoji_level or ("few" if style.emoji != "none" else "none")
    marks = tone.marks if tone else ("✨",)
    mark = subject.emoji or (marks[0] if tone else "")
    if level != "none" and mark:
        hook = f"{hook} {mark}"
    if level == "many" and subject.kind != "memorial":
        cta = f"{cta} {_CTA_EMOJI.get(spec.key, marks[-1])}"
    elif style.emoji == "some" and spec.key in _CTA_EMOJI and subject.kind != "memorial":
        cta = f"{cta} {_CTA_EMOJI[spec.key]}" if level != "none" else cta
    separator = "\n\n" if spec.key in _PARAGRAPHS else " "

    def join(*parts: str) -> str:
        return separator.join(part for part in parts if part)

    if subject.text:
        # The user's own words come first: kept whole up to the hard limit (less room for
        # hashtags), shortened only when even that is too little.
        room = spec.caption_limit - _TAG_ROOM - measure(join(hook, "", cta), style.unit)
        detail = shorten(_sentence(subject.text), max(room, _TAG_ROOM), style.unit)
        return join(hook, detail, cta)
    detail = _next(tuple(fresh), words, avoid, rng).format(**words)
    if level == "many" and detail:
        detail = f"{detail} {marks[len(marks) // 2]}"
    texts = [join(hook, detail, cta), join(hook, cta), join(hook, detail), hook]
    texts = [t for t in texts if t.strip()]
    fitting = [t for t in texts if measure(t, style.unit) <= target]
    return fitting[0] if fitting else min(texts, key=lambda t: measure(t, style.unit))


def _without(
    templates: tuple[str, ...], words: dict[str, str], avoid: Sequence[str]
) -> tuple[str, ...]:
    """The templates that say none of the words to avoid once filled (all when each does)."""
    kept = tuple(t for t in templates if not avoided_in(t.format(**words), avoid))
    return kept or templates


def _next(templates: tuple[str, ...], words: dict[str, str], avoid: str, rng: random.Random) -> str:
    """The template after the one `avoid` uses (round the list); one drawn by `rng` when
    `avoid` uses none."""
    for index, template in enumerate(templates):
        if avoid and template.format(**words).rstrip(".") in avoid:
            return templates[(index + 1) % len(templates)]
    return rng.choice(templates)


def _ctas(table: PostWording, platform: str, subject: Subject) -> tuple[str, ...]:
    # A craft is not for sale unless the words or a product shot say so.
    kind = "" if subject.kind == "product" else subject.kind
    family = "product" if subject.product else "launch" if subject.launch else kind
    by_platform = table.kind_ctas.get(family)
    if by_platform is None:
        return table.ctas[platform]
    if platform in by_platform:
        return by_platform[platform]
    # A memorial's own words fit everywhere; a platform's general ones never do there.
    general = platform in _KIND_CTA_PLATFORMS or family == "memorial"
    return by_platform[""] if general else table.ctas[platform]


def _fill_words(subject: Subject, analysis: ImageAnalysis, table: PostWording) -> dict[str, str]:
    phrase = _lower_first(subject.phrase)
    colours = [table.name(c.name) for c in analysis.colours] + [
        table.name("neutral"),
        table.name("soft"),
    ]
    mood = table.mood(analysis.mood.split(",")[0])
    thing = subject.thing or "photo"
    return {
        "phrase": phrase,
        "Phrase": _upper_first(phrase),
        "thing": thing,
        "Thing": _upper_first(thing),
        "mood": mood,
        "colour": colours[0],
        "Colour": _upper_first(colours[0]),
        "colour2": colours[1] if colours[1] != colours[0] else colours[2],
    }


def _shared_words(first: str, second: str) -> bool:
    fields = ("{mood}", "{colour}", "{Colour}")
    return any(f in first for f in fields) and any(f in second for f in fields)


def _sentence(text: str) -> str:
    text = _upper_first(text.strip())
    return text if text.endswith((".", "!", "?", "।")) else f"{text}."


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


def assemble_post(
    spec: PlatformSpec,
    caption: str,
    hashtags: Sequence[str],
    signature: str = "",
    emoji: EmojiPolicy | None = None,
) -> Post:
    """Place the hashtags as the platform wants and keep everything within its limits: the
    caption is shortened before hashtags are dropped, and never below the platform's minimum.
    `signature`: a line under the caption, whole, where the caption still keeps what the feed
    shows before "more" (`Post.signed` says whether it did); `emoji`: a policy other than the
    platform's."""
    style = spec.caption_style
    caption = apply_emoji_policy(strip_hashtags(caption), emoji or style.emoji)
    signed = f"\n\n{signature}" if signature else ""
    tags = list(hashtags)[: spec.hashtags.max]
    if spec.hashtags.camel_case:
        spellings = load_vocabulary().spellings
        tags = [camel_case(tag, spellings) for tag in tags]

    def with_signature(room: int) -> tuple[str, bool]:
        """The caption in `room`, signed when the signature leaves it enough."""
        left = room - measure(signed, style.unit)
        if signed and left >= min(spec.caption_visible, spec.caption_limit // 2):
            return shorten(caption, left, style.unit) + signed, True
        return shorten(caption, room, style.unit), False

    placement = spec.hashtags.placement
    if placement in (HashtagPlacement.FIRST_COMMENT, HashtagPlacement.TAGS_FIELD):
        text, sign = with_signature(spec.caption_limit)
        comment = format_hashtags(tags) if placement == HashtagPlacement.FIRST_COMMENT else ""
        return Post(to_markup(text, style.markup), comment, tuple(tags), sign)
    separator = " " if placement == HashtagPlacement.INLINE else "\n\n"
    while True:
        suffix = separator + format_hashtags(tags) if tags else ""
        room = spec.caption_limit - measure(suffix, style.unit)
        if room >= min(40, spec.caption_limit // 2) or len(tags) <= spec.hashtags.min:
            text, sign = with_signature(room)
            return Post(to_markup(text + suffix, style.markup), "", tuple(tags), sign)
        tags.pop()
