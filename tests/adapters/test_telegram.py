"""The Telegram bot end to end: the real python-telegram-bot client against a fake Bot API, as
`postready bot telegram` runs it (worker pool on the same loop), checked as the user sees it."""

from __future__ import annotations

import asyncio
import html
import io
import json
import logging
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import ClientSession
from PIL import Image
from telegram import Bot

from postready.adapters.telegram import telegram_frontend
from postready.adapters.telegram.render import TelegramOutput, render_messages, utf16_len
from postready.chat import styles as style_picker
from postready.chat.conversation import ChatService
from postready.chat.delivery import PREVIEWS_LABEL
from postready.chat.replies import Album, Copyable, MediaItem, Text
from postready.core.config.settings import QueueSection, Settings, StorageSection, TelegramSection
from postready.core.i18n import LANGUAGES
from postready.core.storage import Storage
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.vocabulary import load_vocabulary
from postready.serve import run_worker
from tests.adapters.http_client import get, serving
from tests.adapters.waiting import hold_jobs
from tests.conftest import rows_of
from tests.fakes.telegram_server import TOKEN, FakeTelegram, Shown
from tests.images import encode, textured
from tests.product_images import product_photo
from tests.waiting import PATIENCE, until

ROOT = Path(__file__).parents[2]
ALICE, BOB, CAROL = 1001, 1002, 1003

EVERY = len(PLATFORMS)  # `/optimize all`: every platform in the table


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, telegram: FakeTelegram) -> Settings:
    return Settings(
        storage=StorageSection(data_dir=tmp_path / "data"),
        queue=QueueSection(workers=2, progress_interval=0.2, poll_seconds=0.1, shutdown_grace=5),
        telegram=TelegramSection(bot_token=TOKEN, api_base_url=telegram.origin),
    )


@asynccontextmanager
async def running(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[None]:
    """The bot as `postready bot telegram` runs it; stopped with SIGTERM, as a service manager
    stops it."""
    task = asyncio.create_task(run_worker(settings, frontends=[telegram_frontend(settings)]))
    calls = len(telegram.calls)

    def receiving() -> bool:  # polling, or a webhook set, in this run
        return bool({"getUpdates", "setWebhook"} & {c.method for c in telegram.calls[calls:]})

    await until(lambda: task.done() or receiving())
    assert not task.done(), task.exception()
    try:
        yield
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, PATIENCE)


def photo_bytes(size: tuple[int, int] = (1200, 900), seed: int = 0) -> bytes:
    return encode(textured(size, seed))


def image(shown: Shown) -> bool:
    """A photo of a platform's image (not the feed previews' sheet, a photo of its own)."""
    return shown.kind == "photo" and not shown.text.startswith(PREVIEWS_LABEL)


def finished(telegram: FakeTelegram, chat: int) -> int:
    """How many of the chat's jobs have sent all their results (the last post has buttons)."""
    return sum(any(d.startswith("files:") for _, d in s.buttons) for s in telegram.chat(chat))


async def test_photo_with_caption_gets_status_progress_albums_and_posts(telegram, settings):
    async with running(settings, telegram):
        commands = telegram.methods("setMyCommands")[0].params["commands"]
        assert {c["command"] for c in commands} >= {"optimize", "help", "settings", "cancel"}
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram pinterest cozy mug")
        await until(lambda: finished(telegram, ALICE))
    shown = telegram.chat(ALICE)
    status = shown[0]
    # One status message, edited in place: queued, progress bars, then done.
    assert status.edits[0].startswith("⏳ Queued — position") or status.edits[0] == "⏳ Starting…"
    assert any("▰" in text or "▱" in text for text in status.edits[1:])
    assert status.text == "✅ Done — 2 of 2 platforms ready"
    assert len(telegram.methods("editMessageText")) <= 12  # throttled
    # The album: two labelled images of the platforms' sizes.
    photos = [s for s in shown if image(s)]
    assert [p.text.split(" · ")[0] for p in photos] == ["Instagram", "Pinterest"]
    for photo in photos:
        width, height = Image.open(io.BytesIO(photo.file)).size
        assert photo.text.endswith(f"{width}×{height}")
    assert len(telegram.methods("sendMediaGroup")) == 1
    # Then the feed previews' contact sheet, a photo of its own, before the posts.
    (sheet,) = [s for s in shown if s.kind == "photo" and not image(s)]
    assert shown.index(sheet) == shown.index(photos[-1]) + 1
    assert Image.open(io.BytesIO(sheet.file)).format in ("PNG", "JPEG")
    actions = [c.params["action"] for c in telegram.methods("sendChatAction")]
    assert "upload_photo" in actions and "typing" in actions
    # One post per platform, the caption in a copyable block, the files button on the last.
    posts = [s for s in shown if s.kind == "text"][1:]
    assert [p.text.split(" — ")[0] for p in posts] == ["Instagram", "Pinterest"]
    sent = telegram.methods("sendMessage")[-2:]
    assert all(c.params["parse_mode"] == "HTML" and "<pre>" in c.params["text"] for c in sent)
    assert "First comment (hashtags)" in posts[0].text and "Best times to post" in posts[0].text
    assert all("Alt text (for the image)\n\nPhoto: " in p.text for p in posts)
    assert posts[-1].buttons[-1][0] == "📎 Original files"


