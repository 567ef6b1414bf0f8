"""What AI calls cost: the price table (dated defaults an operator can override with a TOML
file) and the cost of a session's calls from the usage the services reported.

Prices change: each row says when it was read and where; `POSTREADY_PRICES_FILE` replaces or
adds rows without a release. A model with no row is listed as unpriced, never guessed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from postready.pipeline.providers.types import Usage

MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """US dollars per million tokens, per generated image and per web search."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0
    per_image: float = 0.0
    per_search: float = 0.0
    as_of: str = ""  # when the price was read (ISO date)
    source: str = ""

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input_per_million / MILLION
            + usage.output_tokens * self.output_per_million / MILLION
            + usage.images * self.per_image
            + usage.searches * self.per_search
        )


_OPENAI = "https://openai.com/api/pricing/"
_GEMINI = "https://ai.google.dev/gemini-api/docs/pricing"
# Standard (not batch) rates. gpt-image models bill tokens: image input is priced here (text
# input, cheaper, is a small share of an edit), and the generated image as output tokens.
DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "gpt-5.4-mini": ModelPrice(0.75, 4.50, as_of="2026-06-01", source=_OPENAI),
    "gpt-5.4-nano": ModelPrice(0.20, 1.25, as_of="2026-06-01", source=_OPENAI),
    "gpt-5.4": ModelPrice(2.50, 15.00, as_of="2026-06-01", source=_OPENAI),
    "gpt-image-1.5": ModelPrice(8.00, 32.00, as_of="2026-06-01", source=_OPENAI),
    # The alias follows Google's current Flash model; grounding bills each search query.
    "gemini-flash-latest": ModelPrice(
        0.50, 3.00, per_search=0.014, as_of="2026-09-20", source=_GEMINI
    ),
}


@dataclass(frozen=True, slots=True)
class Cost:
    """A session's estimated cost in US dollars, and what it was computed from."""

    usd: float
    usage: tuple[Usage, ...]
    unpriced: tuple[str, ...] = ()  # models with no price: their calls are not in `usd`
    prices_as_of: str = ""  # the oldest price used

    def to_json(self) -> dict[str, Any]:
        return {
            "usd": self.usd,
            "estimated": True,
            "prices_as_of": self.prices_as_of or None,
            "unpriced_models": list(self.unpriced),
            "usage": [usage.to_json() for usage in self.usage],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cost:
        return cls(
            data["usd"],
            tuple(Usage.from_json(item) for item in data["usage"]),
            tuple(data["unpriced_models"]),
            data["prices_as_of"] or "",
        )


def price_for(model: str, prices: Mapping[str, ModelPrice]) -> ModelPrice | None:
    """The row for `model`, or for the longest name it starts with (a dated snapshot such as
    "gpt-5.4-mini-2026-03-17" is priced as "gpt-5.4-mini")."""
    if model in prices:
        return prices[model]
    prefixes = [name for name in prices if model.startswith(name + "-")]
    return prices[max(prefixes, key=len)] if prefixes else None


def cost_of(usage: Iterable[Usage], prices: Mapping[str, ModelPrice]) -> Cost:
    """The cost of these calls by `prices`."""
    calls = tuple(usage)
    total, unpriced, dates = 0.0, [], []
    for call in calls:
        price = price_for(call.model, prices)
        if price is None:
            unpriced.append(call.model)
            continue
        total += price.cost(call)
        if price.as_of:
            dates.append(price.as_of)
    # To a millionth of a cent: no float noise in results.json.
    usd = round(total, 8)
    return Cost(usd, calls, tuple(dict.fromkeys(unpriced)), min(dates, default=""))


def load_prices(path: Path) -> dict[str, ModelPrice]:
    """The default table with the rows of a TOML file laid over it: one `[models."NAME"]`
    table per model with any of ModelPrice's fields. ValueError says what is wrong."""
    import tomllib  # only runs with a price file pay for it

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the price file {path}: {exc}") from exc
    known = {f.name for f in fields(ModelPrice)}
    prices = dict(DEFAULT_PRICES)
    for model, row in dict(data.get("models", {})).items():
        if not isinstance(row, dict) or not set(row) <= known:
            raise ValueError(f'{path}: [models."{model}"] takes only {", ".join(sorted(known))}')
        for name, value in row.items():
            text = name in ("as_of", "source")
            number = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            if not (isinstance(value, str) if text else number):
                wanted = "text" if text else "a number of US dollars, 0 or more"
                raise ValueError(f'{path}: [models."{model}"] {name} must be {wanted}')
        prices[model] = ModelPrice(**row)
    return prices
