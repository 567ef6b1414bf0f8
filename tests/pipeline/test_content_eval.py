"""The offline content step on the evaluation set (content_cases.py): no case may get a
forbidden tag (another kind of animal, the wrong sense of a word, what the user ruled out),
every platform gets at least two clearly on-topic tags (all of them where it takes fewer), the
main subject comes first, and only products get a shop call to action. Prints the on-topic
precision over all tags (`pytest -s`); README quotes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageDraw

from postready.chat.commands import CommandError, parse_command
from postready.pipeline.content import ContentEngine, ContentOutcome
from postready.pipeline.cropping import detect_crop_signals
from postready.pipeline.models import OptimizeRequest
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.vocabulary import Vocabulary, load_vocabulary
from tests.images import encode, skimage_photo, textured
from tests.pipeline.content_cases import CASES, Case

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SHOP_WORDS = ("to shop", "order yours", "Available now", "Want one?")
PHOTOS = {
    "chelsea": lambda: skimage_photo("chelsea"),
    "coffee": lambda: skimage_photo("coffee"),
    "astronaut": lambda: skimage_photo("astronaut"),
    "rocket": lambda: skimage_photo("rocket"),
    "hubble": lambda: skimage_photo("hubble_deep_field"),
    "moon": lambda: skimage_photo("moon").convert("RGB"),
    "lab": lambda: skimage_photo("immunohistochemistry"),
    "grass": lambda: skimage_photo("grass").convert("RGB"),
    "horse": lambda: Image.fromarray(~skimage_photo_array("horse")).convert("RGB"),
    "camera": lambda: skimage_photo("camera").convert("RGB"),
    "mug": lambda: product_shot(),
    "scene": lambda: textured((640, 480), seed=7),
}


def skimage_photo_array(name: str):  # type: ignore[no-untyped-def]
    import numpy as np
    import skimage.data

    return (getattr(skimage.data, name)() * 255).astype(np.uint8)


def product_shot() -> Image.Image:
    """One object on a plain background: what a small shop photographs."""
    image = Image.new("RGB", (800, 800), (244, 241, 236))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((280, 240, 520, 600), 36, fill=(120, 96, 80))
    draw.ellipse((490, 330, 620, 480), outline=(120, 96, 80), width=26)
    return image


@pytest.fixture(scope="module")
def outcomes() -> dict[int, ContentOutcome]:
    return asyncio.run(generate_all())


async def generate_all() -> dict[int, ContentOutcome]:
    """Every case through one engine, as a bot process runs them."""
    engine = ContentEngine()
    prepared = {}
    for name in {case.photo for case in CASES}:
        image = PHOTOS[name]()
        image.thumbnail((384, 384))  # as sharp as the text step needs, quick to scan for faces
        prepared[name] = (image, detect_crop_signals(image), encode(image, "PNG"))
    results = {}
    for index, case in enumerate(CASES):
        image, signals, data = prepared[case.photo]
        photo = engine.prepare(image, signals, data, case.description)
        request = OptimizeRequest(
            source=data, platforms=tuple(PLATFORMS), description=case.description
        )
        results[index] = await engine.generate(request, photo, NOW)
    return results


def on_topic(tag: str, case: Case, vocabulary: Vocabulary) -> bool:
    """A tag of one of the topics (or their parents), or one made of the user's own words."""
    tag = tag.lower()  # Mastodon's #LatteArt is #latteart
    allowed = set(case.topics)
    allowed |= {vocabulary.niches[k].parent for k in case.topics if vocabulary.niches[k].parent}
    known = vocabulary.tags.get(tag)
    if known is not None:
        return bool(allowed & set(known.niches))
    words = "".join(ch for ch in case.description.lower() if ch.isalnum())
    return tag in words


def forbidden(tag: str, case: Case, vocabulary: Vocabulary) -> bool:
    """Named by the case, or a tag only sibling kinds of the case's topics use."""
    tag = tag.lower()
    if tag in case.forbidden:
        return True
    siblings = set().union(*(vocabulary.siblings.get(k, set()) for k in case.topics))
    siblings -= case.topics
    known = vocabulary.tags.get(tag)
    return known is not None and all(n in siblings for n in known.niches)


def test_the_set_is_big_and_broad() -> None:
    assert len(CASES) >= 60
    assert len({topic for case in CASES for topic in case.topics}) >= 60


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.description[:40] for c in CASES])
def test_each_case(outcomes: dict[int, ContentOutcome], index: int) -> None:
    case, outcome = CASES[index], outcomes[index]
    vocabulary = load_vocabulary()
    for key, content in outcome.platforms.items():
        spec = PLATFORMS[key]
        tags = content.hashtags
        bad = [t for t in tags if forbidden(t, case, vocabulary)]
        assert not bad, f"{key}: forbidden {bad} in {tags}"
        good = [t for t in tags if on_topic(t, case, vocabulary)]
        assert len(good) >= min(2, spec.hashtags.recommended), f"{key}: {tags}"
        shop = any(words in content.caption for words in SHOP_WORDS)
        if not case.product:  # a pet photo never says "shop now"
            assert not shop, f"{key}: {content.caption!r}"
        elif key == "instagram":
            assert shop, content.caption
        assert content.alt_text and len(content.alt_text) <= spec.alt_text.limit
    if case.main:
        assert outcome.platforms["instagram"].niches[0] == case.main


def test_precision(outcomes: dict[int, ContentOutcome]) -> None:
    vocabulary = load_vocabulary()
    total = good = 0
    for index, case in enumerate(CASES):
        for content in outcomes[index].platforms.values():
            total += len(content.hashtags)
            good += sum(on_topic(t, case, vocabulary) for t in content.hashtags)
    precision = good / total
    print(f"\non-topic precision: {good}/{total} tags = {precision:.1%} over {len(CASES)} cases")
    assert precision >= 0.9


def test_a_network_we_do_not_support_is_no_description() -> None:
    # The fourth example: "/optimize myspace" made captions about "myspace".
    answer = parse_command("/optimize myspace")
    assert isinstance(answer, CommandError) and answer.code == "UNKNOWN_PLATFORM"
    assert "Myspace" in answer.message and "instagram" in answer.message
