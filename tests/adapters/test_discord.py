"""The Discord bot end to end: the real discord.py client (gateway, application commands,
interaction callbacks and webhook followups) against a fake Discord, as `postready bot discord`
runs it, checked as the user sees it."""

from __future__ import annotations

import asyncio
import io
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import discord
import pytest
from PIL import Image

from postready.adapters.discord import discord_frontend
from postready.adapters.discord.bot import platform_completions
from postready.adapters.discord.render import embed_messages, file_batches, post_embeds
from postready.chat import styles as style_picker
from postready.chat.conversation import ChatService
from postready.chat.delivery import PREVIEWS_LABEL
from postready.chat.replies import Copyable, MediaItem, Text
from postready.chat.styles import PROMPT
from postready.core.config.settings import DiscordSection, QueueSection, Settings, StorageSection
from postready.core.storage import Storage
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.vocabulary import load_vocabulary
from postready.serve import run_worker
from tests.adapters.waiting import hold_jobs
from tests.conftest import rows_of
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord, Shown
from tests.images import encode, textured
from tests.product_images import product_photo
from tests.waiting import PATIENCE, until

ALICE, BOB = 2001, 2002

EVERY = len(PLATFORMS)  # `/optimize all`: every platform in the table


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        storage=StorageSection(data_dir=tmp_path / "data"),
        queue=QueueSection(workers=2, progress_interval=0.2, poll_seconds=0.1, shutdown_grace=5),
        discord=DiscordSection(bot_token=TOKEN),
    )


@asynccontextmanager
async def running(settings: Settings, fake: FakeDiscord) -> AsyncIterator[None]:
    """The bot as `postready bot discord` runs it; stopped with SIGTERM."""
    fake.ready.clear()
    task = asyncio.create_task(run_worker(settings, frontends=[discord_frontend(settings)]))
    await until(lambda: task.done() or fake.ready.is_set())
    assert not task.done(), task.exception()
    try:
        yield
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, PATIENCE)


def photo(fake: FakeDiscord, seed: int = 0) -> dict:
    return fake.upload(f"photo{seed}.jpg", encode(textured((1200, 900), seed)))


def shows_error(shown: Shown) -> bool:
    return bool(shown.original) and shown.original[-1].startswith("⚠️")


def done(shown: Shown) -> bool:
    return bool(shown.original) and shown.original[-1].startswith("✅")


async def test_optimize_defers_edits_progress_and_follows_up_with_files_and_embeds(fake, settings):
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "instagram pinterest", "description": "mug"}
        token = await fake.slash(ALICE, "optimize", options)
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) >= 4)
    # Registered once, with the options the user fills in.
    synced = fake.made("PUT", "/commands")[0].payload["_list"]
    optimize = next(c for c in synced if c["name"] == "optimize")
    assert [(o["name"], o["type"]) for o in optimize["options"]] == [
        ("image", 11),
        ("platforms", 3),
        ("description", 3),
        *((f"image{n}", 11) for n in range(2, 11)),
    ]
    shown = fake.shown(token)
    assert shown.deferred  # "PostReady is thinking…" at once
    assert shown.original[0].startswith("⏳")
    assert any("▰" in text or "▱" in text for text in shown.original[1:])
    assert shown.original[-1] == "✅ Done — 2 of 2 platforms ready"
    assert len(shown.original) <= 12  # throttled
    files, sheet, *posts = shown.followups
    assert [name for name, _ in files.files] == ["instagram.jpg", "pinterest.jpg"]
    # The feed previews' contact sheet, a message of its own before the posts.
    assert [name for name, _ in sheet.files] == ["sheet.png"]
    assert sheet.payload["attachments"][0]["description"] == PREVIEWS_LABEL
    # Each image's description is its platform's alt text (Instagram's is the shortest).
    instagram, pinterest = (a["description"] for a in files.payload["attachments"])
    assert instagram.startswith("Photo: mug.") and len(instagram) <= 100
    assert pinterest.startswith(instagram) and len(pinterest) <= 500
    embeds = [e for post in posts for e in post.payload["embeds"]]
    assert [e["title"] for e in embeds] == ["Instagram — caption", "Pinterest — caption"]
    description = embeds[0]["description"]
    assert description.startswith("```\n") and "mug" in description.lower()
    assert "**Best times to post:**" in description and ":F>" in description
    assert not any(post.ephemeral for post in shown.followups)


