"""What a creator reads in Telegram, and the buttons that rework a post in place: through the
fake Bot API with the real python-telegram-bot client, as `postready bot telegram` runs."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

import json
from pathlib import Path

from postready.chat.rework import ASK, PROGRESS, REWRITTEN
from postready.core.config.settings import Settings
from postready.core.storage import Storage
from tests.adapters.test_telegram import (
    ALICE,
    BOB,
    finished,
    image,
    photo_bytes,
    running,
    settings,
    telegram,
)
from tests.fakes.telegram_server import FakeTelegram, Shown
from tests.waiting import until

# What only whoever runs PostReady may read: keys, configuration, providers, fallbacks.
OPERATOR_WORDS = ("API_KEY", "GEMINI", "OpenAI", "configured", "accounts file", "(local)",
                  "(none)", "fallback", "see the log")  # fmt: skip


CREATOR_PROGRESS = {
    "Reading your photo…", "Finding the best crop…", "Sizing your images…",
    "Instagram image ready", "X image ready", "Captions written", "Accounts to tag checked",
    "Feed previews drawn",
}  # fmt: skip


def button(shown: Shown, label: str) -> str:
    return next(data for text, data in shown.buttons if text == label)


def posts(telegram: FakeTelegram) -> list[Shown]:
    return [s for s in telegram.chat(ALICE) if any(d.startswith("rw:") for _, d in s.buttons)]


def session_folder(settings: Settings) -> Path:
    (folder,) = settings.storage.output_dir.iterdir()
    return folder


async def a_finished_job(telegram: FakeTelegram, settings: Settings) -> tuple[Shown, Shown]:
    async with running(settings, telegram):
        caption = "/optimize instagram x handmade ceramic mug"
        await telegram.send_photo(ALICE, photo_bytes(), caption)
        await until(lambda: finished(telegram, ALICE))
    instagram, x = posts(telegram)
    return instagram, x


async def test_replies_say_nothing_meant_for_the_operator(telegram, settings) -> None:
    instagram, x = await a_finished_job(telegram, settings)
    status = telegram.chat(ALICE)[0]
    everything = [*status.edits, *(s.text for s in telegram.chat(ALICE))]
    for text in everything:
        assert not any(word in text for word in OPERATOR_WORDS), text
    # No accounts were found: the section is left out, not explained.
    assert "Accounts to tag" not in instagram.text and "Accounts to tag" not in x.text
    # Progress in the creator's words.
    progress = {e.split(" · ", 1)[1] for e in status.edits if " · " in e}
    assert progress and progress <= CREATOR_PROGRESS
    # Each album item says which platform and size it is for.
    labels = [s.text for s in telegram.chat(ALICE) if image(s)]
    assert [label.split(" · ")[0] for label in labels] == ["Instagram", "X"]
    assert all(label.split(" · ")[1].split()[-1].count("×") == 1 for label in labels)
    # Under each post, the rework buttons; the files button under the last only.
    assert [t for t, _ in instagram.buttons] == [
        "✍️ Another caption", "#️⃣ Other hashtags", "📝 Change description"
    ]  # fmt: skip
    assert [t for t, _ in x.buttons][-1] == "📎 Original files"
    keyboard = telegram.methods("sendMessage")[-1].params["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in keyboard] == [2, 2]  # two to a row


async def test_another_caption_and_other_hashtags_edit_their_post_after_a_restart(
    telegram, settings
) -> None:
    instagram, x = await a_finished_job(telegram, settings)
    first_caption, x_before = instagram.text, x.text
    async with running(settings, telegram):  # a new process: the buttons still work
        await telegram.press(BOB, instagram.message_id, button(instagram, "✍️ Another caption"))
        await until(lambda: telegram.methods("answerCallbackQuery"))
        refused = telegram.methods("answerCallbackQuery")[-1].params
        assert refused["show_alert"] is True and refused["text"].endswith("(NOT_ALLOWED)")
        assert instagram.text == first_caption and len(instagram.edits) == 1

        await telegram.press(ALICE, instagram.message_id, button(instagram, "✍️ Another caption"))
        await until(lambda: len(instagram.edits) == 3)
        assert instagram.edits[1] == PROGRESS["c"]  # the press's progress, on its post
        assert instagram.text != first_caption and instagram.text.startswith("Instagram — caption")
        assert instagram.buttons and x.text == x_before  # only that post changed
        second_caption = instagram.text

        await telegram.press(ALICE, instagram.message_id, button(instagram, "✍️ Another caption"))
        await until(lambda: len(instagram.edits) == 5)
        assert instagram.text not in (second_caption,)  # never the same twice in a row

        tags_before = _hashtags(x.text)
        await telegram.press(ALICE, x.message_id, button(x, "#️⃣ Other hashtags"))
        await until(lambda: len(x.edits) == 3)
        assert x.edits[1] == PROGRESS["h"]
        assert _hashtags(x.text) and _hashtags(x.text) != tags_before
        assert [t for t, _ in x.buttons][-1] == "📎 Original files"  # kept

        # The files button sends the caption files too, as they are now.
        await telegram.press(ALICE, x.message_id, button(x, "📎 Original files"))

        def caption_document() -> bytes | None:
            documents = [s for s in telegram.chat(ALICE) if s.kind == "document"]
            found = [s.file for s in documents if s.text.endswith("x_caption.txt")]
            return found[0] if found else None

        await until(caption_document)
        sent_caption = (caption_document() or b"").decode()
    # The stored results, results.json and the caption files follow the latest posts.
    folder = session_folder(settings)
    saved = json.loads((folder / "results.json").read_text())
    caption = saved["platforms"]["x"]["caption"]
    assert _hashtags(caption) == _hashtags(x.text)
    assert caption in (folder / "x_caption.txt").read_text()
    assert caption in sent_caption
    assert saved["platforms"]["instagram"]["caption"] in instagram.text
    async with await Storage.open(settings.storage.db_path) as store:
        (job,) = await store.jobs.recent(5)
        assert job.session.results is not None
        assert job.session.results["platforms"]["x"]["caption"] == caption


async def test_change_description_rewrites_every_post_without_image_work(
    telegram, settings
) -> None:
    instagram, x = await a_finished_job(telegram, settings)
    status = telegram.chat(ALICE)[0]
    status_edits = list(status.edits)
    folder = session_folder(settings)
    images = [folder / "instagram.jpg", folder / "x.jpg"]
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in images]
    async with running(settings, telegram):
        await telegram.press(ALICE, x.message_id, button(x, "📝 Change description"))
        await until(lambda: telegram.chat(ALICE)[-1].text == ASK)
    asked = telegram.methods("sendMessage")[-1].params
    assert asked["reply_markup"]["force_reply"] is True
    prompt = telegram.chat(ALICE)[-1]
    async with running(settings, telegram):  # answered after a restart
        await telegram.send_text(
            ALICE, "sourdough loaf fresh from the oven", reply_to=prompt.message_id
        )
        await until(lambda: telegram.chat(ALICE)[-1].text == REWRITTEN)
    for post in (instagram, x):
        assert "sourdough loaf fresh from the oven" in post.text.lower()
        assert post.edits[1] == PROGRESS["d"] and len(post.edits) == 3
        assert post.buttons
    # No image step: the status line was not touched, and the image files are as they were.
    assert status.edits == status_edits
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in images] == before
    saved = json.loads((folder / "results.json").read_text())
    assert "sourdough" in saved["platforms"]["instagram"]["caption"].lower()
    async with await Storage.open(settings.storage.db_path) as store:
        (job,) = await store.jobs.recent(5)
        assert job.session.description == "sourdough loaf fresh from the oven"


def _hashtags(text: str) -> set[str]:
    return {word for word in text.split() if word.startswith("#")}


async def test_a_carousels_post_is_reworked_with_its_alt_texts_kept(telegram, settings) -> None:
    async with running(settings, telegram):
        for seed in range(3):
            caption = "/optimize instagram x three mugs" if seed == 0 else None
            await telegram.send_photo(ALICE, photo_bytes(seed=seed), caption, album="c1")
        await until(lambda: finished(telegram, ALICE))
        instagram, _ = posts(telegram)
        first_caption = instagram.text
        await telegram.press(ALICE, instagram.message_id, button(instagram, "✍️ Another caption"))
        await until(lambda: len(instagram.edits) == 3)
    assert instagram.text != first_caption and instagram.text.startswith("Instagram — caption")
    assert "Photo 3: " in instagram.text  # still one alt text for each photo
    results = json.loads((session_folder(settings) / "results.json").read_text())
    assert len(results["platforms"]["instagram"]["items"]) == 3
