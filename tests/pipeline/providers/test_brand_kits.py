"""Brand kits in the content step: the same photo and words with two kits give posts that
differ as the kits say, written locally and by the OpenAI writer (the real SDK against the
fake server), whose answer with a word to avoid is repaired before anyone sees it."""

from __future__ import annotations

import json
import re

import pytest

from postready.pipeline.brand import TONE_STYLES, BrandKit, BrandKitError
from postready.pipeline.branding import avoided_in, clear_caption
from postready.pipeline.captions import assemble_post
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import OpenAIConfig, ProviderSettings
from postready.pipeline.text import EMOJI
from postready.pipeline.wording import ENGLISH, wording
from tests.fakes.ai_servers import FakeServer, Reply, openai_completion
from tests.pipeline.providers.test_openai import answer

PLATFORMS_ASKED = ("instagram", "x", "linkedin", "bluesky", "snapchat", "google_business")
SIGNATURE = "Shop at example.com · DM to order"
LUXURY = BrandKit(
    tone="luxury",
    emoji="none",
    signature=SIGNATURE,
    hashtags=("hearthclay", "slowmornings"),
    avoid=("terracotta", "ceramicmug", "pottery", "cheap"),
    account="shop",
    handles={"instagram": "@hearthclay", "bluesky": "@hearthclay.bsky.social"},
)
PLAYFUL = BrandKit(tone="playful", emoji="many", hashtags=("mugsquad",), account="creator")


def hooks(kit: BrandKit) -> tuple[str, ...]:
    """The fixed words that open the kit's tone's hooks ("Psst…", "Exquisitely crafted")."""
    words = wording(ENGLISH).tones[kit.tone or "friendly"]
    return tuple(hook.split("{")[0].strip() for hook in words.hooks + words.thing_hooks)


