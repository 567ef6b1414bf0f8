"""Alt text: what is in the photo, for someone who cannot see it — the subject, the people,
the colours and the light; plain words, no marketing. Fitted to each platform's limit."""

from __future__ import annotations

import re

from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.subject import Subject
from postready.pipeline.text import EMOJI, shorten
from postready.pipeline.wording import ENGLISH, PostWording, wording

_SENTENCE_END = re.compile(r"(?<=[.!?।])\s+")
DESCRIBING_WORDS = 16  # a first sentence this short describes the photo; longer ones tell more


def describe_photo(subject: Subject, analysis: ImageAnalysis, language: str = ENGLISH) -> str:
    """Alt text in `language` from the user's words and the photo's analysis, most important
    first."""
    table = wording(language)
    alt = table.alt
    sentences = [_what(subject, analysis, table)]
    if analysis.faces and subject.kind not in ("people", "event"):
        sentences.append(
            alt.one_face if analysis.faces == 1 else alt.faces.format(n=analysis.faces)
        )  # fmt: skip
    colours = [table.name(c.name) for c in analysis.colours[:2]]
    if colours:
        mood = table.mood(analysis.mood.split(",")[0])
        joined = f" {table.name('and')} ".join(colours)
        sentences.append(alt.colours.format(colours=joined, mood=mood))
    return " ".join(sentences)


def _what(subject: Subject, analysis: ImageAnalysis, table: PostWording) -> str:
    alt = table.alt
    first = _SENTENCE_END.split(EMOJI.sub("", analysis.subject).strip())[0].strip(" .,;:!?।")
    if first and len(first.split()) <= DESCRIBING_WORDS:  # the user's own words say what it is
        return alt.photo.format(what=first)
    # What the vocabulary calls it is an English word: said in English alt text only.
    named = EMOJI.sub("", subject.named).strip() or (subject.thing if table.code == ENGLISH else "")
    if subject.kind and named:
        return alt.photo.format(what=named)
    if subject.text:  # words we do not know (another language?): the user's own
        text = _sentence(shorten(EMOJI.sub("", subject.text).strip(), 160))
        return alt.described_as.format(text=text)
    if analysis.product_shot:
        background = table.name(analysis.colours[0].name if analysis.colours else "plain")
        return alt.product.format(colour=background)
    if analysis.faces:
        return alt.portrait if analysis.faces == 1 else alt.group
    return alt.plain


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…", "।")) else f"{text}."


def fit_alt_text(text: str, spec: PlatformSpec) -> str:
    """`text` within the platform's alt-text limit: whole sentences dropped from the end
    first, then the first one shortened at a word."""
    limit = spec.alt_text.limit
    sentences = _SENTENCE_END.split(text.strip())
    while len(sentences) > 1 and len(" ".join(sentences)) > limit:
        sentences.pop()
    return shorten(" ".join(sentences), limit)