async def test_original_files_only_for_the_requester(telegram, settings):
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram x")
        await until(lambda: finished(telegram, ALICE))
        post = telegram.chat(ALICE)[-1]
        await telegram.press(BOB, post.message_id, post.buttons[-1][1])
        await until(lambda: telegram.methods("answerCallbackQuery"))
        refused = telegram.methods("answerCallbackQuery")[0].params
        assert refused["show_alert"] is True and "Only the person" in refused["text"]
        assert not [s for s in telegram.chat(ALICE) if s.kind == "document"]
        await telegram.press(ALICE, post.message_id, post.buttons[-1][1])
        await until(lambda: len([s for s in telegram.chat(ALICE) if s.kind == "document"]) == 4)
    documents = [s for s in telegram.chat(ALICE) if s.kind == "document"]
    photos = [s for s in telegram.chat(ALICE) if image(s)]
    # The images first, the same bytes, uncompressed; then each platform's caption file.
    assert [d.file for d in documents[:2]] == [p.file for p in photos]
    assert [d.text for d in documents[2:]] == [
        "Instagram · instagram_caption.txt",
        "X · x_caption.txt",
    ]


async def test_errors_are_one_line_with_their_code(telegram, settings):
    async with running(settings, telegram):
        pdf = b"%PDF-1.7 not an image"
        await telegram.send_photo(ALICE, pdf, "/optimize instagram", as_document=True)
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instgram mug")
        await telegram.send_photo(
            ALICE, photo_bytes(), "/optimize instagram", reported_bytes=25_000_000
        )
        await telegram.send_text(ALICE, "/frobnicate")
        await until(lambda: len(telegram.chat(ALICE)) == 4)
    lines = sorted(s.text for s in telegram.chat(ALICE))
    assert all(line.startswith("⚠️") and "\n" not in line for line in lines)
    joined = " | ".join(lines)
    assert "(INVALID_IMAGE_FORMAT)" in joined
    assert "did you mean 'instagram'? (UNKNOWN_PLATFORM)" in joined
    assert "20 MB" in joined and "(FILE_TOO_LARGE)" in joined
    assert "(UNKNOWN_COMMAND)" in joined


async def test_too_many_jobs_and_two_users_at_once(telegram, settings, monkeypatch):
    go = hold_jobs(monkeypatch)  # Alice's first photo is still in flight when her second comes
    settings = settings.replace(limits={"max_jobs_in_flight": 1})

    def refused() -> bool:
        return any("(TOO_MANY_JOBS)" in (s.text or "") for s in telegram.chat(ALICE))

    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize all")
        await telegram.send_photo(BOB, photo_bytes(seed=1), "/optimize threads")
        await until(lambda: telegram.chat(ALICE))
        await telegram.send_photo(ALICE, photo_bytes(seed=2), "/optimize x")
        await until(refused)
        go.set()
        await until(lambda: finished(telegram, ALICE) and finished(telegram, BOB))
    assert [s.text.split(" · ")[0] for s in telegram.chat(BOB) if image(s)] == ["Threads"]


async def test_reply_to_a_photo_and_command_then_photo(telegram, settings):
    async with running(settings, telegram):
        photo = await telegram.send_photo(ALICE, photo_bytes())  # no caption: default platforms
        await until(lambda: finished(telegram, ALICE) == 1)
        assert len([s for s in telegram.chat(ALICE) if image(s)]) == 8  # one album
        assert [len(c.params["media"]) for c in telegram.methods("sendMediaGroup")] == [8]
        count = len(telegram.chat(ALICE))
        await telegram.send_text(ALICE, "/optimize@other_bot pinterest", reply_to=photo)  # not us
        await telegram.send_text(ALICE, "/optimize@postready_bot linkedin desk", reply_to=photo)
        await until(lambda: finished(telegram, ALICE) == 2)
        labels = [s.text.split(" · ")[0] for s in telegram.chat(ALICE)[count:] if image(s)]
        assert labels == ["LinkedIn"]
        count = len(telegram.chat(ALICE))
        await telegram.send_text(ALICE, "/optimize bluesky")
        await until(lambda: len(telegram.chat(ALICE)) > count)
        assert telegram.chat(ALICE)[count].text == "Now send the photo (within 5 minutes)."
        await telegram.send_photo(ALICE, photo_bytes(seed=3))
        await until(lambda: finished(telegram, ALICE) == 3)
    last = [s.text.split(" · ")[0] for s in telegram.chat(ALICE)[count:] if image(s)]
    assert last == ["Bluesky"]