async def test_commands_are_synced_only_when_changed_or_asked(fake, settings):
    async with running(settings, fake):
        pass
    async with running(settings, fake):
        pass
    assert len(fake.made("PUT", "/commands")) == 1
    async with running(settings.replace(discord={"sync_commands": True}), fake):
        pass
    assert len(fake.made("PUT", "/commands")) == 2


async def test_a_photo_answered_before_a_restart_gets_its_results_after_it(fake, settings):
    fake.downloads_open.clear()
    async with running(settings, fake):
        token = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": "x"})
        # Acknowledged and answered before the attachment is downloaded…
        await until(lambda: fake.shown(token).original == ["⏳ Queued — position 1"])
    # …and the bot stopped meanwhile: the interaction waits in the inbox for the next run.
    fake.downloads_open.set()
    async with running(settings, fake):
        shown = fake.shown(token)
        await until(lambda: done(shown) and len(shown.followups) >= 3)
    assert shown.original[0] == "⏳ Queued — position 1" and shown.original[-1].startswith("✅")
    assert [name for f in shown.followups for name, _ in f.files] == ["x.jpg", "sheet.png"]


async def test_an_error_is_one_ephemeral_line_with_its_code(fake, settings):
    async with running(settings, fake):
        pdf = fake.upload("notes.pdf", b"%PDF-1.7 not an image")
        token = await fake.slash(ALICE, "optimize", {"image": pdf, "platforms": "instagram"})
        typo = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": "instgram"})
        # Discord says how big an attachment is: one over PostReady's cap is never downloaded.
        huge = {**photo(fake), "size": 60_000_000}
        big = await fake.slash(ALICE, "optimize", {"image": huge, "platforms": "x"})
        await until(lambda: all(fake.shown(t).followups for t in (typo, big)))
        # What only its bytes tell is found after the photo was answered: its status line
        # becomes the error.
        await until(lambda: shows_error(fake.shown(token)))
    for key, code in ((typo, "(UNKNOWN_PLATFORM)"), (big, "(FILE_TOO_LARGE)")):
        shown = fake.shown(key)
        assert shown.deferred and shown.original_deleted and not shown.original
        (line,) = shown.followups
        assert line.ephemeral and line.payload["content"].startswith("⚠️")
        assert line.payload["content"].endswith(code) and "\n" not in line.payload["content"]
    status = fake.shown(token).original
    assert status[0] == "⏳ Queued — position 1"
    assert status[-1].startswith("⚠️") and status[-1].endswith("(INVALID_IMAGE_FORMAT)")


def test_missing_token_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path) -> None:
    from postready.cli import main

    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env
    assert main(["bot", "discord"]) == 2
    assert capsys.readouterr().err == (
        "error: INVALID_OPTION: DISCORD_BOT_TOKEN is not set; create an application at "
        "https://discord.com/developers/applications and set its bot token\n"
    )


def test_files_are_split_into_messages_of_ten_under_the_size_limit(tmp_path) -> None:
    items = []
    for number, size in enumerate([400, 500, 300, 900, 1200, *[10] * 12]):
        path = tmp_path / f"f{number}.jpg"
        path.write_bytes(b"x" * size)
        items.append(MediaItem(path, f"file {number}"))
    batches, too_big = file_batches(items, 1000)
    assert too_big == ["file 4 (0.0 MB)"]
    assert [[i.label for i in batch] for batch in batches][:3] == [
        ["file 0", "file 1"],
        ["file 2"],
        ["file 3", *[f"file {n}" for n in range(5, 14)]],
    ]
    assert all(len(b) <= 10 and sum(i.path.stat().st_size for i in b) <= 1000 for b in batches)
    assert [i.label for b in batches for i in b] == [i.label for i in items if i.label != "file 4"]


async def test_files_over_the_interactions_upload_limit_are_named_not_sent(fake, settings):
    fake.attachment_limit = 2_000  # bytes: smaller than any photo
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "instagram x"}
        token = await fake.slash(ALICE, "optimize", options)
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) >= 3)
    note, *posts = fake.shown(token).followups
    assert not note.files and not any(post.files for post in posts)
    assert note.payload["content"].startswith("Too large to upload here: Instagram · ")
    assert ", X · " in note.payload["content"]


