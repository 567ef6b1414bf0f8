"""The conversation as a user sees it: a photo from its status line to its posts, the commands'
answers, one user's messages in turn, and the settings and "📎 Original files" buttons."""

from __future__ import annotations

import asyncio

from PIL import Image

from postready.chat.delivery import PREVIEWS_LABEL
from postready.chat.replies import Album, Choice, Copyable, Files, Progress, Text
from postready.chat.texts import help_text
from postready.core.identity import UserRef
from postready.core.storage.models import UserSettings
from postready.pipeline import previews
from postready.pipeline.models import ProgressEvent
from postready.pipeline.platforms import PLATFORMS
from tests.chat.conftest import ALICE, BOB, PHOTO, photo
from tests.chat.recording import Message, chat_photo, options, selected


async def test_a_photo_becomes_a_status_line_then_albums_and_one_post_per_platform(bot) -> None:
    """The real pipeline, end to end."""
    await bot.send(ALICE, "/optimize instagram pinterest cozy mug", photo())
    (status,) = bot.output.chat(ALICE)
    assert status.text == "⏳ Queued — position 1"
    async with bot.working():
        await bot.output.until(lambda: len(bot.output.chat(ALICE)) == 5)
    status, album, previews, instagram, pinterest = bot.output.chat(ALICE)
    # One status line, edited in place: queued, progress, done.
    assert status.texts[0] == "⏳ Queued — position 1"
    assert any(isinstance(version, Progress) for version in status.versions[1:-1])
    assert status.text == "✅ Done — 2 of 2 platforms ready"
    assert isinstance(album.reply, Album)
    assert [item.label.split(" · ")[0] for item in album.reply.items] == ["Instagram", "Pinterest"]
    for item in album.reply.items:
        with Image.open(item.path) as image:
            width, height = image.size
        assert item.label.endswith(f"{width}×{height}") and item.size == (width, height)
    # The feed previews' contact sheet, a photo of its own before the posts (on by default).
    assert isinstance(previews.reply, Album)
    (sheet,) = previews.reply.items
    assert sheet.label == PREVIEWS_LABEL and sheet.path.name == "sheet.png"
    assert {p.name for p in sheet.path.parent.iterdir()} == {
        "sheet.png",
        "instagram.png",
        "pinterest.png",
    }
    assert instagram.text.startswith("Instagram — caption\n")
    assert pinterest.text.startswith("Pinterest — caption\n")
    assert isinstance(instagram.reply, Text) and isinstance(instagram.reply.parts[1], Copyable)
    assert "First comment (hashtags)" in instagram.text and "Best times to post:" in instagram.text
    # Under each post its rework buttons; the uncompressed files' under the last one only.
    (job,) = await bot.jobs()
    labels = ["✍️ Another caption", "#️⃣ Other hashtags", "📝 Change description"]
    assert [a.label for a in instagram.reply.actions] == labels
    assert isinstance(pinterest.reply, Text)
    *rework, button = pinterest.reply.actions
    assert [a.key for a in rework] == [f"rw:{job.id}:pinterest:{op}" for op in "chd"]
    assert (button.key, button.label) == (f"files:{job.session.id}", "📎 Original files")


async def test_help_lists_and_unknown_commands(bot) -> None:
    for command in ("/start", "/help", "/platforms", "/styles", "/history", "/frobnicate"):
        await bot.send(ALICE, command)
    start, help_, platforms, styles, history, unknown = bot.output.texts(ALICE)
    assert start == help_ == help_text()
    assert help_.endswith(
        "\n/brand — your brand kit: tone, signature, brand hashtags, words to avoid"
    )
    assert platforms.startswith("Platforms (name — sizes, caption limit):")
    assert len(platforms.splitlines()) == 1 + len(PLATFORMS)
    for spec in PLATFORMS.values():  # the fifteen, issue 17's seven among them
        assert f"• {spec.display_name} ({spec.key}) — " in platforms
    assert "• Solid Background" in styles and "Sage Green" in styles
    assert history == "No photos yet. Send one with /optimize as its caption."
    assert unknown == "⚠️ unknown command /frobnicate; try /help (UNKNOWN_COMMAND)"
    assert not await bot.store.jobs.recent(10)


async def test_settings_changed_by_command_are_kept_and_used(bot) -> None:
    await bot.send(ALICE, "/settings timezone Europe/Berlin")
    await bot.send(ALICE, "/settings files on")
    await bot.send(ALICE, "/settings timezone Mars/Olympus")
    berlin, files, refused = bot.output.texts(ALICE)
    assert berlin.startswith("Saved.\nYour settings:") and "• timezone: Europe/Berlin" in berlin
    assert "• files: on (images as documents)" in files
    assert refused.startswith("⚠️ unknown timezone 'Mars/Olympus'")
    user = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert (user.settings.timezone, user.settings.send_as_files) == ("Europe/Berlin", True)
    await bot.send(ALICE, "/optimize x", photo())
    (job,) = await bot.jobs()
    assert job.session.options["timezone"] == "Europe/Berlin"


