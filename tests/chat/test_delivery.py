"""Jobs' updates as a user sees them: the status line edited in place (place in the queue,
progress, how the job ended), then a finished job's images and one post per platform, and
which product-photography images a finished job sends."""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postready.chat.delivery import PREVIEWS_LABEL, result_images, result_replies
from postready.chat.replies import Album, Files, MediaItem, Progress, Text
from postready.chat.sending import PermanentSendError
from postready.core.i18n import speaking
from postready.core.identity import UserRef
from postready.core.queue.updates import JobUpdate
from postready.core.quotas import DailyUsageGate
from postready.core.storage.models import Job, UserSettings
from postready.pipeline.carousel import about_photo
from postready.pipeline.content import CallBudget
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_
from postready.pipeline.models import (
    ErrorInfo,
    FeedPreviews,
    OptimizeRequest,
    OptimizeResult,
    PlatformResult,
    ProgressEvent,
    SourceInfo,
)
from postready.pipeline.photography_results import (
    ProductDetection,
    ProductPhotographyResult,
    StyleImage,
)
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import QuotaUsedUp, UsageKind
from tests.chat.conftest import ALICE, BOB, PHOTO, Bot, photo
from tests.chat.recording import Message, failing

OWNER = "a worker"


async def queued(bot: Bot, command: str = "/optimize instagram pinterest") -> tuple[Job, Message]:
    """Alice's photo, queued: its job and its status line."""
    await bot.send(ALICE, command, photo())
    return (await bot.jobs())[0], bot.output.chat(ALICE)[-1]


def result_for(made: OptimizeResult, job: Job, **platforms: PlatformResult) -> OptimizeResult:
    """`made` for the job's platforms, some of them replaced by `platforms`."""
    chosen = {key: platforms.get(key, made.platforms[key]) for key in job.session.platforms}
    return dataclasses.replace(made, session_id=job.session.id, platforms=chosen)


async def completed(bot: Bot, job: Job, result: OptimizeResult) -> JobUpdate:
    """The job run to its end by a worker, and the update the worker sends."""
    claimed = await bot.store.jobs.claim(OWNER, 60)
    assert claimed is not None and claimed.id == job.id and claimed.lease is not None
    assert await bot.store.jobs.complete(claimed.lease, result, [])
    return JobUpdate(await bot.job(job.id), result=result)


async def test_progress_and_places_in_the_queue_edit_the_status_line(bot) -> None:
    job, status = await queued(bot)
    await bot.service.on_job_update(JobUpdate(job, position=1))
    await bot.service.on_job_update(JobUpdate(job, position=0))
    progress = ProgressEvent("captions", 3, 5, "writing captions")
    await bot.service.on_job_update(JobUpdate(job, progress=progress))
    assert status.texts == [
        "⏳ Queued — position 1",
        "⏳ Queued — position 1",
        "⏳ Starting…",
        "▰▰▰▱▱ 60% · writing captions",
    ]
    assert status.reply == Progress("captions", 60, "writing captions")
    assert len(bot.output.messages) == 1  # edits only, never a new message


async def test_waiting_photos_see_their_place_move_up_as_the_queue_moves(bot, pipeline) -> None:
    release = pipeline.hold()
    await bot.send(ALICE, "/optimize x", photo())
    await bot.send(BOB, "/optimize x", photo())
    (alice,), (bob,) = bot.output.chat(ALICE), bot.output.chat(BOB)
    assert (alice.text, bob.text) == ("⏳ Queued — position 1", "⏳ Queued — position 2")
    async with bot.working():
        await bot.output.until(lambda: bob.text == "⏳ Queued — position 1")
        release.set()
        done = "✅ Done — 1 of 1 platform ready"
        await bot.output.until(lambda: alice.text == done and bob.text == done)
        await bot.output.until(lambda: len(bot.output.messages) == 6)  # each: album and post
    assert "▰▰▱▱▱ 50% · making the images" in alice.texts