def test_a_long_post_is_split_to_fit_embed_limits() -> None:
    caption = "\n\n".join(f"Paragraph {n} " + "word " * 150 for n in range(12))  # ~9000 chars
    post = Text(("Instagram — caption", Copyable(caption), "Accounts to tag: none found"))
    embeds = post_embeds(post)
    assert len(embeds) == 3 and {e.title for e in embeds} == {"Instagram — caption"}
    assert all(len(e.description or "") <= 4096 for e in embeds)
    assert all(e.description.startswith("```\n") for e in embeds[:2])
    messages = embed_messages(embeds * 4)
    assert all(sum(len(e) for e in m.embeds) <= 6000 and len(m.embeds) <= 10 for m in messages)
    assert sum(len(m.embeds) for m in messages) == 12
    rebuilt = "".join(e.description for e in embeds).replace("```", "")
    assert rebuilt.count("Paragraph") == 12


def test_right_to_left_words_keep_the_embed_whole() -> None:
    title = "إنستغرام — التسمية التوضيحية"
    caption = "ספל קפה ``` חם **נעים** #קפה"
    (embed,) = post_embeds(Text((title, Copyable(caption), "أفضل الأوقات للنشر:")))
    assert embed.title == title
    block, heading = (embed.description or "").split("\n\n")
    assert block.startswith("```\n") and block.endswith("\n```") and block.count("```") == 2
    assert block[4:-4].replace("\u200b", "") == caption
    assert heading == "أفضل الأوقات للنشر:"


def button(shown: Shown, label: str) -> dict:
    return next(b for b in shown.buttons if b["label"] == label)


def select(shown: Shown, placeholder: str) -> dict:
    return next(s for s in shown.selects if s["placeholder"] == placeholder)


def picked(menu: dict) -> list[str]:
    return [o["label"] for o in menu["options"] if o.get("default")]


async def test_product_shot_offers_a_style_menu_only_its_owner_can_use(fake, settings):
    async with running(settings, fake):
        mug = fake.upload("mug.jpg", encode(product_photo("mug", "white", (800, 600)).image))
        token = await fake.slash(ALICE, "optimize", {"image": mug, "platforms": "instagram x"})
        await until(lambda: fake.shown(token).selects)
        shown = fake.shown(token)
        # The "thinking…" response became the photo's status line, then the picker.
        assert shown.original == ["⏳ Queued — position 1", PROMPT]
        styles = select(shown, "Styles")
        assert [o["label"] for o in styles["options"]] == ["Floating", "Flat Lay", "Lifestyle",
            "Product Art", "Macro", "Dark and Moody", "Solid Background"]  # fmt: skip
        assert (styles["min_values"], styles["max_values"]) == (0, 7) and not picked(styles)
        assert [b["label"] for b in shown.buttons] == ["Generate", "Skip"]
        assert len(shown.selects) == 1  # no colours until a solid background is picked

        refused = await fake.pick(BOB, token, styles["custom_id"], ["Macro"])
        await until(lambda: fake.shown(refused).followups)
        assert fake.shown(refused).response["type"] == 6  # acknowledged at once
        (answer,) = fake.shown(refused).followups
        assert answer.ephemeral and "Only the person" in answer.payload["content"]
        assert not picked(select(shown, "Styles"))

        chosen = ["Floating", "Solid Background"]
        pick = await fake.pick(ALICE, token, styles["custom_id"], chosen)
        await until(lambda: len(shown.selects) == 2)
        assert not fake.shown(pick).followups  # acknowledged, no message
        assert picked(select(shown, "Styles")) == chosen
        colours = select(shown, "Background colour")
        assert (colours["min_values"], colours["max_values"]) == (1, 1)
        assert picked(colours) == ["White"] and len(colours["options"]) == 15
        await fake.pick(ALICE, token, colours["custom_id"], ["Sea Blue"])
        await until(lambda: picked(select(shown, "Background colour")) == ["Sea Blue"])

        late = await fake.press(BOB, token, button(shown, "Generate")["custom_id"])
        await until(lambda: fake.shown(late).followups)
        assert len(shown.original) == 4  # Bob's Generate did nothing
        await fake.press(ALICE, token, button(shown, "Generate")["custom_id"])
        await fake.press(ALICE, token, button(shown, "Generate")["custom_id"])  # twice
        await until(lambda: done(shown) and len(shown.followups) >= 4)
    assert shown.original[-1] == "✅ Done — 2 of 2 platforms ready" and not shown.rows
    files = [name for f in shown.followups for name, _ in f.files]
    # + two per style, then the previews' sheet
    assert files[:2] == ["instagram.jpg", "x.jpg"] and len(files) == 7 and files[-1] == "sheet.png"
    assert len(fake.made("POST", "/callback")) == 7  # every press and pick acknowledged
    assert sum(1 for r in fake.requests if r.path.endswith("@original")) == len(shown.original)


