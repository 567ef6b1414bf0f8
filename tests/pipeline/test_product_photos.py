"""Product photography end to end through the runner, with the real OpenAI and Cloudinary
SDKs talking to fake servers on 127.0.0.1."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from postready.pipeline.content import CONTENT_EVENTS
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.models import OptimizeRequest, OptimizeResult
from postready.pipeline.photography_results import StyleImage
from postready.pipeline.product_photos import PhotographySettings, api_inputs
from postready.pipeline.providers.openai_images import OpenAIImageSettings, closest_size
from postready.pipeline.providers.types import Usage
from postready.pipeline.runner import RESULTS_FILE, run_optimization
from tests.fakes.http import FakeServer, Reply
from tests.images import encode, skimage_photo
from tests.pipeline.gates import USED_UP, CountingGate
from tests.product_images import product_photo

LOCAL = PhotographySettings()
FAST_RETRY = {"retry-after-ms": "10"}  # the SDK honours it: no real back-off in tests


@pytest.fixture(scope="module")
def bottle() -> bytes:
    return encode(product_photo("bottle", "white", size=(900, 675)).image, "JPEG", quality=92)


def generated_png(size: tuple[int, int], colour=(30, 160, 90)) -> str:
    return base64.b64encode(encode(Image.new("RGB", size, colour), "PNG")).decode()


async def test_styles_per_platform_with_progress_and_results(bottle, tmp_path) -> None:
    events = []
    request = OptimizeRequest(
        bottle,
        ("instagram", "pinterest", "x"),
        styles=("floating", "solid background"),
        background_colour="sage green",
    )
    result = await run_optimization(request, tmp_path, progress=events.append, photography=LOCAL)
    photography = result.product_photography
    assert photography.detection.suitable and photography.provider == "local"
    assert set(photography.styles) == {"floating", "solid_background"}
    sizes = {"instagram": (1080, 1080), "pinterest": (1000, 1500), "x": (1600, 900)}
    for style, outputs in photography.styles.items():
        for platform, output in outputs.items():
            path = tmp_path / result.session_id / "styles" / f"{style}_{platform}.jpg"
            assert output == StyleImage(path=path)
            with Image.open(path) as image:
                assert image.size == sizes[platform]
    with Image.open(photography.styles["solid_background"]["x"].path) as image:
        assert image.getpixel((10, 10)) == pytest.approx((178, 190, 160), abs=4)

    assert [e.done for e in events] == list(range(len(events)))
    assert events[-1].done == events[-1].total
    style_events = [e.text for e in events if e.stage == "photography"]
    assert style_events[0] == "Product cut out"
    assert sorted(style_events[1:]) == ["Floating photo ready", "Solid Background photo ready"]

    data = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())
    section = data["product_photography"]
    assert section["detection"]["suitable"] is True
    assert section["provider"] == "local"
    assert section["styles"]["floating"]["pinterest"].endswith("floating_pinterest.jpg")


async def test_not_a_product_is_skipped_with_the_reason(tmp_path) -> None:
    people = encode(skimage_photo("astronaut"), "JPEG")
    events = []
    request = OptimizeRequest(people, ("instagram",), styles=("all",))
    result = await run_optimization(request, tmp_path, progress=events.append, photography=LOCAL)
    assert result.product_photography.styles == {}
    assert "face" in result.product_photography.detection.reason
    # After "load" (done 0): analyse, images, one platform, two content steps, detection, 7 styles
    assert events[-1].done == events[-1].total == 2 + 1 + CONTENT_EVENTS + 1 + 7
    assert not (tmp_path / result.session_id / "styles").exists()
    skipped = await run_optimization(
        OptimizeRequest(people, ("instagram",), styles=("all",), product=False), tmp_path
    )
    assert skipped.product_photography is None


async def test_bad_style_or_colour_fails_before_any_work(bottle, tmp_path) -> None:
    for request, code in [
        (OptimizeRequest(bottle, ("x",), styles=("vintage",)), ErrorCode.UNKNOWN_STYLE),
        (
            OptimizeRequest(bottle, ("x",), styles=("floating",), background_colour="Neon"),
            ErrorCode.UNKNOWN_COLOR,
        ),
    ]:
        with pytest.raises(PostReadyError) as caught:
            await run_optimization(request, tmp_path, photography=LOCAL)
        assert caught.value.code == code
    assert not any(tmp_path.iterdir())


def test_api_inputs_follow_the_mask_rules(bottle) -> None:
    from postready.pipeline.cutout import cut_out

    cutout = cut_out(Image.open(io.BytesIO(bottle)))
    image_png, mask_png = api_inputs(cutout, (1024, 1536))
    with Image.open(io.BytesIO(image_png)) as image, Image.open(io.BytesIO(mask_png)) as mask:
        assert image.format == mask.format == "PNG"
        assert image.size == mask.size == (1024, 1536)
        alpha = mask.getchannel("A")
        assert alpha.getpixel((5, 5)) == 0  # background: repaint
        assert alpha.getpixel((512, 768)) == 255  # the product: keep
    assert len(mask_png) < 4_000_000
    assert closest_size([1080 / 1350, 1000 / 1500]) == (1024, 1536)
    assert closest_size([1600 / 900]) == (1536, 1024)
    assert closest_size([1.0, 1080 / 1350, 1600 / 900]) == (1024, 1024)


async def test_openai_edit_one_request_per_style_after_a_429(bottle, tmp_path) -> None:
    replies = [
        Reply(429, {"error": {"message": "slow down", "type": "rate_limit"}}, FAST_RETRY),
        Reply(200, {"created": 1, "data": [{"b64_json": generated_png((1024, 1536))}]}),
    ]
    with FakeServer(replies) as server:
        settings = PhotographySettings(
            openai=OpenAIImageSettings("sk-test", f"{server.url}/v1", model="gpt-image-1.5")
        )
        request = OptimizeRequest(
            bottle,
            ("instagram", "pinterest"),
            description="green bottle",
            variants={"instagram": "portrait"},
            styles=("lifestyle",),
        )
        result = await run_optimization(request, tmp_path, photography=settings)

    photography = result.product_photography
    assert photography.provider == "openai:gpt-image-1.5"
    assert len(server.received) == 2  # the 429, then one request for the style
    sent = server.received[-1]
    assert sent.path == "/v1/images/edits"
    assert sent.headers["authorization"] == "Bearer sk-test"
    form = sent.form()
    assert form["model"][1] == b"gpt-image-1.5"
    assert form["size"][1] == b"1024x1536"
    assert b"green bottle" in form["prompt"][1]
    with Image.open(io.BytesIO(form["mask"][1])) as mask:
        assert mask.size == (1024, 1536) and mask.mode == "RGBA"
    with Image.open(io.BytesIO(form["image"][1])) as image:
        assert image.size == (1024, 1536)
    # The generated image, cropped per platform: its colour, each platform's shape.
    for platform, size in {"instagram": (1080, 1350), "pinterest": (1000, 1500)}.items():
        with Image.open(photography.styles["lifestyle"][platform].path) as image:
            ratio = image.width / image.height
            assert ratio == pytest.approx(size[0] / size[1], abs=0.01)
            assert image.getpixel((image.width // 2, 5)) == pytest.approx((30, 160, 90), abs=8)


async def test_openai_server_errors_fall_back_to_the_local_renderer(bottle, tmp_path) -> None:
    failing = Reply(500, {"error": {"message": "boom", "type": "server_error"}}, FAST_RETRY)
    with FakeServer([failing] * 3) as server:
        settings = PhotographySettings(
            openai=OpenAIImageSettings("sk-test", f"{server.url}/v1", max_retries=2)
        )
        request = OptimizeRequest(bottle, ("x",), styles=("floating",))
        result = await run_optimization(request, tmp_path, photography=settings)
    assert len(server.received) == 3  # first try and two retries
    photography = result.product_photography
    assert photography.provider == "local"
    assert any("rendered locally" in note for note in photography.notes)
    with Image.open(photography.styles["floating"]["x"].path) as image:
        assert image.size == (1600, 900)


async def test_a_refused_key_is_noted_in_fixed_words_never_the_services_own(
    bottle, tmp_path
) -> None:
    # OpenAI's 401 quotes the key it was given (masked, but still part of it).
    refused = Reply(401, {"error": {"message": "Incorrect API key provided: sk-test***4242"}})
    with FakeServer([refused]) as server:
        settings = PhotographySettings(
            openai=OpenAIImageSettings("sk-test-4242", f"{server.url}/v1", max_retries=0)
        )
        request = OptimizeRequest(bottle, ("x",), styles=("floating",))
        result = await run_optimization(request, tmp_path, photography=settings)
    notes = " ".join(result.product_photography.notes)
    assert "the image API refused the API key (401)" in notes
    assert "4242" not in notes and "Incorrect" not in notes


async def test_cloudinary_uploads_and_urls_in_results(bottle, tmp_path) -> None:
    def uploaded(n: int) -> Reply:
        return Reply(200, {"secure_url": f"https://res.example/image/upload/{n}.jpg"})

    replies = [Reply(503, {"error": {"message": "busy"}}), uploaded(1), uploaded(2)]
    with FakeServer(replies) as server:
        url = f"cloudinary://key123:secret456@democloud?upload_prefix={server.url}"
        request = OptimizeRequest(bottle, ("instagram", "x"), styles=("macro",))
        result = await run_optimization(
            request, tmp_path, photography=PhotographySettings(cloudinary_url=url)
        )
    images = result.product_photography.styles["macro"]
    assert sorted(image.url for image in images.values()) == [
        "https://res.example/image/upload/1.jpg",
        "https://res.example/image/upload/2.jpg",
    ]
    # An upload keeps the local file.
    assert all(image.path.is_file() for image in images.values())
    assert len(server.received) == 3  # one 503 retried
    first = server.received[1]
    assert first.path == "/v1_1/democloud/image/upload"
    form = first.form()
    assert form["api_key"][1] == b"key123"
    assert form["folder"][1] == b"postready"
    assert form["public_id"][1].decode().startswith(result.session_id + "/macro_")
    assert "signature" in form and form["file"][1][:3] == b"\xff\xd8\xff"
    data = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())
    assert data["product_photography"]["styles"]["macro"]["x"].startswith("https://")
    # The results keep one place per image: read back, an uploaded image is its URL.
    read_back = OptimizeResult.from_json(data).product_photography.styles["macro"]
    assert read_back == {key: StyleImage(url=image.url) for key, image in images.items()}


async def test_a_used_up_render_quota_renders_locally_and_says_so(bottle, tmp_path) -> None:
    rendered = {
        "created": 1,
        "data": [{"b64_json": generated_png((1024, 1024))}],
        "usage": {"input_tokens": 700, "output_tokens": 4_000, "total_tokens": 4_700},
    }
    with FakeServer([Reply(200, rendered)] * 2) as server:
        settings = PhotographySettings(
            openai=OpenAIImageSettings("sk-test", f"{server.url}/v1", model="gpt-image-1.5")
        )
        request = OptimizeRequest(bottle, ("x",), styles=("floating", "macro"))
        gate = CountingGate(1)
        result = await run_optimization(request, tmp_path, photography=settings, gate=gate)
    assert len(server.received) == 1 and gate.taken == ["image_render"]
    photography = result.product_photography
    assert set(photography.styles) == {"floating", "macro"}  # both made, one here
    (notice,) = result.notices
    assert format(notice).endswith(f"made without the image service: {USED_UP}")
    cost = result.cost
    assert cost.usage == (Usage("gpt-image-1.5", 700, 4_000, images=1),)
    assert cost.usd == pytest.approx(700 * 8 / 1e6 + 4_000 * 32 / 1e6)
    metadata = json.loads((tmp_path / result.session_id / RESULTS_FILE).read_text())[
        "optimization_metadata"
    ]
    assert metadata["image_renders"] == 1 and metadata["notices"] == [format(notice)]
    assert metadata["cost"]["usd"] == pytest.approx(cost.usd)
