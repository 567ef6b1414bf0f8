"""The hashtag vocabulary users rely on: big enough for what people photograph, valid, built
from its word lists, and never suggesting a banned or spam tag."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from postready.pipeline.lemmas import tokens
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.vocabulary import TIERS, load_vocabulary
from postready.pipeline.wording import ENGLISH, POST_LANGUAGES

ROOT = Path(__file__).parents[2]
RAW = json.loads(
    resources.files("postready.pipeline").joinpath("data/hashtags.json").read_text("utf-8")
)
# What creators and small shops post, as the issue lists it: each must be a niche.
ISSUE_NICHES = {
    "cats", "dogs", "horses", "birds", "reptiles", "aquarium", "coffee", "tea", "bakery",
    "vegan", "cocktails", "wine", "space", "science", "cars", "motorbikes", "cycling", "running",
    "gym", "yoga", "hiking", "beach", "mountains", "city", "wedding", "babies", "education",
    "real_estate", "interiors", "gardening", "houseplants", "ceramics", "woodworking",
    "knitting", "jewellery", "fashion", "makeup", "tech", "gaming", "music", "painting",
    "drawing", "digital_art", "photography", "film_photography", "books", "football",
    "christmas", "halloween", "autumn", "winter", "small_business",
}  # fmt: skip


def test_size_and_coverage() -> None:
    vocabulary = load_vocabulary()
    assert len(vocabulary.tags) >= 2500
    assert len(vocabulary.niches) >= 80
    assert set(vocabulary.niches) >= ISSUE_NICHES


def test_the_file_is_what_the_word_lists_build() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_vocabulary.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", RAW["niches"])
def test_each_niche_is_complete_and_valid(key: str) -> None:
    entry = RAW["niches"][key]
    assert entry["label"] and entry["emoji"] and entry["thing"] and entry["kind"]
    assert entry["parent"] is None or entry["parent"] in RAW["niches"]
    assert entry["words"] and all(word["phrase"] for word in entry["words"])
    tags = [tag for tier in TIERS for tag in entry["tags"][tier]]
    assert all(re.fullmatch(r"[a-z0-9_]{2,30}", tag) for tag in tags)
    assert len(set(tags)) == len(tags)
    general = [
        t
        for t in tags
        if key not in {**RAW["tags"][t].get("phrases", {}), **RAW["tags"][t].get("modifiers", {})}
    ]
    # Any photo of the niche gets the most demanding platform's tags from it alone.
    assert len(general) >= max(spec.hashtags.max for spec in PLATFORMS.values()) - 1


def test_every_tag_knows_its_niches_and_tier() -> None:
    vocabulary = load_vocabulary()
    for name, tag in vocabulary.tags.items():
        assert tag.tier in TIERS
        for key in tag.niches:
            assert name in vocabulary.niches[key].tags[tag.tier] or any(
                name in tier for tier in vocabulary.niches[key].tags.values()
            )
        for key in tag.modifiers:
            assert key in tag.niches  # a modifier selects within one of the tag's niches


def test_groups_are_siblings() -> None:
    vocabulary = load_vocabulary()
    assert {"cats", "dogs"} <= set(vocabulary.groups["pet_kinds"])
    assert "dogs" in vocabulary.siblings["cats"] and "cats" in vocabulary.siblings["dogs"]
    assert "funeral" in vocabulary.siblings["wedding"]
    assert "coffee" in vocabulary.siblings["tea"]


def test_no_tag_is_banned_or_spam() -> None:
    vocabulary = load_vocabulary()
    assert len(vocabulary.banned) > 50 and len(vocabulary.spam) > 20
    assert not vocabulary.curated & vocabulary.banned
    assert not vocabulary.curated & vocabulary.spam
    assert {"follow4follow", "like4like", "tagsforlikes"} <= vocabulary.spam
    assert vocabulary.allowed("#Follow4Follow") == "" and vocabulary.allowed("#desk") == ""
    assert vocabulary.allowed("#Latte Art") == "latteart"


def test_lemmas() -> None:
    lemma = load_vocabulary().lemma
    assert lemma("ceramics") == lemma("ceramic") == "ceramic"
    assert lemma("puppies") == "puppy" and lemma("kittens") == lemma("kitten")
    assert lemma("hiking") == lemma("hike") and lemma("napping") == lemma("nap")
    assert lemma("dress") == "dress" and lemma("glasses") == "glasses"
    assert tokens("My cat's plant-based 🐱 snack!") == [
        "my",
        "cat",
        "plant",
        "based",
        "🐱",
        "snack",
    ]


def test_every_language_has_its_own_tags_for_the_common_niches() -> None:
    vocabulary = load_vocabulary()
    others = {code for code in POST_LANGUAGES if code != ENGLISH}
    assert set(vocabulary.languages) == others
    for code, by_niche in vocabulary.languages.items():
        assert len(by_niche) >= 20, code
        assert all(len(tags) >= 5 for tags in by_niche.values()), code
        assert all(vocabulary.allowed(tag) == tag for tags in by_niche.values() for tag in tags)
    assert vocabulary.spellings["gatosdeinstagram"] == "GatosDeInstagram"
    assert "खाना" in vocabulary.languages["hi"]["food"]  # vowel signs kept in the tag
