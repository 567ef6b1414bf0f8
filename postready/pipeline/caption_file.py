"""The ready-to-post text file per platform, in six titled sections: the titles in the posts'
language, the lines under them (for whoever posts) in English."""

from __future__ import annotations

from pathlib import Path

from postready.pipeline.markup import visible_text
from postready.pipeline.models import PlatformContent
from postready.pipeline.platforms import PLATFORMS, HashtagPlacement, PlatformSpec
from postready.pipeline.text import measure
from postready.pipeline.timing import clock, slot_label, window_label
from postready.pipeline.vocabulary import load_vocabulary
from postready.pipeline.wording import ENGLISH, SEED_FILE_SECTIONS, wording

RULE = "-" * 30
SECTIONS = SEED_FILE_SECTIONS


def caption_file_name(platform: str) -> str:
    return f"{platform}_caption.txt"


def write_caption_file(
    session_dir: Path,
    platform: str,
    content: PlatformContent,
    posts: tuple[tuple[int, ...], ...] = (),
    language: str = ENGLISH,
) -> Path:
    """The platform's caption file in `session_dir`, written (again); its path."""
    path = session_dir / caption_file_name(platform)
    text = render_caption_file(PLATFORMS[platform], content, posts, language)
    path.write_text(text, encoding="utf-8")
    return path


def render_caption_file(
    spec: PlatformSpec,
    content: PlatformContent,
    posts: tuple[tuple[int, ...], ...] = (),
    language: str = ENGLISH,
) -> str:
    """Six sections, each a title (in the posts' `language`), a rule and its lines. `posts`:
    a carousel's photo numbers, one tuple per post (the files `<platform>_<n>`)."""
    bodies = (
        ["", content.caption],
        [content.first_comment or _no_first_comment(spec, content)],
        _posting_info(spec, content) + _carousel_info(spec, posts),
        _posting_times(content),
        _accounts(content),
        _alt_text(spec, content),
    )
    blocks = [
        f"{title}:\n{RULE}\n" + "\n".join(body)
        for title, body in zip(wording(language).file_sections, bodies, strict=True)
    ]
    return "\n\n".join(blocks) + "\n"


def _no_first_comment(spec: PlatformSpec, content: PlatformContent) -> str:
    if spec.hashtags.max == 0:
        return f"(none: {spec.display_name} posts take no hashtags)"
    if spec.hashtags.placement == HashtagPlacement.TAGS_FIELD:
        tags = ", ".join(content.hashtags) or "none"
        return f"(none: {spec.display_name} tags go in the post's tags field: {tags})"
    where = {
        HashtagPlacement.INLINE: "in the post",
        HashtagPlacement.END: "at the end of the post",
        HashtagPlacement.DESCRIPTION: "in the description",
    }.get(spec.hashtags.placement, "in the post")
    return f"(none: {spec.display_name} hashtags go {where}, already included above)"


def _posting_info(spec: PlatformSpec, content: PlatformContent) -> list[str]:
    unit = spec.caption_style.unit
    length = measure(visible_text(content.caption, spec.caption_style.markup), unit)
    counted = {"utf16": " (UTF-16 units)", "x_weighted": " (as X counts them)"}.get(unit, "")
    if spec.caption_style.markup != "plain":
        counted += " as read, without the HTML tags"
    lines = [
        f"Platform: {spec.display_name.upper()}",
        f"Caption Length: {length} characters{counted} of {spec.caption_limit:,}",
        f"Hashtags: {len(content.hashtags)} (platform allows {spec.hashtags.min}–"
        f"{spec.hashtags.max})",
        f"Niches: {', '.join(_niche_label(key) for key in content.niches)}",
    ]
    sources = content.sources
    lines.append(
        f"Written by: {sources.writing}; analysis: {sources.analysis}; accounts: {sources.accounts}"
    )
    lines.extend(f"Fallback ({part}): {reason}" for part, reason in sources.fallbacks.items())
    return lines


def _carousel_info(spec: PlatformSpec, posts: tuple[tuple[int, ...], ...]) -> list[str]:
    if not posts:
        return []
    count = sum(len(post) for post in posts)
    lines = [f"Carousel: {count} photos, one {spec.display_name} post takes at most "
             f"{spec.carousel_limit or 1}"]  # fmt: skip
    lines += [
        f"Post {number} of {len(posts)}: photos {post_range(post)}"
        for number, post in enumerate(posts, 1)
    ]
    return lines


def post_range(post: tuple[int, ...]) -> str:
    """A post's photo numbers as people write them: "21–25", or "4" alone."""
    return f"{post[0]}–{post[-1]}" if len(post) > 1 else f"{post[0]}"


def _niche_label(key: str) -> str:
    niche = load_vocabulary().niches.get(key)
    return niche.label if niche else key


def _posting_times(content: PlatformContent) -> list[str]:
    posting = content.posting
    weekly = sorted(posting.weekly, key=lambda s: (s.start.weekday(), s.start.time()))
    if not weekly:
        return ["No data for this platform."]
    starts = sorted({s.start.time() for s in weekly})
    peak = max(weekly, key=lambda s: (s.end - s.start, -s.start.weekday()))
    zone = posting.timezone
    if posting.audience_timezone != posting.timezone:
        zone += f" (audience in {posting.audience_timezone})"
    return [
        f"Best Days: {', '.join(posting.best_days)}",
        "Best Times: " + ", ".join(clock(start) for start in starts),
        f"Peak Engagement: {window_label(peak)}",
        "Windows: " + "; ".join(window_label(s) for s in weekly),
        "Next Slots: " + "; ".join(slot_label(s) for s in posting.next_slots),
        f"Time Zone: {zone}",
        f"Source: {posting.source}",
    ]


def _accounts(content: PlatformContent) -> list[str]:
    accounts = content.accounts
    lines = []
    for account in accounts.accounts:
        line = f"• {account.handle}"
        if account.reason:
            line += f" — {account.reason}"
        if account.sources:
            line += f" (source: {account.sources[0]})"
        lines.append(line)
    if accounts.note:
        lines.append(accounts.note)
    return lines or ["None suggested."]


def _alt_text(spec: PlatformSpec, content: PlatformContent) -> list[str]:
    rule = spec.alt_text
    if content.item_alt_texts:
        return [
            *(f"Photo {n}: {text}" for n, text in enumerate(content.item_alt_texts, 1)),
            f"(at most {rule.limit:,} characters each; where they go: {rule.field})",
        ]
    if not content.alt_text:
        return ["None written."]
    return [
        content.alt_text,
        f"({len(content.alt_text)} of {rule.limit:,} characters; where it goes: {rule.field})",
    ]