async def test_settings_menu_uses_selects_and_a_button(fake, settings):
    async with running(settings, fake):
        token = await fake.slash(ALICE, "settings", {})
        await until(lambda: fake.shown(token).selects)
        shown = fake.shown(token)
        menus = [s["placeholder"] for s in shown.selects]
        assert menus == ["Default platforms", "Time zone", "Language", "Logo position"]
        labels = [b["label"] for b in shown.buttons]
        assert labels == [
            "Albums as one carousel post",
            "Send images as files",
            "Send feed previews",
            "Hashtags: both",
        ]
        assert len(shown.rows) <= 5  # Discord's most for one message
        await fake.press(ALICE, token, button(shown, "Hashtags: both")["custom_id"])
        await until(lambda: "Hashtags: in your language" in [b["label"] for b in shown.buttons])
        assert "• hashtags: in your language" in shown.original[-1]
        zones = select(shown, "Time zone")
        await fake.pick(ALICE, token, zones["custom_id"], ["Tokyo"])
        await until(lambda: picked(select(shown, "Time zone")) == ["Tokyo"])
        platforms = select(shown, "Default platforms")
        chosen = ["Instagram", "Pinterest"]
        await fake.pick(ALICE, token, platforms["custom_id"], chosen)
        await until(lambda: picked(select(shown, "Default platforms")) == chosen)
        assert "Asia/Tokyo" in shown.original[-1]


async def test_message_command_optimizes_the_messages_photo(fake, settings):
    async with running(settings, fake):
        token = await fake.on_message(ALICE, "Optimize for social", [photo(fake)])
        await until(lambda: done(fake.shown(token)))
    menu = next(c for c in fake.made("PUT", "/commands")[0].payload["_list"] if c["type"] == 3)
    assert menu["name"] == "Optimize for social"
    assert fake.shown(token).original[-1] == "✅ Done — 8 of 8 platforms ready"  # the default set


async def test_three_attachments_are_one_carousel_post_per_platform(fake, settings):
    async with running(settings, fake):
        options = {"image": photo(fake, 0), "image2": photo(fake, 1), "image3": photo(fake, 2)}
        token = await fake.slash(ALICE, "optimize", options | {"platforms": "instagram x"})
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) == 5)
        # The message command on a message with several photos: one carousel too.
        attachments = [photo(fake, seed) for seed in range(3)]
        menu = await fake.on_message(ALICE, "Optimize for social", attachments)
        await until(lambda: done(fake.shown(menu)))
    shown = fake.shown(token)
    assert shown.original[-1] == "✅ Done — 2 of 2 platforms ready"  # one job
    # The feed previews' sheet, then per platform: its three images in one message, its post.
    sheet, instagram, instagram_post, x, x_post = shown.followups
    assert [name for name, _ in sheet.files] == ["sheet.png"]
    assert [name for name, _ in instagram.files] == [f"instagram_{n}.jpg" for n in (1, 2, 3)]
    assert [name for name, _ in x.files] == [f"x_{n}.jpg" for n in (1, 2, 3)]
    assert instagram.payload["content"].splitlines()[1].endswith(" · 2/3")
    sizes = {Image.open(io.BytesIO(data)).size for _, data in instagram.files}
    assert len(sizes) == 1  # Instagram shows every item in one shape
    assert instagram_post.payload["embeds"][0]["title"] == "Instagram — caption"
    assert x_post.payload["embeds"][0]["title"] == "X — caption"
    assert fake.shown(menu).original[-1] == "✅ Done — 8 of 8 platforms ready"  # one job too
    carousel = fake.shown(menu).followups[1]
    assert [name for name, _ in carousel.files][:3] == [f"instagram_{n}.jpg" for n in (1, 2, 3)]


