"""Feed previews: where each platform's feed cuts a caption, how lines wrap, and every
platform drawn with long, right-to-left, emoji-only and CJK captions."""

from __future__ import annotations

import dataclasses
import json
import unicodedata

import pytest
import pytest_asyncio
from PIL import Image, ImageChops

from postready.pipeline.markup import visible_text
from postready.pipeline.models import OptimizeRequest, OptimizeResult
from postready.pipeline.platforms import PLATFORMS, HashtagPlacement
from postready.pipeline.previews import (
    _LOOKS,
    SHEET_COLUMNS,
    WIDTH,
    CaptionFold,
    FeedPost,
    caption_spans,
    contact_sheet,
    fold_caption,
    render_preview,
    wrap,
)
from postready.pipeline.runner import run_optimization
from postready.pipeline.text import measure
from tests.images import encode, textured

LONG = (
    "Meet the mug that started it all. Thrown on the wheel in our little studio by the sea, "
    "glazed in a deep ocean blue and fired twice, it keeps your coffee warm through slow "
    "mornings and long conversations. Every piece is a little different: the glaze pools "
    "where it wants to, and no two handles are the same. Tell us which colour we should make "
    "next, and share it with someone who would love it. #handmade #ceramics @studio.by.the.sea"
) * 3
ARABIC = "قهوة الصباح في كوب خزفي مصنوع يدويًا، لون أزرق هادئ ولمسة دافئة لكل يوم جديد #قهوة " * 8
HEBREW = "ספל קרמיקה בעבודת יד לקפה של הבוקר, כחול רגוע ומגע חם לכל יום חדש #קרמיקה " * 8
EMOJI = "☕️🏺✨👩‍👩‍👧‍👦🇯🇵" * 80
CJK = "手作りの陶器のマグカップ、朝のコーヒーに。" * 30
HINDI = "सुबह की कॉफ़ी के लिए हाथ से बना मिट्टी का कप, शांत नीला रंग और हर दिन की गर्माहट #कॉफ़ी " * 8
CAPTIONS = {
    "long": LONG,
    "arabic": ARABIC,
    "hebrew": HEBREW,
    "hindi": HINDI,
    "emoji": EMOJI,
    "cjk": CJK,
}
WORDS = ("long", "arabic", "hebrew", "hindi")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def result(tmp_path_factory) -> OptimizeResult:
    """Every platform's real result, with previews drawn by the runner."""
    photo = encode(textured((480, 360)), "JPEG", quality=90)
    request = OptimizeRequest(
        photo, tuple(PLATFORMS), description="handmade ceramic mug", previews=True
    )
    return await run_optimization(request, tmp_path_factory.mktemp("previews"))


def post(result: OptimizeResult, key: str, caption: str | None = None) -> FeedPost:
    item = result.platforms[key]
    assert item.image is not None and item.content is not None
    content = (
        item.content if caption is None else dataclasses.replace(item.content, caption=caption)
    )
    return FeedPost(key, item.image.path, content)


@pytest.mark.parametrize("key", list(PLATFORMS))
@pytest.mark.parametrize("kind", list(CAPTIONS))
def test_every_caption_is_cut_at_the_platforms_fold(key: str, kind: str) -> None:
    spec = PLATFORMS[key]
    caption = CAPTIONS[kind]
    fold = fold_caption(spec, caption)
    unit = spec.caption_style.unit
    if measure(caption, unit) <= spec.caption_visible:  # Tumblr's and Telegram's whole posts
        assert fold == CaptionFold(caption, False)
        return
    assert fold.folded and caption.startswith(fold.visible)
    assert 0 < measure(fold.visible, unit) <= spec.caption_visible
    rest = caption[len(fold.visible) :]
    if kind in WORDS:  # words: cut at the last one that fits
        assert rest[0] in " ,;:-" and measure(fold.visible, unit) > spec.caption_visible - 30
    else:  # no spaces: cut between characters, never inside one (marks, joiners, flags)
        assert unicodedata.category(rest[0]) not in ("Mn", "Me", "Cf")
        assert not fold.visible.endswith("\u200d")


def test_a_caption_within_the_fold_is_shown_whole() -> None:
    x = PLATFORMS["x"]
    assert fold_caption(x, "a" * 280).folded is False  # X shows a whole post
    assert fold_caption(x, "a " * 141).folded is True  # Premium's longer ones fold at 280
    assert fold_caption(x, "漢" * 141).folded is True  # CJK weighs 2 on X
    instagram = PLATFORMS["instagram"]
    assert fold_caption(instagram, "short").visible == "short"
    assert [PLATFORMS[k].caption_visible for k in ("instagram", "linkedin", "facebook")] == [
        125,
        210,
        480,
    ]


def test_hashtags_and_handles_are_links_and_the_more_follows_the_text() -> None:
    spans = caption_spans("Mug day #handmade and @studio!", "… more", lead="me")
    assert spans == [
        ("me", "bold"),
        (" ", "text"),
        ("Mug day ", "text"),
        ("#handmade", "link"),
        (" and ", "text"),
        ("@studio", "link"),
        ("!", "text"),
        ("… more", "muted"),
    ]
    assert caption_spans("a#b", "Show more")[-2:] == [(" ", "text"), ("Show more", "muted")]


