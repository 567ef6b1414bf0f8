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
from postready.pipeline.hashtags import camel_case, format_hashtags
from postready.pipeline.markup import to_markup
from postready.pipeline.platforms import EmojiPolicy, HashtagPlacement, PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.subject import Subject
from postready.pipeline.text import EMOJI, measure, shorten

# Hooks that take the user's own words as a unit ("Today: launch day at the space center."),
# so they read right whatever the words are; by the platform's tone.
_OWN_HOOKS = {
    "friendly": ("Sharing this one: {phrase}.", "A little {mood} moment: {phrase}.",
                 "Fresh on the feed: {phrase}.", "{Phrase}."),
    "professional": ("{Phrase}.", "A closer look: {phrase}.", "Today on the page: {phrase}."),
    "inspiring": ("Ideas to save: {phrase}.", "Inspiration for your board: {phrase}.",
                  "Saving this one: {phrase}."),
    "casual": ("{Phrase}.", "Today: {phrase}.", "Just shared: {phrase}."),
}  # fmt: skip
# Hooks about the kind of thing when the user's words do not name it in a few words.
_KIND_HOOKS = {
    "animal": ("Today's star: this {thing}.", "A {thing} moment worth sharing.",
               "Say hello to this {thing}."),
    "food": ("All about the {thing} today.", "{Thing}, fresh and ready.",
             "Worth the wait: {thing}."),
    "drink": ("All about the {thing} today.", "{Thing} o'clock.", "Time for {thing}."),
    "place": ("Views like this.", "A {thing} worth the trip.", "Wish you were here."),
    "nature": ("Views like this.", "Nature, doing its thing.", "A {mood} {thing}."),
    "product": ("A closer look at this {thing}.", "Made with care: this {thing}.",
                "Every detail counts on this {thing}."),
    "launch": ("Big news today.", "Something new is here.", "It's launch day."),
    "property": ("Welcome home.", "Home sweet home.", "A place to call home."),
    "event": ("A day to remember.", "Moments from the {thing}.", "What a {thing}."),
    "holiday": ("{Thing} is here.", "{Thing} moments.", "A little {Thing} cheer."),
    "season": ("{Thing} mood.", "Hello, {thing}.", "A {mood} {thing}."),
    "memorial": ("In loving memory.", "Remembering, with love.", "Forever in our hearts."),
    "people": ("Moments that matter.", "Little moments, big memories.",
               "The people behind it all."),
    "learning": ("Learning in action.", "A day in the classroom.",
                 "Today's lesson, in one photo."),
    "art": ("Fresh from the studio.", "New work, finished today.",
            "A closer look at this {thing}."),
    "music": ("Turn it up.", "All about the music today.", "Music is the whole mood today."),
    "photo": ("Light, timing and a little luck.", "Seen through the lens.",
              "A frame worth keeping."),
    "books": ("Currently reading.", "Between the pages.", "A good book and a quiet moment."),
    "vehicle": ("Built to be looked at.", "A {thing} worth a second look.", "Ready to roll."),
    "activity": ("Out there doing it.", "Another {thing} session in the books.",
                 "Earned it."),
    "home": ("Home, just as we like it.", "A little corner of the {thing}.",
             "Slow days at home."),
    "science": ("Science is beautiful.", "Curious minds, welcome.",
                "Today's focus: {thing}."),
    "tech": ("Today's focus: {thing}.", "A closer look at the setup.",
             "Built for the way we work."),
    "gaming": ("Game on.", "One more level.", "Tonight's game."),
}  # fmt: skip
_GENERAL_HOOKS = ("A closer look: {thing}.", "Today's focus: {thing}.", "{Thing}, today.")
# No subject we can name: about the look of the photo only.
_NEUTRAL_HOOKS = ("A moment worth sharing.", "Today's snapshot, in {colour} and {colour2}.",
                  "Just as it was: {mood}.", "A little {mood} moment.")  # fmt: skip
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
    "tiktok": ("Follow for more!", "Save this for later!", "What do you think? Comment below!"),
    "threads": ("What would you add?", "Thoughts?", "Tell me what you think."),
    "bluesky": ("What do you think?", "Thoughts?", "Would you?"),
    "mastodon": ("What do you think?", "Boost it if you like it.", "Thoughts?"),
    "youtube": ("Tell us in the comments.", "Which detail do you like best? Comment below.",
                "Subscribe for more like this."),
    "reddit": ("Thoughts?", "What do you think?", "Feedback welcome."),
    "snapchat": ("Send this to a friend!", "Snap us back!", "Add us for more!"),
    "tumblr": ("Reblog if you like it.", "Reblog it for later.", "Tell us what you think."),
    "google_business": ("Call us or stop by today.", "Visit us this week: we'd love to see you.",
                        "Tap Learn more to find out more."),
    "telegram": ("Share it with a friend.", "What do you think? Tell us in the comments.",
                 "Forward it to someone who'd love it."),
}  # fmt: skip
# Calls to action by what the photo is, where the general ones would read wrong ("Would you
# try it?" under a pet) or miss the point (a shop). Keyed by platform, "" for the others.
_KIND_CTAS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {
        "": ("Tap the link in our bio to shop.", "Message us to order yours.",
             "Available now: the link is in our bio."),
        "linkedin": ("Interested in stocking it? Let's talk.",
                     "Questions about the process? The comments are open."),
        "pinterest": ("Save it to your wishlist board.", "Pin it for your next gift idea."),
        "x": ("Link in bio to shop.", "Want one?"), "bluesky": ("Want one?", "Thoughts?"),
        "threads": ("Want one?", "Which would you pick?"),
        "google_business": ("Order yours: tap Buy below.", "Call us to order yours.",
                            "In store now: stop by today."),
        "telegram": ("Want one? Message us to order.",),
    },
    "launch": {
        "": ("Try it: the link is in our bio.", "Tell us what you think once you've tried it.",
             "Early feedback is welcome in the comments."),
        "linkedin": ("Feedback welcome: what would you like to see next?",),
        "pinterest": ("Save it to try later.",),
        "x": ("Try it and tell us.", "Feedback welcome."), "bluesky": ("Feedback welcome.",),
        "threads": ("What would you like to see next?",),
        "google_business": ("Tap Learn more to try it.", "Stop by and try it today."),
    },
    "animal": {
        "": ("Tag someone who needs this in their feed.", "Show us yours in the comments!",
             "Double tap if this made you smile."),
        "linkedin": ("Every team needs one. Who is yours?",),
        "pinterest": ("Save it for a smile later.",),
        "x": ("Look at this face.", "Thoughts?"), "bluesky": ("Look at this face.",),
        "threads": ("Show me yours.",),
    },
    "food": {
        "": ("Would you try it?", "Save it for your next craving.",
             "Tag who you'd share this with."),
        "linkedin": ("What's on your menu this week?",),
        "pinterest": ("Save it for your next craving.", "Pin it for later."),
        "google_business": ("Order online or stop by today.", "Book a table: tap Book below."),
    },
    "drink": {
        "": ("How do you take yours?", "Tag your favourite person to share one with."),
        "linkedin": ("What fuels your workday?",), "pinterest": ("Save it for later.",),
    },
    "memorial": {
        "": ("Share a memory in the comments if you wish.",),
        "linkedin": ("Thank you for the kind words.",), "pinterest": ("Save it to remember.",),
        "x": ("Thank you for the kind words.",), "bluesky": ("Thank you for the kind words.",),
        "threads": ("Thank you for the kind words.",),
    },
    "place": {
        "": ("Who would you bring here?", "Save it for your next trip.",
             "Tag someone who needs to see this."),
        "linkedin": ("Where do you go to recharge?",),
        "pinterest": ("Save it for your next trip.",),
    },
}  # fmt: skip
_CTA_EMOJI = {"instagram": "👇", "tiktok": "✨"}
# The hook, the detail and the call to action as paragraphs; the rest: one line.
_PARAGRAPHS = {"instagram", "linkedin", "facebook", "pinterest", "tiktok", "snapchat", "tumblr",
               "telegram", "youtube", "google_business"}  # fmt: skip
