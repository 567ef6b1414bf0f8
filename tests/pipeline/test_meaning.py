"""Reading a description by meaning: phrases before words, senses by context, modifiers within
their niche, sibling kinds ruled out, and photo signals only where they are reliable."""

from __future__ import annotations

from postready.pipeline.meaning import read_topics
from postready.pipeline.providers.types import NamedColour
from postready.pipeline.vocabulary import load_vocabulary
from tests.pipeline.analyses import described


def topics(description: str, **signals: object):  # type: ignore[no-untyped-def]
    analysis = described(description, **signals)
    return read_topics(analysis, load_vocabulary())


def test_phrases_win_over_their_words() -> None:
    assert topics("matcha latte").niches[0] == "tea"
    assert "coffee" in topics("matcha latte").ruled_out
    assert topics("oat latte").niches[0] == "coffee"
    assert topics("latte art").tags["latteart"]


def test_senses_by_context() -> None:
    space = topics("rocket launch at dawn")
    assert space.niches[0] == "space" and "product_launch" not in space.niches
    app = topics("launch of our new app")
    assert "product_launch" in app.niches and "space" not in app.niches
    assert "product_launch" in topics("launch day at the space center").ruled_out
    assert topics("python code for the api").niches[0] == "software"
    assert topics("ball python in her vivarium").niches[0] == "reptiles"


def test_modifiers_select_only_within_their_niche() -> None:
    cat = topics("rescue cat")
    assert "rescuecat" in cat.tags and "rescuedog" not in cat.tags
    assert {"dogs", "horses"} <= cat.ruled_out
    assert "dogs" not in topics("rescue cat").niches
    assert topics("mountain rescue team").niches[0] == "mountains"  # no animal at all


def test_sibling_kinds() -> None:
    both = topics("my cat and my dog on the sofa")
    assert {"cats", "dogs"} <= set(both.niches)  # both named: both are subjects
    wedding = topics("wedding flowers")
    assert "funeral" in wedding.ruled_out and "wedding" in wedding.niches
    funeral = topics("funeral flowers")
    assert "wedding" in funeral.ruled_out
    vocabulary = load_vocabulary()
    assert funeral.forbids("weddingday", vocabulary) and not funeral.forbids("flowers", vocabulary)


def test_plurals_and_inflections() -> None:
    assert topics("ceramics").niches[0] == topics("ceramic").niches[0] == "ceramics"
    assert topics("puppies").niches[0] == "dogs"
    assert topics("hiking with friends").niches[0] == "hiking"
    assert topics("🐶").niches[0] == "dogs"


def test_every_subject_main_first() -> None:
    mug = topics("handmade ceramic mug with morning latte art")
    assert mug.niches[:2] == ("ceramics", "coffee") and "handmade" in mug.niches
    assert topics("christmas cookies").niches[:2] == ("desserts", "christmas")
    assert topics("negroni at golden hour").niches[0] == "cocktails"
    dog = topics("golden retriever puppy at the beach")
    assert dog.niches[:2] == ("dogs", "beach")


def test_photo_signals_only_where_reliable() -> None:
    assert topics("", faces=1).niches == ("portrait",)
    assert "portrait" not in topics("my cat on the sofa", faces=1).niches  # a false face
    assert "portrait" in topics("me and my sister at the wedding", faces=2).niches
    assert "small_business" in topics("soy candle", product_shot=True).niches
    assert "small_business" not in topics("my cat", product_shot=True).niches
    # Warm orange colours are no food: nothing named, nothing but the neutral fallback.
    warm = (NamedColour("orange", "#ef7d22", 0.7), NamedColour("caramel", "#a8692e", 0.3))
    assert topics("", colours=warm).niches == ("photography",)
    assert not topics("", colours=warm).described
    assert topics("xyzzy").niches == ("photography",)