async def test_status_and_cancel_without_a_photo_in_progress_point_to_history(bot) -> None:
    await bot.send(ALICE, "/status")
    await bot.send(ALICE, "/cancel")
    await bot.send(ALICE, "/status 7")
    nothing = "⚠️ you have no photo in progress; /history lists past ones (JOB_NOT_FOUND)"
    assert bot.output.texts(ALICE) == [nothing, nothing, "⚠️ there is no job #7 (JOB_NOT_FOUND)"]
    await bot.send(BOB, "/optimize x", photo())  # Bob's job is not Alice's to see or cancel
    await bot.send(ALICE, "/cancel 1")
    assert bot.output.texts(ALICE)[-1] == "⚠️ there is no job #1 (JOB_NOT_FOUND)"
    assert bot.output.texts(BOB) == ["⏳ Queued — position 1"]


async def test_cancelling_a_queued_photo_edits_its_status_line(bot) -> None:
    await bot.send(ALICE, "/optimize x", photo())
    await bot.send(ALICE, "/status")
    await bot.send(ALICE, "/cancel")
    status, queued, cancelled = bot.output.chat(ALICE)
    assert queued.text == "Job #1: queued — position 1"
    assert cancelled.text == "Job #1 cancelled."
    assert status.texts == ["⏳ Queued — position 1", "✖️ Cancelled"]
    await bot.send(ALICE, "/cancel")
    await bot.send(ALICE, "/history")
    *_, nothing, history = bot.output.texts(ALICE)
    assert nothing.endswith("(JOB_NOT_FOUND)")
    assert "• #1 · " in history and " · cancelled · x" in history


async def test_cancelling_a_running_photo_stops_it_and_says_so_on_its_status_line(
    bot, pipeline
) -> None:
    pipeline.hold()
    await bot.send(ALICE, "/optimize x", photo())
    status = bot.output.chat(ALICE)[0]
    async with bot.working():
        await asyncio.wait_for(pipeline.started.wait(), 10)
        await bot.send(ALICE, "/status")
        await bot.send(ALICE, "/cancel")
        await bot.output.until(lambda: status.text == "✖️ Cancelled")
    _, running, stopping = bot.output.texts(ALICE)
    assert (running, stopping) == ("Job #1: running", "Stopping job #1…")
    assert (await bot.job(1)).status == "cancelled"


async def test_status_shows_a_running_photos_progress(bot) -> None:
    await bot.send(ALICE, "/optimize x", photo())
    (job,) = await bot.jobs()
    claimed = await bot.store.jobs.claim("elsewhere", 60)
    assert claimed is not None and claimed.id == job.id
    await bot.store.jobs.add_progress(job.id, ProgressEvent("captions", 3, 5, "writing captions"))
    await bot.send(ALICE, "/status")
    assert bot.output.texts(ALICE)[-1] == "Job #1: ▰▰▰▱▱ 60% · writing captions"


async def test_one_users_messages_are_answered_in_order_and_others_meanwhile(bot) -> None:
    downloaded = asyncio.Event()

    async def slow_fetch() -> bytes:
        await downloaded.wait()
        return PHOTO

    photo_sent = asyncio.create_task(
        bot.send(ALICE, "/optimize x", chat_photo(slow_fetch, "p.jpg", len(PHOTO)))
    )
    cancel_sent = asyncio.create_task(bot.send(ALICE, "/cancel"))
    await bot.send(BOB, "/help")  # answered while Alice's photo is still on its way
    assert bot.output.texts(BOB) == [help_text()] and not bot.output.chat(ALICE)
    downloaded.set()
    await asyncio.gather(photo_sent, cancel_sent)
    # The cancel waited for the photo it follows, and found its job.
    assert bot.output.texts(ALICE) == ["✖️ Cancelled", "Job #1 cancelled."]


async def test_the_settings_menu_is_changed_by_its_owner_only(bot) -> None:
    await bot.send(ALICE, "/settings")
    (menu,) = bot.output.chat(ALICE)
    assert {"Instagram", "Pinterest", "UTC", "bottom-right"} <= selected(menu)
    pinterest = options(menu)["Pinterest"]
    refused = await bot.press(BOB, menu, pinterest)
    assert refused == "These are someone else's settings; send /settings for yours."
    assert len(menu.versions) == 1
    assert await bot.press(ALICE, menu, pinterest) is None
    assert "Pinterest" not in selected(menu) and "Instagram" in selected(menu)
    assert await bot.press(ALICE, menu, options(menu)["Send images as files"]) is None
    assert "• files: on" in menu.text and "Send images as files" in selected(menu)
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings.send_as_files and "pinterest" not in alice.settings.default_platforms
    bob = await bot.store.users.get_or_create(UserRef("telegram", BOB))
    assert bob.settings == UserSettings()
    # A press that changes nothing edits nothing.
    edits = len(menu.versions)
    assert await bot.press(ALICE, menu, options(menu)["UTC"]) is None
    assert len(menu.versions) == edits