def said(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def emoji_count(text: str) -> int:
    return sum(1 for match in EMOJI.finditer(text) if match.group().strip("\ufe0f\u200d"))


def assert_follows(outcome, kit: BrandKit) -> None:
    """Every post as `kit` says: its tone's hooks, its emoji, its signature where it fits,
    its hashtags first within the platform's count, no word to avoid, its own handles."""
    for key, content in outcome.platforms.items():
        spec = PLATFORMS[key]
        assert content.caption.startswith(hooks(kit)), (key, content.caption)
        if kit.emoji_level == "none":
            assert emoji_count(content.caption) == 0, (key, content.caption)
        if key == "instagram" and kit.emoji_level == "many":
            assert emoji_count(content.caption) >= 3, content.caption
        assert content.brand is not None
        if kit.signature and "signature" in content.brand.applied:
            assert content.caption.count(SIGNATURE) == 1  # whole, once
        elif kit.signature:
            assert content.brand.dropped[0].what == "signature"
            assert not set(SIGNATURE.split()) & set(content.caption.split()[-3:])
        else:
            assert SIGNATURE not in content.caption
        tags = [tag.lower() for tag in content.hashtags]
        own = list(kit.hashtags)[: spec.hashtags.max]
        assert tags[: len(own)] == own and len(tags) <= spec.hashtags.max, (key, tags)
        text = content.caption + " " + content.first_comment
        for word in kit.avoid:
            assert not said(text, word) and word not in tags, (key, word, text)
        handles = [account.handle for account in content.accounts.accounts]
        assert handles[:1] == ([kit.handles[key]] if key in kit.handles else handles[:1])


async def test_two_kits_give_posts_that_differ_as_the_kits_say(run_content) -> None:
    plain = await run_content(ProviderSettings(), platforms=PLATFORMS_ASKED)
    luxury = await run_content(ProviderSettings(), platforms=PLATFORMS_ASKED, brand=LUXURY)
    playful = await run_content(ProviderSettings(), platforms=PLATFORMS_ASKED, brand=PLAYFUL)

    # Without a kit the words to avoid are there, and no post has a brand block.
    assert said(plain.platforms["instagram"].caption, "terracotta")
    assert "ceramicmug" in plain.platforms["instagram"].hashtags
    assert all(content.brand is None for content in plain.platforms.values())
    assert_follows(luxury, LUXURY)
    assert_follows(playful, PLAYFUL)
    for key in PLATFORMS_ASKED:
        assert luxury.platforms[key].caption != playful.platforms[key].caption
    # Google Business posts have no hashtags: the brand's are dropped there, and say why.
    business = luxury.platforms["google_business"]
    assert business.hashtags == () and business.brand is not None
    dropped = [d.what for d in business.brand.dropped if d.what.startswith("hashtag")]
    assert dropped == ["hashtag #hearthclay", "hashtag #slowmornings"]
    assert "no hashtags" in business.brand.dropped[0].why
    # The shop's call to action in the tone, and the creator's.
    assert "Reserve yours via the link in bio." in luxury.platforms["instagram"].caption
    assert "Follow for more fun stuff!" in playful.platforms["instagram"].caption


async def test_a_signature_that_does_not_fit_is_dropped_whole_and_said(run_content) -> None:
    long = BrandKit(signature="Handmade in Lisbon, shipped worldwide " * 3 + "· DM to order")
    outcome = await run_content(ProviderSettings(), platforms=("x", "instagram"), brand=long)

    x, instagram = outcome.platforms["x"], outcome.platforms["instagram"]
    assert "Lisbon" not in x.caption and x.brand is not None
    assert x.brand.dropped[0].what == "signature" and "280" in x.brand.dropped[0].why
    assert instagram.caption.endswith(long.signature)


def test_the_signature_is_never_cut_and_comes_before_the_hashtags() -> None:
    spec = PLATFORMS["bluesky"]
    caption = "A slow morning with the new mug. " * 12
    post = assemble_post(spec, caption, ("hearthclay",), signature=SIGNATURE)
    assert post.signed and post.caption.endswith(f"{SIGNATURE} #hearthclay")
    assert post.caption.count("…") == 1  # the caption was shortened, not the signature
    too_long = assemble_post(spec, caption, ("hearthclay",), signature="word " * 40)
    assert not too_long.signed and "word" not in too_long.caption


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"tone": "grumpy"}, "tone must be one of"),
        ({"hashtags": ["a1", "b2", "c3", "d4", "e5", "f6"]}, "at most 5 brand hashtags"),
        ({"hashtags": ["no spaces allowed!!" * 3]}, "is not a hashtag"),
        ({"handles": {"myspace": "@me"}}, "'myspace' is not a platform key"),
        ({"handles": {"instagram": "me at shop"}}, "is not a handle"),
        ({"colour": "red"}, "unknown brand kit setting 'colour'"),
        ({"signature": "x" * 151}, "longer than 150"),
    ],
)
def test_a_kit_that_cannot_be_used_says_why(data, error) -> None:
    with pytest.raises(BrandKitError, match=re.escape(error)):
        BrandKit.from_json(data)


def test_a_kit_round_trips_and_cleans_what_it_is_given() -> None:
    kit = BrandKit.from_json(
        {"hashtags": "#HearthClay, slow mornings", "avoid": ["Cheap", " #Pottery "],
         "handles": {"mastodon": "me@mastodon.social", "instagram": "@hearthclay"}}
    )  # fmt: skip
    assert kit.hashtags == ("hearthclay", "slowmornings")
    assert kit.avoid == ("cheap", "pottery")
    assert kit.handles == {"mastodon": "@me@mastodon.social", "instagram": "@hearthclay"}
    assert BrandKit.from_json(json.loads(json.dumps(kit.to_json()))) == kit
    assert BrandKit.from_json({}).empty