async def test_a_settings_menu_from_before_a_restart_still_works(fake, settings):
    async with running(settings, fake):
        token = await fake.slash(ALICE, "settings", {})
        await until(lambda: fake.shown(token).selects)
    shown = fake.shown(token)
    async with running(settings, fake):
        await fake.pick(ALICE, token, select(shown, "Time zone")["custom_id"], ["Tokyo"])
        await until(lambda: picked(select(shown, "Time zone")) == ["Tokyo"])
    assert "Asia/Tokyo" in shown.original[-1]
    # Edited as the interaction's response, through its stored token.
    assert fake.made("PATCH", f"/{token}/messages/@original")[-1].payload["components"]


async def test_a_description_starting_with_a_platform_name_stays_a_description(fake, settings):
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "x", "description": "Pinterest-worthy mug"}
        token = await fake.slash(ALICE, "optimize", options)
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) >= 3)
    shown = fake.shown(token)
    assert shown.original[-1] == "✅ Done — 1 of 1 platform ready"  # X only, not Pinterest
    (post,) = [e for f in shown.followups for e in f.payload.get("embeds", [])]
    assert post["title"] == "X — caption" and "pinterest-worthy mug" in post["description"].lower()


async def test_message_command_on_a_message_without_an_image_says_so(fake, settings):
    async with running(settings, fake):
        pdf = {**fake.upload("notes.pdf", b"%PDF-1.7"), "content_type": "application/pdf"}
        token = await fake.on_message(ALICE, "Optimize for social", [pdf])
        await until(lambda: fake.shown(token).response)
    shown = fake.shown(token)
    assert shown.response["type"] == 4 and shown.response["data"]["flags"] & 64  # private
    assert shown.response["data"]["content"] == (
        "⚠️ that message has no image attached; pick one with a photo (INVALID_IMAGE_FORMAT)"
    )


async def test_the_no_image_line_follows_the_language_chosen_in_settings(fake, settings):
    # Their Discord client speaks English; /settings says Ukrainian: the bot's own lines too.
    async with running(settings, fake):
        switch = await fake.slash(ALICE, "settings", {"options": "language uk"})
        await until(lambda: fake.shown(switch).followups or fake.shown(switch).original)
        pdf = {**fake.upload("notes.pdf", b"%PDF-1.7"), "content_type": "application/pdf"}
        token = await fake.on_message(ALICE, "Optimize for social", [pdf])
        await until(lambda: fake.shown(token).response)
    assert fake.shown(token).response["data"]["content"] == (
        "⚠️ до цього повідомлення не додано зображення; виберіть повідомлення з фото"
        " (INVALID_IMAGE_FORMAT)"
    )


async def test_logo_with_an_image_saves_it_where_asked(fake, settings):
    async with running(settings, fake):
        png = fake.upload("logo.png", encode(textured((300, 300)), "PNG"))
        token = await fake.slash(ALICE, "logo", {"image": png, "option": "top left"})
        await until(lambda: fake.shown(token).followups)
        shown_settings = await fake.slash(ALICE, "settings", {})
        await until(lambda: fake.shown(shown_settings).original)
    (saved,) = fake.shown(token).followups
    assert saved.files[0][0] == "1.png"
    assert saved.payload["attachments"][0]["description"] == "Logo saved · top-left"
    assert "logo: on, top-left" in fake.shown(shown_settings).original[0]


async def test_settings_history_and_help_are_private(fake, settings):
    async with running(settings, fake):
        change = await fake.slash(ALICE, "settings", {"options": "timezone Europe/London"})
        await until(lambda: fake.shown(change).original)
        history = await fake.slash(ALICE, "history", {})
        help_ = await fake.slash(ALICE, "help", {})
        status = await fake.slash(ALICE, "status", {})
        await until(lambda: all(fake.shown(t).original for t in (history, help_)))
        await until(lambda: fake.shown(status).followups)
    for token in (change, history, help_, status):
        assert fake.shown(token).response["data"]["flags"] & 64  # deferred ephemerally
    assert fake.shown(change).original[0].startswith("Saved.")
    assert "Europe/London" in fake.shown(change).original[0]
    assert fake.shown(help_).original[0].startswith("PostReady makes one photo")
    (no_job,) = fake.shown(status).followups
    assert no_job.ephemeral and no_job.payload["content"].startswith("⚠️")


