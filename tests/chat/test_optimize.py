"""Photos on their way into the queue, as a user sees it: the status line of a queued photo,
`/optimize` waiting for its photo, what is never downloaded, refusals with their codes, albums,
and a photo kept as the user's logo."""

from __future__ import annotations

from pathlib import Path

import pytest

from postready.chat.commands import CommandError, Optimize
from postready.chat.conversation import ChatService
from postready.chat.messages import ChatSetup, Incoming, Photo
from postready.chat.optimize import PENDING_SECONDS
from postready.chat.replies import Album, Text
from postready.chat.texts import WAITING_FOR_LOGO, WAITING_FOR_PHOTO
from postready.core.identity import UserRef
from postready.core.queue.codec import request_for
from postready.core.storage.models import Job
from postready.pipeline.errors import ErrorCode
from postready.pipeline.platforms import DEFAULT_PLATFORMS
from tests.chat.conftest import ALICE, BOB, GROUP, MB, PHOTO, Bot, photo
from tests.chat.recording import chat_photo
from tests.images import encode, textured

QUEUED = "⏳ Queued — position {}"


def never_fetched(size: int) -> Photo:
    """A photo of `size` bytes (as the chat reports it) that must not be downloaded."""

    async def fetch() -> bytes:
        raise AssertionError("a photo that had to be refused was downloaded")

    return chat_photo(fetch, "big.jpg", size)


async def only_job(bot: Bot) -> Job:
    (job,) = await bot.jobs()
    return job


async def test_a_photo_with_its_command_is_queued_with_its_platforms_and_words(bot) -> None:
    await bot.send(ALICE, "/optimize instagram pinterest cozy mug", photo(name="mug.jpg"))
    (status,) = bot.output.chat(ALICE)
    assert status.text == QUEUED.format(1)
    request = request_for(await only_job(bot))
    assert request.platforms == ("instagram", "pinterest")
    assert request.description == "cozy mug"
    assert request.source_name == "mug.jpg"
    assert Path(request.source).read_bytes() == PHOTO
    assert request.user_id == f"telegram:{ALICE}" and request.chat_id == ALICE


async def test_a_photo_alone_is_made_ready_for_the_users_defaults(bot) -> None:
    await bot.send(ALICE, "", photo())
    assert request_for(await only_job(bot)).platforms == DEFAULT_PLATFORMS
    await bot.send(ALICE, "/settings platforms x threads")
    await bot.send(ALICE, "", photo())
    newest = (await bot.jobs())[0]
    assert newest.session.platforms == ("x", "threads")


async def test_optimize_alone_waits_for_the_next_photo_and_only_that_one(bot) -> None:
    await bot.send(ALICE, "/optimize pinterest desk setup")
    assert bot.output.texts(ALICE) == [WAITING_FOR_PHOTO]
    assert bot.output.chat(ALICE)[0].text == "Now send the photo (within 5 minutes)."
    assert not await bot.jobs()
    await bot.send(ALICE, "", photo())
    job = await only_job(bot)
    assert (job.session.platforms, job.session.description) == (("pinterest",), "desk setup")
    await bot.send(ALICE, "", photo())  # the command was used up: the defaults again
    assert (await bot.jobs())[0].session.platforms == DEFAULT_PLATFORMS
    assert bot.output.texts(ALICE)[1:] == [QUEUED.format(1), QUEUED.format(2)]


async def test_a_waiting_command_is_forgotten_after_five_minutes(bot, clock) -> None:
    await bot.send(ALICE, "/optimize pinterest")
    clock.advance(PENDING_SECONDS + 1)
    await bot.send(ALICE, "", photo())
    assert (await only_job(bot)).session.platforms == DEFAULT_PLATFORMS


async def test_optimize_as_a_reply_to_a_photo_takes_that_photo(bot) -> None:
    await bot.send(ALICE, "/optimize linkedin desk", reply_to=[photo()])
    job = await only_job(bot)
    assert (job.session.platforms, job.session.description) == (("linkedin",), "desk")
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]


async def test_a_command_parsed_by_the_chat_itself_is_used_as_given(bot) -> None:
    """Discord's slash commands arrive with their options parsed."""
    await bot.send(ALICE, "", photo(), command=Optimize(("x",), "red mug"))
    job = await only_job(bot)
    assert (job.session.platforms, job.session.description) == (("x",), "red mug")
    refused = CommandError(ErrorCode.UNKNOWN_PLATFORM, "unknown platform 'myspace'")
    await bot.send(ALICE, "", never_fetched(1000), command=refused)
    assert bot.output.texts(ALICE)[-1] == "⚠️ unknown platform 'myspace' (UNKNOWN_PLATFORM)"


