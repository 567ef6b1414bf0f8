"""The platform table and platform names."""

from __future__ import annotations

import pytest

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.platform_plans import choose_variant
from postready.pipeline.platforms import (
    PLATFORMS,
    resolve_platform,
    resolve_platforms,
    suggest_platform,
)


def test_every_platform_of_the_brief_is_there() -> None:
    assert set(PLATFORMS) == {
        "instagram", "facebook", "linkedin", "pinterest", "x", "tiktok", "threads", "bluesky"
    }  # fmt: skip


@pytest.mark.parametrize("spec", PLATFORMS.values(), ids=lambda s: s.key)
def test_table_entries_are_consistent(spec) -> None:
    assert spec.variants and any(v.auto for v in spec.variants)
    assert len({v.name for v in spec.variants}) == len(spec.variants)
    assert all(300 <= v.width <= 2000 and 300 <= v.height <= 2000 for v in spec.variants)
    assert 0 < spec.hashtags.min <= spec.hashtags.recommended <= spec.hashtags.max
    assert spec.max_bytes >= 1_000_000 and "jpeg" in spec.formats
    assert spec.caption_visible <= spec.caption_limit
    assert spec.posting_windows and spec.posting_source
    for window in spec.posting_windows:
        assert 0 <= window.start_hour < window.end_hour <= 24


def test_instagram_facts_from_the_reference() -> None:
    instagram = PLATFORMS["instagram"]
    sizes = {v.name: v.size for v in instagram.variants}
    assert sizes["portrait"] == (1080, 1350)
    assert sizes["grid_portrait"] == (1080, 1440)
    assert sizes["square"] == (1080, 1080)
    assert sizes["landscape"] == (1080, 566)
    assert instagram.hashtags.max == 5
    assert instagram.caption_limit == 2200
    assert PLATFORMS["bluesky"].max_bytes == 1_000_000
    assert PLATFORMS["pinterest"].variants[0].size == (1000, 1500)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Instagram", "instagram"),
        ("ig", "instagram"),
        ("INSTA", "instagram"),
        ("fb", "facebook"),
        ("li", "linkedin"),
        ("pin", "pinterest"),
        ("twitter", "x"),
        ("x.com", "x"),
        ("X", "x"),
        ("tt", "tiktok"),
        ("threads", "threads"),
        ("bsky", "bluesky"),
    ],
)
def test_names_and_aliases(name: str, key: str) -> None:
    assert resolve_platform(name).key == key


def test_lists_with_commas_all_and_duplicates() -> None:
    assert [s.key for s in resolve_platforms(["pinterest,instagram", "ig"])] == [
        "instagram",
        "pinterest",
    ]
    assert len(resolve_platforms(["all"])) == len(PLATFORMS)
    assert len(resolve_platforms([])) == len(PLATFORMS)


def test_typos_get_a_suggestion_and_nonsense_a_list() -> None:
    with pytest.raises(PostReadyError) as caught:
        resolve_platforms(["instgram"])
    assert caught.value.code == ErrorCode.UNKNOWN_PLATFORM
    assert "did you mean 'instagram'" in caught.value.message
    assert suggest_platform("pintrest") == "pinterest"
    with pytest.raises(PostReadyError) as caught:
        resolve_platforms(["frobnitz"])
    assert "choose from" in caught.value.message


@pytest.mark.parametrize("name", ["myspace", "Mastodon", "#reddit", "YouTube", "snapchat"])
def test_a_network_we_do_not_post_to_is_named_with_the_supported_list(name: str) -> None:
    with pytest.raises(PostReadyError) as caught:
        resolve_platforms(["instagram", name])
    assert caught.value.code == ErrorCode.UNKNOWN_PLATFORM
    assert caught.value.message.startswith("PostReady does not make posts for ")
    assert caught.value.message.endswith("choose from: " + ", ".join(PLATFORMS) + ", all")


@pytest.mark.parametrize(
    ("size", "platform", "variant"),
    [
        ((4000, 5000), "instagram", "portrait"),
        ((3000, 4000), "instagram", "grid_portrait"),
        ((3000, 3000), "instagram", "square"),
        ((6000, 3000), "instagram", "landscape"),
        ((6000, 3000), "linkedin", "landscape"),
        ((3000, 4000), "x", "portrait"),
        ((4000, 3000), "x", "landscape"),
        ((1000, 3000), "tiktok", "portrait"),
        ((1000, 3000), "instagram", "grid_portrait"),  # story only when asked for
    ],
)
def test_variant_closest_to_the_source_ratio(size, platform, variant) -> None:
    assert choose_variant(PLATFORMS[platform], size).name == variant


def test_unknown_variant_lists_the_choices() -> None:
    with pytest.raises(PostReadyError) as caught:
        PLATFORMS["instagram"].variant("banner")
    assert caught.value.code == ErrorCode.UNKNOWN_VARIANT
    assert "portrait" in caught.value.message and "story" in caught.value.message


def test_errors_survive_pickling() -> None:
    import pickle

    error = PostReadyError(ErrorCode.UNKNOWN_PLATFORM, "unknown platform 'myspace'")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, str(copy)) == (error.code, error.message, str(error))