async def test_a_command_sent_before_a_restart_still_applies_to_the_photo(telegram, settings):
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/optimize pinterest")
        await until(lambda: telegram.chat(ALICE))
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(seed=4))
        await until(lambda: finished(telegram, ALICE) == 1)
    labels = [s.text.split(" · ")[0] for s in telegram.chat(ALICE) if image(s)]
    assert labels == ["Pinterest"]


async def test_an_album_is_one_carousel_post_per_platform(telegram, settings):
    # Three photos of three shapes; the command is the second photo's caption.
    shapes = [(1200, 900), (900, 1200), (1000, 1000)]
    async with running(settings, telegram):
        for seed, size in enumerate(shapes):
            caption = "/optimize instagram x three mugs" if seed == 1 else None
            await telegram.send_photo(ALICE, photo_bytes(size, seed), caption, album="g1")
        await until(lambda: finished(telegram, ALICE))
    shown = telegram.chat(ALICE)
    # One status line for the album, one job.
    (status,) = [s for s in shown if s.edits[0].startswith("⏳")]
    assert status.text == "✅ Done — 2 of 2 platforms ready"
    # Per platform: an album of its three images, then its post.
    assert [len(c.params["media"]) for c in telegram.methods("sendMediaGroup")] == [3, 3]
    sheet, *results = [s for s in shown if s is not status]
    # First the feed previews' sheet: each post as its feed shows it, the first image marked.
    assert sheet.kind == "photo" and sheet.text == PREVIEWS_LABEL
    assert Image.open(io.BytesIO(sheet.file)).width > 2 * 480
    kinds = [(s.kind, s.text.split(" · ")[0].split(" — ")[0]) for s in results]
    assert kinds == [("photo", "Instagram")] * 3 + [("text", "Instagram")] + [
        ("photo", "X")
    ] * 3 + [("text", "X")]
    instagram = results[:3]
    assert [p.text.rsplit(" · ", 1)[1] for p in instagram] == ["1/3", "2/3", "3/3"]
    # Instagram shows every item in the first one's shape: all the same size.
    ((width, height),) = {Image.open(io.BytesIO(p.file)).size for p in instagram}
    assert all(f" {width}×{height} · " in p.text for p in instagram)
    post = results[3].text
    assert "Alt text (one for each image)" in post and "Photo 3: " in post
    assert results[-1].buttons[-1][0] == "📎 Original files"


async def test_an_album_with_one_caption_processes_every_photo(telegram, settings):
    # More photos than the per-user in-flight limit (2): an album counts as one request.
    settings = settings.replace(limits={"max_jobs_in_flight": 2})
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/settings albums separate")  # a post per photo
        await until(lambda: telegram.chat(ALICE))
        for seed in range(3):
            await telegram.send_photo(
                ALICE, photo_bytes(seed=seed), "/optimize x" if seed == 0 else None, album="g1"
            )
        await until(lambda: finished(telegram, ALICE) == 3)
    assert len([s for s in telegram.chat(ALICE) if image(s)]) == 3
    assert not any("TOO_MANY_JOBS" in (s.text or "") for s in telegram.chat(ALICE))


async def test_a_restart_in_the_middle_of_a_job_still_delivers_the_result(telegram, settings):
    settings = settings.replace(queue={"shutdown_grace": 0, "retry_delay": 0})
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes((3000, 2000)), "/optimize all")
        await until(lambda: any(len(s.edits) > 1 for s in telegram.chat(ALICE)))
    status = telegram.chat(ALICE)[0]
    assert status.text == "⏳ Queued again — it will resume shortly"
    async with running(settings, telegram):
        await until(lambda: finished(telegram, ALICE))
    assert telegram.chat(ALICE)[0].text == f"✅ Done — {EVERY} of {EVERY} platforms ready"


async def test_flood_control_retry_after_is_honoured(telegram, settings):
    telegram.throttle["sendMessage"] = 1
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/help")
        await until(lambda: telegram.chat(ALICE))
    assert len(telegram.methods("sendMessage")) == 2  # refused once, then sent
    assert "/optimize instagram pinterest" in telegram.chat(ALICE)[0].text


