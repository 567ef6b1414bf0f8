"""Local posts in the user's language: every language's table is complete and fills in only
what it can say, and the same photo and words give captions and alt text in that language
(no English template words left), with a brand kit's tone too, within every platform's
limits."""

from __future__ import annotations

import string
from collections.abc import Iterable

import pytest

from postready.pipeline.alt_text import describe_photo, fit_alt_text
from postready.pipeline.analysis import _NAMED
from postready.pipeline.brand import TONES, BrandKit
from postready.pipeline.captions import assemble_post, draft_caption
from postready.pipeline.hashtags import select_hashtags
from postready.pipeline.markup import visible_text
from postready.pipeline.meaning import read_topics
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.subject import describe_subject
from postready.pipeline.text import measure
from postready.pipeline.vocabulary import load_vocabulary
from postready.pipeline.wording import (
    ENGLISH,
    HASHTAG_LANGUAGES,
    POST_LANGUAGES,
    PostWording,
    post_language,
    wording,
)
from tests.pipeline.analyses import described

OTHERS = [code for code in POST_LANGUAGES if code != ENGLISH]
MOOD_WORDS = ("bright", "dark", "vibrant", "minimal", "monochrome", "warm", "cool", "natural",
              "dark and moody", "soft and airy", "and", "neutral", "soft", "plain")  # fmt: skip
# Fields every language's templates may fill in; the vocabulary's (English) names of things
# only in English.
FIELDS = {"phrase", "Phrase", "colour", "Colour", "colour2", "mood"}
# Descriptions that reach every kind of template: the user's words, a kind named by an
# emoji, a product, a holiday, a memorial, none at all, a portrait.
CASES = [("handmade ceramic mug", {}), ("🐱", {}), ("sterling silver ring", {"product_shot": True}),
         ("christmas cookies", {}), ("funeral flowers for grandma", {}), ("", {}),
         ("", {"faces": 1}), ("launch day for our new app", {})]  # fmt: skip


def templates(table: PostWording) -> Iterable[str]:
    yield from generic_templates(table)
    yield from (t for words in table.tones.values() for t in words.hooks + words.thing_hooks)
    yield from (t for words in table.tones.values() for ctas in words.ctas.values() for t in ctas)


def generic_templates(table: PostWording) -> Iterable[str]:
    """The templates of posts without a brand kit's tone."""
    yield from (t for hooks in table.own_hooks.values() for t in hooks)
    yield from (t for hooks in table.kind_hooks.values() for t in hooks)
    yield from table.general_hooks + table.neutral_hooks
    yield from table.details + table.product_details + table.people_details
    yield from (t for ctas in table.ctas.values() for t in ctas)
    yield from (t for kind in table.kind_ctas.values() for ctas in kind.values() for t in ctas)


@pytest.mark.parametrize("code", OTHERS)
def test_every_language_has_a_complete_table(code: str) -> None:
    table, english = wording(code), wording(ENGLISH)
    assert table.code == code
    assert set(table.own_hooks) == set(english.own_hooks)
    assert set(table.kind_hooks) == set(english.kind_hooks)
    assert set(table.ctas) == set(PLATFORMS)
    assert set(table.kind_ctas) == set(english.kind_ctas)
    assert set(table.tones) == set(english.tones) == set(TONES)
    for words in table.tones.values():
        assert words.hooks and words.thing_hooks and set(words.ctas) == {"shop", "creator"}
    assert all("" in by_platform for by_platform in table.kind_ctas.values())
    assert set(_NAMED) | set(MOOD_WORDS) <= set(table.names)
    holidays = {n.thing for n in load_vocabulary().niches.values() if n.kind == "holiday"}
    assert holidays | {""} <= set(table.wishes)
    for template in templates(table):
        used = {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field}
        assert used <= FIELDS, (code, template)
    for field in ("photo", "described_as", "product", "faces", "colours"):
        assert "{" in getattr(table.alt, field)


