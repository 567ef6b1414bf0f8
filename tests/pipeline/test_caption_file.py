"""The ready-to-post file in its six sections, section by section, and the runner's output."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from postready.pipeline import content as content_module
from postready.pipeline.caption_file import RULE, SECTIONS, render_caption_file
from postready.pipeline.models import ContentSources, OptimizeRequest, PlatformContent
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.types import AccountSuggestions, SuggestedAccount
from postready.pipeline.runner import RESULTS_FILE, run_optimization
from postready.pipeline.timing import posting_times
from postready.pipeline.wording import POST_LANGUAGES, wording
from tests.images import encode, skimage_photo

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def sections(text: str) -> dict[str, list[str]]:
    """Title → body lines, checking each title is followed by its rule."""
    found: dict[str, list[str]] = {}
    lines = text.rstrip("\n").split("\n")
    title = None
    for index, line in enumerate(lines):
        if line.endswith(":") and line[:-1] in SECTIONS:
            assert lines[index + 1] == RULE == "-" * 30
            title = line[:-1]
            found[title] = []
        elif title and line != RULE:
            found[title].append(line)
    return {key: body[:-1] if body and body[-1] == "" else body for key, body in found.items()}


def sample_content(key: str, accounts: AccountSuggestions) -> PlatformContent:
    return PlatformContent(
        niches=("handmade", "coffee"),
        hashtags=("pottery", "ceramicmug", "handmade"),
        caption="Meet the handmade ceramic mug. 🤲\n\nSave this for later.",
        first_comment="#pottery #ceramicmug #handmade" if key == "instagram" else "",
        posting=posting_times(PLATFORMS[key], NOW, "Europe/Paris"),
        accounts=accounts,
        sources=ContentSources("local + openai:gpt-test", "openai:gpt-test", "gemini:g",
                               {"accounts": "Gemini timed out"}),
    )  # fmt: skip


def test_sections_in_the_seed_order_and_shape() -> None:
    accounts = AccountSuggestions(
        (SuggestedAccount("@eastfork", "Pottery studio", "instagram", ("https://a.example/",)),),
        ("https://a.example/",),
        "Found with Google Search; check each account before tagging it.",
    )
    content = sample_content("instagram", accounts)
    text = render_caption_file(PLATFORMS["instagram"], content)
    parts = sections(text)
    assert list(parts) == list(SECTIONS)
    assert text.startswith("READY TO POST CONTENT:\n" + RULE + "\n\nMeet the handmade")
    assert parts["READY TO POST CONTENT"] == [
        "", "Meet the handmade ceramic mug. 🤲", "", "Save this for later."
    ]  # fmt: skip
    assert parts["FIRST COMMENT (hashtags)"] == ["#pottery #ceramicmug #handmade"]
    info = parts["POSTING INFO"]
    assert info[0] == "Platform: INSTAGRAM"
    assert info[1] == f"Caption Length: {len(content.caption)} characters of 2,200"
    assert "Fallback (accounts): Gemini timed out" in info
    assert "Niches: Handmade, Coffee" in info
    times = parts["BEST POSTING TIMES"]
    assert times[0] == "Best Days: Monday, Tuesday, Wednesday, Friday"
    assert times[1].startswith("Best Times: 9 AM, 10 AM")
    assert times[2] == "Peak Engagement: Tue 9 AM - 1 PM"
    assert times[4].startswith("Next Slots: Mon 23 Nov 2026, 10 AM - 12 PM CET;")
    assert parts["SUGGESTED ACCOUNTS TO TAG"] == [
        "• @eastfork — Pottery studio (source: https://a.example/)",
        "Found with Google Search; check each account before tagging it.",
    ]


def test_inline_platforms_and_no_accounts() -> None:
    text = render_caption_file(
        PLATFORMS["x"], sample_content("x", AccountSuggestions(note="No accounts suggested."))
    )
    parts = sections(text)
    assert parts["FIRST COMMENT (hashtags)"] == [
        "(none: X hashtags go in the post, already included above)"
    ]
    assert "(as X counts them)" in parts["POSTING INFO"][1]
    assert parts["SUGGESTED ACCOUNTS TO TAG"] == ["No accounts suggested."]


@pytest.mark.parametrize("language", [code for code in POST_LANGUAGES if code != "en"])
def test_the_titles_follow_the_posts_language_and_nothing_else_does(language: str) -> None:
    content = sample_content("instagram", AccountSuggestions(note="No accounts suggested."))
    english = render_caption_file(PLATFORMS["instagram"], content)
    text = render_caption_file(PLATFORMS["instagram"], content, language=language)
    titles = wording(language).file_sections
    assert len(set(titles)) == len(SECTIONS) and not set(titles) & set(SECTIONS)
    for title, theirs in zip(SECTIONS, titles, strict=True):
        english = english.replace(f"{title}:\n{RULE}", f"{theirs}:\n{RULE}")
    assert text == english


@pytest.fixture(scope="module")
def cat_photo() -> bytes:
    return encode(skimage_photo("chelsea"), "JPEG", quality=90)


async def test_runner_writes_caption_files_and_content_keys(cat_photo, tmp_path) -> None:
    events = []
    request = OptimizeRequest(
        cat_photo, ("instagram", "x"), description="my cat napping", timezone="Asia/Tokyo"
    )
    result = await run_optimization(request, tmp_path, progress=events.append)
    folder = tmp_path / result.session_id
    data = json.loads((folder / RESULTS_FILE).read_text())
    assert data["analysis"]["subject"] == "my cat napping"
    assert data["optimization_metadata"]["ai_calls"] == 0
    for key in ("instagram", "x"):
        entry = data["platforms"][key]
        assert entry["niches"][:2] == ["cats", "pets"]
        assert entry["hashtags"] == " ".join(f"#{t}" for t in entry["hashtag_list"])
        assert entry["caption"] and "cat napping" in entry["caption"]
        assert entry["posting_times"]["timezone"] == "Asia/Tokyo"
        assert len(entry["posting_times"]["next_slots"]) == 3
        assert entry["profile_results"] == {
            "extracted_usernames": [],
            "total_usernames": 0,
            "sources": [],
            "accounts": [],
            "note": entry["profile_results"]["note"],
        }
        assert entry["providers"]["writing"] == "local"
        text = (folder / f"{key}_caption.txt").read_text()
        assert sections(text)["READY TO POST CONTENT"][1:] == entry["caption"].split("\n")
        assert entry["caption_file"] == str(folder / f"{key}_caption.txt")
        # Alt text for the image, within the platform's limit, in the file too.
        assert entry["alt_text"].startswith("Photo: my cat napping.")
        assert len(entry["alt_text"]) <= PLATFORMS[key].alt_text.limit
        assert sections(text)["ALT TEXT"][0] == entry["alt_text"]
    assert data["platforms"]["instagram"]["first_comment"].startswith("#")
    assert [e.stage for e in events].count("content") == 2
    assert [e.done for e in events] == list(range(len(events)))
    assert events[-1].done == events[-1].total


async def test_a_broken_content_step_still_delivers_images(cat_photo, tmp_path, monkeypatch):
    async def broken(self, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(content_module.ContentEngine, "generate", broken)
    events = []
    result = await run_optimization(
        OptimizeRequest(cat_photo, ("x",)), tmp_path, progress=events.append
    )
    assert result.platforms["x"].status == "success" and result.platforms["x"].content is None
    assert not list((tmp_path / result.session_id).glob("*_caption.txt"))
    assert events[-1].done == events[-1].total


async def test_bad_time_zone_fails_before_any_work(cat_photo, tmp_path) -> None:
    with pytest.raises(Exception, match="unknown time zone 'Europe/Lundon'"):
        await run_optimization(
            OptimizeRequest(cat_photo, ("x",), timezone="Europe/Lundon"), tmp_path
        )
    assert not any(tmp_path.iterdir())
