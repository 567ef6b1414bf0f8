"""What AI calls cost: the price table, dated snapshots, unpriced models, an operator's price
file, and the cost kept in results.json."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from postready.pipeline.marking import Marked
from postready.pipeline.models import OptimizeRequest, OptimizeResult
from postready.pipeline.pricing import DEFAULT_PRICES, Cost, ModelPrice, cost_of, load_prices
from postready.pipeline.providers.types import Usage
from postready.pipeline.runner import run_optimization
from tests.images import encode, textured


def test_a_session_is_priced_by_tokens_images_and_searches() -> None:
    prices = {
        "writer": ModelPrice(1.0, 4.0, as_of="2026-06-01"),
        "painter": ModelPrice(per_image=0.04, as_of="2026-05-01"),
        "searcher": ModelPrice(0.5, 2.0, per_search=0.014, as_of="2026-09-20"),
    }
    usage = (
        Usage("writer", 2_000, 500),  # 0.002 + 0.002
        Usage("painter", images=2),  # 0.08
        Usage("searcher", 1_000, 1_000, searches=3),  # 0.0005 + 0.002 + 0.042
    )
    cost = cost_of(usage, prices)
    assert cost.usd == pytest.approx(0.004 + 0.08 + 0.0445)
    assert cost.prices_as_of == "2026-05-01"  # the oldest price it rests on
    assert cost.unpriced == () and cost.usage == usage


def test_a_dated_snapshot_is_priced_as_its_model_and_an_unknown_one_is_listed() -> None:
    usage = (Usage("gpt-5.4-mini-2026-03-17", 1_000_000, 0), Usage("llama-local", 5_000, 5_000))
    cost = cost_of(usage, DEFAULT_PRICES)
    assert cost.usd == pytest.approx(DEFAULT_PRICES["gpt-5.4-mini"].input_per_million)
    assert cost.unpriced == ("llama-local",)
    assert cost_of((), DEFAULT_PRICES) == Cost(0.0, ())


def test_every_default_price_says_when_and_where_it_was_read() -> None:
    for model, price in DEFAULT_PRICES.items():
        assert price.as_of[:4] == "2026" and price.source.startswith("https://"), model


def test_an_operators_price_file_replaces_and_adds_rows(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(
        '[models."gpt-5.4-mini"]\ninput_per_million = 0.5\noutput_per_million = 2.0\n'
        'as_of = "2026-11-30"\n\n[models."llama-local"]\n'
    )
    prices = load_prices(path)
    assert prices["gpt-5.4-mini"] == ModelPrice(0.5, 2.0, as_of="2026-11-30")
    assert prices["llama-local"] == ModelPrice()  # free: a server of one's own
    assert prices["gpt-image-1.5"] == DEFAULT_PRICES["gpt-image-1.5"]


@pytest.mark.parametrize(
    "text, says",
    [
        ('[models."m"]\ninput_per_milion = 1\n', "takes only"),
        ('[models."m"]\ninput_per_million = "cheap"\n', "input_per_million must be a number"),
        ('[models."m"]\nper_image = -1\n', "per_image must be a number"),
        ("[models\n", "cannot read"),
    ],
)
def test_a_bad_price_file_says_what_is_wrong(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=says):
        load_prices(path)


async def test_the_cost_and_notices_are_kept_in_results_json(tmp_path: Path) -> None:
    request = OptimizeRequest(encode(textured((300, 300))), ("x",), description="mug")
    made = await run_optimization(request, tmp_path)
    assert made.cost == Cost(0.0, ())  # every step local: nothing paid
    cost = cost_of([Usage("gpt-5.4-mini", 1200, 300)], DEFAULT_PRICES)
    used_up = Marked("you have used today's {limit} {what}", {"limit": 20, "what": "AI calls"})
    notice = Marked("Written without AI: {reason}", {"reason": used_up})
    result = replace(made, cost=cost, notices=(notice,))
    data = result.to_json()
    metadata = data["optimization_metadata"]
    assert metadata["cost"]["usd"] == pytest.approx(0.0009 + 0.00135)
    assert metadata["cost"]["estimated"] is True
    assert metadata["cost"]["usage"] == [
        {"model": "gpt-5.4-mini", "input_tokens": 1200, "output_tokens": 300, "images": 0,
         "searches": 0}
    ]  # fmt: skip
    # English lines as they were, and marked for the chats to translate.
    assert metadata["notices"] == ["Written without AI: you have used today's 20 AI calls"]
    assert metadata["image_renders"] == 0
    assert OptimizeResult.from_json(data) == result
    # A document written before the notices' wording was kept reads them as English lines.
    del metadata["notices_wording"]
    assert OptimizeResult.from_json(data).notices == (Marked(metadata["notices"][0], {}),)
    # A document written before costs were kept still reads.
    del metadata["cost"], metadata["notices"], metadata["image_renders"]
    assert OptimizeResult.from_json(data).cost is None