async def test_logo_settings_history(telegram, settings):
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/logo")
        await until(lambda: telegram.chat(ALICE))
        await telegram.send_photo(ALICE, encode(textured((300, 300)), "PNG"), as_document=True)
        await until(lambda: len(telegram.chat(ALICE)) == 2)
        await telegram.send_text(ALICE, "/settings timezone Europe/Berlin")
        await until(lambda: len(telegram.chat(ALICE)) == 3)
        await telegram.send_text(ALICE, "/history")
        await until(lambda: len(telegram.chat(ALICE)) == 4)
    logo, saved, history = telegram.chat(ALICE)[1:]
    assert logo.kind == "photo" and logo.text == "Logo saved · bottom-right"
    assert "timezone: Europe/Berlin" in saved.text and "logo: on, bottom-right" in saved.text
    assert history.text.startswith("No photos yet")


async def test_a_logo_sent_with_logo_in_its_caption_is_saved_at_once(telegram, settings):
    async with running(settings, telegram):
        png = encode(textured((300, 300)), "PNG")
        await telegram.send_photo(ALICE, png, "/logo top left", as_document=True)
        await until(lambda: telegram.chat(ALICE))
    (saved,) = telegram.chat(ALICE)
    assert saved.kind == "photo" and saved.text == "Logo saved · top-left"


def test_long_text_is_split_at_paragraphs_and_escaped() -> None:
    paragraph = "<b>& " + "ab " * 600  # 1805 characters
    text = Text((paragraph, paragraph, Copyable("x < y " * 900), "🙂" * 3000))
    messages = render_messages(text)
    visible = [html.unescape(re.sub("</?pre>", "", m)) for m in messages]
    assert all(utf16_len(m) <= 4096 for m in visible)
    assert messages[0].startswith("&lt;b&gt;&amp; ab")
    assert "<pre>x &lt; y" in messages[1]
    assert len(messages) == 5  # two paragraphs, two blocks of the long one, two of emoji → 5


async def test_missing_token_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path) -> None:
    from postready.cli import main

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env
    line = (
        "error: INVALID_OPTION: TELEGRAM_BOT_TOKEN is not set; "
        "create a bot with @BotFather and set its token\n"
    )
    for command in (["bot", "telegram"], ["bot"]):  # named, or every configured chat
        assert main(command) == 2
        assert capsys.readouterr().err == line
    assert main(["bot", "whatsapp"]) == 2
    assert (
        capsys.readouterr().err
        == "error: INVALID_OPTION: unknown chat 'whatsapp'; available: telegram, discord, api\n"
    )


async def test_the_command_starts_polls_and_stops_cleanly_on_sigterm(telegram, tmp_path) -> None:
    """`postready bot telegram` as a process: commands registered, a user answered, SIGTERM
    ends it within seconds with exit code 0."""
    env = os.environ | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.origin,
        "POSTREADY_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "postready", "bot", "telegram", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await until(lambda: telegram.methods("setMyCommands"))
        await telegram.send_text(ALICE, "/platforms")
        await until(lambda: telegram.chat(ALICE))
        assert telegram.chat(ALICE)[0].text.startswith("Platforms")
    finally:
        bot.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(bot.communicate(), PATIENCE)
    assert bot.returncode == 0, output.decode()
    assert TOKEN not in output.decode()  # the token is in every API URL: never logged


async def test_albums_keep_to_telegram_photo_limits(telegram, tmp_path) -> None:
    """Photos over 10 MB or 10,000 px (width + height) go as documents; one item is no group."""
    small, huge = tmp_path / "small.jpg", tmp_path / "huge.png"
    small.write_bytes(photo_bytes((400, 300)))
    huge.write_bytes(os.urandom(11 * 1024 * 1024))
    wide = tmp_path / "wide.jpg"
    wide.write_bytes(photo_bytes((400, 300), seed=1))
    album = Album(
        (
            MediaItem(small, "Small · 400×300", (400, 300)),
            MediaItem(huge, "Huge · 3000×3000", (3000, 3000)),
            MediaItem(wide, "Wide · 9000×1200", (9000, 1200)),
        )
    )
    async with Bot(TOKEN, base_url=f"{telegram.origin}/bot") as bot:
        await TelegramOutput(bot).send(str(ALICE), album)
    kinds = [(s.kind, s.text) for s in telegram.chat(ALICE)]
    assert kinds == [
        ("photo", "Small · 400×300"),
        ("document", "Huge · 3000×3000"),
        ("document", "Wide · 9000×1200"),
    ]
    assert [c.method for c in telegram.calls if c.method.startswith("send")] == [
        "sendChatAction", "sendPhoto", "sendMediaGroup",
    ]  # fmt: skip


def product_bytes() -> bytes:
    return encode(product_photo("mug", "white", (800, 600)).image)


def keyboard_message(telegram: FakeTelegram, chat: int) -> Shown:
    return next(s for s in telegram.chat(chat) if any(d.startswith("st:") for _, d in s.buttons))


