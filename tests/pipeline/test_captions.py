"""Captions and alt text for odd descriptions read sensibly: one word, emoji only, a word we do
not know, another language, 1,000 characters, none at all — and calls to action that fit."""

from __future__ import annotations

import re

import pytest

from postready.pipeline.alt_text import describe_photo, fit_alt_text
from postready.pipeline.captions import assemble_post, draft_caption
from postready.pipeline.markup import visible_text
from postready.pipeline.meaning import read_topics
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.subject import describe_subject
from postready.pipeline.text import measure
from postready.pipeline.vocabulary import load_vocabulary
from tests.pipeline.analyses import described

LONG = ("We bake every loaf by hand before sunrise, and this one took three days. " * 14)[:1000]
SPANISH = "Mi gato durmiendo al sol en la ventana"


def posts(description: str, **photo: object) -> tuple[dict[str, str], str]:
    analysis = described(description, **photo)
    vocabulary = load_vocabulary()
    subject = describe_subject(analysis, read_topics(analysis, vocabulary), vocabulary)
    captions = {
        key: draft_caption(spec, subject, analysis, f"seed|{description}")
        for key, spec in PLATFORMS.items()
    }
    return captions, describe_photo(subject, analysis)


@pytest.mark.parametrize("description", ["coffee", "🐱", "🐱☕", "xyzzy", SPANISH, LONG, ""])
def test_odd_descriptions(description: str) -> None:
    captions, alt = posts(description)
    for key, caption in captions.items():
        spec = PLATFORMS[key]
        assert caption.strip() and measure(caption, spec.caption_style.unit) <= spec.caption_limit
        assert "{" not in caption and "  " not in caption and ".." not in caption, caption
        assert not re.search(r"(Meet|Say hello to) (the )?(coffee|🐱)", caption), caption
        assert "xyzzy" not in caption  # never a word we do not know as the subject
    first_lines = {c.split("\n")[0] for c in captions.values()}
    assert len(first_lines) > 1  # varied across platforms
    assert alt.startswith("Photo") and alt.endswith(".")
    for spec in PLATFORMS.values():
        assert len(fit_alt_text(alt, spec)) <= spec.alt_text.limit


def test_what_each_kind_of_input_gives() -> None:
    coffee, _ = posts("coffee")
    assert "coffee" in coffee["instagram"].lower()
    cat, cat_alt = posts("🐱")
    assert "cat" in cat["instagram"] and cat_alt.startswith("Photo: cat.")
    spanish, spanish_alt = posts(SPANISH)
    assert all(SPANISH in caption for caption in spanish.values())  # the user's words, whole
    assert SPANISH in spanish_alt
    long, _ = posts(LONG)
    assert LONG.strip() in long["instagram"] and "…" in long["x"]
    _, none_alt = posts("")
    assert none_alt == "Photo. Mostly cream and brown; bright and warm light."
    _, portrait_alt = posts("", faces=1)
    assert portrait_alt.startswith("Portrait photo. One person's face is visible.")
    _, product_alt = posts("", product_shot=True)
    assert product_alt.startswith("Product photo: one object on a plain cream background.")


def test_calls_to_action_fit_the_subject() -> None:
    shop = ("to shop", "order yours", "Available now")
    pet, _ = posts("my rescue cat Miso")
    assert not any(words in pet["instagram"] for words in shop)
    ring, _ = posts("sterling silver ring", product_shot=True)
    assert any(words in ring["instagram"] for words in shop)
    launch, _ = posts("launch day for our new app")
    assert not any(words in launch["instagram"] for words in shop)
    memorial, _ = posts("funeral flowers for grandma")
    assert memorial["instagram"].startswith(("In loving memory", "Remembering", "Forever"))
    assert "👇" not in memorial["instagram"] and "Shot in" not in memorial["instagram"]
    christmas, _ = posts("christmas cookies")
    assert "Christmas" in christmas["instagram"]


def test_the_new_platforms_follow_their_hashtag_rules() -> None:
    tags = ("latteart", "cornercafe", "coffeeshop", "tbt", "coffee", "latte")
    mastodon = assemble_post(PLATFORMS["mastodon"], "A latte at the corner cafe.", tags)
    assert mastodon.hashtags == ("LatteArt", "CornerCafe", "CoffeeShop", "Tbt", "Coffee")
    assert mastodon.caption.endswith("\n\n#LatteArt #CornerCafe #CoffeeShop #Tbt #Coffee")
    for key in ("reddit", "google_business"):  # no hashtags at all
        post = assemble_post(PLATFORMS[key], "A latte at the corner cafe.", tags)
        assert post.hashtags == () and "#" not in post.caption and post.first_comment == ""
    youtube = assemble_post(PLATFORMS["youtube"], "A latte.", tags)
    assert len(youtube.hashtags) <= 3 and youtube.caption.endswith(
        "#latteart #cornercafe #coffeeshop"
    )
    tumblr = assemble_post(PLATFORMS["tumblr"], "A latte. #coffee", tags)
    assert tumblr.caption == "A latte." and tumblr.first_comment == "" and tumblr.hashtags == tags


def test_a_telegram_caption_is_telegram_html_within_1024_characters_as_read() -> None:
    telegram = PLATFORMS["telegram"]
    post = assemble_post(
        telegram, "Fish & chips <3\n\nAt Joe's, 5 > 4 & always fresh.", ["fishandchips"]
    )
    assert post.caption == (
        "<b>Fish &amp; chips &lt;3</b>\n\nAt Joe's, 5 &gt; 4 &amp; always fresh.\n\n#fishandchips"
    )
    assert visible_text(post.caption, "telegram_html").startswith("Fish & chips <3\n\n")
    long = assemble_post(telegram, "Hook & more.\n\n" + "<&> " * 600, ["tag"])
    shown = visible_text(long.caption, "telegram_html")
    assert measure(shown, "utf16") <= 1024 < measure(long.caption, "utf16")
    assert shown.endswith("#tag") and "…" in shown


def test_google_business_posts_end_with_a_call_to_action() -> None:
    for description, product in (("", False), ("sourdough bread", False), ("ceramic mug", True)):
        captions, _ = posts(description, product_shot=product)
        last = captions["google_business"].rsplit("\n\n", 1)[-1]
        assert last.endswith((".", "!")) and any(
            verb in last for verb in ("Call", "Visit", "Tap", "Order", "Book", "stop by")
        ), last