def test_platforms_autocomplete_adds_one_platform_at_a_time() -> None:
    assert platform_completions("")[:3] == ["instagram", "facebook", "linkedin"]
    assert platform_completions("instagram p") == ["instagram pinterest"]
    assert "instagram instagram" not in platform_completions("instagram ")
    assert platform_completions("instagram ")[0] == "instagram facebook"
    assert platform_completions("zzz") == []


async def test_a_restart_in_the_middle_of_a_job_answers_in_the_same_conversation(fake, settings):
    settings = settings.replace(queue={"shutdown_grace": 0, "retry_delay": 0})
    large = fake.upload("large.jpg", encode(textured((3000, 2000), 5)))
    async with running(settings, fake):
        token = await fake.slash(ALICE, "optimize", {"image": large, "platforms": "all"})
        await until(lambda: len(fake.shown(token).original) > 1)
    shown = fake.shown(token)
    assert shown.original[-1] == "⏳ Queued again — it will resume shortly"
    async with running(settings, fake):  # a new process: the interaction's token is stored
        await until(lambda: done(shown) and len(post_titles(shown)) >= EVERY)
    assert (
        shown.original[-1] == f"✅ Done — {EVERY} of {EVERY} platforms ready" and not fake.channel
    )
    files = [name for message in shown.followups for name, _ in message.files]
    assert len(files) == EVERY + 1 and "instagram.jpg" in files and files[-1] == "sheet.png"
    posts = post_titles(shown)
    assert len(posts) == EVERY and posts[0].endswith("— caption")


def post_titles(shown) -> list[str]:
    return [e["title"] for m in shown.followups for e in m.payload.get("embeds", [])]


async def test_a_token_expiring_mid_job_still_edits_the_status_and_posts_in_the_channel(
    fake, settings, monkeypatch
):
    go, expired = hold_jobs(monkeypatch), asyncio.Event()
    monkeypatch.setattr(discord.Interaction, "is_expired", lambda self: expired.is_set())
    async with running(settings, fake):
        token = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": "x"})
        shown = fake.shown(token)
        await until(lambda: shown.original)  # ⏳ Queued, the job waiting for `go`
        expired.set()  # 15 minutes later, in this run and in the store
        async with await Storage.open(settings.storage.db_path) as store:
            await rows_of(store, "UPDATE interaction_tokens SET expires_at = 0")
        go.set()
        await until(lambda: done(shown) and len(fake.channel) >= 3)
    assert shown.original[-1] == "✅ Done — 1 of 1 platform ready"  # edited as a message
    assert fake.made("PATCH", f"/channels/{CHANNEL_ID}/messages/{shown.original_id}")
    files, sheet, post = fake.channel
    assert sheet.files[0][0] == "sheet.png"
    assert files.files[0][0] == "x.jpg" and post.payload["embeds"][0]["title"] == "X — caption"
    assert not shown.followups


async def test_past_the_interactions_15_minutes_the_answer_goes_to_the_channel(fake, settings):
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "instagram"}
        token = await fake.slash(ALICE, "optimize", options, age=timedelta(minutes=16))
        await until(lambda: len(fake.channel) >= 4)
        await until(lambda: fake.channel[0].payload["content"].startswith("✅"))
    assert fake.shown(token).deferred and not fake.shown(token).followups
    status, files, sheet, post = fake.channel
    assert sheet.files[0][0] == "sheet.png"
    assert status.payload["content"] == "✅ Done — 1 of 1 platform ready"
    assert files.files[0][0] == "instagram.jpg"
    assert post.payload["embeds"][0]["title"] == "Instagram — caption"