def has_keyboard(telegram: FakeTelegram, chat: int) -> bool:
    """The photo's status line, answered at once, has become the style buttons."""
    return any(d.startswith("st:") for s in telegram.chat(chat) for _, d in s.buttons)


def button(shown: Shown, label: str) -> str:
    return next(data for text, data in shown.buttons if text.removeprefix("✅ ") == label)


async def test_product_shot_offers_styles_only_its_owner_can_pick(telegram, settings):
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, product_bytes(), "/optimize instagram x red mug")
        await until(lambda: has_keyboard(telegram, ALICE))
        keys = keyboard_message(telegram, ALICE)
        labels = [text for text, _ in keys.buttons]
        assert labels[:7] == ["Floating", "Flat Lay", "Lifestyle", "Product Art", "Macro",
                              "Dark and Moody", "Solid Background"]  # fmt: skip
        assert labels[7:] == ["Generate", "Skip"]
        assert all(len(data.encode()) <= 64 for _, data in keys.buttons)
        assert not telegram.methods("getFile")[1:]  # one download; no job before the choice

        await telegram.press(BOB, keys.message_id, button(keys, "Macro"))
        await until(lambda: telegram.methods("answerCallbackQuery"))
        assert "Only the person" in telegram.methods("answerCallbackQuery")[0].params["text"]
        assert not any(text.startswith("✅") for text, _ in keys.buttons)

        await telegram.press(ALICE, keys.message_id, button(keys, "Solid Background"))
        await until(lambda: "Sage Green" in [t.removeprefix("✅ ") for t, _ in keys.buttons])
        assert "✅ Solid Background" in [text for text, _ in keys.buttons]
        assert "✅ White" in [text for text, _ in keys.buttons]  # the default colour
        await telegram.press(ALICE, keys.message_id, button(keys, "Sage Green"))
        await until(lambda: "✅ Sage Green" in [text for text, _ in keys.buttons])

        generate = button(keys, "Generate")
        await telegram.press(ALICE, keys.message_id, generate)
        await telegram.press(ALICE, keys.message_id, generate)  # twice: harmless
        await until(lambda: finished(telegram, ALICE))
    assert keys.text == "✅ Done — 2 of 2 platforms ready" and not keys.buttons
    photos = [s.text.split(" · ")[0] for s in telegram.chat(ALICE) if image(s)]
    assert photos == ["Instagram", "X", "Solid Background", "Solid Background"]
    # The buttons' message became the status message: no other was sent.
    assert telegram.chat(ALICE)[0] is keys and keys.text.startswith("✅ Done")


async def test_style_buttons_survive_a_restart_and_time_out(telegram, settings, monkeypatch):
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, product_bytes(), "/optimize x")
        await until(lambda: has_keyboard(telegram, ALICE))
    keys = keyboard_message(telegram, ALICE)
    async with running(settings, telegram):
        await telegram.press(ALICE, keys.message_id, button(keys, "Macro"))
        await until(lambda: "✅ Macro" in [text for text, _ in keys.buttons])
    monkeypatch.setattr(style_picker, "CHOICE_SECONDS", 0.5)
    async with running(settings, telegram):  # its time is up: it goes on without styles
        await until(lambda: finished(telegram, ALICE))
    assert [s.text for s in telegram.chat(ALICE) if image(s)] == ["X · landscape 1600×900"]


async def test_webhook_mode(telegram, settings, unused_tcp_port) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}/telegram/hook"
    settings = settings.replace(telegram={"webhook_url": url, "webhook_port": unused_tcp_port})
    async with running(settings, telegram):
        assert telegram.webhook is not None and telegram.webhook[0] == url
        await until(lambda: serving(f"http://127.0.0.1:{unused_tcp_port}/healthz"))
        async with ClientSession() as session, session.post(url, json={"update_id": 1}) as forged:
            assert forged.status == 403  # no secret token: not from Telegram
        # One port serves the webhook, health and metrics.
        status, health = await get(f"http://127.0.0.1:{unused_tcp_port}/healthz")
        assert status == 200 and json.loads(health)["parts"]["telegram"] == "ok"
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize bluesky")
        await until(lambda: finished(telegram, ALICE))
    assert not telegram.methods("getUpdates")
    assert [s.text for s in telegram.chat(ALICE) if image(s)] == ["Bluesky · landscape 1200×675"]