def test_a_language_code_finds_its_table() -> None:
    assert post_language("es-419") == "es" and post_language("pt-BR") == "pt_BR"
    assert post_language("pt") == "pt_BR" and post_language("de_AT") == "de"
    assert post_language("ja") == ENGLISH and post_language(None) == ENGLISH


def english_words(language: str) -> set[str]:
    """The fixed words of the English templates that are not also the language's own."""
    table = wording(language)
    alt = [getattr(table.alt, field) for field in table.alt.__slots__]
    own = " ".join([*templates(table), *alt, *table.names.values()]).lower()
    words = set()
    for template in templates(wording(ENGLISH)):
        text = "".join(t for t, *_rest in string.Formatter().parse(template))
        words |= {w.strip(".,!?:;'’").lower() for w in text.split() if len(w) > 3}
    return {w for w in words if w and w.isalpha() and w not in own}


def written(
    description: str, language: str, brand: BrandKit | None = None, **photo: object
) -> tuple[dict[str, str], str]:
    analysis = described(description, **photo)
    vocabulary = load_vocabulary()
    subject = describe_subject(analysis, read_topics(analysis, vocabulary), vocabulary)
    captions = {
        key: draft_caption(spec, subject, analysis, f"seed|{description}", "", language, brand)
        for key, spec in PLATFORMS.items()
    }
    return captions, describe_photo(subject, analysis, language)


@pytest.mark.parametrize(
    "language", ["es", "de", "ru", "hi", "fr", "it", "pt_BR", "uk", "tr", "id"]
)
def test_the_same_photo_gives_posts_in_the_users_language(language: str) -> None:
    table, foreign = wording(language), english_words(language)
    own = list(templates(table))
    for description, photo in CASES:
        captions, alt = written(description, language, **photo)
        for key, caption in captions.items():
            spec = PLATFORMS[key]
            words = {w.strip(".,!?:;'’").lower() for w in caption.split()}
            left = (words & foreign) - set(description.lower().split())
            assert not left, (language, key, caption, left)
            cta = caption.split("\n\n")[-1] if "\n\n" in caption else caption
            assert any(t.split("{")[0][:12] in cta for t in own), (key, caption)
            post = assemble_post(spec, caption, ["tag"] * 0)
            shown = visible_text(post.caption, spec.caption_style.markup)
            assert measure(shown, spec.caption_style.unit) <= spec.caption_limit
            assert "{" not in caption
        assert alt.startswith(table.alt.plain.rstrip(".।")[:3]) or alt.startswith(
            table.alt.portrait[:3]
        ), alt
        assert ": ." not in alt and ": ।" not in alt, alt
        left = {w.strip(".,;:").lower() for w in alt.split()} & foreign
        assert not left - set(description.lower().split()), (alt, left)
        for spec in PLATFORMS.values():
            assert len(fit_alt_text(alt, spec)) <= spec.alt_text.limit


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("language", OTHERS)
def test_a_brand_kits_tone_has_its_own_hooks_in_every_language(language: str, tone: str) -> None:
    table, foreign = wording(language), english_words(language)
    words, english = table.tones[tone], wording(ENGLISH).tones[tone]
    bare = {"{Phrase}.", "{Phrase}।"}  # minimal's, in English too: the user's words alone
    own = set(words.hooks + words.thing_hooks) - bare
    assert own and own.isdisjoint(generic_templates(table)), own
    assert own.isdisjoint(english.hooks + english.thing_hooks), own
    # The user's words, and a photo whose subject only the (English) vocabulary names.
    phrase = "handmade ceramic mug"
    for description, account in ((phrase, "shop"), ("🐱", "creator")):
        captions, _alt = written(description, language, BrandKit(tone=tone, account=account))
        hooks = words.hooks if description == phrase else words.thing_hooks
        filled = [t.format(phrase=phrase, Phrase=phrase.capitalize()) for t in hooks]
        for key, caption in captions.items():
            spec = PLATFORMS[key]
            assert caption.startswith(tuple(filled)), (key, caption)
            left = {w.strip(".,!?:;'’…").lower() for w in caption.split()} & foreign
            assert not left - set(description.split()), (key, caption, left)
            post = assemble_post(spec, caption, ["tag", "tagtwo", "tagthree"])
            shown = visible_text(post.caption, spec.caption_style.markup)
            assert measure(shown, spec.caption_style.unit) <= spec.caption_limit, key
        assert words.ctas[account][0] in captions["instagram"], captions["instagram"]


