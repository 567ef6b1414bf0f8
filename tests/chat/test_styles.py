"""Product photography styles picked with buttons before a product photo is queued: only by
the photo's owner, decided exactly once, kept across a restart, and timing out to no styles."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest

from postready.chat.replies import Choice
from postready.chat.styles import CHOICE_SECONDS, PROMPT, StylePicker
from postready.core.identity import UserRef
from postready.core.queue.codec import request_for
from postready.core.storage.models import NewStyleChoice, StyleChoice
from postready.pipeline.photography import STYLES
from tests.chat.conftest import ALICE, BOB, PHOTO, PRODUCT, Bot, photo
from tests.chat.recording import Message, RecordingOutput, options, selected

STYLE_NAMES = [style.name for style in STYLES.values()]


async def offered(bot: Bot, command: str = "/optimize instagram x red mug") -> Message:
    """Alice's product photo, and the message with its style buttons: her photo's status line,
    answered at once, then turned into the buttons once the photo is seen to be a product."""
    await bot.send(ALICE, command, photo(PRODUCT, "mug.jpg"))
    (keyboard,) = bot.output.chat(ALICE)
    assert keyboard.texts == ["⏳ Queued — position 1", PROMPT]
    return keyboard


def options_of_first(message: Message) -> dict[str, str]:
    """The options of the message's first version with buttons: as a user still sees them in an
    old copy of the chat."""
    first = Message(message.chat_id, message.id, message.versions[:2])
    return options(first)


async def test_a_product_photo_is_offered_styles_before_it_is_queued(bot, settings) -> None:
    keyboard = await offered(bot)
    assert isinstance(keyboard.reply, Choice) and keyboard.text == PROMPT
    assert list(options(keyboard)) == [*STYLE_NAMES, "Generate", "Skip"]
    assert not selected(keyboard)
    assert not await bot.jobs()  # nothing queued until its owner decides
    (waiting,) = (settings.storage.data_dir / "choices").iterdir()
    assert waiting.read_bytes() == PRODUCT


async def test_only_the_photos_owner_picks_its_styles(bot) -> None:
    keyboard = await offered(bot)
    macro = options(keyboard)["Macro"]
    refused = await bot.press(BOB, keyboard, macro)
    assert refused == "Only the person who sent the photo can choose its styles."
    assert await bot.press(BOB, keyboard, options(keyboard)["Generate"]) == refused
    assert len(keyboard.versions) == 2 and not await bot.jobs()
    assert await bot.press(ALICE, keyboard, macro) is None
    assert selected(keyboard) == {"Macro"}
    assert await bot.press(ALICE, keyboard, macro) is None  # pressed again: off
    assert not selected(keyboard)


async def test_generate_queues_the_chosen_styles_in_the_buttons_message(bot, settings) -> None:
    keyboard = await offered(bot)
    await bot.press(ALICE, keyboard, options(keyboard)["Solid Background"])
    assert selected(keyboard) == {"Solid Background", "White"}  # the colours appear, White chosen
    await bot.press(ALICE, keyboard, options(keyboard)["Sage Green"])
    await bot.press(ALICE, keyboard, options(keyboard)["Floating"])
    assert selected(keyboard) == {"Solid Background", "Sage Green", "Floating"}
    generate = options(keyboard)["Generate"]
    assert await bot.press(ALICE, keyboard, generate) is None
    # The buttons' message became the job's status line; no other message was sent.
    assert keyboard.text == "⏳ Queued — position 1"
    assert bot.output.chat(ALICE) == [keyboard]
    (job,) = await bot.jobs()
    request = request_for(job)
    assert request.styles == ("floating", "solid_background")
    assert (request.background_colour, request.product) == ("Sage Green", True)
    assert (request.platforms, request.description) == (("instagram", "x"), "red mug")
    assert Path(request.source).read_bytes() == PRODUCT
    assert not list((settings.storage.data_dir / "choices").iterdir())  # the queue has its copy
    # Decided: another press changes nothing.
    versions = len(keyboard.versions)
    assert await bot.press(ALICE, keyboard, generate) is None
    assert await bot.press(ALICE, keyboard, options_of_first(keyboard)["Macro"]) is None
    assert len(keyboard.versions) == versions and len(await bot.jobs()) == 1


async def test_two_generate_presses_at_once_queue_one_job(bot) -> None:
    keyboard = await offered(bot)
    generate = options(keyboard)["Generate"]
    alerts = await asyncio.gather(*(bot.press(ALICE, keyboard, generate) for _ in range(2)))
    assert alerts == [None, None]
    assert len(await bot.jobs()) == 1
    assert keyboard.texts[2:] == ["⏳ Queued — position 1"]


async def test_skip_queues_the_photo_without_styles(bot) -> None:
    keyboard = await offered(bot)
    await bot.press(ALICE, keyboard, options(keyboard)["Macro"])
    await bot.press(ALICE, keyboard, options(keyboard)["Skip"])
    assert keyboard.text == "⏳ Queued — position 1"
    request = request_for((await bot.jobs())[0])
    assert (request.styles, request.product) == ((), None)


async def test_select_menus_set_the_whole_pick_at_once(bot) -> None:
    """Discord's select menus send every picked option together."""
    keyboard = await offered(bot)
    assert isinstance(keyboard.reply, Choice)
    (styles_menu,) = keyboard.reply.menus
    keys = options(keyboard)
    picked = (keys["Macro"], keys["Solid Background"])
    assert await bot.press(ALICE, keyboard, styles_menu.key, picked) is None
    assert isinstance(keyboard.reply, Choice)
    _, colour_menu = keyboard.reply.menus
    assert (
        await bot.press(ALICE, keyboard, colour_menu.key, (options(keyboard)["Lavender"],)) is None
    )
    assert selected(keyboard) == {"Macro", "Solid Background", "Lavender"}
    assert await bot.press(ALICE, keyboard, styles_menu.key, ()) is None  # none picked
    assert not selected(keyboard)  # no styles, so no colours either
    solid = (options(keyboard)["Solid Background"],)
    assert await bot.press(ALICE, keyboard, styles_menu.key, solid) is None
    assert selected(keyboard) == {"Solid Background", "Lavender"}  # the colour was kept


