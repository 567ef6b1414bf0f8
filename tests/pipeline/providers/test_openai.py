"""The OpenAI writer through the real `openai` SDK against a fake server on 127.0.0.1."""

from __future__ import annotations

import base64
import io
import json
import re
import time

import pytest
from PIL import Image

from postready.pipeline.content import ContentEngine
from postready.pipeline.marking import Marked
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import OpenAIConfig, ProviderSettings
from postready.pipeline.providers.types import Usage
from postready.pipeline.text import measure
from postready.pipeline.vocabulary import load_vocabulary
from tests.fakes.ai_servers import (
    FakeServer,
    Reply,
    asking_in,
    openai_completion,
    openai_error,
    openai_prompt,
)
from tests.pipeline.gates import USED_UP, CountingGate

PLATFORMS_ASKED = ("instagram", "x", "linkedin", "pinterest", "bluesky")
VALID_TAG = re.compile(r"^\w+$")
ALT_TEXT = (
    "A dark green glazed stoneware mug on a pale oak table, steam rising. "
    "Soft morning light from a window on the left; the mug is stamped 'Hearth'."
)


def answer(platforms=PLATFORMS_ASKED, caption: str = "Slow mornings start with this mug.") -> str:
    return json.dumps(
        {
            "summary": "A glazed ceramic mug on a wooden table.",
            "alt_text": ALT_TEXT,
            "subjects": ["Mug", "table"],
            "product_shot": True,
            "niches": ["handmade", "coffee", "not-a-niche"],
            "posts": {
                key: {
                    "caption": caption,
                    # A banned tag, a spam tag, one with spaces and punctuation, a duplicate.
                    "hashtags": ["#Pottery", "ceramic mug!", "follow4follow", "desk", "pottery"],
                }
                for key in platforms
            },
        }
    )


@pytest.fixture
async def server():
    async with FakeServer("/v1/chat/completions", Reply(body=openai_completion(answer()))) as fake:
        yield fake


def settings(server: FakeServer, **options) -> ProviderSettings:
    config = OpenAIConfig("sk-test", "gpt-test", f"{server.origin}/v1", **options)
    return ProviderSettings(openai=config)


