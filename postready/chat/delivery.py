"""A finished job as chat replies: the images as albums (or files), then one post per platform."""

from __future__ import annotations

from pathlib import Path

from postready.chat.replies import (
    Copyable,
    Files,
    MediaItem,
    Option,
    Part,
    Reply,
    Schedule,
    Slot,
    Text,
    albums,
)
from postready.pipeline.models import OptimizeResult, PlatformResult
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.timing import slot_label

FILES_ACTION = "files"  # the "📎 Original files" button: `files:<session id>`
MAX_SLOTS = 3


def files_action(session_id: str) -> Option:
    return Option(f"{FILES_ACTION}:{session_id}", "📎 Original files")


def result_images(result: OptimizeResult) -> list[MediaItem]:
    """Every platform image, then every local product-photography image, labelled."""
    items = [
        MediaItem(
            item.image.path,
            f"{PLATFORMS[key].display_name} · {item.image.width}×{item.image.height}",
            (item.image.width, item.image.height),
        )
        for key, item in result.platforms.items()
        if item.image is not None
    ]
    if result.product_photography is not None:
        from postready.pipeline.photography import STYLES

        for style, by_platform in result.product_photography.styles.items():
            for key, where in by_platform.items():
                if Path(where).is_file():  # uploaded-only images are links, not files
                    label = f"{STYLES[style].name} · {PLATFORMS[key].display_name}"
                    items.append(MediaItem(Path(where), label))
    return items


def result_replies(result: OptimizeResult, as_files: bool) -> list[Reply]:
    """What a user sees when their job is done. `as_files`: images as documents (the user's
    setting), else albums and a button for the uncompressed files under the last post."""
    images = result_images(result)
    media: list[Reply] = [Files(tuple(images))] if as_files and images else list(albums(images))
    posts = [_post(result.platforms[key]) for key in result.platforms]
    if posts and images and not as_files:
        last = posts[-1]
        posts[-1] = Text(last.parts, (files_action(result.session_id),))
    return [*media, *posts]


def _post(item: PlatformResult) -> Text:
    spec = PLATFORMS[item.platform]
    if item.status == "failed" or item.content is None:
        reason = f"{item.error.code}: {item.error.message}" if item.error else "no text written"
        if item.status == "failed":
            return Text.line(f"⚠️ {spec.display_name} failed — {reason}")
        return Text.line(f"{spec.display_name}: image ready; {reason}")
    content = item.content
    parts: list[Part] = [f"{spec.display_name} — caption", Copyable(content.caption)]
    if content.first_comment:
        parts += ["First comment (hashtags)", Copyable(content.first_comment)]
    slots = content.posting.next_slots[:MAX_SLOTS]
    if slots:
        schedule = tuple(Slot(s.start, s.end, slot_label(s)) for s in slots)
        parts.append(Schedule("Best times to post:", schedule))
    accounts = content.accounts
    if accounts.accounts:
        lines = [
            f"• {a.handle}" + (f" — {a.reason}" if a.reason else "") for a in accounts.accounts
        ]
        parts.append("Accounts to tag:\n" + "\n".join(lines))
    elif accounts.note:
        parts.append(f"Accounts to tag: {accounts.note}")
    return Text(tuple(parts))