async def test_settings_buttons(telegram, settings) -> None:
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/settings")
        await until(lambda: telegram.chat(ALICE))
        menu = telegram.chat(ALICE)[0]
        assert "✅ Pinterest" in [text for text, _ in menu.buttons]  # default: every platform
        await telegram.press(BOB, menu.message_id, button(menu, "Pinterest"))
        await until(lambda: telegram.methods("answerCallbackQuery"))
        assert "someone else's" in telegram.methods("answerCallbackQuery")[0].params["text"]
        for label in ("Pinterest", "Send images as files", "top-left"):
            edits = len(menu.edits)
            await telegram.press(ALICE, menu.message_id, button(menu, label))
            await until(lambda edits=edits: len(menu.edits) > edits)
        labels = [text for text, _ in menu.buttons]
        assert "Pinterest" in labels and "✅ Instagram" in labels
        assert "✅ Send images as files" in labels and "✅ top-left" in labels
        assert "• files: on" in menu.text and "platforms: instagram, facebook" in menu.text
        await telegram.send_photo(ALICE, photo_bytes())  # now: 7 platforms, sent as files
        await until(lambda: [s for s in telegram.chat(ALICE) if s.kind == "document"])
    documents = [s.text.split(" · ")[0] for s in telegram.chat(ALICE) if s.kind == "document"]
    assert "Pinterest" not in documents and len(documents) == 7
    assert not [s for s in telegram.chat(ALICE) if image(s)]


async def test_in_a_group_only_photos_with_a_command_are_ours(telegram, settings) -> None:
    group = -4242
    async with running(settings, telegram):
        # People sharing and talking: nothing about them is stored.
        await telegram.send_photo(BOB, photo_bytes(seed=1), group=group)
        await telegram.send_text(CAROL, "nice one!", group=group)
        await telegram.send_text(CAROL, "/optimize@other_bot x", group=group)
        for album in ("a", "a"):
            await telegram.send_photo(BOB, photo_bytes(seed=3), album=album, group=group)
        await telegram.send_photo(
            ALICE, photo_bytes(seed=2), "/optimize@postready_bot x", group=group
        )
        await until(lambda: finished(telegram, group) == 1)
    assert len([s for s in telegram.chat(group) if image(s)]) == 1
    assert not telegram.chat(ALICE)
    async with await Storage.open(settings.storage.db_path) as store:
        stored = await rows_of(store, "SELECT platform_user_id FROM users")
        kept = await rows_of(store, "SELECT json_extract(payload, '$.user_id') FROM inbox")
    assert [row[0] for row in stored] == [str(ALICE)]
    assert [row[0] for row in kept] == [str(ALICE)]


async def test_results_a_dying_process_did_not_send_arrive_at_the_next_start(
    telegram, settings, monkeypatch
):
    deliver = ChatService.on_job_update

    async def dies_sending(self, update):
        if update.result is not None:
            raise ConnectionError("the process died while sending the results")
        await deliver(self, update)

    async def completed() -> bool:
        async with await Storage.open(settings.storage.db_path) as store:
            job = await store.jobs.get(1)
        return job is not None and job.status == "completed"

    monkeypatch.setattr(ChatService, "on_job_update", dies_sending)
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize x")
        await until(completed)
    assert not [s for s in telegram.chat(ALICE) if image(s)]
    monkeypatch.setattr(ChatService, "on_job_update", deliver)
    for _ in range(2):  # told once, not at every start
        async with running(settings, telegram):
            await until(lambda: finished(telegram, ALICE))
    status, *rest = telegram.chat(ALICE)
    assert status.text == "✅ Done — 1 of 1 platform ready"
    assert [s.text for s in rest if image(s)] == ["X · landscape 1600×900"]


async def jobs_kept(settings: Settings, count: int) -> bool:
    async with await Storage.open(settings.storage.db_path) as store:
        return len(await store.jobs.recent(count)) >= count


async def test_waiting_photos_see_their_place_in_the_queue_move_up(telegram, settings, monkeypatch):
    go = hold_jobs(monkeypatch)
    settings = settings.replace(queue={"workers": 1})
    users = (ALICE, BOB, CAROL)
    async with running(settings, telegram):
        for user in users:
            await telegram.send_photo(user, photo_bytes(), "/optimize x")
            await until(lambda user=user: telegram.chat(user))
        # Answered at once; in the queue once downloaded: all three before the first ends.
        await until(lambda: jobs_kept(settings, 3))
        go.set()
        await until(lambda: all(finished(telegram, user) for user in users))
    edits = telegram.chat(CAROL)[0].edits
    places = [int(e.rpartition(" ")[2]) for e in edits if e.startswith("⏳ Queued — position")]
    # 3 2 1, or 2 1 when the first photo had started before Carol's was queued.
    assert places == list(range(places[0], 0, -1)) and places[0] >= 2
    assert edits[-1] == "✅ Done — 1 of 1 platform ready"


