"""Feed previews: each platform's post drawn as its feed shows it (the account's header, the
image at the feed's width, the caption cut at the platform's fold with its "more", hashtags as
links, the first comment where the hashtags go there), and one contact sheet of them all.

Pillow only. The bundled Noto fonts (SIL OFL 1.1) cover Latin, Greek, Cyrillic, Arabic and
Hebrew, each character drawn with the first of them that has it; anything none has (CJK,
emoji) is drawn as the missing-glyph box. Right-to-left lines are right-aligned with their runs
in right-to-left order; Pillow's Raqm layout (where installed) shapes and orders each run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from postready.pipeline.markup import visible_text
from postready.pipeline.models import DEFAULT_ACCOUNT_NAME, FeedPreviews, PlatformContent
from postready.pipeline.platforms import PLATFORMS, HashtagPlacement, LengthUnit, PlatformSpec
from postready.pipeline.preview_fonts import (
    BOLD,
    Style,
    faces,
    font_for,
    right_to_left,
    runs,
    text_width,
    visual_order,
)
from postready.pipeline.text import WORD_CHAR, format_hashtags, measure

WIDTH = 480  # one preview: a phone's feed column
PREVIEWS_DIR = "previews"
SHEET_FILE = "sheet.png"
SHEET_COLUMNS = 4
_PNG_EFFORT = 3  # zlib level: a sheet in a fifth of the time optimize takes, 8 % larger

# The first font draws everything it can; the others fill in the scripts it lacks.
# Spaces, marks, joiners and variation selectors stay in the run of the text around them.
_LINK = re.compile(rf"(?<![\w&])[#@]{WORD_CHAR}+")
_TOKEN = re.compile(r"\n|[^\S\n]+|\S+")

Span = tuple[str, Style]
Op = Callable[[Image.Image, ImageDraw.ImageDraw, int], None]


@dataclass(frozen=True, slots=True)
class FeedPost:
    """What a preview shows of one platform's result."""

    platform: str
    image: Path  # the post's first image
    content: PlatformContent | None  # None: the image came out, its text did not
    items: int = 1  # a carousel's images in this post: a "1/N" badge and dots


@dataclass(frozen=True, slots=True)
class CaptionFold:
    visible: str  # what the feed shows before its "more"
    folded: bool  # True: the feed cuts the caption here


@dataclass(frozen=True, slots=True)
class Line:
    spans: tuple[Span, ...]
    rtl: bool  # its paragraph reads right to left: right-aligned, runs right to left

    @classmethod
    def of(cls, *spans: Span) -> Line:
        return cls(spans, right_to_left("".join(text for text, _ in spans)))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.spans)


@dataclass(frozen=True, slots=True)
class _Look:
    """How a platform's feed lays a post out."""

    caption_first: bool  # the text above the image (else under it)
    inset: bool  # the image inside the text column with round corners (else edge to edge)
    name_leads_caption: bool  # the caption starts with the account name in bold
    subtitle: str  # beside or under the name
    more: str  # after the fold
    actions: tuple[str, ...]
    overlay: bool = False  # full-screen photo with the text over it