async def test_a_choice_nobody_knows_has_expired(bot) -> None:
    keyboard = await offered(bot)
    expired = "This choice has expired; send the photo again."
    for key in ("st:999:go", "st:x:go", "st:", "st"):
        assert await bot.press(ALICE, keyboard, key) == expired
    assert len(keyboard.versions) == 2


@pytest.mark.parametrize("user_limits", [{"max_jobs_in_flight": 1}])
async def test_a_photo_waiting_for_its_styles_holds_a_place_in_flight(bot) -> None:
    keyboard = await offered(bot)
    await bot.send(ALICE, "/optimize x", photo(PHOTO))
    refused = bot.output.chat(ALICE)[-1]
    assert refused is not keyboard and refused.text.endswith("or /cancel it (TOO_MANY_JOBS)")
    assert not await bot.jobs()
    await bot.press(ALICE, keyboard, options(keyboard)["Generate"])
    assert keyboard.text == "⏳ Queued — position 1" and len(await bot.jobs()) == 1


@pytest.mark.parametrize("user_limits", [{"queue_limit": 1}])
async def test_a_choice_the_queue_refuses_says_why_in_the_buttons_message(bot) -> None:
    keyboard = await offered(bot)
    await bot.send(BOB, "/optimize x", photo(PHOTO))  # fills the queue meanwhile
    await bot.press(ALICE, keyboard, options(keyboard)["Generate"])
    assert keyboard.text.startswith("⚠️ ") and keyboard.text.endswith("(QUEUE_FULL)")
    assert len(await bot.jobs()) == 1


class Submitted:
    """The picker's hand-over to the queue, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[StyleChoice, tuple[str, ...], str]] = []
        self.arrived = asyncio.Event()

    async def __call__(self, choice: StyleChoice, styles: tuple[str, ...], colour: str) -> None:
        self.calls.append((choice, styles, colour))
        self.arrived.set()


async def test_an_unanswered_choice_goes_on_without_styles_even_after_a_restart(
    store, clock, tmp_path
) -> None:
    output, submitted = RecordingOutput(), Submitted()
    user = await store.users.get_or_create(UserRef("telegram", ALICE))
    source = tmp_path / "waiting.jpg"
    source.write_bytes(PRODUCT)
    before = StylePicker(store.chats, output, submitted, clock)
    send = functools.partial(output.send, ALICE)
    waiting = NewStyleChoice(user.ref, ALICE, source, "mug.jpg", ("x",), "red mug", "White")
    await before.offer(waiting, send)
    (keyboard,) = output.messages
    await before.press(user.ref, options(keyboard)["Macro"])
    await before.close()  # the process stops; the choice stays open in the database
    assert not submitted.calls and source.exists()

    clock.advance(CHOICE_SECONDS - 1)
    after = StylePicker(store.chats, output, submitted, clock)
    await after.resume()
    await asyncio.sleep(0)
    assert not submitted.calls  # still a second to go
    await after.close()

    clock.advance(1)
    after = StylePicker(store.chats, output, submitted, clock)
    await after.resume()
    await asyncio.wait_for(submitted.arrived.wait(), 5)
    ((choice, styles, colour),) = submitted.calls
    assert styles == () and colour == "White"  # Macro was picked, but never generated
    assert (choice.message_id, choice.platforms, choice.description) == ("1", ("x",), "red mug")
    assert not source.exists()
    assert await after.press(user.ref, options(keyboard)["Generate"]) is None  # too late
    assert len(submitted.calls) == 1
    await after.close()


async def test_a_product_photo_of_an_album_is_queued_past_the_in_flight_limit(bot) -> None:
    await bot.separate_albums(ALICE)
    await bot.send(ALICE, "/optimize x", photo(PRODUCT), photo(), photo())
    keyboard, *queued = bot.output.chat(ALICE)
    assert [m.text for m in queued] == ["⏳ Queued — position 1", "⏳ Queued — position 2"]
    await bot.press(ALICE, keyboard, options(keyboard)["Generate"])
    assert keyboard.text == "⏳ Queued — position 3"