async def test_status_and_cancel(telegram, settings) -> None:
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes((3000, 2000)), "/optimize all")
        await until(lambda: telegram.chat(ALICE))
        await telegram.send_text(ALICE, "/status")
        await until(lambda: len(telegram.chat(ALICE)) == 2)
        await telegram.send_text(ALICE, "/cancel")
        await until(lambda: telegram.chat(ALICE)[0].text == "✖️ Cancelled")
        await telegram.send_text(ALICE, "/cancel")
        await until(lambda: len(telegram.chat(ALICE)) == 4)
        await telegram.send_text(ALICE, "/history")
        await until(lambda: len(telegram.chat(ALICE)) == 5)
    status, progress, stopping, nothing, history = (s.text for s in telegram.chat(ALICE))
    assert status == "✖️ Cancelled"
    assert progress.startswith("Job #1: ")
    assert stopping in ("Stopping job #1…", "Job #1 cancelled.")
    assert nothing.endswith("(JOB_NOT_FOUND)")
    assert "#1 · " in history and "cancelled" in history
    assert not [s for s in telegram.chat(ALICE) if image(s)]


async def test_a_failing_update_is_logged_and_the_user_told(telegram, settings, monkeypatch):
    async def broken(self, message):
        raise RuntimeError("bug")

    monkeypatch.setattr(ChatService, "_on_message", broken)
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/help")
        await until(lambda: telegram.chat(ALICE))
        monkeypatch.undo()
        await telegram.send_text(ALICE, "/help")  # the bot is still answering
        await until(lambda: len(telegram.chat(ALICE)) == 2)
    assert telegram.chat(ALICE)[0].text == "⚠️ something went wrong on our side (PROCESSING_FAILED)"
    assert telegram.chat(ALICE)[1].text.startswith("PostReady makes one photo")


async def test_a_changed_service_address_is_logged_once_at_start(telegram, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="postready.serve"):
        async with running(settings, telegram):
            pass
    changed = [
        r.getMessage() for r in caplog.records if "service_address_changed" in r.getMessage()
    ]
    assert changed == [f"service_address_changed TELEGRAM_API_BASE_URL={telegram.origin}"]


async def test_health_and_metrics_of_a_running_bot(telegram, settings, unused_tcp_port) -> None:
    settings = settings.replace(operations={"http_port": unused_tcp_port})
    base = f"http://127.0.0.1:{unused_tcp_port}"
    async with running(settings, telegram):
        await until(lambda: serving(f"{base}/healthz"))
        status, body = await get(f"{base}/healthz")
        assert status == 200
        parts = {"database": "ok", "workers": "ok", "telegram": "ok"}
        assert json.loads(body) == {"ok": True, "parts": parts}
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize x")
        await until(lambda: finished(telegram, ALICE))
        await until(lambda: _has(base, 'postready_jobs_ended_total{status="completed"} 1.0'))
        _, metrics = await get(f"{base}/metrics")
    assert 'postready_jobs{status="completed"} 1.0' in metrics
    assert 'postready_jobs{status="queued"} 0.0' in metrics
    assert "postready_job_duration_seconds_count 1.0" in metrics
    assert 'postready_job_queue_wait_seconds_bucket{le="1200.0"} 1.0' in metrics
    # Every service local: no paid call, nothing spent.
    assert 'postready_ai_calls_total{kind="ai_call"} 0.0' in metrics
    assert "postready_ai_cost_usd_total 0.0" in metrics
    # Never a user: her id nowhere as a number of its own (a timestamp may hold its digits).
    assert re.search(rf"(?<![\d.]){ALICE}(?![\d.])", metrics) is None


async def _has(base: str, line: str) -> bool:
    return line in (await get(f"{base}/metrics"))[1]


async def test_a_spanish_user_gets_spanish_replies_and_buttons_until_they_pick_german(
    telegram, settings
):
    telegram.languages[ALICE] = "es"  # their Telegram app's language
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/help")
        await until(lambda: telegram.chat(ALICE))
        await telegram.send_text(ALICE, "/settings")
        await until(lambda: len(telegram.chat(ALICE)) == 2)
        menu = telegram.chat(ALICE)[1]
        spanish = [label for label, _ in menu.buttons]
        german = next(data for label, data in menu.buttons if label.endswith("Deutsch"))
        await telegram.press(ALICE, menu.message_id, german)
        await until(lambda: "Deutsch" in menu.text)
        await telegram.send_text(ALICE, "/history")
        await until(lambda: len(telegram.chat(ALICE)) == 3)
    help_, _, history = telegram.chat(ALICE)
    assert help_.text.startswith("PostReady deja una foto lista para publicar")
    assert menu.edits[0].startswith("Tus ajustes:\n")
    assert "• idioma: Español" in menu.edits[0]
    assert any(label.endswith("Enviar imágenes como archivos") for label in spanish)
    # The menu again, in the language picked; and the next reply too.
    assert menu.text.startswith("Deine Einstellungen:\n")
    assert any(label.endswith("Bilder als Dateien senden") for label, _ in menu.buttons)
    assert history.text == "Noch keine Fotos. Schick eins mit /optimize als Bildunterschrift."


