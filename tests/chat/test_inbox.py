"""The durable inbox as a user lives it: an update is kept the moment it arrives, so a crash
at any point before its job is queued loses nothing, a restart finishes it once, and an update
the chat delivers twice is handled once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from postready.chat.conversation import ChatService
from postready.chat.messages import ChatSetup, Incoming
from postready.core.identity import UserRef
from postready.core.queue.codec import request_for
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import UserSettings
from tests.chat.conftest import ALICE, LIMITS, PHOTO, PRODUCT, Bot, photo
from tests.chat.recording import chat_photo, options

QUEUED = "⏳ Queued — position {}"


async def restarted(bot: Bot, settings) -> ChatService:
    """The conversation as the next run of the process starts it, on the same storage and
    chat; it handles what the inbox holds before it returns, its photos queued."""
    service = ChatService(
        ChatSetup(
            "telegram",
            bot.store,
            bot.queue.api,
            bot.output,
            settings.storage.data_dir,
            settings.queue.reply_retry_seconds,
            LIMITS,
            "postready_bot",
        )
    )
    await service.start()
    await service.settle()
    return service


async def unhandled(store: Storage) -> list[str]:
    return [entry.update_key for entry in await store.inbox.unhandled("telegram")]


async def test_an_update_delivered_twice_is_handled_once(bot) -> None:
    message = Incoming(ALICE, ALICE, "/optimize x", (photo(),))
    for _ in range(2):  # Telegram sends it again when the bot could not confirm it
        entry = await bot.service.receive("77", message)
        if entry is not None:
            await bot.service.on_message(message, [entry])
        await bot.service.settle()
    assert len(await bot.jobs()) == 1
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]
    assert await unhandled(bot.store) == []


async def test_a_photo_kept_but_not_handled_before_a_crash_is_queued_at_the_restart(
    bot, settings
) -> None:
    await bot.service.receive("5", Incoming(ALICE, ALICE, "/optimize x cozy mug", (photo(),)))
    assert not await bot.jobs() and not bot.output.chat(ALICE)  # the process died here
    await restarted(bot, settings)
    (job,) = await bot.jobs()
    assert (job.session.platforms, job.session.description) == (("x",), "cozy mug")
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]
    assert await unhandled(bot.store) == []


async def test_a_crash_while_the_photo_downloads_reuses_its_status_line(bot, settings) -> None:
    download_started = asyncio.Event()

    async def stuck() -> bytes:  # the process dies during the download
        download_started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    message = Incoming(ALICE, ALICE, "/optimize x", (chat_photo(stuck, "p.jpg", len(PHOTO)),))
    entry = await bot.service.receive("9", message)
    assert entry is not None
    await bot.service.on_message(message, [entry])
    await download_started.wait()
    (status,) = bot.output.chat(ALICE)  # answered before the download
    assert status.text == QUEUED.format(1)

    # The next run downloads it again (the chat keeps the file) and says so in the same line.
    (kept,) = await bot.store.inbox.unhandled("telegram")
    assert kept.acks == {0: status.id}
    await bot.service.stop()  # the process dies: its download is abandoned
    retry = photo()
    async with bot.store.database.statements() as sql:
        await sql.run(
            "UPDATE inbox SET payload = json_set(payload, '$.photos[0].ref', :ref) WHERE id = :id",
            {"ref": retry.ref, "id": kept.id},
        )
    await restarted(bot, settings)
    (job,) = await bot.jobs()
    assert Path(request_for(job).source).read_bytes() == PHOTO
    assert bot.output.chat(ALICE) == [status]  # no second status line
    assert await bot.store.chats.job_message(job.id) == (ALICE, status.id)
    assert await unhandled(bot.store) == []


async def test_a_crash_after_queueing_before_the_update_was_marked_queues_nothing_more(
    bot, settings
) -> None:
    await bot.send(ALICE, "/optimize x", photo())
    async with bot.store.database.statements() as sql:
        await sql.run("UPDATE inbox SET handled_at = NULL")
    await restarted(bot, settings)
    assert len(await bot.jobs()) == 1
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]
    assert await unhandled(bot.store) == []


async def test_a_crash_before_the_status_line_was_recorded_finds_it_before_any_worker(
    bot, settings
) -> None:
    """Killed between queueing the job and recording which message shows it: the next run
    knows that message as soon as it has started, before its workers report on the job (a
    worker that took the job back would otherwise send a second status line)."""
    await bot.send(ALICE, "/optimize x", photo())
    (job,) = await bot.jobs()
    (status,) = bot.output.chat(ALICE)
    async with bot.store.database.statements() as sql:
        await sql.run("UPDATE inbox SET handled_at = NULL")
        await sql.run("DELETE FROM job_messages")
    await bot.service.stop()
    service = ChatService(
        ChatSetup(
            "telegram", bot.store, bot.queue.api, bot.output, settings.storage.data_dir,
            settings.queue.reply_retry_seconds, LIMITS, "postready_bot",
        )
    )  # fmt: skip
    await service.start()  # no settle: what a worker sees right after the start
    assert await bot.store.chats.job_message(job.id) == (ALICE, status.id)
    await service.on_job_update(JobUpdate(job, position=1))
    assert bot.output.chat(ALICE) == [status]  # edited, no second status line
    await service.settle()
    assert len(await bot.jobs()) == 1 and await unhandled(bot.store) == []
    await service.stop()


async def test_an_album_kept_before_a_crash_is_one_carousel_at_the_restart_once(
    bot, settings
) -> None:
    # The command on the album's second photo applies to the whole album.
    for key, text in (("21", ""), ("22", "/optimize x beach day"), ("23", "")):
        part = Incoming(ALICE, ALICE, text, (photo(),), album="album-1")
        await bot.service.receive(key, part)
    await restarted(bot, settings)
    (job,) = await bot.jobs()
    assert (job.session.platforms, job.session.description) == (("x",), "beach day")
    assert len(request_for(job).more_photos) == 2
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]
    assert await unhandled(bot.store) == []
    # Killed after queueing it, before its parts were marked handled: still one job, and its
    # status line is the same message.
    async with bot.store.database.statements() as sql:
        await sql.run("UPDATE inbox SET handled_at = NULL")
    await restarted(bot, settings)
    assert len(await bot.jobs()) == 1 and len(bot.output.chat(ALICE)) == 1
    assert await unhandled(bot.store) == []


async def test_an_albums_parts_are_queued_together_after_a_restart(bot, settings) -> None:
    await bot.separate_albums(ALICE)
    for key, text in (("21", "/optimize x beach day"), ("22", "")):
        part = Incoming(ALICE, ALICE, text, (photo(),), album="album-1")
        await bot.service.receive(key, part)
    await restarted(bot, settings)
    jobs = sorted(await bot.jobs(), key=lambda job: job.id)
    assert [(j.session.platforms, j.session.description) for j in jobs] == [
        (("x",), "beach day"),
        (("x",), "beach day"),
    ]
    assert bot.output.texts(ALICE) == [QUEUED.format(1), QUEUED.format(2)]


async def test_a_button_press_kept_before_a_crash_takes_effect_at_the_restart(
    bot, settings
) -> None:
    await bot.send(ALICE, "/settings")
    (menu,) = bot.output.chat(ALICE)
    files = next(o.key for row in menu.reply.button_rows() for o in row if "files" in o.label)
    await bot.store.inbox.receive(
        "telegram",
        "31",
        "action",
        {"user_id": ALICE, "chat_id": ALICE, "message_id": menu.id, "key": files, "picked": None},
    )
    await restarted(bot, settings)
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings == UserSettings(send_as_files=True)
    # Pressed again by a chat that redelivers it: no second toggle.
    assert await bot.service.on_action(ALICE, ALICE, menu.id, files, update_key="31") is None
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings.send_as_files


async def test_a_product_photo_handled_again_offers_the_same_choice_and_queues_once(
    bot, settings
) -> None:
    await bot.send(ALICE, "/optimize x", photo(PRODUCT, "mug.jpg"))
    (keyboard,) = bot.output.chat(ALICE)
    async with bot.store.database.statements() as sql:
        await sql.run("UPDATE inbox SET handled_at = NULL")
    again = await restarted(bot, settings)
    assert bot.output.chat(ALICE) == [keyboard]
    assert len(await bot.store.chats.open_style_choices()) == 1
    assert len(list((settings.storage.data_dir / "choices").iterdir())) == 1
    generate = options(keyboard)["Generate"]
    await again.on_action(ALICE, ALICE, keyboard.id, generate)
    await bot.service.on_action(ALICE, ALICE, keyboard.id, generate)
    assert len(await bot.jobs()) == 1
    await again.stop()
