"""The runner end to end: one photo in, every platform's file and the results JSON out."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from postready.pipeline import platform_images, runner
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.logo import LogoOptions
from postready.pipeline.models import LogoRequest, OptimizeRequest, OptimizeResult
from postready.pipeline.platform_plans import choose_variant, min_decoded_size
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.runner import RESULTS_FILE, run_optimization
from tests.images import encode, textured

SOURCE_SIZE = (4000, 3000)


@pytest.fixture(scope="module")
def large_jpeg() -> bytes:
    return encode(textured(SOURCE_SIZE), "JPEG", quality=90)


async def test_every_platform_gets_its_size_under_its_limit(large_jpeg, tmp_path) -> None:
    events = []
    request = OptimizeRequest(source=large_jpeg, platforms=tuple(PLATFORMS), source_name="a.jpg")
    result = await run_optimization(request, tmp_path, progress=events.append)

    assert [r.status for r in result.platforms.values()] == ["success"] * len(PLATFORMS)
    for key, item in result.platforms.items():
        spec = PLATFORMS[key]
        variant = choose_variant(spec, SOURCE_SIZE)
        assert item.variant == variant.name
        assert item.image.path == tmp_path / result.session_id / f"{key}.jpg"
        data = item.image.path.read_bytes()
        assert len(data) == item.image.bytes <= (variant.max_bytes or spec.max_bytes)
        with Image.open(io.BytesIO(data)) as decoded:
            assert decoded.format == "JPEG"
            assert decoded.size == variant.size == (item.image.width, item.image.height)
        # The crop box is reported in full-resolution source pixels.
        box = item.crop_box
        assert box.right <= SOURCE_SIZE[0] and box.bottom <= SOURCE_SIZE[1]
        assert abs(box.width / box.height - variant.ratio) < 0.01

    assert [e.stage for e in events][:3] == ["load", "analyse", "images"]
    assert [e.done for e in events] == list(range(len(events)))
    assert events[-1].done == events[-1].total


async def test_results_json_keeps_the_seed_keys(large_jpeg, tmp_path) -> None:
    request = OptimizeRequest(source=large_jpeg, platforms=("instagram", "x"), source_name="a.jpg")
    result = await run_optimization(request, tmp_path)
    data = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())
    assert {"session_id", "user_uuid", "timestamp", "source_image", "platforms"} <= set(data)
    assert data["source_image"] == "a.jpg"
    assert data["optimization_metadata"]["total_platforms"] == 2
    assert data["optimization_metadata"]["successful_platforms"] == 2
    assert data["optimization_metadata"]["generated_at"].endswith("Z")
    instagram = data["platforms"]["instagram"]
    assert {"status", "processed_image", "processing_time", "product_photography_used"} <= set(
        instagram
    )
    assert Path(instagram["processed_image"]).exists()
    assert len(data["timestamp"]) == len("YYYYMMDD_HHMMSS")


async def test_a_failing_platform_does_not_stop_the_others(large_jpeg, tmp_path, monkeypatch):
    real_encode = platform_images.encode_under_limit

    def encode_failing_for_bluesky(image, fmt, max_bytes, exif=b""):
        if max_bytes == PLATFORMS["bluesky"].max_bytes:
            raise PostReadyError(ErrorCode.ENCODING_FAILED, "could not fit")
        if max_bytes == PLATFORMS["x"].max_bytes:
            raise RuntimeError("a bug")
        return real_encode(image, fmt, max_bytes, exif)

    monkeypatch.setattr(platform_images, "encode_under_limit", encode_failing_for_bluesky)
    request = OptimizeRequest(source=large_jpeg, platforms=("instagram", "bluesky", "x"))
    result = await run_optimization(request, tmp_path)
    statuses = {key: r.status for key, r in result.platforms.items()}
    assert statuses == {"instagram": "success", "bluesky": "failed", "x": "failed"}
    assert result.platforms["bluesky"].error.code == ErrorCode.ENCODING_FAILED
    assert result.platforms["x"].error.code == ErrorCode.PROCESSING_FAILED
    data = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())
    assert data["platforms"]["x"]["error"]["code"] == "PROCESSING_FAILED"
    assert OptimizeResult.from_json(data) == result  # failed platforms read back too
    assert data["optimization_metadata"]["successful_platforms"] == 1


async def test_bad_requests_raise_before_any_work(large_jpeg, tmp_path) -> None:
    for request, code in [
        (OptimizeRequest(source=large_jpeg, platforms=("myspace",)), ErrorCode.UNKNOWN_PLATFORM),
        (OptimizeRequest(source=large_jpeg, platforms=()), ErrorCode.UNKNOWN_PLATFORM),
        (
            OptimizeRequest(large_jpeg, ("instagram",), variants={"instagram": "banner"}),
            ErrorCode.UNKNOWN_VARIANT,
        ),
        (OptimizeRequest(source=b"GIF89a broken", platforms=("x",)), ErrorCode.CORRUPT_IMAGE),
    ]:
        with pytest.raises(PostReadyError) as caught:
            await run_optimization(request, tmp_path)
        assert caught.value.code == code
    assert not any(tmp_path.iterdir())


async def test_a_variants_own_byte_limit_is_the_one_met(large_jpeg, tmp_path, monkeypatch):
    """A YouTube thumbnail is encoded under its 2 MB, the post image under YouTube's 16 MB."""
    real_encode = platform_images.encode_under_limit
    limits = []

    def recording_encode(image, fmt, max_bytes, exif=b""):
        limits.append((image.size, max_bytes))
        return real_encode(image, fmt, max_bytes, exif)

    monkeypatch.setattr(platform_images, "encode_under_limit", recording_encode)
    thumbnail = OptimizeRequest(large_jpeg, ("youtube",), variants={"youtube": "thumbnail"})
    result = await run_optimization(thumbnail, tmp_path)
    post = await run_optimization(OptimizeRequest(large_jpeg, ("youtube",)), tmp_path)
    assert limits == [((1280, 720), 2_000_000), ((1080, 1080), 16_000_000)]
    youtube = result.platforms["youtube"]
    assert youtube.variant == "thumbnail" and youtube.image.bytes <= 2_000_000
    assert post.platforms["youtube"].variant == "post"