def test_spanish_posts_say_what_the_photo_is_in_spanish() -> None:
    captions, _ = written("🎄", "es")
    assert "¡Feliz Navidad!" in captions["instagram"]
    _, none_alt = written("", "es")
    assert none_alt == "Foto. Colores principales: crema y marrón; ambiente luminoso y cálido."
    _, product_alt = written("", "de", product_shot=True)
    assert product_alt.startswith(
        "Produktfoto: ein Gegenstand vor einfarbigem Hintergrund in Creme."
    )
    _, faces_alt = written("", "ru", faces=3)
    assert faces_alt.startswith("Групповое фото. Видно лиц: 3.")
    shop, _ = written("sterling silver ring", "es", product_shot=True)
    assert any(words in shop["instagram"] for words in ("comprar", "pedido", "disponible"))
    memorial, _ = written("funeral flowers for grandma", "de")
    assert memorial["instagram"].startswith(("In liebevoller", "Für immer"))


def test_the_users_own_words_stay_as_written() -> None:
    words = "Свежий хлеб из нашей пекарни на углу, испечён сегодня утром"
    captions, alt = written(words, "ru")
    assert all(words in caption for key, caption in captions.items() if key != "x")
    assert words in alt


@pytest.mark.parametrize(
    ("text", "unit", "count"),
    [("Привет, мир", "characters", 11), ("Привет, мир", "x_weighted", 11),
     ("שלום עולם", "x_weighted", 9), ("שלום עולם", "utf16", 9),
     ("हिन्दी में", "graphemes", 5), ("हिन्दी में", "characters", 10),
     ("हिन्दी में", "x_weighted", 10), ("👍🏽 ok", "graphemes", 4)],
)  # fmt: skip
def test_scripts_are_counted_as_each_platform_counts(text: str, unit: str, count: int) -> None:
    assert measure(text, unit) == count  # type: ignore[arg-type]


LONG_SENTENCES = {
    "hi": "हमारी दुकान में आज ताज़ा ब्रेड बनी है और सबके लिए तैयार है। ",
    "ru": "Сегодня в нашей пекарне свежий хлеб, и его хватит на всех. ",
    "uk": "Сьогодні в нашій пекарні свіжий хліб, і його вистачить усім. ",
}


@pytest.mark.parametrize("language", list(LONG_SENTENCES))
def test_long_text_in_other_scripts_is_cut_within_the_limit(language: str) -> None:
    sentence = LONG_SENTENCES[language]
    captions, _ = written(sentence * 40, language)
    for key, caption in captions.items():
        spec = PLATFORMS[key]
        post = assemble_post(spec, caption, ["tag", "tagtwo", "tagthree"])
        shown = visible_text(post.caption, spec.caption_style.markup)
        assert measure(shown, spec.caption_style.unit) <= spec.caption_limit, key


