"""What a creator reads in Discord, and the buttons that rework a post in place: through the
fake Discord with the real discord.py client, as `postready bot discord` runs."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

import json

from postready.chat.rework import PROGRESS
from postready.chat.texts import FORM_TITLE
from tests.adapters.test_discord import (
    ALICE,
    BOB,
    done,
    fake,
    photo,
    running,
    settings,
)
from tests.adapters.test_telegram_rework import OPERATOR_WORDS
from tests.fakes.discord_server import FakeDiscord, Followup
from tests.waiting import until


def posts(fake: FakeDiscord, token: str) -> list[Followup]:
    return [f for f in fake.shown(token).followups if f.payload.get("embeds")]


def button(post: Followup, label: str) -> str:
    return next(b["custom_id"] for b in post.buttons if b["label"] == label)


def text_of(post: Followup) -> str:
    return "\n".join(f"{e['title']}\n{e.get('description', '')}" for e in post.payload["embeds"])


async def test_posts_say_nothing_for_the_operator_and_rework_in_place_after_a_restart(
    fake, settings
) -> None:
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "instagram x", "description": "ceramic mug"}
        token = await fake.slash(ALICE, "optimize", options)
        await until(lambda: done(fake.shown(token)) and len(posts(fake, token)) == 2)
    shown = fake.shown(token)
    instagram, x = posts(fake, token)
    for text in [*shown.original, text_of(instagram), text_of(x)]:
        assert not any(word in text for word in OPERATOR_WORDS), text
    assert "Accounts to tag" not in text_of(instagram)
    # Attachments show no caption: the album's message says which image is for what.
    album = shown.followups[0]
    lines = album.payload["content"].splitlines()
    assert [line.split(" · ")[0] for line in lines] == ["1. Instagram", "2. X"]
    assert [b["label"] for b in instagram.buttons] == [
        "✍️ Another caption", "#️⃣ Other hashtags", "📝 Change description"
    ]  # fmt: skip
    first = text_of(instagram)

    async with running(settings, fake):  # a new process: the buttons still work
        refused = await fake.press_on(BOB, token, instagram, button(instagram, "✍️ Another caption"))
        await until(lambda: fake.shown(refused).followups)
        (line,) = fake.shown(refused).followups
        assert line.ephemeral and line.payload["content"].endswith("(NOT_ALLOWED)")
        assert not instagram.edits

        press = await fake.press_on(ALICE, token, instagram, button(instagram, "✍️ Another caption"))
        await until(lambda: len(instagram.edits) == 2)
        assert fake.shown(press).response["type"] == 6  # acknowledged at once
        progress, final = instagram.edits
        assert progress["content"] == PROGRESS["c"] and progress["embeds"] == []
        assert final["content"] is None and text_of(instagram) != first
        assert instagram.buttons[0]["label"] == "✍️ Another caption"  # kept
        assert not x.edits  # only that post

        # "Change description" opens a form; its words rewrite every post, no image work.
        ask = await fake.press_on(ALICE, token, x, button(x, "📝 Change description"))
        await until(lambda: fake.shown(ask).response is not None)
        form = fake.shown(ask).response
        assert form["type"] == 9 and form["data"]["title"] == FORM_TITLE
        await fake.submit(ALICE, ask, "sourdough loaf fresh from the oven")
        await until(lambda: len(x.edits) == 2 and len(instagram.edits) == 4)
    for post in (instagram, x):
        assert post.edits[-2]["content"] == PROGRESS["d"]
        assert "sourdough loaf fresh from the oven" in text_of(post).lower()
    assert shown.original[-1].startswith("✅")  # the status line: no new step
    (folder,) = settings.storage.output_dir.iterdir()
    saved = json.loads((folder / "results.json").read_text())
    assert "sourdough" in saved["platforms"]["x"]["caption"].lower()