_LOOKS: dict[str, _Look] = {
    "instagram": _Look(False, False, True, "Original audio", "… more",
                       ("Like", "Comment", "Share", "Save")),
    "facebook": _Look(True, False, False, "Just now · Public", "… See more",
                      ("Like", "Comment", "Share")),
    "linkedin": _Look(True, False, False, "Now · Public", "…see more",
                      ("Like", "Comment", "Repost", "Send")),
    "pinterest": _Look(False, True, False, "Pin", "… more", ("Save",)),
    "x": _Look(True, True, False, "· now", "Show more", ("Reply", "Repost", "Like", "Views")),
    "tiktok": _Look(False, False, False, "", "… more", (), overlay=True),
    "threads": _Look(True, True, False, "now", "… more", ("Like", "Reply", "Repost", "Share")),
    "bluesky": _Look(True, True, False, "now", "… more", ("Reply", "Repost", "Like")),
    "mastodon": _Look(True, True, False, "now", "… more",
                      ("Reply", "Boost", "Favourite", "Bookmark")),
    "youtube": _Look(True, True, False, "now", "Read more", ("Like", "Dislike", "Comment")),
    "reddit": _Look(True, True, False, "r/community · now", "… more",
                    ("Upvote", "Comment", "Share")),
    "snapchat": _Look(False, False, False, "", "… more", (), overlay=True),
    "tumblr": _Look(False, False, False, "", "Keep reading", ("Reply", "Reblog", "Like")),
    "google_business": _Look(False, True, False, "Just now", "… More", ("Learn more", "Share")),
    "telegram": _Look(False, False, False, "channel", "… more", ("Share", "Comment")),
}  # fmt: skip
assert _LOOKS.keys() == PLATFORMS.keys(), "every platform needs its feed look"

_WHITE = (255, 255, 255)
_INK = (20, 20, 20)
_MUTED = (110, 116, 124)
_LINK_BLUE = (0, 85, 170)
_RULE = (225, 228, 232)
_AVATAR = (190, 196, 204)
_SHEET_BACKGROUND = (233, 235, 238)
_BODY, _SMALL, _NAME = 16, 13, 16
_MARGIN = 16
_TEXT_WIDTH = WIDTH - 2 * _MARGIN
_AVATAR_SIZE = 40
_BADGE = (38, 38, 38)  # a carousel's "1/N" badge, and the rim of its dots
_DOT = (170, 170, 170)
_BADGE_PADDING = 8
_MAX_DOTS = 5  # feeds show a few dots, not one per image of a long carousel


def fold_caption(spec: PlatformSpec, caption: str) -> CaptionFold:
    """The caption as the platform's feed shows it: whole up to its fold (measured the way the
    platform counts), else cut at the last word that fits, or between characters when no
    space comes early enough (emoji-only or CJK text)."""
    limit, unit = spec.caption_visible, spec.caption_style.unit
    if measure(caption, unit) <= limit:
        return CaptionFold(caption, False)
    cut = ""
    for match in re.finditer(r"\S+", caption):
        if measure(caption[: match.end()], unit) > limit:
            break
        cut = caption[: match.end()]
    if measure(cut, unit) < limit // 2:
        cut = _cut_characters(caption, limit, unit)
    return CaptionFold(cut.rstrip(" \n,;:-"), True)


def _cut_characters(text: str, limit: int, unit: LengthUnit) -> str:
    end = 0
    while end < len(text) and measure(text[: end + 1], unit) <= limit:
        end += 1
    # Never split a character from its marks, joiners or variation selectors.
    while 0 < end < len(text) and (
        unicodedata.category(text[end]) in {"Mn", "Me", "Mc", "Cf"} or text[end - 1] == "\u200d"
    ):
        end -= 1
    return text[:end]


def caption_spans(text: str, more: str | None = None, lead: str = "") -> list[Span]:
    """A caption as styled spans: hashtags and @handles as links, `lead` (the account name)
    in bold before it, and the fold's `more` after it."""
    spans: list[Span] = [(lead, "bold"), (" ", "text")] if lead else []
    position = 0
    for match in _LINK.finditer(text):
        spans += [(text[position : match.start()], "text"), (match.group(), "link")]
        position = match.end()
    spans.append((text[position:], "text"))
    if more is not None:
        spans += [("" if more.startswith("…") else " ", "text"), (more, "muted")]
    return [span for span in spans if span[0]]


