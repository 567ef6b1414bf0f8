"""The platform table and platform names."""

from __future__ import annotations

import pytest

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.platform_plans import choose_variant
from postready.pipeline.platforms import (
    DEFAULT_PLATFORMS,
    PLATFORMS,
    HashtagPlacement,
    resolve_platform,
    resolve_platforms,
    suggest_platform,
)


def test_every_platform_of_the_brief_and_of_issue_17_is_there() -> None:
    assert list(PLATFORMS) == [
        "instagram", "facebook", "linkedin", "pinterest", "x", "tiktok", "threads", "bluesky",
        "mastodon", "youtube", "reddit", "snapchat", "tumblr", "google_business", "telegram",
    ]  # fmt: skip
    # The default set (no platforms named) stays the eight it was; `all` is every one.
    assert tuple(PLATFORMS)[:8] == DEFAULT_PLATFORMS


@pytest.mark.parametrize("spec", PLATFORMS.values(), ids=lambda s: s.key)
def test_table_entries_are_consistent(spec) -> None:
    assert spec.variants and any(v.auto for v in spec.variants)
    assert len({v.name for v in spec.variants}) == len(spec.variants)
    assert all(300 <= v.width <= 2000 and 300 <= v.height <= 2000 for v in spec.variants)
    assert 0 <= spec.hashtags.min <= spec.hashtags.recommended <= spec.hashtags.max
    assert spec.max_bytes >= 1_000_000 and "jpeg" in spec.formats
    assert all(
        1_000_000 <= (v.max_bytes or spec.max_bytes) <= spec.max_bytes for v in spec.variants
    )
    assert spec.carousel_limit is None or 2 <= spec.carousel_limit <= 35
    assert spec.alt_text.limit > 0 and spec.alt_text.field and spec.alt_text.source
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
        ("mast", "mastodon"),
        ("Mastodon", "mastodon"),
        ("yt", "youtube"),
        ("reddit", "reddit"),
        ("sc", "snapchat"),
        ("tumblr", "tumblr"),
        ("gbp", "google_business"),
        ("gmb", "google_business"),
        ("tg", "telegram"),
        ("#telegram", "telegram"),
    ],
)
def test_names_and_aliases(name: str, key: str) -> None:
    assert resolve_platform(name).key == key


def test_lists_with_commas_all_and_duplicates() -> None:
    assert [s.key for s in resolve_platforms(["pinterest,instagram", "ig"])] == [
        "instagram",
        "pinterest",
    ]
    assert len(resolve_platforms(["all"])) == len(PLATFORMS) == 15
    assert [s.key for s in resolve_platforms([])] == list(DEFAULT_PLATFORMS)


def test_typos_get_a_suggestion_and_nonsense_a_list() -> None:
    with pytest.raises(PostReadyError) as caught:
        resolve_platforms(["instgram"])
    assert caught.value.code == ErrorCode.UNKNOWN_PLATFORM
    assert "did you mean 'instagram'" in caught.value.message
    assert suggest_platform("pintrest") == "pinterest"
    for typo, key in [("mastadon", "mastodon"), ("youtub", "youtube"), ("redit", "reddit"),
                      ("snapchta", "snapchat"), ("tumbler", "tumblr"), ("telegarm", "telegram"),
                      ("googlebusines", "google_business")]:  # fmt: skip
        assert suggest_platform(typo) == key
    with pytest.raises(PostReadyError) as caught:
        resolve_platforms(["frobnitz"])
    assert "choose from" in caught.value.message


@pytest.mark.parametrize("name", ["myspace", "Flickr", "#vimeo", "WhatsApp", "vk"])
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
        ((6000, 3000), "youtube", "post"),  # the thumbnail only when asked for
        ((6000, 3000), "google_business", "post"),  # the cover only when asked for
        ((3000, 3000), "google_business", "photo"),
        ((6000, 3000), "snapchat", "story"),
        ((4000, 3000), "mastodon", "landscape"),
        ((3000, 4000), "telegram", "portrait"),
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


def test_facts_of_the_new_platforms() -> None:
    youtube = PLATFORMS["youtube"]
    thumbnail = youtube.variant("thumbnail")
    assert (thumbnail.size, thumbnail.max_bytes, thumbnail.auto) == ((1280, 720), 2_000_000, False)
    assert youtube.hashtags.max <= 3
    assert PLATFORMS["snapchat"].variants[0].ratio == 1080 / 1920
    assert PLATFORMS["telegram"].caption_limit == 1024
    assert PLATFORMS["telegram"].caption_style.markup == "telegram_html"
    assert PLATFORMS["mastodon"].hashtags.camel_case and PLATFORMS["mastodon"].caption_limit == 500
    for key in ("reddit", "google_business"):
        assert PLATFORMS[key].hashtags.max == 0
    assert PLATFORMS["tumblr"].hashtags.placement == HashtagPlacement.TAGS_FIELD
    assert PLATFORMS["google_business"].caption_limit == 1500
    assert {v.name for v in PLATFORMS["google_business"].variants} == {"post", "photo", "cover"}