async def test_the_commands_menu_is_set_in_every_language(telegram, settings):
    async with running(settings, telegram):
        await until(lambda: len(telegram.methods("setMyCommands")) == len(LANGUAGES))
    menus = {
        call.params.get("language_code", ""): call.params["commands"]
        for call in telegram.methods("setMyCommands")
    }
    assert set(menus) == {"", "es", "de", "fr", "it", "pt", "ru", "uk", "tr", "id", "hi"}
    about = {code: {c["command"]: c["description"] for c in menu} for code, menu in menus.items()}
    assert about[""]["help"] == "how to use PostReady"
    assert about["es"]["help"] == "cómo usar PostReady"
    assert about["pt"]["help"] == "como usar o PostReady"
    assert about["ru"]["history"] == "ваши недавние фото"
    assert [c["command"] for c in menus["hi"]] == [c["command"] for c in menus[""]]


def test_right_to_left_words_keep_the_html_whole() -> None:
    hebrew = "ספל קפה <חם> & נעים"
    arabic = "كوب قهوة دافئ"
    (message,) = render_messages(Text((f"{arabic} — {hebrew}", Copyable(hebrew))))
    assert "&lt;חם&gt; &amp; נעים" in message
    assert message.count("<pre>") == message.count("</pre>") == 1
    assert html.unescape(re.sub(r"</?pre>", "", message)) == f"{arabic} — {hebrew}\n\n{hebrew}"


async def test_a_spanish_user_gets_spanish_status_posts_buttons_and_dates(telegram, settings):
    telegram.languages[ALICE] = "es"
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram taza acogedora")
        await until(lambda: finished(telegram, ALICE))
        await telegram.send_text(ALICE, "/optimize instgram")
        await until(lambda: telegram.chat(ALICE)[-1].text.endswith("(UNKNOWN_PLATFORM)"))
    shown = telegram.chat(ALICE)
    status = shown[0]
    assert status.edits[0].startswith("⏳ En cola — posición") or status.edits[0] == "⏳ Empezando…"
    assert status.text == "✅ Listo — 1 de 1 plataforma preparada"
    (post,) = [s for s in shown if s.kind == "text" and s.text.startswith("Instagram — ")]
    assert "Mejores horas para publicar:" in post.text
    assert [label for label, _ in post.buttons][-1] == "📎 Archivos originales"
    assert "✍️ Otro texto" in [label for label, _ in post.buttons]
    # The posting times as Spanish writes them: "mar, 24 nov, 9:00–13:00 UTC".
    slots = post.text.split("Mejores horas para publicar:\n")[1].splitlines()
    weekdays = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
    assert slots and all(line.startswith(tuple(f"• {day}, " for day in weekdays)) for line in slots)
    assert shown[-1].text == (
        "⚠️ plataforma desconocida 'instgram': ¿querías decir 'instagram'? (UNKNOWN_PLATFORM)"
    )


async def test_a_spanish_users_post_comes_out_in_spanish(telegram, settings):
    telegram.languages[ALICE] = "es"
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram mastodon 🐱")
        await until(lambda: finished(telegram, ALICE))
    posts = [s for s in telegram.chat(ALICE) if s.kind == "text"][1:]
    instagram, mastodon = (html.unescape(post.text) for post in posts)
    hooks = ("La estrella de hoy", "Un momento que merece compartirse", "Saluda a nuestra estrella")
    assert any(hook in instagram for hook in hooks), instagram
    assert "Colores principales:" in instagram and "ambiente" in instagram  # the alt text
    assert not re.search(r"Today's star|Say hello|worth sharing|Tag someone", instagram)
    vocabulary = load_vocabulary()
    cats = vocabulary.languages["es"]["cats"]
    assert any(f"#{tag}" in instagram for tag in cats)  # "both": Spanish and English tags
    assert any(f"#{vocabulary.spellings[tag]}" in mastodon for tag in cats)  # as written


def ended_with(telegram: FakeTelegram, chat: int, code: str) -> bool:
    """The chat's status line ends the job with an error `code`."""
    return any(shown.text.endswith(code) for shown in telegram.chat(chat))


async def test_a_spanish_users_job_that_runs_too_long_fails_in_spanish(telegram, settings):
    telegram.languages[ALICE] = "es"
    settings.queue.processing_timeout = 0.06  # stopped long before its images are made
    async with running(settings, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram")
        await until(lambda: ended_with(telegram, ALICE, "(PROCESSING_TIMEOUT)"))
    (status,) = telegram.chat(ALICE)
    assert status.text == (
        "⚠️ el procesamiento tardó más de 0.001 minutos y se detuvo (PROCESSING_TIMEOUT)"
    )