@pytest.mark.parametrize("kind", list(CAPTIONS))
def test_lines_wrap_by_measured_width_and_keep_every_word(kind: str) -> None:
    from postready.pipeline.preview_fonts import text_width

    text = CAPTIONS[kind][:400]
    lines = wrap(caption_spans(text, "… more"), 300, 16)
    assert len(lines) > 2
    for line in lines:
        assert sum(text_width(t, style, 16) for t, style in line.spans) <= 300
    assert "".join(line.text for line in lines).replace(" ", "") == (
        text.replace(" ", "") + "…more"
    )
    assert all(line.rtl for line in lines) == (kind in ("arabic", "hebrew"))


def test_every_letter_of_the_scripts_posts_are_written_in_has_a_glyph() -> None:
    """Hindi posts (and the others') are drawn with glyphs, not missing-glyph boxes."""
    from postready.pipeline.preview_fonts import faces, has_glyph

    letters = set(HINDI + ARABIC + HEBREW + LONG + "Привіт, Türkçe, ação") - set(" #,")
    missing = [ch for ch in letters if not any(has_glyph(name, ch) for name in faces("text"))]
    assert missing == []


def test_line_breaks_are_kept_and_a_more_label_is_never_split() -> None:
    lines = wrap(caption_spans("one\n\ntwo " + "word " * 30, "Show more"), 200, 16)
    assert [line.text for line in lines[:3]] == ["one", "", lines[2].text]
    assert any(line.text.endswith("Show more") for line in lines)


@pytest.mark.parametrize("kind", list(CAPTIONS))
def test_every_platform_renders_at_its_feed_size(result, kind: str) -> None:
    previews = {}
    for key, item in result.platforms.items():
        assert item.image is not None
        image = render_preview(post(result, key, CAPTIONS[kind]), "maker.studio")
        assert image.mode == "RGB" and image.width == WIDTH
        look = _LOOKS[key]
        if look.overlay:
            assert image.height == WIDTH * 16 // 9
        else:
            column = WIDTH - 32 if look.inset else WIDTH
            shown = round(item.image.height * column / item.image.width)
            assert shown + 100 < image.height < shown + 1200
        previews[key] = image
    sheet = contact_sheet(previews)
    images = list(previews.values())
    rows = [images[i : i + SHEET_COLUMNS] for i in range(0, len(images), SHEET_COLUMNS)]
    assert sheet.width == 24 + SHEET_COLUMNS * (WIDTH + 24)
    assert sheet.height > sum(max(p.height for p in row) for row in rows)


def test_the_first_comment_shows_only_where_the_hashtags_go_there(result) -> None:
    heights = {}
    for key in ("instagram", "facebook"):
        with_comment = render_preview(post(result, key, "Mug day."))
        item = result.platforms[key]
        without = render_preview(
            FeedPost(
                key,
                item.image.path,
                dataclasses.replace(item.content, caption="Mug day.", first_comment=""),
            )
        )
        heights[key] = with_comment.height - without.height
    assert PLATFORMS["instagram"].hashtags.placement == HashtagPlacement.FIRST_COMMENT
    assert heights["instagram"] > 0 and heights["facebook"] == 0


def test_the_runner_writes_previews_and_results_list_them(result) -> None:
    previews = result.previews
    assert previews is not None and set(previews.platforms) == set(PLATFORMS)
    folder = previews.sheet.parent
    assert folder.name == "previews" and folder.parent.name == result.session_id
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["sheet.png", *(f"{key}.png" for key in PLATFORMS)]
    )
    with Image.open(previews.platforms["instagram"]) as image:
        assert image.format == "PNG" and image.width == WIDTH
    data = json.loads((folder.parent / "results.json").read_text())
    assert data["previews"]["sheet"] == str(previews.sheet)
    assert OptimizeResult.from_json(data).previews == previews


@pytest.mark.parametrize("key", ["instagram", "x", "pinterest", "tiktok"])
def test_a_carousel_post_shows_its_first_image_marked_one_of_several(tmp_path, key) -> None:
    path = tmp_path / "green.png"
    Image.new("RGB", (1080, 1080), (40, 160, 90)).save(path)
    single = render_preview(FeedPost(key, path, None))
    several = render_preview(FeedPost(key, path, None, items=3))
    assert several.size == single.size
    marks = ImageChops.difference(single, several).getbbox()
    assert marks is not None
    left, _top, right, _bottom = marks
    # A "1/3" badge in the image's top right corner, and dots around the middle.
    assert right > WIDTH * 0.85 and left < WIDTH / 2


async def test_without_the_request_no_previews_are_drawn(tmp_path) -> None:
    photo = encode(textured((400, 300)), "JPEG")
    result = await run_optimization(OptimizeRequest(photo, ("x",)), tmp_path)
    assert result.previews is None and result.to_json()["previews"] is None
    assert not (tmp_path / result.session_id / "previews").exists()


def test_telegram_shows_its_html_as_text_and_tumblr_its_tags(result) -> None:
    telegram = PLATFORMS["telegram"]
    shown = fold_caption(
        telegram, visible_text("<b>Fish &amp; chips</b>\n\nSo good.", "telegram_html")
    )
    assert shown == CaptionFold("Fish & chips\n\nSo good.", False)
    item = result.platforms["tumblr"]
    with_tags = render_preview(post(result, "tumblr", "Mug day."))
    without = render_preview(
        FeedPost(
            "tumblr",
            item.image.path,
            dataclasses.replace(item.content, caption="Mug day.", hashtags=()),
        )
    )
    assert item.content.hashtags and with_tags.height > without.height