async def test_status_and_cancel_of_a_running_job(fake, settings):
    large = fake.upload("large.jpg", encode(textured((3000, 2000), 5)))
    async with running(settings, fake):
        job = await fake.slash(ALICE, "optimize", {"image": large, "platforms": "all"})
        await until(lambda: fake.shown(job).original)
        status = await fake.slash(ALICE, "status", {})
        await until(lambda: fake.shown(status).original)
        intruder = await fake.slash(BOB, "cancel", {"options": "1"})
        await until(lambda: fake.shown(intruder).followups)
        cancel = await fake.slash(ALICE, "cancel", {})
        await until(lambda: fake.shown(job).original[-1] == "✖️ Cancelled")
        await until(lambda: fake.shown(cancel).original)
    assert fake.shown(status).original[0].startswith("Job #1: ")
    (refused,) = fake.shown(intruder).followups
    assert refused.ephemeral and refused.payload["content"].endswith("(JOB_NOT_FOUND)")
    assert fake.shown(cancel).original[0] in ("Stopping job #1…", "Job #1 cancelled.")
    assert not any(f.files for f in fake.shown(job).followups)


async def test_style_menu_left_alone_times_out_and_the_photo_goes_on(fake, settings, monkeypatch):
    monkeypatch.setattr(style_picker, "CHOICE_SECONDS", 0.5)
    async with running(settings, fake):
        mug = fake.upload("mug.jpg", encode(product_photo("mug", "white", (800, 600)).image))
        token = await fake.slash(ALICE, "optimize", {"image": mug, "platforms": "x"})
        shown = fake.shown(token)
        await until(lambda: done(shown) and len(shown.followups) >= 3)
    assert shown.original[1] == PROMPT and not shown.rows  # the menu was removed
    files = [name for f in shown.followups for name, _ in f.files]
    assert files == ["x.jpg", "sheet.png"]  # no styles


async def test_rate_limited_requests_are_retried(fake, settings):
    fake.throttle = {("POST", "webhooks"): 2, ("PATCH", "webhooks"): 1}
    async with running(settings, fake):
        token = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": "x"})
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) >= 3)
    assert fake.throttle == {("POST", "webhooks"): 0, ("PATCH", "webhooks"): 0}
    files, sheet, post = fake.shown(token).followups
    assert sheet.files[0][0] == "sheet.png"
    assert files.files[0][0] == "x.jpg" and post.payload["embeds"][0]["title"] == "X — caption"


async def test_a_failing_command_is_logged_and_the_user_told(fake, settings, monkeypatch, caplog):
    async def broken(self, message) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ChatService, "on_message", broken)
    async with running(settings, fake):
        token = await fake.slash(ALICE, "help", {})
        await until(lambda: fake.shown(token).followups)
        second = await fake.slash(ALICE, "help", {})  # the bot still answers
        await until(lambda: fake.shown(second).followups)
    shown = fake.shown(token)
    (line,) = shown.followups
    assert shown.original_deleted and line.ephemeral
    assert line.payload["content"] == "⚠️ something went wrong on our side (PROCESSING_FAILED)"
    assert "discord_interaction_failed" in caplog.text


async def test_an_allowed_guild_is_open_to_its_members_and_no_one_else(fake, settings):
    elsewhere = settings.replace(access={"allowed_chats": frozenset({"999"})})
    async with running(elsewhere, fake):
        token = await fake.slash(ALICE, "status", {})
        await until(lambda: fake.shown(token).followups)
    (line,) = fake.shown(token).followups
    assert line.ephemeral and line.payload["content"].endswith("(NOT_ALLOWED)")
    here = settings.replace(access={"allowed_chats": frozenset({str(GUILD_ID)})})
    async with running(here, fake):
        token = await fake.slash(ALICE, "status", {})
        await until(lambda: fake.shown(token).followups)
    (line,) = fake.shown(token).followups
    assert line.payload["content"].endswith("(JOB_NOT_FOUND)")  # answered: no job yet


async def test_a_german_user_gets_german_replies_and_menus(fake, settings):
    fake.locales[ALICE] = "de"  # their Discord client's language
    async with running(settings, fake):
        help_ = await fake.slash(ALICE, "help", {})
        menu = await fake.slash(ALICE, "settings", {})
        await until(lambda: fake.shown(help_).original and fake.shown(menu).selects)
    assert fake.shown(help_).original[-1].startswith("PostReady macht ein Foto bereit")
    shown = fake.shown(menu)
    assert shown.original[-1].startswith("Deine Einstellungen:\n")
    assert [s["placeholder"] for s in shown.selects] == [
        "Standard-Plattformen",
        "Zeitzone",
        "Sprache",
        "Logo-Position",
    ]
    labels = [b["label"] for b in shown.buttons]
    assert labels[:3] == [
        "Alben als ein Karussell-Post",
        "Bilder als Dateien senden",
        "Feed-Vorschauen senden",
    ]
    assert picked(select(shown, "Sprache")) == ["Deutsch"]


