"""The brand menu's keys and what typed words set: each field, "off", aliases, and keys that
name their owner and stay short enough for any chat."""

from __future__ import annotations

import pytest

from postready.chat.brand import brand_menu, form_labels, owner, picked_kit, set_field
from postready.chat.commands import Brand, CommandError, parse_command
from postready.pipeline.brand import BrandKit, BrandKitError
from postready.pipeline.brand_preview import preview_post
from postready.pipeline.wording import POST_LANGUAGES, wording

USER = "9" * 15


def test_typed_words_set_each_field_and_off_clears_it() -> None:
    kit = set_field(BrandKit(), "tone", "Luxury")
    kit = set_field(kit, "emoji", "none")  # a level, not "off"
    kit = set_field(kit, "hashtags", "#HearthClay #SlowMornings")
    kit = set_field(kit, "avoid", "cheap, on sale")
    kit = set_field(kit, "handles", "ig @hearthclay, mastodon me@mastodon.social")
    kit = set_field(kit, "signature", "  Shop at   example.com  ")
    assert kit == BrandKit(
        tone="luxury", emoji="none", signature="Shop at example.com",
        hashtags=("hearthclay", "slowmornings"), avoid=("cheap", "on sale"),
        handles={"instagram": "@hearthclay", "mastodon": "@me@mastodon.social"},
    )  # fmt: skip
    cleared = kit
    for field in ("tone", "emoji", "hashtags", "avoid", "handles", "signature"):
        cleared = set_field(cleared, field, "off")
    assert cleared == BrandKit()
    with pytest.raises(BrandKitError, match="'myspace' is not a platform"):
        set_field(kit, "handles", "myspace @me")


async def test_the_menus_keys_name_their_owner_and_fit_telegram() -> None:
    kit = BrandKit(tone="playful")
    menu = brand_menu(USER, kit, await preview_post(kit))
    keys = [option.key for row in menu.button_rows() for option in row]
    assert all(owner(key) == USER and len(key.encode()) <= 64 for key in keys)
    luxury = next(key for key in keys if key.endswith(":t:luxury"))
    assert picked_kit(kit, luxury, None).tone == "luxury"
    tones = f"br:{USER}:t"
    assert picked_kit(kit, tones, (f"br:{USER}:t:-",)).tone is None  # a select menu's pick
    assert picked_kit(kit, f"br:{USER}:t:grumpy", None) == kit  # forged data: unchanged
    assert form_labels(f"br:{USER}:w:s") == ("Signature", "A line under every caption (or off)")
    assert form_labels("rw:1:instagram:d") is None and owner("br:1") == ""
    assert "Psst" in menu.prompt or "Guess what?" in menu.prompt or "Plot twist" in menu.prompt


def test_the_brand_command() -> None:
    assert parse_command("/brand") == Brand()
    assert parse_command("/brand reset") == Brand("reset")
    assert parse_command("/brand Signature Shop at example.com") == Brand(
        "set", "signature", "Shop at example.com"
    )
    wrong = parse_command("/brand colour red")
    assert isinstance(wrong, CommandError) and "usage: /brand" in wrong.message


@pytest.mark.parametrize("language", POST_LANGUAGES)
async def test_the_preview_before_a_first_photo_is_written_in_the_users_language(language) -> None:
    shop = BrandKit(account="shop", emoji="none")
    caption = (await preview_post(shop, language=language)).caption
    table = wording(language)
    assert table.sample_words.lower() in caption.lower()  # the sample's words as a subject
    assert caption.endswith(table.account_ctas["shop"][0])