async def test_requested_variant_format_and_fallback(large_jpeg, tmp_path) -> None:
    request = OptimizeRequest(
        source=large_jpeg,
        platforms=("instagram", "facebook"),
        output_format="webp",
        variants={"instagram": "story"},
    )
    result = await run_optimization(request, tmp_path)
    instagram, facebook = result.platforms["instagram"], result.platforms["facebook"]
    assert (instagram.image.width, instagram.image.height) == (1080, 1920)
    assert instagram.image.format == "jpeg"  # Instagram takes JPEG only
    assert any("JPEG" in format(w) for w in instagram.warnings)
    assert facebook.image.format == "webp" and facebook.image.path.suffix == ".webp"


async def test_small_sources_are_not_blown_up(tmp_path) -> None:
    request = OptimizeRequest(source=encode(textured((400, 500)), "PNG"), platforms=("instagram",))
    result = await run_optimization(request, tmp_path)
    instagram = result.platforms["instagram"]
    assert (instagram.image.width, instagram.image.height) == (800, 1000)
    assert any("enlarged at most 2×" in format(w) for w in instagram.warnings)


async def test_logo_is_placed_on_every_image(large_jpeg, tmp_path) -> None:
    logo = Image.new("RGBA", (200, 100), (255, 255, 255, 0))
    logo.paste((230, 20, 20, 255), (0, 0, 200, 100))
    plain = await run_optimization(OptimizeRequest(large_jpeg, ("instagram",)), tmp_path)
    branded = await run_optimization(
        OptimizeRequest(
            large_jpeg,
            ("instagram",),
            logo=LogoRequest(encode(logo, "PNG"), LogoOptions(position="top-left")),
        ),
        tmp_path,
    )
    with (
        Image.open(plain.platforms["instagram"].image.path) as before,
        Image.open(branded.platforms["instagram"].image.path) as after,
    ):
        near_corner = (80, 70)  # margin 0.04 × 1080 ≈ 43 px, logo 194 px wide
        red, green, _ = after.convert("RGB").getpixel(near_corner)
        assert red > 180 and green < 90
        assert before.getpixel((1000, 1000)) == pytest.approx(after.getpixel((1000, 1000)), abs=6)