async def test_the_ai_writes_in_the_kit_and_its_words_to_avoid_are_repaired(run_content) -> None:
    caption = (
        "This pottery mug is cheap. Slow mornings start with a glazed mug, warm light and the "
        "first coffee of the day."
    )
    body = openai_completion(answer(PLATFORMS_ASKED, caption))
    async with FakeServer("/v1/chat/completions", Reply(body=body)) as server:
        config = OpenAIConfig("sk-test", "gpt-test", f"{server.origin}/v1")
        outcome = await run_content(
            ProviderSettings(openai=config), platforms=PLATFORMS_ASKED, brand=LUXURY
        )
        asked = json.loads(
            next(p for p in server.requests[0].json["messages"][1]["content"]
                 if p["type"] == "text")["text"].split("\n")[-1]
        )  # fmt: skip

    assert asked["brand"]["tone"] == "luxury" and asked["brand"]["emoji"] == "none"
    assert asked["brand"]["never_use_these_words_or_tags"] == list(LUXURY.avoid)
    assert asked["brand"]["call_to_action"] == "Reserve yours via the link in bio."
    assert asked["platforms"]["instagram"]["tone"] == "luxury"
    for key, content in outcome.platforms.items():
        assert content.sources.writing == "openai:gpt-test"
        text = content.caption + " " + content.first_comment
        assert not said(text, "cheap") and not said(text, "pottery"), (key, text)
        assert "pottery" not in content.hashtags  # the model's own pick, kept out
        assert content.brand is not None
        assert content.brand.dropped[-1].what == "words to avoid"
        assert "pottery, cheap" in content.brand.dropped[-1].why
        if "signature" in content.brand.applied:
            assert content.caption.count(SIGNATURE) == 1
    # The sentence without them is kept: the model's words, repaired, not replaced.
    assert outcome.platforms["instagram"].caption.startswith("Slow mornings start with")


def test_a_caption_is_cleared_of_words_to_avoid_by_sentence_or_replaced() -> None:
    mostly = "Cheap mugs at cheap prices! Buy now."
    assert clear_caption(mostly, "A slow morning.", ("cheap",)) == ("A slow morning.", ("cheap",))
    one = "This mug is not CHEAP. It is made by hand in Lisbon, glazed twice and fired slowly."
    assert clear_caption(one, "x", ("cheap",))[0] == one.split(". ", 1)[1]
    # Whole words and phrases only, any case.
    assert avoided_in("Cheapskate? No: on  Sale today", ("cheap", "on sale")) == ("on sale",)
    assert clear_caption("Nothing to see.", "x", ()) == ("Nothing to see.", ())


async def test_a_spanish_post_ends_with_the_kits_call_to_action_in_spanish(run_content) -> None:
    """Without a tone, its kind of account's; with one, the tone's for it."""
    shop = BrandKit(account="shop", emoji="none")
    creator = BrandKit(tone="luxury", account="creator", emoji="none")
    sold = await run_content(ProviderSettings(), ("instagram", "x"), brand=shop, language="es")
    followed = await run_content(ProviderSettings(), ("instagram",), brand=creator, language="es")

    for content in sold.platforms.values():
        caption = content.caption.split(" #")[0]  # X's hashtags are inline
        assert caption.endswith("Haz tu pedido desde el enlace de la bio."), caption
        assert content.brand is not None and "call to action (shop)" in content.brand.applied
    luxury = followed.platforms["instagram"].caption
    assert luxury.endswith("Sígueme para más momentos de elegancia."), luxury


async def test_a_non_english_post_keeps_its_tones_words_length_and_emoji(run_content) -> None:
    async def instagram(kit: BrandKit) -> str:
        outcome = await run_content(ProviderSettings(), ("instagram",), brand=kit, language="de")
        return outcome.platforms["instagram"].caption

    plain = await instagram(BrandKit(tone="friendly", emoji="none"))
    minimal = await instagram(BrandKit(tone="minimal", account="shop"))
    playful = await instagram(BrandKit(tone="playful", account="creator"))

    # Minimal: a hook and the call to action, no detail and no emoji; shorter than friendly.
    assert emoji_count(minimal) == 0 and len(minimal.split("\n\n")) == 2, minimal
    assert minimal.endswith("Link in der Bio.") and len(minimal) < len(plain)
    # Playful: its hooks and call to action in German, many emoji, its own marks among them.
    assert playful.startswith(("Psst… ganz frisch:", "Rate mal", "Überraschung:")), playful
    assert emoji_count(playful) >= 3 and any(m in playful for m in TONE_STYLES["playful"].marks)
    assert "Folgen für mehr Spaß!" in playful
