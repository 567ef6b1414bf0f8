"""Carousels: several photos as one post per platform, through `run_optimization`."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from postready.pipeline.carousel import split_posts
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.models import (
    CarouselPhoto,
    OptimizeRequest,
    OptimizeResult,
    ProgressEvent,
)
from postready.pipeline.platform_plans import choose_variant
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.previews import WIDTH
from postready.pipeline.providers.base import (
    CAROUSEL_VISION_SIDE,
    OpenAIConfig,
    ProviderSettings,
)
from postready.pipeline.runner import RESULTS_FILE, run_optimization
from tests.face_scenes import ASTRONAUT, Placement, Scene, compose, crop_keeps_faces
from tests.fakes.ai_servers import FakeServer, Reply, openai_completion
from tests.images import encode, textured


def carousel(photos: list[bytes], *platforms: str, **options: object) -> OptimizeRequest:
    first, *others = photos
    return OptimizeRequest(
        source=first,
        source_name="photo-1.jpg",
        platforms=platforms,
        more_photos=tuple(
            CarouselPhoto(photo, f"photo-{n}.jpg") for n, photo in enumerate(others, 2)
        ),
        **options,  # type: ignore[arg-type]
    )


def jpeg(size: tuple[int, int], seed: int = 0) -> bytes:
    return encode(textured(size, seed), "JPEG", quality=85)


async def test_25_photos_make_two_instagram_posts_of_20_and_5_with_a_warning(tmp_path) -> None:
    photos = [jpeg((320, 320), seed) for seed in range(25)]

    result = await run_optimization(carousel(photos, "instagram"), tmp_path)

    instagram = result.platforms["instagram"]
    assert instagram.status == "success"
    assert instagram.posts == (tuple(range(1, 21)), tuple(range(21, 26)))
    assert [item.item for item in instagram.items] == list(range(1, 26))  # none dropped
    assert any("2 posts (photos 1–20, 21–25)" in format(warning) for warning in instagram.warnings)
    folder = tmp_path / result.session_id
    assert sorted(p.name for p in folder.glob("instagram_*.jpg")) == sorted(
        f"instagram_{n}.jpg" for n in range(1, 26)
    )
    caption_file = (folder / "instagram_caption.txt").read_text()
    assert "Post 2 of 2: photos 21–25" in caption_file
    saved = json.loads((folder / RESULTS_FILE).read_text())
    assert [item["source_image"] for item in saved["items"]] == [
        f"photo-{n}.jpg" for n in range(1, 26)
    ]
    assert saved["platforms"]["instagram"]["posts"][1] == [21, 22, 23, 24, 25]
    assert saved["platforms"]["instagram"]["variant_shared"] is True


def test_posts_split_consecutively_at_each_platforms_limit() -> None:
    assert split_posts(25, PLATFORMS["instagram"].carousel_limit or 1) == (
        tuple(range(1, 21)),
        tuple(range(21, 26)),
    )
    assert split_posts(6, PLATFORMS["x"].carousel_limit or 1) == ((1, 2, 3, 4), (5, 6))
    assert PLATFORMS["snapchat"].carousel_limit is None  # one image per post
    assert split_posts(2, 1) == ((1,), (2,))
    assert split_posts(3, 4) == ((1, 2, 3),)


async def test_instagram_items_share_one_variant_and_one_size(tmp_path) -> None:
    # Landscape, portrait and square photos; the small one cannot fill 1080 px even at 2×.
    photos = [jpeg((1600, 1200), 1), jpeg((1200, 1600), 2), jpeg((1400, 1400), 3)]
    photos.append(jpeg((500, 380), 4))

    result = await run_optimization(carousel(photos, "instagram", "pinterest", "x"), tmp_path)

    for key in ("instagram", "pinterest"):
        platform = result.platforms[key]
        sizes = set()
        for item in platform.items:
            with Image.open(item.image.path) as image:
                sizes.add(image.size)
        assert len(sizes) == 1, (key, sizes)
        assert any("one size for the whole post" in format(w) for w in platform.warnings)
    assert len({item.image.width / item.image.height for item in result.platforms["x"].items}) == 1


def test_the_shared_variant_needs_the_least_cropping_for_the_set() -> None:
    instagram = PLATFORMS["instagram"]
    portraits, landscape = [(1200, 1600)] * 3, (1600, 1200)
    # One landscape among portraits: the set is best served by a portrait shape.
    assert choose_variant(instagram, *portraits, landscape).name == "grid_portrait"
    assert choose_variant(instagram, landscape).name == "square"
    # For one photo the choice is the closest ratio, as it always was.
    for size in [(4000, 1000), (1000, 4000), (1080, 1350), (3000, 2000)]:
        ratio = size[0] / size[1]
        closest = min(
            (v for v in instagram.variants if v.auto),
            key=lambda v: max(v.ratio / ratio, ratio / v.ratio),
        )
        assert choose_variant(instagram, size) == closest


async def test_each_photo_keeps_its_own_faces(tmp_path) -> None:
    layouts = [((0.02, 0.4), 0.12), ((0.97, 0.6), 0.10), ((0.5, 0.05), 0.09)]
    scenes = [
        compose(Scene(f"face-{n}", size, "studio", (Placement(ASTRONAUT, at, height),)), n)
        for n, (size, (at, height)) in enumerate(
            zip([(2400, 1200), (2400, 1400), (1200, 2000)], layouts, strict=True)
        )
    ]
    photos = [encode(scene.image, "JPEG", quality=92) for scene in scenes]

    result = await run_optimization(carousel(photos, "instagram", "x", "pinterest"), tmp_path)

    for key in ("instagram", "x", "pinterest"):
        platform = result.platforms[key]
        assert platform.status == "success"
        for item, scene in zip(platform.items, scenes, strict=True):
            assert crop_keeps_faces(item.crop_box, scene.faces), (key, item.item, item.crop_box)


async def test_results_round_trip_and_keep_the_single_photo_keys(tmp_path) -> None:
    photos = [jpeg((640, 480), 1), jpeg((480, 640), 2)]
    result = await run_optimization(carousel(photos, "instagram", "linkedin"), tmp_path)

    saved = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())
    assert OptimizeResult.from_json(saved) == result
    for key in ("session_id", "user_uuid", "timestamp", "source_image", "platforms"):
        assert key in saved
    linkedin = saved["platforms"]["linkedin"]
    assert linkedin["processed_image"] == linkedin["items"][0]["processed_image"]
    assert len(linkedin["item_alt_texts"]) == 2


async def test_a_bad_photo_stops_the_carousel_before_any_work(tmp_path) -> None:
    photos = [jpeg((640, 480)), b"not a photo at all", jpeg((640, 480), 2)]
    with pytest.raises(PostReadyError) as error:
        await run_optimization(carousel(photos, "instagram"), tmp_path)
    assert error.value.code == ErrorCode.INVALID_IMAGE_FORMAT
    assert error.value.message.startswith("photo 2 (photo-2.jpg): ")
    assert not list(tmp_path.iterdir())


async def test_a_photo_damaged_past_its_header_leaves_no_half_written_post(tmp_path) -> None:
    whole = jpeg((900, 700), 5)
    photos = [jpeg((640, 480)), whole[: len(whole) // 3], jpeg((640, 480), 2)]
    with pytest.raises(PostReadyError) as error:
        await run_optimization(carousel(photos, "instagram", "x"), tmp_path)
    assert error.value.code == ErrorCode.CORRUPT_IMAGE
    assert error.value.message.startswith("photo 2 (photo-2.jpg): ")
    assert not list(tmp_path.iterdir())


async def test_product_photography_is_for_single_photos(tmp_path) -> None:
    photos = [jpeg((640, 480)), jpeg((640, 480), 2)]
    with pytest.raises(PostReadyError) as error:
        await run_optimization(carousel(photos, "instagram", styles=("floating",)), tmp_path)
    assert error.value.code == ErrorCode.INVALID_OPTION


async def test_a_carousel_gets_a_feed_preview_of_each_post_and_a_sheet(tmp_path) -> None:
    photos = [jpeg((640, 480), seed) for seed in range(5)]
    events: list[ProgressEvent] = []
    request = carousel(photos, "instagram", "x", "tiktok", previews=True)

    result = await run_optimization(request, tmp_path, progress=events.append)

    previews = result.previews
    assert previews is not None and set(previews.platforms) == {"instagram", "x", "tiktok"}
    assert previews.sheet.is_file() and previews.sheet.parent.parent.name == result.session_id
    for path in previews.platforms.values():
        with Image.open(path) as image:
            assert image.width == WIDTH
    assert events[-1].stage == "previews" and events[-1].done == events[-1].total
    assert OptimizeResult.from_json(result.to_json()).previews == previews


def carousel_answer(platforms: tuple[str, ...], seen: int) -> str:
    return json.dumps(
        {
            "summary": "Five mugs on a shelf.",
            "alt_text": "A green mug.",
            "subjects": ["mug"],
            "product_shot": True,
            "niches": ["handmade"],
            "posts": {
                key: {"caption": "Five new mugs.", "hashtags": ["pottery"]} for key in platforms
            },
            "item_alt_texts": [f"Mug number {n}." for n in range(1, seen + 1)],
        }
    )


async def test_one_ai_call_sees_four_small_copies_of_six_photos(tmp_path) -> None:
    reply = Reply(body=openai_completion(carousel_answer(("instagram", "x"), 4)))
    async with FakeServer("/v1/chat/completions", reply) as server:
        config = OpenAIConfig("sk-test", "gpt-test", f"{server.origin}/v1")
        engine = ContentEngine(ProviderSettings(openai=config))
        photos = [jpeg((1300, 975) if seed < 4 else (640, 480), seed) for seed in range(6)]
        result = await run_optimization(
            carousel(photos, "instagram", "x", description="six mugs"), tmp_path, content=engine
        )

    assert len(server.requests) == 1 and result.ai_calls <= 2
    body = server.requests[0].json
    user = next(m for m in body["messages"] if m["role"] == "user")
    images = [part for part in user["content"] if part["type"] == "image_url"]
    assert len(images) == 4
    for part in images:
        data = base64.b64decode(part["image_url"]["url"].split(",", 1)[1])
        with Image.open(io.BytesIO(data)) as sent:
            assert max(sent.size) <= CAROUSEL_VISION_SIDE
    schema = body["response_format"]["json_schema"]["schema"]
    assert "item_alt_texts" in schema["required"]
    alt_texts = result.platforms["instagram"].content.item_alt_texts
    assert alt_texts[:4] == tuple(f"Mug number {n}." for n in range(1, 5))
    assert len(alt_texts) == 6 and all(alt_texts[4:])  # the unseen two: written locally