@pytest.mark.parametrize("language", ["es", "de", "ru", "hi"])
def test_hashtags_follow_the_setting_within_every_platforms_rules(language: str) -> None:
    vocabulary = load_vocabulary()
    analysis = described("my cat asleep in the sun")
    topics = read_topics(analysis, vocabulary)
    own = {tag for tags in vocabulary.languages[language].values() for tag in tags}
    for key, spec in PLATFORMS.items():
        picked = {
            mix: select_hashtags(spec, topics, analysis, vocabulary, seed="s",
                                 language=language, mix=mix)
            for mix in HASHTAG_LANGUAGES
        }  # fmt: skip
        for mix, tags in picked.items():
            assert len(tags) <= spec.hashtags.max and len(set(tags)) == len(tags), (key, mix)
            post = assemble_post(spec, "Mi gato.", tags)
            shown = visible_text(post.caption, spec.caption_style.markup)
            assert measure(shown, spec.caption_style.unit) <= spec.caption_limit
        if spec.hashtags.max == 0:
            continue
        assert set(picked["mine"]) <= own, (key, picked["mine"])
        assert not set(picked["english"]) & own, (key, picked["english"])
        if spec.hashtags.recommended >= 2:
            both = set(picked["both"])
            assert both & own and both - own, (key, picked["both"])


def test_a_niche_without_tags_in_the_language_keeps_its_english_ones() -> None:
    vocabulary = load_vocabulary()
    analysis = described("my cat on the sofa")  # cats have Spanish tags, interiors do not
    tags = select_hashtags(PLATFORMS["instagram"], read_topics(analysis, vocabulary), analysis,
                           vocabulary, seed="s", language="es", mix="mine")  # fmt: skip
    interiors = {tag for tier in vocabulary.niches["interiors"].tags.values() for tag in tier}
    assert set(tags) & set(vocabulary.languages["es"]["cats"]) and set(tags) & interiors


def test_mastodon_spells_tags_in_other_languages_as_written() -> None:
    tags = ("gatosdeinstagram", "котики", "बिल्ली")
    post = assemble_post(PLATFORMS["mastodon"], "Mi gato.", tags)
    assert post.hashtags == ("GatosDeInstagram", "Котики", "बिल्ली")


def test_an_english_post_gets_english_tags_whatever_the_setting() -> None:
    vocabulary = load_vocabulary()
    analysis = described("my cat")
    topics = read_topics(analysis, vocabulary)
    spec = PLATFORMS["instagram"]
    for mix in HASHTAG_LANGUAGES:
        tags = select_hashtags(spec, topics, analysis, vocabulary, seed="s", mix=mix)
        assert set(tags) <= set(vocabulary.tags)


@pytest.mark.parametrize(
    ("language", "words", "niche"),
    [("es", "mi gato durmiendo al sol", "cats"), ("pt_BR", "meu cachorro na praia", "dogs"),
     ("de", "Sauerteigbrot aus unserer Bäckerei", "bakery"),
     ("fr", "des fleurs pour maman", "flowers"),
     ("it", "torta fatta in casa", "desserts"), ("ru", "мой кот спит на солнце", "cats"),
     ("uk", "свіжий хліб з нашої пекарні", "bakery"), ("tr", "kedim güneşte uyuyor", "cats"),
     ("id", "kopi susu pagi ini", "coffee"), ("hi", "मेरी प्यारी बिल्ली धूप में", "cats")],
)  # fmt: skip
def test_a_description_in_the_posts_language_names_its_niche(
    language: str, words: str, niche: str
) -> None:
    vocabulary = load_vocabulary(language)
    analysis = described(words)
    topics = read_topics(analysis, vocabulary)
    assert topics.niches[0] == niche
    assert read_topics(analysis, load_vocabulary()).niches[0] != niche  # English reads none
    subject = describe_subject(analysis, topics, vocabulary)
    caption = draft_caption(PLATFORMS["instagram"], subject, analysis, "s", "", language)
    assert words[1:] in caption  # the user's words, as written, in a hook of the language
    tags = select_hashtags(PLATFORMS["instagram"], topics, analysis, vocabulary, seed="s",
                           language=language, mix="mine")  # fmt: skip
    assert set(tags) <= set(vocabulary.languages[language][niche]) | {
        tag for key in topics.niches for tag in vocabulary.languages[language].get(key, ())
    }
