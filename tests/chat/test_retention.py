"""What is kept, and for how long, as a user sees it: a finished job's files for the days the
operator set, its line in /history longer; then nothing."""

from __future__ import annotations

from postready.chat.replies import Text
from postready.core.retention import DAY, Swept, sweep
from tests.chat.conftest import ALICE, Bot, photo


async def finished_post(bot: Bot):
    await bot.send(ALICE, "/optimize instagram x", photo())
    async with bot.working():
        await bot.output.until(
            lambda: any(
                isinstance(m.reply, Text) and m.reply.actions for m in bot.output.chat(ALICE)
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
    (files_button,) = post.reply.actions
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
