"""Local providers: the default, offline and free. The photo's pixels, the user's words and the
hashtag vocabulary give niches, hashtags, captions and alt text; accounts only from the user's
list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PIL import Image

from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.types import (
    AccountSuggestions,
    ContentBrief,
    ImageAnalysis,
    PostDraft,
    SuggestedAccount,
    Writing,
)
from postready.pipeline.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from postready.pipeline.cropping import CropSignals

HANDLE = re.compile(r"^@?([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)$")
# Said where the post is read: why there are none, never how to configure a search (that is
# the operator's business: the services notes, the log and /stats say it).
NO_ACCOUNTS_NOTE = "No accounts suggested: PostReady never invents handles."


def normalise_handle(text: str) -> str:
    """ "@name" for a plausible handle (letters, digits, '_' and inner '.', ≤ 30), else ""."""
    match = HANDLE.match(text.strip())
    return f"@{match.group(1)}" if match else ""


class LocalVision:
    name = "local"

    def analyse(self, image: Image.Image, signals: CropSignals, description: str) -> ImageAnalysis:
        # Here, not at the top: analysis loads numpy, which a run loads while its photo decodes.
        from postready.pipeline.analysis import analyse_image

        return analyse_image(image, signals, description)


class LocalWriter:
    name = "local"
    remote = False

    async def write(self, brief: ContentBrief) -> Writing:
        # Here, not at the top: the text modules load once a run is under way (beside its
        # image work), not before it can start.
        from postready.pipeline.alt_text import describe_photo
        from postready.pipeline.captions import draft_caption
        from postready.pipeline.meaning import read_topics
        from postready.pipeline.subject import describe_subject

        vocabulary = load_vocabulary(brief.language)
        analysis = brief.analysis
        topics = read_topics(analysis, vocabulary)
        subject = describe_subject(analysis, topics, vocabulary)
        seed = f"{brief.image_hash}|{brief.description}"
        # No hashtags of its own: the content step picks every writer's tags from the same
        # topics (select_hashtags), so picking them here too would only repeat the work.
        language = brief.language
        posts = {
            key: PostDraft(
                draft_caption(
                    PLATFORMS[key], subject, analysis, seed, "", language, brand=brief.brand
                ),
                (),
            )
            for key in brief.platforms
        }
        items = tuple(
            describe_photo(
                describe_subject(item, read_topics(item, vocabulary), vocabulary), item, language
            )
            for item in brief.item_analyses
        )
        alt_text = describe_photo(subject, analysis, language)
        return Writing(analysis, topics.niches, posts, alt_text, item_alt_texts=items)


class LocalAccountFinder:
    """Accounts from a user-supplied list per niche; none otherwise, and it says so."""

    remote = False

    def __init__(self, by_niche: Mapping[str, tuple[str, ...]] | None = None, source: str = ""):
        self._by_niche = {key: tuple(handles) for key, handles in (by_niche or {}).items()}
        self._source = source
        self.name = "your list" if self._by_niche else "none"

    async def find(self, brief: ContentBrief, niches: tuple[str, ...]) -> AccountSuggestions:
        accounts: dict[str, SuggestedAccount] = {}
        for niche in niches:
            for handle in self._by_niche.get(niche, ()):
                clean = normalise_handle(handle)
                if clean and clean not in accounts:
                    accounts[clean] = SuggestedAccount(clean, f"from your list for {niche}")
        if accounts:
            where = f" ({self._source})" if self._source else ""
            return AccountSuggestions(
                tuple(accounts.values()), note=f"From your accounts list{where}."
            )
        if self._by_niche:
            listed = ", ".join(sorted(self._by_niche))
            return AccountSuggestions(
                note=f"No accounts in your list for {', '.join(niches)} (it has: {listed})."
            )
        return AccountSuggestions(note=NO_ACCOUNTS_NOTE)
