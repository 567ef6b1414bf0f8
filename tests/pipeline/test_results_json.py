"""Results read back from their JSON (as SQLite keeps it): the same result, so that a finished
job can still be delivered after a restart."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from postready.pipeline.models import OptimizeRequest, OptimizeResult
from postready.pipeline.product_photos import PhotographySettings
from postready.pipeline.runner import run_optimization
from postready.pipeline.vocabulary import load_vocabulary
from tests.images import encode, textured
from tests.product_images import product_photo

SIZE = (600, 400)


@pytest.fixture(scope="module")
def photo() -> bytes:
    return encode(textured(SIZE), "JPEG", quality=90)


def assert_round_trips(result: OptimizeResult) -> None:
    data = result.to_json()
    rebuilt = OptimizeResult.from_json(json.loads(json.dumps(data)))
    assert rebuilt == result
    assert rebuilt.to_json() == data
    # Also what == does not compare: the slots' time zones, whose names the chat shows.
    assert repr(rebuilt) == repr(result)


async def test_platforms_with_content(photo, tmp_path) -> None:
    request = OptimizeRequest(
        photo,
        ("instagram", "x", "pinterest", "linkedin"),
        description="handmade ceramic mug",
        user_id="42",
        timezone="Europe/London",
        audience_timezone="America/New_York",
        source_name="mug.jpg",
        previews=True,
    )
    result = await run_optimization(request, tmp_path)
    assert all(item.content is not None for item in result.platforms.values())
    assert result.previews is not None and set(result.previews.platforms) == set(result.platforms)
    assert result.analysis is not None
    assert_round_trips(result)


async def test_results_say_the_posts_language(photo, tmp_path) -> None:
    request = OptimizeRequest(
        photo, ("instagram", "x"), description="my cat", language="pt-BR", hashtag_language="mine"
    )
    result = await run_optimization(request, tmp_path)
    data = json.loads((tmp_path / result.session_id / "results.json").read_text("utf-8"))
    assert data["language"] == "pt_BR" and data["hashtag_language"] == "mine"
    portuguese = load_vocabulary().languages["pt_BR"]
    tags = result.platforms["instagram"].content.hashtags
    assert tags and set(tags) <= set(portuguese["cats"] + portuguese["pets"])
    assert_round_trips(result)
    older = {k: v for k, v in result.to_json().items() if "language" not in k}
    assert OptimizeResult.from_json(older).language == "en"


async def test_product_photography(tmp_path) -> None:
    bottle = encode(product_photo("bottle", "white", size=SIZE).image, "JPEG", quality=92)
    request = OptimizeRequest(bottle, ("instagram", "x"), styles=("floating", "solid background"))
    result = await run_optimization(request, tmp_path, photography=PhotographySettings())
    assert set(result.product_photography.styles) == {"floating", "solid_background"}
    assert result.product_photography.cutout_method is not None
    assert_round_trips(result)


async def test_what_this_version_cannot_read_is_a_value_error(photo, tmp_path) -> None:
    result = await run_optimization(OptimizeRequest(photo, ("instagram",)), tmp_path)

    def changed(change: Callable[[dict], object]) -> dict:
        data = json.loads(json.dumps(result.to_json()))
        change(data)
        return data

    def instagram(data: dict) -> dict:
        return data["platforms"]["instagram"]

    for data, reason in [
        ({}, "missing 'platforms'"),
        ({"platforms": 3}, "no attribute 'items'"),
        (None, "not subscriptable"),
        ([], "list indices"),
        (changed(lambda d: instagram(d).update(status="pending")), "status 'pending'"),
        (changed(lambda d: d["platforms"].update(myspace={})), "platform 'myspace'"),
        (changed(lambda d: instagram(d).update(error={"code": "NOPE", "message": ""})), "NOPE"),
        (changed(lambda d: instagram(d).pop("processing_time_exact")), "processing_time_exact"),
        (changed(lambda d: d["optimization_metadata"].pop("started_at")), "started_at"),
        (changed(lambda d: d["optimization_metadata"].update(started_at="yesterday")), "yesterday"),
        (changed(lambda d: instagram(d)["posting_times"].update(timezone="Mars/Base")), "Mars"),
        (changed(lambda d: d["analysis"].update(smell="clay")), "smell"),
        (changed(lambda d: d.update(previews={"platforms": {}})), "'sheet'"),
    ]:
        with pytest.raises(ValueError) as caught:
            OptimizeResult.from_json(data)
        message = str(caught.value)
        assert message.startswith("not a PostReady results document: ") and reason in message


async def test_results_written_before_previews_are_read_without_them(photo, tmp_path) -> None:
    result = await run_optimization(OptimizeRequest(photo, ("x",)), tmp_path)
    data = json.loads(json.dumps(result.to_json()))
    del data["previews"]
    assert OptimizeResult.from_json(data) == result