async def test_a_photo_a_worker_takes_at_once_still_has_one_status_line(bot, pipeline) -> None:
    """Its first updates may come before its status message is recorded; they wait for it."""
    async with bot.working():
        await bot.send(ALICE, "/optimize x", photo())
        await bot.output.until(lambda: len(bot.output.messages) == 3)
    status, album, post = bot.output.chat(ALICE)
    assert status.texts[0] in ("⏳ Queued — position 1", "⏳ Starting…")
    assert status.texts[-2:] == [
        "▰▰▱▱▱ 50% · making the images",
        "✅ Done — 1 of 1 platform ready",
    ]
    assert isinstance(album.reply, Album) and post.text.startswith("X — caption")


async def test_a_finished_photo_shows_what_is_ready_and_what_failed(bot, pipeline_result) -> None:
    job, status = await queued(bot, "/optimize instagram pinterest x")
    failed = ErrorInfo(ErrorCode.ENCODING_FAILED, "could not keep it under 20 MB")
    result = result_for(
        pipeline_result,
        job,
        pinterest=PlatformResult("pinterest", "failed", 0.1, error=failed),
        x=dataclasses.replace(pipeline_result.platforms["x"], content=None),
    )
    await bot.service.on_job_update(await completed(bot, job, result))
    assert status.text == "✅ Done — 2 of 3 platforms ready"
    _, album, instagram, pinterest, x = bot.output.chat(ALICE)
    assert isinstance(album.reply, Album)
    assert [i.label.split(" · ")[0] for i in album.reply.items] == ["Instagram", "X"]
    assert instagram.text.startswith("Instagram — caption\n")
    assert pinterest.text == ("⚠️ Pinterest failed — ENCODING_FAILED: could not keep it under 20 MB")
    assert x.text == "X: image ready; no text written"
    assert isinstance(x.reply, Text) and [a.label for a in x.reply.actions] == ["📎 Original files"]


async def test_a_platform_that_failed_is_told_in_the_users_language(bot, pipeline_result) -> None:
    await bot.send(ALICE, "/optimize instagram pinterest", photo(), language="es")
    job = (await bot.jobs())[0]
    failed = ErrorInfo.marked(
        ErrorCode.ENCODING_FAILED,
        N_("could not fit the image in {size} MB as {format}"),
        size="20.0",
        format="JPEG",
    )
    made = result_for(
        pipeline_result, job, pinterest=PlatformResult("pinterest", "failed", 0.1, error=failed)
    )
    read_back = OptimizeResult.from_json(json.loads(json.dumps(made.to_json())))  # a restart
    assert read_back.platforms["pinterest"].error == failed
    await bot.service.on_job_update(await completed(bot, job, read_back))
    assert "⚠️ Pinterest falló — ENCODING_FAILED: la imagen no cabe en 20.0 MB como JPEG" in (
        bot.output.texts(ALICE)
    )


async def test_images_come_as_files_for_a_user_who_chose_so(bot, pipeline_result) -> None:
    job, status = await queued(bot)
    user = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    await bot.store.users.save_settings(user.id, UserSettings(send_as_files=True))
    await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    done, files, *posts = bot.output.chat(ALICE)
    assert done is status and isinstance(files.reply, Files)
    assert [item.label.split(" · ")[0] for item in files.reply.items] == ["Instagram", "Pinterest"]
    assert len(posts) == 2
    assert not any(a.key.startswith("files:") for post in posts for a in post.reply.actions)


async def test_a_job_without_a_status_line_is_told_in_a_new_message(
    bot, settings, pipeline_result
) -> None:
    """Its status message was never recorded (the chat refused it, say); a job from the command
    line has no chat at all."""
    user = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    request = OptimizeRequest(source=PHOTO, platforms=("instagram",), chat_id=ALICE)
    submitted = await bot.queue.api.submit(user, request)
    job = submitted.job
    await bot.service.on_job_update(JobUpdate(job, progress=ProgressEvent("images", 1, 2, "…")))
    assert not bot.output.messages  # no status line to edit, and progress is not worth a message
    await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    assert bot.output.texts(ALICE)[0] == "✅ Done — 1 of 1 platform ready"
    assert len(bot.output.messages) == 3
    headless = await bot.queue.api.submit(user, dataclasses.replace(request, chat_id=None))
    result = result_for(pipeline_result, headless.job)
    await bot.service.on_job_update(await completed(bot, headless.job, result))
    assert len(bot.output.messages) == 3


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            PostReadyError(ErrorCode.CORRUPT_IMAGE, "the photo is damaged"),
            "⚠️ the photo is damaged (CORRUPT_IMAGE)",
        ),
        (RuntimeError("a bug"), "⚠️ something went wrong on our side (PROCESSING_FAILED)"),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "⚠️ the server's disk is full; try again later (DISK_FULL)",
        ),
    ],
)
async def test_a_failed_photo_shows_its_code_on_its_status_line(
    bot, pipeline, error: Exception, line: str
) -> None:
    pipeline.error = error
    _, status = await queued(bot)
    async with bot.working():
        await bot.output.until(lambda: status.text.startswith("⚠️"))
    assert status.text == line
    assert len(bot.output.messages) == 1


