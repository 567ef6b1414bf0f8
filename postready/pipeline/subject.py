"""What a photo shows, as captions and alt text talk about it: the user's own words when they
name it, else what the vocabulary calls the main topic, else what the pixels say (a portrait,
a product shot), else nothing — never a word the vocabulary does not know as the subject."""

from __future__ import annotations

from dataclasses import dataclass

from postready.pipeline.meaning import Topics
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.text import EMOJI
from postready.pipeline.vocabulary import Vocabulary

SHORT_SUBJECT_WORDS = 6  # a description this short names the subject; longer ones are sentences
OWN_TEXT_WORDS = 3  # unknown words this many or more are a sentence (another language?) to keep
OCCASION_KIND = "holiday"
SHOP_NICHE = "small_business"  # things for sale: named by the words or seen in a product shot
LAUNCH_NICHE = "product_launch"


@dataclass(frozen=True, slots=True)
class Subject:
    phrase: str  # the user's short words naming it ("handmade ceramic mug"), or ""
    thing: str  # what the vocabulary calls it ("cat", "coffee"), a portrait, ... or ""
    named: str  # the user's own words that named it ("sourdough loaf"), or ""
    kind: str  # animal, food, drink, place, product, event, memorial, ... or "" (unknown)
    occasion: str  # a holiday the words name ("Christmas"), to wish it
    emoji: str
    text: str  # the user's words to keep whole as a sentence (long, or not words we know)
    product: bool  # something for sale: shop calls to action fit
    launch: bool  # something new is announced (an app, a collection, a shop opening)

    @property
    def name(self) -> str:
        """The best short name: the user's phrase, else the thing."""
        return self.phrase or self.thing


def describe_subject(analysis: ImageAnalysis, topics: Topics, vocabulary: Vocabulary) -> Subject:
    words = EMOJI.sub(" ", analysis.subject).split()
    niches = [vocabulary.niches[key] for key in topics.niches]
    main = vocabulary.niches[topics.main] if topics.main else None
    occasion = next((n for n in niches if n.kind == OCCASION_KIND), None)
    # A memorial sets the tone whatever else is in the photo ("funeral flowers").
    main = next((n for n in niches if n.kind == "memorial"), main) if main else None
    if main is not None:
        short = 2 <= len(words) <= SHORT_SUBJECT_WORDS
        phrase = " ".join(words).strip(" .,;:!?") if short else ""
        thing, kind, emoji = main.thing, main.kind, main.emoji
        text = analysis.subject.strip() if len(words) > SHORT_SUBJECT_WORDS else ""
    else:
        phrase, kind, emoji = "", "", ""
        thing = (
            "portrait" if analysis.faces == 1 else
            "group photo" if analysis.faces > 1 else
            "product shot" if analysis.product_shot else ""
        )  # fmt: skip
        # Words we do not know are no subject, but a sentence of them (another language, say)
        # is the user's message: kept whole, never made the subject of a template.
        text = analysis.subject.strip() if len(words) >= OWN_TEXT_WORDS else ""
    return Subject(
        phrase=phrase,
        thing=thing,
        named=next(iter(topics.evidence.get(main.key, ())), "") if main else "",
        kind=kind,
        occasion=(occasion.thing if occasion else ""),
        emoji=emoji,
        text=text,
        product=SHOP_NICHE in topics.niches,
        launch=LAUNCH_NICHE in topics.niches,
    )