# Where the general calls to action by kind ("Tap the link in our bio to shop.") read right;
# the others use their own (_CTAS) unless _KIND_CTAS names them.
_KIND_CTA_PLATFORMS = {"instagram", "linkedin", "facebook", "pinterest", "tiktok"}
_TAG_ROOM = 60  # characters kept free for inline hashtags when a long description fills a post


_TRAILING_TAGS = re.compile(r"(?:[ \t]*#\w+)+[ \t]*$", re.MULTILINE)
_INLINE_TAG = re.compile(r"(?<![\w&])#(\w+)")


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
    brand: BrandKit | None = None,
) -> str:
    """A caption without hashtags for `spec`, near its target length: a hook about what the
    photo shows, a detail (or the user's own sentences), and a call to action that fits.
    `avoid`: a caption to differ from (another caption asked for): the hook, detail and call
    to action after its own are used, so that asking again goes round all of them. `brand`:
    the kit's tone (hooks, length, detail or none), emoji level and call to action."""
    rng = random.Random(hashlib.sha256(f"{seed}|caption|{spec.key}".encode()).digest())
    kit = brand or BrandKit()
    style = spec.caption_style
    tone = TONE_STYLES[kit.tone] if kit.tone and subject.kind != "memorial" else None
    target = round(style.target * tone.length) if tone else style.target
    words = _fill_words(subject, analysis)
    if tone and (subject.phrase or subject.thing):
        hooks = tone.hooks if subject.phrase else tone.thing_hooks
    elif subject.phrase and subject.kind != "memorial":
        hooks = _OWN_HOOKS[style.tone]
    elif subject.kind:
        hooks = _KIND_HOOKS.get(subject.kind, _GENERAL_HOOKS)
    else:
        hooks = _GENERAL_HOOKS if subject.thing else _NEUTRAL_HOOKS
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
        details = (f"Happy {subject.occasion}!",)
    elif subject.product:
        details = _PRODUCT_DETAILS
    elif analysis.faces and subject.kind in ("people", "event", ""):
        details = _PEOPLE_DETAILS
    else:
        details = _DETAILS
    # Say each thing once: no mood or colour in the detail when the hook already has it.
    fresh = [d for d in details if not _shared_words(hook_template, d)] or list(details)
    fresh = list(_without(tuple(fresh), words, kit.avoid))
    brand_cta = kit.cta() if subject.kind != "memorial" else ""
    cta = brand_cta or _next(_ctas(spec.key, subject), words, avoid, rng)
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


def _ctas(platform: str, subject: Subject) -> tuple[str, ...]:
    # A craft is not for sale unless the words or a product shot say so.
    kind = "" if subject.kind == "product" else subject.kind
    family = "product" if subject.product else "launch" if subject.launch else kind
    by_platform = _KIND_CTAS.get(family)
    if by_platform is None:
        return _CTAS[platform]
    if platform in by_platform:
        return by_platform[platform]
    # A memorial's own words fit everywhere; a platform's general ones never do there.
    general = platform in _KIND_CTA_PLATFORMS or family == "memorial"
    return by_platform[""] if general else _CTAS[platform]


def _fill_words(subject: Subject, analysis: ImageAnalysis) -> dict[str, str]:
    phrase = _lower_first(subject.phrase)
    colours = [c.name for c in analysis.colours] + ["neutral", "soft"]
    mood = analysis.mood.split(",")[0]
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
        tags = [camel_case(tag) for tag in tags]

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
