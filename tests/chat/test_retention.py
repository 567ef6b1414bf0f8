"""What is kept, and for how long, as a user sees it: a finished job's files for the days the
operator set, its line in /history longer; then nothing."""

from __future__ import annotations

from pathlib import Path

from postready.chat.replies import Text
from postready.chat.texts import history_text
from postready.core.identity import UserRef
from postready.core.retention import DAY, Swept, sweep
from postready.core.storage.models import UserSettings
from tests.chat.conftest import ALICE, BOB, PRODUCT, Bot, photo
from tests.chat.recording import options
from tests.images import encode, textured


async def finished_post(bot: Bot):
    await bot.send(ALICE, "/optimize instagram x", photo())
    async with bot.working():
        await bot.output.until(
            lambda: any(
                isinstance(m.reply, Text)
                and any(a.key.startswith("files:") for a in m.reply.actions)
                for m in bot.output.chat(ALICE)
            )
        )
    return bot.output.chat(ALICE)[-1]


async def test_files_are_removed_after_the_days_kept_and_history_later(
    bot, pipeline, settings, clock
) -> None:
    post = await finished_post(bot)
    (job,) = await bot.jobs()
    folder = settings.storage.output_dir / job.session.id
    assert folder.is_dir()
    *_, files_button = post.reply.actions
    clock.advance(6 * DAY)
    assert await sweep(bot.store, settings.storage) == Swept(0, 0, 0)  # kept 7 days
    assert folder.is_dir()

    clock.advance(2 * DAY)
    swept = await sweep(bot.store, settings.storage)
    assert (swept.sessions, swept.pruned) == (1, 0) and swept.freed > 0
    assert not folder.exists()
    assert await bot.press(ALICE, post, files_button.key) == "These files are no longer kept."
    await bot.send(ALICE, "/history")
    assert f"#{job.id}" in bot.output.texts(ALICE)[-1]  # still in the history
    assert await sweep(bot.store, settings.storage) == Swept(0, 0, 0)  # nothing twice

    clock.advance(90 * DAY)
    assert (await sweep(bot.store, settings.storage)).pruned == 1
    assert await bot.jobs() == []


async def test_forget_deletes_everything_about_the_user_after_a_confirm(
    bot, pipeline, settings
) -> None:
    await bot.send(BOB, "/optimize x", photo())  # someone else's, kept
    await finished_post(bot)
    logo = encode(textured((300, 300), seed=5), "PNG")
    await bot.send(ALICE, "/logo", photo(logo, "logo.png"))
    await bot.send(ALICE, "/settings timezone Europe/Paris")
    await bot.send(ALICE, "/optimize x", photo(PRODUCT, "mug.jpg"))  # waits for its styles
    (alice_job,) = [j for j in await bot.jobs() if j.session.user.platform_user_id == ALICE]
    folder = settings.storage.output_dir / alice_job.session.id
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    kept_logo = Path(alice.settings.logo_path)
    assert folder.is_dir() and kept_logo.is_file()

    await bot.send(ALICE, "/forget")
    question = bot.output.chat(ALICE)[-1]
    assert question.text.startswith("This deletes your photos and results")
    keys = options(question)
    assert await bot.press(BOB, question, keys["Delete everything"]) == (
        "Only the person who asked can answer this."
    )
    assert await bot.press(ALICE, question, keys["Delete everything"]) is None
    assert question.text == (
        f"🗑️ Deleted 1 job with its files ({folder_mb(question)} MB), "
        "1 photo waiting for styles, your logo, your settings and history."
    )
    assert not folder.exists() and not kept_logo.exists()
    assert not list((settings.storage.data_dir / "choices").iterdir())
    await bot.send(ALICE, "/history")
    assert bot.output.texts(ALICE)[-1] == history_text([], "UTC")
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings == UserSettings()
    assert [j.session.user.platform_user_id for j in await bot.jobs()] == [BOB]


async def test_forget_kept_when_the_user_says_so(bot) -> None:
    await bot.send(ALICE, "/settings timezone Europe/Paris")
    await bot.send(ALICE, "/forget")
    question = bot.output.chat(ALICE)[-1]
    assert await bot.press(ALICE, question, options(question)["Keep"]) is None
    assert question.text == "Nothing was deleted."
    alice = await bot.store.users.get_or_create(UserRef("telegram", ALICE))
    assert alice.settings.timezone == "Europe/Paris"


def folder_mb(message) -> str:
    """The size the report gives, which depends on the encoder: read back from it."""
    return message.text.split("(")[1].split(" MB")[0]