async def test_a_photo_that_fails_in_the_worker_is_told_in_the_users_language(
    bot, pipeline
) -> None:
    """The error's template and fields are kept with the job: its line, and the marked text
    inside it, in Spanish."""
    damaged = PostReadyError(
        ErrorCode.CORRUPT_IMAGE,
        N_("the {format} file is damaged or cut short and cannot be read"),
        format="JPEG",
    )
    pipeline.error = about_photo(2, "taza.jpg", damaged)
    await bot.send(ALICE, "/optimize instagram", photo(), language="es")
    status = bot.output.chat(ALICE)[-1]
    async with bot.working():
        await bot.output.until(lambda: status.text.startswith("⚠️"))
    assert status.text == (
        "⚠️ foto 2 (taza.jpg): el archivo JPEG está dañado o incompleto y no se puede leer "
        "(CORRUPT_IMAGE)"
    )


async def test_a_photo_put_back_in_the_queue_or_ended_without_its_results_says_so(
    bot, pipeline_result
) -> None:
    job, status = await queued(bot)
    claimed = await bot.store.jobs.claim(OWNER, 60)
    assert claimed is not None and claimed.lease is not None
    assert await bot.store.jobs.release(claimed.lease)  # its worker was stopped
    await bot.service.on_job_update(JobUpdate(await bot.job(job.id)))
    assert status.text == "⏳ Queued again — it will resume shortly"
    # Delivered late, by a process that could not read the results back.
    update = await completed(bot, job, result_for(pipeline_result, job))
    await bot.service.on_job_update(dataclasses.replace(update, result=None))
    assert status.text == "✅ Done — see /history"
    assert len(bot.output.messages) == 1


async def test_a_reply_the_chat_refuses_does_not_keep_the_others_from_the_user(
    bot, pipeline_result, caplog
) -> None:
    refused = PermanentSendError("Bad Request: file too big")
    bot.output.answer = failing(refused, lambda reply: isinstance(reply, Album))
    job, status = await queued(bot)
    with caplog.at_level(logging.ERROR, "postready.chat.delivery"):
        await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    assert status.text == "✅ Done — 2 of 2 platforms ready"
    _, instagram, pinterest = bot.output.texts(ALICE)
    assert instagram.startswith("Instagram — caption") and pinterest.startswith("Pinterest")
    (logged,) = caplog.records
    assert logged.getMessage() == (
        f"reply_refused job={job.id} session={job.session.id} reply=album:1 "
        "reason=Bad Request: file too big"
    )
    assert bot.output.attempts == 5  # queued, done, the album once (not again), two posts


def _with_product_photos(made: OptimizeResult, folder: Path) -> OptimizeResult:
    """`made` with three local product photos and one only uploaded."""
    paths = [folder / f"solid-{key}.jpg" for key in ("instagram", "x", "pinterest")]
    for path in paths:
        path.write_bytes(PHOTO)
    styles = {
        "solid_background": {"instagram": StyleImage(paths[0]), "x": StyleImage(paths[1])},
        "macro": {
            "pinterest": StyleImage(paths[2]),
            "x": StyleImage(url="https://res.cloudinary.com/demo/macro.jpg"),
        },
    }
    detection = ProductDetection(True, 0.3, True, 0, "one object on a plain background")
    return dataclasses.replace(
        made, product_photography=ProductPhotographyResult(detection, styles, "local")
    )


