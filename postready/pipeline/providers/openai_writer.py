"""OpenAI (or any OpenAI-compatible server): one vision + writing call that returns the photo's
description, alt text, niches, captions and hashtags for every requested platform, as JSON checked
against a schema. The SDK retries 408/409/429/5xx and timeouts with exponential backoff and
jitter and honours Retry-After; an answer that is not valid JSON for the schema is asked for
once more."""

from __future__ import annotations

import base64
import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from postready.pipeline.brand import BrandKit
from postready.pipeline.branding import emoji_policy
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import OpenAIConfig, ProviderError
from postready.pipeline.providers.types import ContentBrief, PostDraft, Usage, Writing
from postready.pipeline.vocabulary import load_vocabulary
from postready.pipeline.wording import language_instruction

if TYPE_CHECKING:
    from openai import APIStatusError
    from openai.types.chat import (
        ChatCompletion,
        ChatCompletionContentPartParam,
        ChatCompletionMessageParam,
    )

log = logging.getLogger(__name__)
_INVALID_ANSWER_ATTEMPTS = 2  # the first answer and one retry
ALT_TEXT_LENGTH = 300  # each platform's limit is applied afterwards (Instagram's is 100)
_SYSTEM = (
    "You are PostReady, a social media assistant. Look at the photo, then write ready-to-post "
    "content for each requested platform, following each platform's rules exactly. Use the "
    "user's description faithfully; never invent facts, prices, people's names or accounts. "
    "Hashtags: letters, digits and underscores only, without '#', no spam or engagement-bait "
    "tags. Captions must not contain hashtags (they are added separately). "
    "Answer with JSON matching the schema."
)


class _Post(BaseModel):
    model_config = ConfigDict(extra="forbid")
    caption: str
    hashtags: list[str]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: str
    alt_text: str
    subjects: list[str]
    product_shot: bool
    niches: list[str]
    posts: dict[str, _Post]
    item_alt_texts: list[str] = []  # asked for only when the post is a carousel


def response_schema(
    platforms: tuple[str, ...], niches: list[str], carousel: bool = False
) -> dict[str, Any]:
    """The strict JSON schema of the answer: every platform is a required property; a
    carousel's answer also has one alt text per photo the model sees."""

    def obj(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    strings = {"type": "array", "items": {"type": "string"}}
    post = obj({"caption": {"type": "string"}, "hashtags": strings})
    properties = {
        "summary": {"type": "string"},
        "alt_text": {"type": "string"},
        "subjects": strings,
        "product_shot": {"type": "boolean"},
        "niches": {"type": "array", "items": {"type": "string", "enum": niches}},
        "posts": obj({key: post for key in platforms}),
    }
    if carousel:
        properties["item_alt_texts"] = strings
    return obj(properties)


def _instructions(brief: ContentBrief) -> str:
    kit = brief.brand or BrandKit()
    rules = {}
    for key in brief.platforms:
        spec = PLATFORMS[key]
        rules[key] = {
            "platform": spec.display_name,
            "caption_target_length": spec.caption_style.target,
            "caption_max_length": spec.caption_limit,
            "first_line_shown": spec.caption_visible,
            "tone": kit.tone or spec.caption_style.tone,
            "emoji": emoji_policy(spec, kit),
            "hashtags": {"min": spec.hashtags.min, "max": spec.hashtags.max,
                         "recommended": spec.hashtags.recommended},
        }  # fmt: skip
    analysis = brief.analysis
    facts = {
        "user_description": brief.description or "(none)",
        "language": brief.language,
        "measured": {
            "colours": [c.name for c in analysis.colours],
            "mood": analysis.mood,
            "faces": analysis.faces,
            "looks_like_product_shot": analysis.product_shot,
        },
        "related_hashtags_seen_online": list(brief.related_tags),
        "platforms": rules,
    }
    if brief.brand is not None:
        facts["brand"] = _brand_facts(kit, brief.language)
    if brief.item_analyses:
        seen = 1 + len(brief.more_images)
        return (
            f"This post is a carousel of {len(brief.item_analyses)} photos; you see the first "
            f"{seen}, in order. Write one caption per platform for the whole post (it may name "
            "what the photos show) and 'alt_text' for the first photo; write 'item_alt_texts': "
            f"one alt text per photo you see, in order ({seen} in all), by the same rules. "
            + _post_rules(facts, brief)
        )
    return "Write the posts for this photo. " + _post_rules(facts, brief)


def _post_rules(facts: dict[str, Any], brief: ContentBrief) -> str:
    rewrite = brief.rewrite
    return (
        language_instruction(brief.language, brief.hashtag_language)
        + "Start each caption with a hook line that works within "
        "'first_line_shown' characters, weave in the user's description, end with a call to "
        "action that suits the platform (or the brand's, when 'brand' names one), and keep "
        "near the target length; write in the brand's tone and emoji level and never use its "
        "words to avoid, when 'brand' is given. Write 'alt_text' "
        "for someone who cannot see the photo: what is in it (subject, setting, people, "
        "colours, any text in it), plainly, no marketing, the most important first, at most "
        f"{ALT_TEXT_LENGTH} characters.\n"
        + (_REWRITE.format(json.dumps(rewrite, ensure_ascii=False)) if rewrite else "")
        + json.dumps(facts, ensure_ascii=False)
    )


def _brand_facts(kit: BrandKit, language: str | None) -> dict[str, Any]:
    """The brand kit as the model should follow it: its voice in the captions (its call to
    action in the posts' language); signature, brand hashtags and handles are added
    afterwards, so the model is told to leave them out."""
    return {
        "tone": kit.tone or "each platform's own",
        "emoji": kit.emoji_level or "each platform's own",
        "call_to_action": kit.cta(language) or "one that suits the platform",
        "never_use_these_words_or_tags": list(kit.avoid),
        "added_afterwards_do_not_write": {
            "signature": kit.signature,
            "brand_hashtags": list(kit.hashtags),
        },
    }


_REWRITE = (
    "The creator asked for another caption: write one with a different hook, structure and "
    "call to action than this one, never the same text: {}\n"
)


class OpenAIVisionWriter:
    """The Writer whose single call also does the vision part (description, product shot)."""

    remote = True

    def __init__(self, config: OpenAIConfig) -> None:
        self._config = config
        self.name = f"openai:{config.model}"

    async def write(self, brief: ContentBrief) -> Writing:
        import openai

        niches = list(load_vocabulary().niches)
        schema = response_schema(brief.platforms, niches, carousel=bool(brief.item_analyses))
        content: list[ChatCompletionContentPartParam] = [
            {"type": "text", "text": _instructions(brief)}
        ]
        content.extend(
            {"type": "image_url", "image_url": {"url": _data_url(jpeg), "detail": "low"}}
            for jpeg in (brief.image_jpeg, *brief.more_images)
        )
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": content},
        ]
        config = self._config
        try:
            async with openai.AsyncOpenAI(
                api_key=config.api_key,
                base_url=config.base_url,
                timeout=config.timeout,
                max_retries=config.max_retries,
            ) as client:
                usage: list[Usage] = []
                for attempt in range(1, _INVALID_ANSWER_ATTEMPTS + 1):
                    completion = await client.chat.completions.create(
                        model=config.model,
                        messages=messages,
                        response_format={
                            "type": "json_schema",
                            "json_schema": {"name": "postready_posts", "strict": True,
                                            "schema": schema},
                        },
                    )  # fmt: skip
                    usage.append(completion_usage(completion, config.model))
                    try:
                        answer = _parse(completion, brief.platforms)
                        return _writing(brief, answer, niches, tuple(usage))
                    except ValueError as exc:
                        log.warning("openai_invalid_answer attempt=%d error=%s", attempt, exc)
                        reason = str(exc)
                    # Ask again, saying what was wrong (the same request tends to fail alike).
                    messages = [
                        *messages[:2],
                        {"role": "assistant", "content": _answer_text(completion)},
                        {"role": "user", "content": f"That answer was invalid ({reason}). "
                                                    "Reply again with JSON for the schema only."},
                    ]  # fmt: skip
        except openai.APITimeoutError as exc:
            raise ProviderError(
                f"OpenAI timed out ({config.timeout:g} s, {config.max_retries} retries)"
            ) from exc
        except openai.APIConnectionError as exc:
            raise ProviderError("OpenAI could not be reached") from exc
        except openai.APIStatusError as exc:
            raise ProviderError(_status_reason(exc, config.max_retries)) from exc
        raise ProviderError(f"OpenAI's answer was not valid JSON for the schema twice: {reason}")


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def _status_reason(exc: APIStatusError, retries: int) -> str:
    status = exc.status_code
    if status == 429:
        return f"OpenAI rate limit or quota (429) after {retries} retries"
    if status >= 500:
        return f"OpenAI server error ({status}) after {retries} retries"
    if status in (401, 403):
        return f"OpenAI refused the API key ({status})"
    # Never the service's own words: a 401's echoes the (masked) key.
    return f"OpenAI rejected the request ({status})"