async def test_a_settings_menu_pick_sets_what_was_picked(bot) -> None:
    """Discord's select menus send the whole pick at once."""
    await bot.send(ALICE, "/settings")
    (menu,) = bot.output.chat(ALICE)
    assert isinstance(menu.reply, Choice)
    platforms, zones, *_ = menu.reply.menus
    keys = options(menu)
    assert await bot.press(ALICE, menu, platforms.key, (keys["Instagram"], keys["X"])) is None
    assert await bot.press(ALICE, menu, zones.key, (keys["Tokyo"],)) is None
    assert selected(menu) >= {"Instagram", "X", "Tokyo"} and "Pinterest" not in selected(menu)
    assert "• platforms: instagram, x" in menu.text and "• timezone: Asia/Tokyo" in menu.text


async def test_original_files_go_to_the_photos_owner_only(bot, pipeline) -> None:
    await bot.send(ALICE, "/optimize instagram x", photo())
    async with bot.working():
        await bot.output.until(lambda: any(_files_button(m) for m in bot.output.chat(ALICE)))
    post = bot.output.chat(ALICE)[-1]
    assert isinstance(post.reply, Text)
    *_, button = post.reply.actions
    count = len(bot.output.messages)
    refused = await bot.press(BOB, post, button.key)
    assert refused == "Only the person who sent the photo can use this button."
    assert len(bot.output.messages) == count
    assert await bot.press(ALICE, post, button.key) is None
    files = bot.output.chat(ALICE)[-1]
    assert isinstance(files.reply, Files)
    (album,) = [m.reply for m in bot.output.chat(ALICE) if isinstance(m.reply, Album)]
    assert [item.path for item in files.reply.items] == [item.path for item in album.items]
    assert [item.label for item in files.reply.items] == ["Instagram · instagram.jpg", "X · x.jpg"]
    for item in album.items:
        item.path.unlink()
    assert await bot.press(ALICE, post, button.key) == "These files are no longer kept."


async def test_a_button_nobody_knows_has_expired(bot) -> None:
    await bot.send(ALICE, "/help")
    (message,) = bot.output.chat(ALICE)
    for key in ("files:no-such-session", "files", "xyz:1:2", ""):
        assert await bot.press(ALICE, message, key) == "This button has expired."
    assert len(bot.output.messages) == 1


def _files_button(message: Message) -> bool:
    actions = message.reply.actions if isinstance(message.reply, Text) else ()
    return any(a.key.startswith("files:") for a in actions)


async def test_previews_turned_off_are_neither_drawn_nor_sent(bot) -> None:
    await bot.send(ALICE, "/settings previews off")
    assert "• previews: off" in bot.output.texts(ALICE)[-1]
    await bot.send(ALICE, "/optimize x", photo())
    async with bot.working():
        await bot.output.until(lambda: len(bot.output.chat(ALICE)) == 4)
    _, status, album, post = bot.output.chat(ALICE)
    assert status.text == "✅ Done — 1 of 1 platform ready"
    assert [item.label.split(" · ")[0] for item in album.reply.items] == ["X"]
    assert post.text.startswith("X — caption")
    (job,) = await bot.jobs()
    assert job.session.options["previews"] is False
    assert job.session.results is not None and job.session.results["previews"] is None


async def test_previews_show_the_account_name_from_the_settings(bot, monkeypatch) -> None:
    drawn: list[str] = []
    original = previews.write_previews

    def recording(posts, directory, account):
        drawn.append(account)
        return original(posts, directory, account)

    monkeypatch.setattr(previews, "write_previews", recording)
    await bot.send(ALICE, "/settings account @maker.studio")
    assert "• account: @maker.studio" in bot.output.texts(ALICE)[-1]
    await bot.send(ALICE, "/optimize x", photo())
    async with bot.working():
        await bot.output.until(lambda: len(bot.output.chat(ALICE)) == 5)
    assert drawn == ["@maker.studio"]


async def test_a_language_set_in_settings_answers_at_once_and_after(bot) -> None:
    await bot.send(ALICE, "/settings language de")
    await bot.send(ALICE, "/history")
    await bot.send(ALICE, "/settings lang en")
    await bot.send(ALICE, "/history")
    saved, history, english, history_again = bot.output.texts(ALICE)
    assert saved.startswith("Gespeichert.\nDeine Einstellungen:\n") and "Sprache: Deutsch" in saved
    assert history == "Noch keine Fotos. Schick eins mit /optimize als Bildunterschrift."
    assert english.startswith("Saved.\nYour settings:\n")
    assert history_again == "No photos yet. Send one with /optimize as its caption."


async def test_a_photos_results_come_in_the_language_it_was_sent_in(bot) -> None:
    await bot.send(ALICE, "/optimize x", photo(), language="es-ES")
    async with bot.working():
        await bot.output.until(lambda: len(bot.output.chat(ALICE)) == 4)
    status, _, previews, post = bot.output.chat(ALICE)
    assert previews.text == "Vistas previas del feed · cómo se verá cada publicación"
    assert status.text == "✅ Listo — 1 de 1 plataforma preparada"
    assert post.text.startswith("X — texto\n")
    assert [action.label for action in post.reply.actions] == [
        "✍️ Otro texto",
        "#️⃣ Otros hashtags",
        "📝 Cambiar la descripción",
        "📎 Archivos originales",
    ]