async def test_the_commands_are_registered_with_their_localisations(fake, settings):
    async with running(settings, fake):
        pass
    (sync,) = fake.made("PUT", "/commands")
    commands = {c["name"]: c for c in sync.payload["_list"]}
    optimize = commands["optimize"]
    assert optimize["description"] == "Ready-to-post images and posts"
    assert optimize["description_localizations"]["de"] == "Fertige Bilder und Beiträge zum Posten"
    assert (
        optimize["description_localizations"]["es-ES"]
        == optimize["description_localizations"]["es-419"]
    )
    assert commands["help"]["description_localizations"]["pt-BR"] == "como usar o PostReady"
    assert commands["history"]["description_localizations"]["uk"] == "ваші нещодавні фото"
    # The names stay as typed, in every language.
    assert not optimize.get("name_localizations")
    option = next(o for o in optimize["options"] if o["name"] == "image")
    assert option["description_localizations"]["tr"].startswith("fotoğraf (ilki")
    option = next(o for o in optimize["options"] if o["name"] == "image10")
    assert option["description_localizations"]["tr"].startswith("aynı karusel")
    # Discord takes descriptions of 1 to 100 characters, in every language.
    described = [c for c in commands.values() if c.get("description")]
    described += [o for c in described for o in c.get("options", [])]
    for item in described:
        localised = item["description_localizations"]
        assert len(localised) == 11  # es-ES, es-419 and one locale for each other language
        assert all(1 <= len(text) <= 100 for text in localised.values()), localised


async def test_a_german_user_gets_error_lines_and_status_in_german(fake, settings):
    fake.locales[ALICE] = "de"
    async with running(settings, fake):
        missing = await fake.slash(ALICE, "status", {"options": "5"})
        typo = await fake.slash(ALICE, "settings", {"options": "timezone Mars/Olympus"})
        await until(lambda: fake.shown(missing).followups and fake.shown(typo).followups)
    (line,) = fake.shown(missing).followups
    assert line.ephemeral
    assert line.payload["content"] == "⚠️ es gibt keinen Auftrag #5 (JOB_NOT_FOUND)"
    (line,) = fake.shown(typo).followups
    assert line.payload["content"] == (
        "⚠️ unbekannte Zeitzone 'Mars/Olympus'; nimm einen Namen wie Europe/Berlin oder "
        "America/New_York (INVALID_OPTION)"
    )


async def test_switching_language_in_settings_changes_the_next_reply(fake, settings):
    fake.locales[ALICE] = "de"
    async with running(settings, fake):
        switch = await fake.slash(ALICE, "settings", {"options": "language uk"})
        await until(lambda: fake.shown(switch).followups or fake.shown(switch).original)
        help_ = await fake.slash(ALICE, "help", {})
        await until(lambda: fake.shown(help_).original or fake.shown(help_).followups)
    shown = fake.shown(switch)
    answer = shown.followups[0].payload["content"] if shown.followups else shown.original[-1]
    assert answer.startswith("Збережено.\nВаші налаштування:\n")
    assert "• мова: Українська" in answer
    reply = fake.shown(help_)
    text = reply.followups[0].payload["content"] if reply.followups else reply.original[-1]
    assert text.startswith("PostReady готує одне фото до публікації будь-де")


async def test_a_german_users_post_comes_out_in_german(fake, settings):
    fake.locales[ALICE] = "de"
    async with running(settings, fake):
        options = {"image": photo(fake), "platforms": "instagram", "description": "meine Katze"}
        token = await fake.slash(ALICE, "optimize", options)
        await until(lambda: done(fake.shown(token)) and len(fake.shown(token).followups) >= 3)
    files, _sheet, *posts = fake.shown(token).followups
    assert files.payload["attachments"][0]["description"].startswith("Foto: meine Katze.")
    caption = posts[0].payload["embeds"][0]["description"]
    assert "meine Katze" in caption and ("Farben:" in caption or "Stimmung:" in caption)
    german = load_vocabulary().languages["de"]["cats"]
    assert any(f"#{tag}" in caption for tag in german)