async def test_bad_logo_is_a_clear_error(large_jpeg, tmp_path) -> None:
    request = OptimizeRequest(large_jpeg, ("instagram",), logo=LogoRequest(b"not an image"))
    with pytest.raises(PostReadyError) as caught:
        await run_optimization(request, tmp_path)
    assert caught.value.code == ErrorCode.INVALID_IMAGE_FORMAT
    assert caught.value.message.startswith("logo:")


async def test_platforms_sharing_a_size_share_one_render(tmp_path, monkeypatch) -> None:
    square = encode(textured((2000, 2000)), "JPEG", quality=90)
    request = OptimizeRequest(square, ("instagram", "facebook", "threads", "bluesky"))
    result = await run_optimization(request, tmp_path)
    files = {key: r.image.path.read_bytes() for key, r in result.platforms.items()}
    assert files["instagram"] == files["facebook"] == files["threads"] == files["bluesky"]

    # A platform with a tighter byte limit gets its own encode from the same render.
    monkeypatch.setitem(
        PLATFORMS, "bluesky", dataclasses.replace(PLATFORMS["bluesky"], max_bytes=150_000)
    )
    result = await run_optimization(request, tmp_path)
    facebook_q92, bluesky = result.platforms["facebook"], result.platforms["bluesky"]
    assert facebook_q92.image.quality == 92
    assert bluesky.image.quality < 92 and bluesky.image.bytes <= 150_000
    assert (bluesky.image.width, bluesky.image.height) == (1080, 1080)


def test_decode_size_keeps_every_crop_and_the_working_copy() -> None:
    assert min_decoded_size([(1080, 1080)], (8000, 8000)) == (1080, 1080)
    # A 9:16 story crops a square photo to 4500×8000: 1080 wide needs 24 % of the pixels.
    assert min_decoded_size([(1080, 1080), (1080, 1920)], (8000, 8000)) == (1920, 1920)
    assert min_decoded_size([(1080, 1080)], (8000, 6000), min_long_side=2048) == (2048, 1536)
    assert min_decoded_size([(1080, 1080)], (900, 600), min_long_side=2048) == (900, 600)


async def test_styles_decode_as_large_as_the_cut_out_needs(
    large_jpeg, tmp_path, monkeypatch
) -> None:
    decoded = []
    real_load = runner.load_image

    class Decoded(Exception):
        """Stops a run once its photo is decoded: the decode is all this test is about."""

    def recording_load(*args, **kwargs):
        decoded.append(real_load(*args, **kwargs).image.size)
        raise Decoded

    monkeypatch.setattr(runner, "load_image", recording_load)
    for request in (
        OptimizeRequest(large_jpeg, ("x",)),
        OptimizeRequest(large_jpeg, ("x",), styles=("macro",), product=False),
        OptimizeRequest(large_jpeg, ("x",), styles=("macro",), product=True),
    ):
        with pytest.raises(Decoded):
            await run_optimization(request, tmp_path)
    # X's 1600×900 needs only half the pixels; product photography cuts out from a copy
    # 2048 px long, more than half of 4000: the JPEG decodes whole (1/2 or nothing).
    assert decoded == [(2000, 1500), (2000, 1500), SOURCE_SIZE]


async def test_every_step_runs_in_the_executor_it_is_given(tmp_path) -> None:
    """A job's CPU work (decode, crop, encode, cut-out, styles, previews) counts against the
    worker pool's bound: asyncio's default pool is never used."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.product_images import product_photo

    class Refusing(ThreadPoolExecutor):
        def submit(self, *args, **kwargs):
            raise AssertionError("asyncio's default executor was used")

    asyncio.get_running_loop().set_default_executor(Refusing(1))
    photo = product_photo("mug", "studio").image.resize((1600, 1200), Image.Resampling.BILINEAR)
    request = OptimizeRequest(
        encode(photo, "PNG"), ("instagram",), styles=("macro",), product=True, previews=True
    )
    with ThreadPoolExecutor(2) as pool:
        result = await run_optimization(request, tmp_path, executor=pool)
    assert result.platforms["instagram"].status == "success"
    assert result.product_photography is not None and result.product_photography.styles
    assert result.previews is not None
