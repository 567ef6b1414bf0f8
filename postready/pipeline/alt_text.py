"""Alt text: what is in the photo, for someone who cannot see it — the subject, the people,
the colours and the light; plain words, no marketing. Fitted to each platform's limit."""

from __future__ import annotations

import re

from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.providers.types import ImageAnalysis
from postready.pipeline.subject import Subject
from postready.pipeline.text import EMOJI, shorten

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
DESCRIBING_WORDS = 16  # a first sentence this short describes the photo; longer ones tell more


def describe_photo(subject: Subject, analysis: ImageAnalysis) -> str:
    """Alt text from the user's words and the photo's analysis, most important first."""
    sentences = [_what(subject, analysis)]
    if analysis.faces and subject.kind not in ("people", "event"):
        sentences.append(
            "One person's face is visible." if analysis.faces == 1
            else f"{analysis.faces} people's faces are visible."
        )  # fmt: skip
    colours = [c.name for c in analysis.colours[:2]]
    if colours:
        sentences.append(f"Mostly {' and '.join(colours)}; {analysis.mood.split(',')[0]} light.")
    return " ".join(sentences)


def _what(subject: Subject, analysis: ImageAnalysis) -> str:
    first = _SENTENCE_END.split(EMOJI.sub("", analysis.subject).strip())[0].strip(" .,;:!?")
    if first and len(first.split()) <= DESCRIBING_WORDS:  # the user's own words say what it is
        return f"Photo: {first}."
    if subject.kind and (subject.named or subject.thing):
        return f"Photo: {EMOJI.sub('', subject.named).strip() or subject.thing}."
    if subject.text:  # words we do not know (another language?): the user's own
        return f"Photo described as: {_sentence(shorten(EMOJI.sub('', subject.text).strip(), 160))}"
    if analysis.product_shot:
        background = analysis.colours[0].name if analysis.colours else "plain"
        return f"Product photo: one object on a plain {background} background."
    if analysis.faces:
        return "Portrait photo." if analysis.faces == 1 else "Group photo."
    return "Photo."


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def fit_alt_text(text: str, spec: PlatformSpec) -> str:
    """`text` within the platform's alt-text limit: whole sentences dropped from the end
    first, then the first one shortened at a word."""
    limit = spec.alt_text.limit
    sentences = _SENTENCE_END.split(text.strip())
    while len(sentences) > 1 and len(" ".join(sentences)) > limit:
        sentences.pop()
    return shorten(" ".join(sentences), limit)