async def test_in_a_group_only_a_photo_with_a_command_for_this_bot_is_ours(bot, clock) -> None:
    in_group = {"chat": GROUP, "group": True}
    await bot.send(ALICE, "", never_fetched(1000), **in_group)
    await bot.send(ALICE, "look at this", never_fetched(1000), **in_group)
    await bot.send(ALICE, "/optimize@other_bot x", never_fetched(1000), **in_group)
    await bot.send(ALICE, "/optimize x", **in_group)  # waits for Alice's photo…
    clock.advance(PENDING_SECONDS + 1)
    await bot.send(ALICE, "", never_fetched(1000), **in_group)  # …but not for ever
    assert bot.output.texts(GROUP) == [WAITING_FOR_PHOTO]
    assert not await bot.jobs()
    await bot.send(ALICE, "/optimize@postready_bot x", photo(), **in_group)
    assert bot.output.texts(GROUP) == [WAITING_FOR_PHOTO, QUEUED.format(1)]
    await bot.send(BOB, "/optimize threads", **in_group)
    await bot.send(BOB, "", photo(), **in_group)  # a waiting command makes a bare photo ours
    assert (await bot.jobs())[0].session.platforms == ("threads",)
    assert not bot.output.chat(ALICE) and not bot.output.chat(BOB)


async def test_a_photo_over_the_chats_download_cap_is_refused_without_downloading(bot) -> None:
    await bot.send(ALICE, "/optimize x", never_fetched(25 * MB))
    (refused,) = bot.output.chat(ALICE)
    assert refused.text == (
        "⚠️ the file is 25 MB; bots may download files up to 20 MB (FILE_TOO_LARGE)"
    )
    assert isinstance(refused.reply, Text) and refused.reply.private
    assert not await bot.jobs()


async def test_past_postreadys_own_cap_a_photo_is_refused_without_downloading(
    bot, settings
) -> None:
    uncapped = ChatService(
        ChatSetup("discord", bot.store, bot.queue.api, bot.output, settings.storage.data_dir, 0)
    )
    await uncapped.on_message(Incoming(ALICE, ALICE, "/optimize x", (never_fetched(60 * MB),)))
    await uncapped.on_message(Incoming(ALICE, ALICE, "/optimize x", (never_fetched(0),)))
    assert bot.output.texts(ALICE) == [
        "⚠️ the file is 60.0 MB; the limit is 50 MB (FILE_TOO_LARGE)",
        "⚠️ the file is empty (INVALID_IMAGE_FORMAT)",
    ]
    assert not await bot.jobs()


async def test_what_is_not_an_image_is_refused_and_nothing_is_kept(bot, settings) -> None:
    await bot.send(ALICE, "/optimize instagram", photo(b"%PDF-1.7 not an image", "menu.pdf"))
    (refused,) = bot.output.texts(ALICE)
    assert refused.startswith("⚠️ this is not an image we can read; send a JPEG, PNG")
    assert refused.endswith("(INVALID_IMAGE_FORMAT)")
    assert not await bot.jobs()
    assert not list(settings.storage.data_dir.rglob("*.*"))


async def test_a_misspelt_platform_is_refused_before_the_photo_is_downloaded(bot) -> None:
    await bot.send(ALICE, "/optimize instgram mug", never_fetched(1000))
    assert bot.output.texts(ALICE) == [
        "⚠️ unknown platform 'instgram' — did you mean 'instagram'? (UNKNOWN_PLATFORM)"
    ]


@pytest.mark.parametrize("user_limits", [{"max_jobs_in_flight": 1}])
async def test_past_the_in_flight_limit_a_photo_is_refused_saying_how_to_go_on(bot) -> None:
    await bot.send(ALICE, "/optimize x", photo())
    await bot.send(ALICE, "/optimize x", photo())
    queued, refused = bot.output.chat(ALICE)
    assert queued.text == QUEUED.format(1)
    assert refused.text == (
        "⚠️ you already have 1 photo in progress; wait for one to finish or /cancel it "
        "(TOO_MANY_JOBS)"
    )
    assert isinstance(refused.reply, Text) and refused.reply.private
    await bot.send(BOB, "/optimize x", photo())  # someone else's limit is their own
    assert bot.output.texts(BOB) == [QUEUED.format(2)]
    assert len(await bot.jobs()) == 2


@pytest.mark.parametrize("user_limits", [{"max_jobs_in_flight": 1}])
async def test_every_photo_of_an_album_is_queued_past_the_in_flight_limit(bot) -> None:
    await bot.separate_albums(ALICE)
    await bot.send(ALICE, "/optimize x cups", photo(), photo())
    assert bot.output.texts(ALICE) == [QUEUED.format(1), QUEUED.format(2)]
    jobs = await bot.jobs()
    assert [(j.session.platforms, j.session.description) for j in jobs] == [(("x",), "cups")] * 2
    # The album was one request; the next one is over the limit.
    await bot.send(ALICE, "/optimize x", photo())
    assert bot.output.texts(ALICE)[-1].endswith("(TOO_MANY_JOBS)")