def completion_usage(completion: ChatCompletion, model: str) -> Usage:
    """The tokens a completion reports (none when a server omits them), billed as the model
    the answer names (a dated snapshot of `model`)."""
    tokens = completion.usage
    return Usage(
        completion.model or model,
        tokens.prompt_tokens if tokens else 0,
        tokens.completion_tokens if tokens else 0,
    )


def _answer_text(completion: ChatCompletion) -> str:
    return (completion.choices[0].message.content or "") if completion.choices else ""


def _parse(completion: ChatCompletion, platforms: tuple[str, ...]) -> _Answer:
    """The answer checked against the schema; ValueError says what is wrong."""
    if not completion.choices:
        raise ValueError("no choices in the answer")
    message = completion.choices[0].message
    if getattr(message, "refusal", None):
        raise ValueError(f"the model refused: {message.refusal}")
    try:
        answer = _Answer.model_validate_json(message.content or "")
    except ValidationError as exc:
        raise ValueError(
            f"{exc.error_count()} schema errors, first: {exc.errors()[0]['msg']}"
        ) from exc
    missing = set(platforms) - set(answer.posts)
    if missing:
        raise ValueError(f"no posts for {', '.join(sorted(missing))}")
    return answer


def _writing(
    brief: ContentBrief, answer: _Answer, niches: list[str], usage: tuple[Usage, ...]
) -> Writing:
    known = [n for n in answer.niches if n in niches]
    analysis = brief.analysis.with_vision(
        answer.summary.strip() or brief.analysis.summary,
        tuple(s.strip().lower() for s in answer.subjects if s.strip())[:6],
        answer.product_shot,
    )
    posts = {
        key: PostDraft(answer.posts[key].caption.strip(), tuple(answer.posts[key].hashtags))
        for key in brief.platforms
    }
    items = tuple(text.strip() for text in answer.item_alt_texts[: 1 + len(brief.more_images)])
    known_niches = tuple(dict.fromkeys(known))
    return Writing(
        analysis, known_niches, posts, answer.alt_text.strip(), usage, item_alt_texts=items
    )