def test_results_come_as_albums_of_ten_then_one_post_per_platform(pipeline_result, tmp_path):
    result = _with_product_photos(pipeline_result, tmp_path)
    replies = result_replies(result, as_files=False)
    assert list(replies) == ["album:1", "album:2", *(f"post:{key}" for key in PLATFORMS)]
    first, second, *posts = replies.values()
    assert isinstance(first, Album) and isinstance(second, Album)
    labels = [item.label for item in (*first.items, *second.items)]
    assert len(first.items) == 10 and len(labels) == len(PLATFORMS) + 3  # no uploaded-only one
    assert labels[len(PLATFORMS) :] == [
        "Solid Background · Instagram",
        "Solid Background · X",
        "Macro · Pinterest",
    ]
    # Every image carries alt text: its platform's, and the style's name for a styled photo.
    items = (*first.items, *second.items)
    assert all(item.alt_text for item in items)
    instagram = result.platforms["instagram"].content
    assert instagram is not None and items[0].alt_text == instagram.alt_text
    assert items[len(PLATFORMS)].alt_text == f"Solid Background product photo. {instagram.alt_text}"
    with speaking("de"):
        (styled, *_) = result_images(result)[len(PLATFORMS) :]
    assert styled.label == "Einfarbiger Hintergrund · Instagram"
    assert styled.alt_text == f"Produktfoto „Einfarbiger Hintergrund“. {instagram.alt_text}"
    assert len(posts) == len(PLATFORMS) and all(isinstance(p, Text) for p in posts)
    assert [p.actions for p in posts if isinstance(p, Text) and p.actions] == [posts[-1].actions]
    replies = result_replies(result, as_files=True)
    assert list(replies) == ["files", *(f"post:{key}" for key in PLATFORMS)]
    (files, *posts) = replies.values()
    assert isinstance(files, Files) and len(files.items) == len(labels)
    assert not any(isinstance(p, Text) and p.actions for p in posts)


def test_the_previews_sheet_comes_as_a_photo_before_the_posts(pipeline_result, tmp_path):
    sheet = tmp_path / "previews" / "sheet.png"
    sheet.parent.mkdir()
    sheet.write_bytes(b"png")
    result = dataclasses.replace(pipeline_result, previews=FeedPreviews(sheet, {}))
    for as_files in (False, True):
        keys = list(result_replies(result, as_files))
        assert keys[keys.index("previews") + 1 :] == [f"post:{key}" for key in result.platforms]
        previews = result_replies(result, as_files)["previews"]
        assert previews == Album((MediaItem(sheet, PREVIEWS_LABEL),))
    plain = result_replies(pipeline_result, as_files=False)
    assert result_replies(result, as_files=False, previews=False) == plain
    sheet.unlink()  # a result read back after its files were cleaned up
    assert result_replies(result, as_files=False) == plain


def test_a_result_without_images_has_no_album_and_no_files_button(pipeline_result) -> None:
    failed = ErrorInfo(ErrorCode.PROCESSING_FAILED, "something went wrong on our side")
    platforms = {"x": PlatformResult("x", "failed", 0.1, error=failed)}
    result = dataclasses.replace(pipeline_result, platforms=platforms)
    (post,) = result_replies(result, as_files=False).values()
    assert post == Text.line("⚠️ X failed — PROCESSING_FAILED: something went wrong on our side")


def test_local_files_are_sent_and_uploaded_only_images_are_not(tmp_path: Path) -> None:
    local, uploaded = tmp_path / "floating_x.jpg", tmp_path / "floating_instagram.jpg"
    local.write_bytes(b"jpeg")
    uploaded.write_bytes(b"jpeg")
    styles = {
        "floating": {
            "x": StyleImage(path=local),
            "instagram": StyleImage(uploaded, "https://res.example/1.jpg"),
            "pinterest": StyleImage(url="https://res.example/2.jpg"),
            "linkedin": StyleImage(path=tmp_path / "deleted.jpg"),
        }
    }
    detection = ProductDetection(True, 0.3, True, 0, "one object on a plain background")
    now = datetime.now(UTC)
    result = OptimizeResult(
        "session",
        "user",
        now,
        now,
        SourceInfo("mug.jpg", "JPEG", 600, 400),
        {},
        ProductPhotographyResult(detection, styles, "local"),
    )
    assert [(item.path, item.label) for item in result_images(result)] == [
        (local, "Floating · X"),
        (uploaded, "Floating · Instagram"),
    ]


