"""The curated hashtag dataset users rely on: complete, valid, and never suggesting a banned tag."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from postready.pipeline.hashtags import TIERS, load_hashtags
from postready.pipeline.platforms import PLATFORMS

RAW = json.loads(
    resources.files("postready.pipeline").joinpath("data/hashtags.json").read_text("utf-8")
)
ISSUE_NICHES = {
    "food", "coffee", "fashion", "beauty", "fitness", "travel", "pets", "tech", "home_decor",
    "art", "photography", "small_business", "jewellery", "handmade",
}  # fmt: skip


def test_the_niches_of_the_issue_are_there() -> None:
    assert set(RAW["niches"]) >= ISSUE_NICHES


@pytest.mark.parametrize("key", RAW["niches"])
def test_each_niche_is_complete_and_valid(key: str) -> None:
    entry = RAW["niches"][key]
    assert entry["label"] and entry["emoji"] and entry["thing"]
    assert entry["triggers"] == [t.lower() for t in entry["triggers"]]
    for tier in TIERS:
        tags = entry[tier]
        assert len(tags) >= 3, tier
        assert all(re.fullmatch(r"[a-z0-9_]{2,30}", tag) for tag in tags), tier
        assert len(set(tags)) == len(tags), tier
    # Enough tags for the most demanding platform from one niche alone.
    most = max(spec.hashtags.max for spec in PLATFORMS.values())
    assert len({t for tier in TIERS for t in entry[tier]}) >= most


def test_no_curated_tag_is_banned() -> None:
    data = load_hashtags()
    assert len(data.banned) > 50
    assert not data.curated & data.banned
    assert {"follow4follow", "like4like", "tagsforlikes"} <= data.banned