def wrap(spans: list[Span], width: int, size: int) -> list[Line]:
    """Spans broken into lines no wider than `width` pixels, measured with the fonts that will
    draw them; the text's line breaks are kept, and a word wider than a line is split. A line
    reads right to left when its paragraph's first strong character does."""
    # A muted label ("Show more") is never split over two lines.
    tokens = [
        (token, style)
        for text, style in spans
        for token in ([text] if style == "muted" else _TOKEN.findall(text))
    ]
    paragraphs: list[list[Span]] = [[]]
    for token, style in tokens:
        if token == "\n":
            paragraphs.append([])
        else:
            paragraphs[-1].append((token, style))
    lines: list[Line] = []
    for paragraph in paragraphs:
        rtl = right_to_left("".join(token for token, _ in paragraph))
        lines += [Line(spans, rtl) for spans in _fill(paragraph, width, size)]
    return lines


def _fill(tokens: list[Span], width: int, size: int) -> list[tuple[Span, ...]]:
    """Greedy line filling; an empty paragraph stays one empty line."""
    lines: list[tuple[Span, ...]] = []
    line: list[Span] = []
    used = 0.0
    for token, style in tokens:
        if token.isspace() and not line:
            continue
        token_width = text_width(token, style, size)
        if used + token_width > width and line:
            lines.append(_trimmed(line))
            line, used = [], 0.0
            if token.isspace():
                continue
        while token_width > width:
            head = _fitting_prefix(token, style, size, width)
            lines.append(((head, style),))
            token = token[len(head) :]
            token_width = text_width(token, style, size)
        line.append((token, style))
        used += token_width
    if line or not lines:
        lines.append(_trimmed(line))
    return lines


def render_preview(post: FeedPost, account: str = DEFAULT_ACCOUNT_NAME) -> Image.Image:
    """One platform's post as its feed shows it, WIDTH pixels wide."""
    spec = PLATFORMS[post.platform]
    look = _LOOKS[post.platform]
    account = account.strip() or DEFAULT_ACCOUNT_NAME
    with Image.open(post.image) as opened:
        opened.draft("RGB", (WIDTH, 1))  # a JPEG decodes reduced, still at least WIDTH wide
        photo = opened.convert("RGB")
    caption = post.content.caption if post.content else ""
    fold = fold_caption(spec, visible_text(caption, spec.caption_style.markup))
    more = look.more if fold.folded else None
    if look.overlay:
        return _overlay_post(photo, fold.visible, more, account, post.items)

    layout = _Layout()
    layout.add(_AVATAR_SIZE + 2 * 12, _header(account, look.subtitle))
    lead = account if look.name_leads_caption else ""
    caption_lines = wrap(caption_spans(fold.visible, more, lead), _TEXT_WIDTH, _BODY)
    if look.caption_first:
        layout.add_text(caption_lines, _BODY)
        layout.gap(10)
    layout.add_image(photo, inset=look.inset, items=post.items)
    layout.gap(8)
    layout.add_text([Line.of(("   ".join(look.actions), "muted"))], _SMALL)
    if not look.caption_first:
        layout.add_text(caption_lines, _BODY)
    tags = post.content.hashtags if post.content else ()
    if tags and spec.hashtags.placement == HashtagPlacement.TAGS_FIELD:  # Tumblr's, under the text
        layout.add_text(wrap(caption_spans(format_hashtags(tags)), _TEXT_WIDTH, _SMALL), _SMALL)
    comment = post.content.first_comment if post.content else ""
    if comment and spec.hashtags.placement == HashtagPlacement.FIRST_COMMENT:
        layout.gap(6)
        layout.add_text([Line.of(("First comment", "muted"))], _SMALL)
        layout.add_text(wrap(caption_spans(comment, lead=account), _TEXT_WIDTH, _BODY), _BODY)
    layout.gap(_MARGIN)
    return layout.render()