async def test_a_carousel_is_each_platforms_albums_then_its_post(tmp_path: Path) -> None:
    from postready.pipeline.content import ContentEngine
    from postready.pipeline.models import CarouselPhoto
    from postready.pipeline.runner import run_optimization

    # Eleven photos: Instagram's post takes them all (20), in two albums (ten at most);
    # X's four a post make three posts.
    more = tuple(CarouselPhoto(PHOTO, f"mug-{n}.jpg") for n in range(2, 12))
    request = OptimizeRequest(
        source=PHOTO, platforms=("instagram", "x"), source_name="mug-1.jpg", more_photos=more
    )
    result = await run_optimization(request, tmp_path, content=ContentEngine())
    replies = result_replies(result, as_files=False, job_id=7)
    assert list(replies) == [
        "album:instagram:1",
        "album:instagram:2",
        "post:instagram",
        "album:x:1",
        "album:x:2",
        "post:x",
    ]
    first = replies["album:instagram:1"]
    assert isinstance(first, Album) and len(first.items) == 10
    assert first.items[1].label.endswith(" · 2/11") and first.items[1].alt_text
    x_post = replies["post:x"]
    assert isinstance(x_post, Text)
    split = "More photos than one post takes: 3 posts, one after the other (photos 1–4, 5–8, 9–11)"
    assert split in x_post.parts
    assert x_post.actions[-1].key == f"files:{result.session_id}"  # under the last post only
    as_files = result_replies(result, as_files=True, job_id=7)
    assert list(as_files) == ["files:instagram", "post:instagram", "files:x", "post:x"]
    files = as_files["files:x"]
    assert isinstance(files, Files) and len(files.items) == 11


async def test_progress_names_each_platform_in_the_users_language(bot) -> None:
    """The real pipeline's progress: each platform's image and the captions, in Spanish, the
    platform's name filled in."""
    await bot.send(ALICE, "/optimize instagram x", photo(), language="es")
    status = bot.output.chat(ALICE)[-1]
    async with bot.working():
        await bot.output.until(lambda: status.text.startswith("✅"), timeout=120)
    steps = [text.partition(" · ")[2] for text in status.texts if " · " in text]
    assert {"imagen de Instagram lista", "imagen de X lista", "Textos escritos"} <= set(steps)
    assert "Leyendo tu foto…" in steps or "Buscando el mejor encuadre…" in steps
    assert not [step for step in steps if "ready" in step or "written" in step]


async def test_a_notice_under_the_result_is_in_the_users_language(bot, pipeline_result) -> None:
    """The content step's note that the day's AI calls are used up, made as the pipeline makes
    it and read back from the stored results, in Spanish: its reset time as Spanish writes it."""
    await bot.send(ALICE, "/optimize instagram", photo(), language="es")
    job = (await bot.jobs())[0]
    limits: dict[UsageKind, int | None] = {"ai_call": 1, "image_render": 1}
    gate = DailyUsageGate(bot.store.usage, job.session.user_id, job.session.id, "UTC", limits)
    budget = CallBudget(5, gate)
    await budget.spend("writing")
    with pytest.raises(QuotaUsedUp):
        await budget.spend("writing")  # the day's one call is spent
    made = dataclasses.replace(result_for(pipeline_result, job), notices=tuple(budget.notices))
    stored = json.loads(json.dumps(made.to_json()))
    assert stored["optimization_metadata"]["notices"][0].startswith(
        "Written without AI: you have used today's 1 AI call; more from 00:00 UTC"
    )  # results.json keeps the English line
    await bot.service.on_job_update(await completed(bot, job, OptimizeResult.from_json(stored)))
    (notice,) = [text for text in bot.output.texts(ALICE) if text.startswith("ℹ️")]
    assert notice.startswith(
        "ℹ️ Escrito sin IA: has agotado el límite de hoy (1 llamada a la IA); habrá más a "
        "partir de las 0:00 UTC, dentro de "
    )