async def test_one_call_for_all_platforms_with_image_and_schema(server, run_content) -> None:
    outcome = await run_content(settings(server), platforms=PLATFORMS_ASKED)

    assert len(server.requests) == 1 and outcome.ai_calls == 1
    request = server.requests[0]
    assert request.headers["Authorization"] == "Bearer sk-test"
    body = request.json
    assert body["model"] == "gpt-test"
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert response_format["json_schema"]["strict"] is True
    assert set(schema["properties"]["posts"]["required"]) == set(PLATFORMS_ASKED)
    assert schema["properties"]["niches"]["items"]["enum"] == list(load_vocabulary().niches)
    user = next(m for m in body["messages"] if m["role"] == "user")
    image_part = next(p for p in user["content"] if p["type"] == "image_url")
    url = image_part["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as sent:
        assert max(sent.size) <= 1024
    text = next(p for p in user["content"] if p["type"] == "text")["text"]
    assert "handmade ceramic mug" in text and '"caption_max_length": 280' in text

    assert outcome.analysis.summary == "A glazed ceramic mug on a wooden table."
    assert outcome.analysis.product_shot is True
    for key in PLATFORMS_ASKED:
        content = outcome.platforms[key]
        spec = PLATFORMS[key]
        assert content.sources.writing == "openai:gpt-test"
        assert content.sources.fallbacks == {}
        assert content.niches == ("handmade", "coffee")  # the unknown niche is dropped
        assert content.caption.startswith("Slow mornings start with this mug.")
        tags = content.hashtags
        assert spec.hashtags.min <= len(tags) <= spec.hashtags.max
        assert len(set(tags)) == len(tags)
        assert all(VALID_TAG.match(tag) for tag in tags)
        assert not set(tags) & load_vocabulary().banned
        assert tags[0] == "pottery"
        # The model's alt text, within each platform's limit (whole sentences first).
        assert content.alt_text and len(content.alt_text) <= spec.alt_text.limit
        assert ALT_TEXT.startswith(content.alt_text.rstrip("…"))
    assert outcome.platforms["linkedin"].alt_text == ALT_TEXT
    assert outcome.platforms["instagram"].alt_text == ALT_TEXT.split(". ")[0] + "."
    assert "alt_text" in body["response_format"]["json_schema"]["schema"]["required"]
    assert outcome.platforms["instagram"].hashtags[:2] == ("pottery", "ceramicmug")


async def test_rate_limit_then_success_honours_retry_after(server, run_content) -> None:
    server.script = [Reply(429, openai_error("slow down"), {"Retry-After": "1"})]
    started = time.perf_counter()
    outcome = await run_content(settings(server))
    assert time.perf_counter() - started >= 1.0  # the SDK's own backoff would be under 0.5 s
    assert len(server.requests) == 2
    assert outcome.platforms["x"].sources.writing == "openai:gpt-test"
    assert outcome.platforms["x"].sources.fallbacks == {}


async def test_server_errors_until_fallback_to_local(server, run_content) -> None:
    server.default = Reply(500, openai_error("boom"), {"retry-after-ms": "5"})
    outcome = await run_content(settings(server, max_retries=2))
    assert len(server.requests) == 3  # the first try and the SDK's two retries
    x = outcome.platforms["x"]
    assert x.sources.writing == "local"
    assert x.sources.fallbacks["writing"] == "OpenAI server error (500) after 2 retries"
    assert x.caption and measure(x.caption, "x_weighted") <= 280
    assert outcome.ai_calls == 1


async def test_timeouts_fall_back(server, run_content) -> None:
    server.default = Reply(body=openai_completion(answer()), delay=120.0)
    started = time.perf_counter()
    outcome = await run_content(settings(server, timeout=0.2, max_retries=1))
    assert time.perf_counter() - started < 60.0  # gave up long before the server answered
    assert len(server.requests) == 2
    assert outcome.platforms["x"].sources.fallbacks["writing"].startswith("OpenAI timed out")


async def test_invalid_json_is_retried_once(server, run_content) -> None:
    server.script = [Reply(body=openai_completion("Sure! Here are your posts: {"))]
    outcome = await run_content(settings(server))
    assert len(server.requests) == 2
    assert outcome.platforms["x"].sources.writing == "openai:gpt-test"
    retry = server.requests[1].json["messages"]
    assert retry[2] == {"role": "assistant", "content": "Sure! Here are your posts: {"}
    assert retry[3]["role"] == "user" and "invalid" in retry[3]["content"]
    assert retry[:2] == server.requests[0].json["messages"]  # the photo is sent again


async def test_invalid_json_twice_falls_back(server, run_content) -> None:
    missing_platform = answer(platforms=("instagram",))
    server.default = Reply(body=openai_completion(missing_platform))
    outcome = await run_content(settings(server))
    assert len(server.requests) == 2
    reason = outcome.platforms["x"].sources.fallbacks["writing"]
    assert "not valid JSON for the schema twice" in reason and "no posts for" in reason


async def test_too_long_captions_are_cut_to_the_limit(server, run_content) -> None:
    server.default = Reply(body=openai_completion(answer(caption="word " * 200 + "🙂 " * 50)))
    outcome = await run_content(settings(server), platforms=PLATFORMS_ASKED)
    for key, content in outcome.platforms.items():
        spec = PLATFORMS[key]
        assert measure(content.caption, spec.caption_style.unit) <= spec.caption_limit
    assert "🙂" not in outcome.platforms["linkedin"].caption  # LinkedIn's style: no emoji
    assert outcome.platforms["x"].caption.count("🙂") <= 1


async def test_a_repeated_request_makes_no_new_call(server, run_content, tmp_path) -> None:
    engine = ContentEngine(
        ProviderSettings(openai=settings(server).openai, cache_dir=tmp_path / "cache")
    )
    first = await run_content(engine)
    again = await run_content(engine, platforms=("linkedin", "x", "instagram"))
    assert len(server.requests) == 1
    assert again.ai_calls == 0 and again.platforms["x"].sources.cached == ("writing",)
    assert again.platforms["x"].caption == first.platforms["x"].caption
    # The cache is on disk: a new engine (another CLI run) finds it too.
    fresh = ContentEngine(engine.settings)
    await run_content(fresh)
    assert len(server.requests) == 1
    await run_content(fresh, description="handmade ceramic mug, blue glaze")
    assert len(server.requests) == 2


async def test_an_unusable_cache_entry_is_a_miss(server, run_content, tmp_path) -> None:
    cached = ProviderSettings(openai=settings(server).openai, cache_dir=tmp_path)
    await run_content(cached)
    for entry in tmp_path.glob("*.json"):
        entry.write_text('{"analysis": {}}')
    outcome = await run_content(cached)
    assert len(server.requests) == 2
    assert outcome.platforms["x"].sources.cached == ()


async def test_a_refusal_falls_back_with_the_models_words(server, run_content) -> None:
    refusal = openai_completion("")
    refusal["choices"][0]["message"].update(content=None, refusal="I can't help with that.")
    server.default = Reply(body=refusal)
    outcome = await run_content(settings(server))
    assert len(server.requests) == 2
    reason = outcome.platforms["x"].sources.fallbacks["writing"]
    assert "the model refused: I can't help with that." in reason
    assert outcome.platforms["x"].caption  # the local post, ready all the same


async def test_the_vision_answer_decides_product_photography_without_another_call(
    tmp_path,
) -> None:
    """Faces make the local detector say "not a product"; the vision model, which saw the
    photo in the content step's one call, says it is, and names it for the style prompts."""
    from postready.pipeline.content import ContentEngine as Engine
    from postready.pipeline.models import OptimizeRequest
    from postready.pipeline.runner import run_optimization
    from tests.images import encode, skimage_photo

    photo = encode(skimage_photo("astronaut"), "JPEG")
    async with FakeServer(
        "/v1/chat/completions", Reply(body=openai_completion(answer(platforms=("x",))))
    ) as fake:
        engine = Engine(settings(fake))
        request = OptimizeRequest(photo, ("x",), styles=("solid background",))
        result = await run_optimization(request, tmp_path, content=engine)
    assert len(fake.requests) == 1  # the writer's call; detection made none
    detection = result.product_photography.detection
    assert detection.suitable and detection.source == "openai:gpt-test"
    assert detection.humans == 1  # the local measurement is still reported
    assert "openai:gpt-test vision model sees a product shot" in detection.reason
    assert set(result.product_photography.styles) == {"solid_background"}

    local = await run_optimization(request, tmp_path)  # no vision model: faces say no
    assert not local.product_photography.detection.suitable
    assert local.product_photography.detection.source == "local"


async def test_a_calls_usage_is_kept_and_a_used_up_daily_quota_writes_locally(
    server, run_content
) -> None:
    gate = CountingGate(1)
    first = await run_content(settings(server), gate=gate)
    assert gate.taken == ["ai_call"] and first.notices == ()
    assert first.usage == (Usage("gpt-test", 10, 10),)  # as the service reported it
    second = await run_content(settings(server), description="a blue mug", gate=gate)
    assert len(server.requests) == 1  # the quota kept the second call from being made
    assert (
        second.ai_calls == 0
        and second.usage == ()
        and second.notices
        == (Marked("Written without AI: {reason}", {"reason": Marked(USED_UP, {})}),)
    )
    post = second.platforms["x"]
    assert post.sources.writing != "openai:gpt-test" and post.caption
    assert post.sources.fallbacks["writing"] == USED_UP


async def test_the_posts_language_is_asked_for_in_the_same_call(server, run_content) -> None:
    server.require = asking_in("Spanish", openai_prompt)
    outcome = await run_content(settings(server), language="es", hashtag_language="mine")
    assert len(server.requests) == 1 and outcome.ai_calls == 1
    assert outcome.platforms["x"].sources.writing == "openai:gpt-test"  # not refused
    prompt = openai_prompt(server.requests[0].json)
    assert "language code es" in prompt and "Hashtags: ones people posting in Spanish use" in prompt
    server.require = None
    await run_content(settings(server))  # English: no instruction (and no cached Spanish)
    assert len(server.requests) == 2
    assert "language code" not in openai_prompt(server.requests[1].json)