def contact_sheet(previews: Mapping[str, Image.Image]) -> Image.Image:
    """Every preview side by side, SHEET_COLUMNS to a row, each under its platform's name."""
    gap, label_height = 24, 32
    keys = list(previews)
    columns = max(1, min(SHEET_COLUMNS, len(keys)))
    rows = [keys[i : i + columns] for i in range(0, len(keys), columns)]
    heights = [label_height + max(previews[k].height for k in row) for row in rows]
    sheet = Image.new(
        "RGB",
        (gap + columns * (WIDTH + gap), gap + sum(h + gap for h in heights)),
        _SHEET_BACKGROUND,
    )
    draw = ImageDraw.Draw(sheet)
    y = gap
    for row, height in zip(rows, heights, strict=True):
        for column, key in enumerate(row):
            x = gap + column * (WIDTH + gap)
            _draw_line(draw, x, y + 4, WIDTH, Line.of((PLATFORMS[key].display_name, "bold")), 18)
            sheet.paste(previews[key], (x, y + label_height))
        y += height + gap
    return sheet


def write_previews(
    posts: list[FeedPost], directory: Path, account: str = DEFAULT_ACCOUNT_NAME
) -> FeedPreviews:
    """`<directory>/<platform>.png` for each post and `<directory>/sheet.png` of them all."""
    directory.mkdir(parents=True, exist_ok=True)
    images = {post.platform: render_preview(post, account) for post in posts}
    paths = {}
    for key, image in images.items():
        paths[key] = directory / f"{key}.png"
        image.save(paths[key], compress_level=_PNG_EFFORT)
    sheet = directory / SHEET_FILE
    contact_sheet(images).save(sheet, compress_level=_PNG_EFFORT)
    return FeedPreviews(sheet, paths)


class _Layout:
    """A preview built top to bottom: each part reserves its height, then all are drawn onto
    one image of the total height."""

    def __init__(self) -> None:
        self.height = 0
        self._ops: list[tuple[int, Op]] = []

    def add(self, height: int, op: Op) -> None:
        self._ops.append((self.height, op))
        self.height += height

    def gap(self, height: int) -> None:
        self.height += height

    def add_text(self, lines: list[Line], size: int) -> None:
        for line in lines:
            self.add(_line_height(size), _text(line, size))

    def add_image(self, photo: Image.Image, inset: bool, items: int = 1) -> None:
        width = WIDTH - 2 * _MARGIN if inset else WIDTH
        height = max(1, round(photo.height * width / photo.width))
        scaled = photo.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        _mark_carousel(scaled, items)
        mask = None
        if inset:
            mask = Image.new("L", scaled.size, 0)
            ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), 16, fill=255)
        x = _MARGIN if inset else 0
        self.add(height, lambda image, _, y: image.paste(scaled, (x, y), mask))

    def render(self) -> Image.Image:
        image = Image.new("RGB", (WIDTH, self.height), _WHITE)
        draw = ImageDraw.Draw(image)
        for y, op in self._ops:
            op(image, draw, y)
        return image