async def test_logo_then_an_image_keeps_it_as_the_logo_for_later_photos(bot, settings) -> None:
    logo = encode(textured((300, 300), seed=5), "PNG")
    await bot.send(ALICE, "/logo")
    await bot.send(ALICE, "", photo(logo, "logo.png"))
    hint, saved = bot.output.chat(ALICE)
    assert hint.text == WAITING_FOR_LOGO
    assert isinstance(saved.reply, Album) and saved.text == "Logo saved · bottom-right"
    kept = saved.reply.items[0].path
    assert kept.parent == settings.storage.data_dir / "logos" and kept.read_bytes() == logo
    assert not await bot.jobs()  # the logo is not a photo to optimize
    await bot.send(ALICE, "/logo top-left")
    assert bot.output.texts(ALICE)[-1] == "Logo position: top-left."
    await bot.send(ALICE, "/optimize x", photo())
    stamped = request_for(await only_job(bot)).logo
    assert stamped is not None and stamped.options.position == "top-left"
    assert Path(stamped.source).read_bytes() == logo
    await bot.send(ALICE, "/logo off")
    assert bot.output.texts(ALICE)[-1] == "Logo removed."
    await bot.send(ALICE, "/optimize x", photo())
    assert request_for((await bot.jobs())[0]).logo is None


async def test_a_logo_sent_with_logo_as_its_caption_is_kept_at_once(bot) -> None:
    logo = encode(textured((300, 300), seed=6), "PNG")
    await bot.send(ALICE, "/logo top left", photo(logo, "logo.png"))
    assert bot.output.texts(ALICE) == ["Logo saved · top-left"]


async def test_a_logo_the_jobs_could_not_use_is_refused_when_it_is_sent(bot, settings) -> None:
    tiny = encode(textured((10, 10), seed=7), "PNG")  # smaller than a logo may be
    await bot.send(ALICE, "/logo", photo(tiny, "logo.png"))
    (refused,) = bot.output.texts(ALICE)
    assert refused.startswith("⚠️ logo: ") and refused.endswith("(IMAGE_TOO_SMALL)")
    assert not (settings.storage.data_dir / "logos").exists()
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings.logo_path is None


async def test_a_logo_that_is_not_an_image_is_refused_and_the_next_image_still_awaited(
    bot,
) -> None:
    await bot.send(ALICE, "/logo")
    await bot.send(ALICE, "", photo(b"GIF87 broken", "logo.gif"))
    assert bot.output.texts(ALICE)[-1].endswith("(INVALID_IMAGE_FORMAT)")
    await bot.send(ALICE, "", photo(encode(textured((300, 300)), "PNG"), "logo.png"))
    assert bot.output.texts(ALICE)[-1] == "Logo saved · bottom-right"
    assert not await bot.jobs()


@pytest.mark.parametrize("user_limits", [{"max_jobs_in_flight": 1}])
async def test_an_album_is_one_carousel_job_counted_once(bot) -> None:
    await bot.send(ALICE, "/optimize x instagram cups", photo(), photo(), photo())
    assert bot.output.texts(ALICE) == [QUEUED.format(1)]
    job = await only_job(bot)
    assert (job.session.platforms, job.session.description) == (("x", "instagram"), "cups")
    request = request_for(job)
    assert len(request.more_photos) == 2 and request.previews  # as the user's setting says
    assert all(p.source.is_file() for p in request.more_photos)  # type: ignore[union-attr]
    await bot.send(ALICE, "/optimize x", photo())  # the carousel was one job of one
    assert bot.output.texts(ALICE)[-1].endswith("(TOO_MANY_JOBS)")


async def test_a_bad_photo_of_an_album_is_named_and_the_rest_is_still_one_post(bot) -> None:
    damaged = PHOTO[: len(PHOTO) // 2]  # a JPEG cut short: its header reads, its pixels not
    await bot.send(
        ALICE,
        "/optimize x",
        photo(),
        photo(damaged, "cut.jpg"),
        never_fetched(30 * MB),
        photo(b"%PDF-1.7", "menu.pdf"),
    )
    first, status, second = bot.output.chat(ALICE)
    # Refused by the size the chat reports, at once; the bytes' faults once downloaded.
    assert first.text.startswith("⚠️ photo 3 of 4: the file is 30 MB") and first.reply.private
    assert status.text == QUEUED.format(1)
    lines = second.text.splitlines()
    assert lines[0].startswith("⚠️ photo 2 of 4: ") and lines[0].endswith("(CORRUPT_IMAGE)")
    assert lines[1].startswith("⚠️ photo 4 of 4: ") and lines[1].endswith("(INVALID_IMAGE_FORMAT)")
    request = request_for(await only_job(bot))
    assert len(request.more_photos) == 0  # one photo left: a single post
    await bot.send(BOB, "/optimize x", photo(damaged), photo(damaged))
    (refused,) = bot.output.chat(BOB)  # nothing left: the status line says why
    assert refused.text.count("(CORRUPT_IMAGE)") == 2
    assert len(await bot.jobs()) == 1


@pytest.mark.parametrize("user_limits", [{"max_jobs_in_flight": 5}])
async def test_albums_as_separate_posts_is_a_setting(bot) -> None:
    await bot.send(ALICE, "/settings albums separate")
    assert "• albums: a post per photo" in bot.output.texts(ALICE)[-1]
    await bot.send(ALICE, "/optimize x", photo(), photo())
    assert len(await bot.jobs()) == 2
    await bot.send(ALICE, "/settings albums carousel")
    await bot.send(ALICE, "/optimize x", photo(), photo())
    assert len(await bot.jobs()) == 3