def _text(line: Line, size: int) -> Op:
    def draw_text(_: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        _draw_line(draw, _MARGIN, y, _TEXT_WIDTH, line, size)

    return draw_text


def _header(account: str, subtitle: str) -> Op:
    def draw_header(image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        top = y + 12
        box = (_MARGIN, top, _MARGIN + _AVATAR_SIZE, top + _AVATAR_SIZE)
        draw.ellipse(box, fill=_AVATAR)
        initial = next((ch for ch in account if ch.isalnum()), "")
        if initial:
            centre = (_MARGIN + _AVATAR_SIZE // 2, top + _AVATAR_SIZE // 2)
            letter = font_for(BOLD, 18, initial.upper())
            draw.text(centre, initial.upper(), font=letter, fill=_WHITE, anchor="mm")
        x = _MARGIN + _AVATAR_SIZE + 10
        width = WIDTH - x - _MARGIN
        _draw_line(draw, x, top, width, Line.of((account, "bold")), _NAME)
        subtitle_top = top + _line_height(_NAME)
        _draw_line(draw, x, subtitle_top, width, Line.of((subtitle, "muted")), _SMALL)

    return draw_header


def _overlay_post(
    photo: Image.Image, caption: str, more: str | None, account: str, items: int
) -> Image.Image:
    """A full-screen 9:16 post: the photo fitted on black, the name and caption over its foot."""
    height = WIDTH * 16 // 9
    frame = Image.new("RGB", (WIDTH, height), (0, 0, 0))
    scale = min(WIDTH / photo.width, height / photo.height)
    size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    fitted = photo.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    frame.paste(fitted, ((WIDTH - size[0]) // 2, (height - size[1]) // 2))
    _mark_carousel(frame, items, dots_from_top=True)
    text_width = WIDTH * 4 // 5 - _MARGIN
    lines = [Line.of((account, "bold")), *wrap(caption_spans(caption, more), text_width, _BODY)]
    step = _line_height(_BODY)
    top = height - _MARGIN * 3 - step * len(lines)
    shade = Image.new("RGBA", (WIDTH, height - top + _MARGIN), (0, 0, 0, 110))
    frame.paste(shade, (0, top - _MARGIN), shade)
    draw = ImageDraw.Draw(frame)
    for index, line in enumerate(lines):
        _draw_line(draw, _MARGIN, top + index * step, text_width, line, _BODY, on_dark=True)
    return frame


def _mark_carousel(image: Image.Image, items: int, *, dots_from_top: bool = False) -> None:
    """A carousel's marks drawn onto its first image, as feeds show them: a "1/N" badge in the
    top right corner and a dot per image (at most _MAX_DOTS), the first one lit, at the foot
    (at the top of a full-screen post, whose foot the caption covers)."""
    if items < 2:
        return
    draw = ImageDraw.Draw(image)
    label = f"1/{items}"
    font = font_for(BOLD, _SMALL, label)
    width = round(font.getlength(label)) + 2 * _BADGE_PADDING
    height = _line_height(_SMALL) + _BADGE_PADDING
    right, top = image.width - _MARGIN // 2, _MARGIN // 2
    draw.rounded_rectangle((right - width, top, right, top + height), height // 2, fill=_BADGE)
    centre = (right - width / 2, top + height / 2)
    draw.text(centre, label, font=font, fill=_WHITE, anchor="mm")
    dots = min(items, _MAX_DOTS)
    step, radius = 12, 3
    left = image.width / 2 - step * (dots - 1) / 2
    y = _MARGIN + 2 * height if dots_from_top else image.height - _MARGIN
    for index in range(dots):
        x = left + index * step
        colour = _WHITE if index == 0 else _DOT
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour, outline=_BADGE)


def _draw_line(
    draw: ImageDraw.ImageDraw,
    x: int,
    y: int,
    width: int,
    line: Line,
    size: int,
    *,
    on_dark: bool = False,
) -> None:
    """One line at (x, y) in a column `width` wide; a right-to-left line is right-aligned."""
    colours: dict[Style, tuple[int, int, int]] = {
        "text": _WHITE if on_dark else _INK,
        "bold": _WHITE if on_dark else _INK,
        "link": _WHITE if on_dark else _LINK_BLUE,
        "muted": (220, 220, 220) if on_dark else _MUTED,
    }
    pieces = [
        (run, font, colours[style])
        for text, style in line.spans
        for run, font in runs(text, faces(style), size)
    ]
    pieces = visual_order(pieces, line.rtl)
    total = sum(font.getlength(run) for run, font, _ in pieces)
    left = x + max(0.0, width - total) if line.rtl else float(x)
    baseline = y + round(size * 1.1)
    for run, font, colour in pieces:
        draw.text((left, baseline), run, font=font, fill=colour, anchor="ls")
        left += font.getlength(run)


def _fitting_prefix(token: str, style: Style, size: int, width: int) -> str:
    """The longest start of `token` (at least one character) that fits `width`, measured
    character by character: a long word has no kerning worth a second pass."""
    end, used = 1, text_width(token[0], style, size)
    while end < len(token):
        used += text_width(token[end], style, size)
        if used > width:
            break
        end += 1
    return token[:end]


def _trimmed(line: list[Span]) -> tuple[Span, ...]:
    while line and line[-1][0].isspace():
        line = line[:-1]
    return tuple(line)


def _line_height(size: int) -> int:
    return round(size * 1.45)
