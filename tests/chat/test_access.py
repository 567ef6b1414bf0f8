"""Who may use the bot, as the operator sets it: allowed users and chats, admins, and users an
admin blocked. Someone refused gets one line, and nothing about them is stored."""

from __future__ import annotations

import pytest

from postready.core.access import AccessRules
from postready.core.identity import UserRef
from postready.pipeline.errors import ErrorCode, PostReadyError
from tests.chat.conftest import ALICE, BOB, GROUP, Bot, photo
from tests.conftest import rows_of

REFUSED = "⚠️ PostReady is private here; ask whoever runs it for access (NOT_ALLOWED)"
CAROL = "1003"


async def stored_users(bot: Bot) -> list[str]:
    return [row[0] for row in await rows_of(bot.store, "SELECT platform_user_id FROM users")]


async def inbox_rows(bot: Bot) -> int:
    return len(await rows_of(bot.store, "SELECT id FROM inbox"))


@pytest.mark.parametrize("access", [AccessRules(users=frozenset({ALICE}))])
async def test_only_allowed_users_are_answered_and_nothing_is_kept_of_others(bot) -> None:
    await bot.send(BOB, "/optimize x", photo())
    await bot.send(BOB, "/help")
    assert bot.output.texts(BOB) == [REFUSED, REFUSED]
    assert all(m.reply.private for m in bot.output.chat(BOB))
    assert await stored_users(bot) == [] and await inbox_rows(bot) == 0
    await bot.send(ALICE, "/optimize x", photo())
    assert bot.output.texts(ALICE) == ["⏳ Queued — position 1"]
    assert await stored_users(bot) == [ALICE]


@pytest.mark.parametrize("access", [AccessRules(chats=frozenset({f"telegram:{GROUP}"}))])
async def test_everyone_in_an_allowed_chat_may(bot) -> None:
    await bot.send(BOB, "/optimize x", photo(), chat=GROUP, group=True)
    await bot.send(BOB, "/optimize x", photo())  # but not in their own chat
    assert bot.output.texts(GROUP) == ["⏳ Queued — position 1"]
    assert bot.output.texts(BOB) == [REFUSED]


@pytest.mark.parametrize("access", [AccessRules(admins=frozenset({ALICE}))])
async def test_an_admin_blocks_and_unblocks_a_user(bot) -> None:
    await bot.send(BOB, "/settings")
    (menu,) = bot.output.chat(BOB)
    await bot.send(BOB, f"/block {ALICE}")
    assert bot.output.texts(BOB)[-1] == "⚠️ only the bot's admins may do that (NOT_ALLOWED)"
    await bot.send(ALICE, f"/block {BOB}")
    await bot.send(ALICE, f"/block {ALICE}")
    assert bot.output.texts(ALICE) == [
        f"{BOB} is blocked: PostReady no longer answers them.",
        "⚠️ an admin cannot be blocked (NOT_ALLOWED)",
    ]
    await bot.send(BOB, "/optimize x", photo())
    assert bot.output.texts(BOB)[-1] == REFUSED and not await bot.jobs()
    assert await bot.press(BOB, menu, "set:files") == REFUSED  # a button of before, too
    assert await bot.store.users.is_blocked(UserRef("telegram", BOB))
    await bot.send(ALICE, f"/unblock {BOB}")
    await bot.send(ALICE, f"/unblock {BOB}")
    assert bot.output.texts(ALICE)[-2:] == [
        f"{BOB} may use PostReady again.",
        f"{BOB} was not blocked.",
    ]
    await bot.send(BOB, "/optimize x", photo())
    assert bot.output.texts(BOB)[-1] == "⏳ Queued — position 1"


async def test_block_says_whom(bot) -> None:
    await bot.send(ALICE, "/block")
    assert bot.output.texts(ALICE) == ["⚠️ say whom: /block <user id> (INVALID_OPTION)"]


@pytest.mark.parametrize("user_limits", [{"jobs_per_day": 2, "max_jobs_in_flight": 5}])
@pytest.mark.parametrize("access", [AccessRules(admins=frozenset({BOB}))])
async def test_a_daily_quota_says_when_it_resets_in_the_users_time(bot, clock) -> None:
    # The clock starts at 2027-01-15 08:00 UTC: 09:00 in Paris, where the next day starts in
    # 15 hours.
    await bot.send(ALICE, "/settings timezone Europe/Paris")
    for _ in range(2):
        await bot.send(ALICE, "/optimize x", photo())
    await bot.send(ALICE, "/optimize x", photo())
    assert bot.output.texts(ALICE)[-1] == (
        "⚠️ you have used today's 2 photos; more from 12:00\u202fAM Europe/Paris, in 15 h 0 min "
        "(QUOTA_EXCEEDED)"
    )
    assert len(await bot.jobs()) == 2
    for _ in range(3):  # an admin has no quota
        await bot.send(BOB, "/optimize x", photo())
    assert len(await bot.jobs()) == 5
    clock.advance(15 * 3600)  # midnight in Paris: a new day
    await bot.send(ALICE, "/optimize x", photo())
    assert bot.output.texts(ALICE)[-1].startswith("⏳ Queued")


@pytest.mark.parametrize("access", [AccessRules(admins=frozenset({ALICE}))])
async def test_stats_are_for_admins_and_count_jobs_by_how_they_ended(
    bot, pipeline, settings
) -> None:
    await bot.send(BOB, "/optimize x", photo())
    await bot.send(BOB, "/optimize x", photo())
    async with bot.working():
        await bot.output.until(lambda: bot.output.chat(BOB)[0].text.startswith("✅"))
        pipeline.error = PostReadyError(ErrorCode.CORRUPT_IMAGE, "the photo is damaged")
        await bot.output.until(lambda: bot.output.chat(BOB)[1].text.startswith("⚠️"))
    await bot.send(BOB, "/optimize x", photo())  # waiting
    await bot.send(BOB, "/stats")
    assert bot.output.texts(BOB)[-1] == "⚠️ only the bot's admins may do that (NOT_ALLOWED)"
    await bot.send(ALICE, "/stats")
    lines = bot.output.texts(ALICE)[-1].splitlines()
    assert lines[:4] == [
        "📊 PostReady",
        "Today: 3 jobs — 1 completed, 1 failed, 1 queued",
        "7 days: 3 jobs — 1 completed, 1 failed, 1 queued",
        "Failures (7 days): CORRUPT_IMAGE 1",
    ]
    assert lines[4].startswith("AI: today 0 calls") and lines[5] == "Queue: 1 waiting"
    assert lines[6].startswith("Disk: ") and lines[6].endswith(f"MB in {settings.storage.data_dir}")
    # What creators' posts never say is the admins': which services are off.
    assert lines[7] == (
        "Services: no OPENAI_API_KEY: captions and hashtags written locally; "
        "no GEMINI_API_KEY: no account search"
    )
    await bot.send(ALICE, "/settings language de")
    await bot.send(ALICE, "/stats")
    assert bot.output.texts(ALICE)[-1].splitlines()[-1] == (
        "Dienste: kein OPENAI_API_KEY: Bildunterschriften und Hashtags werden lokal "
        "geschrieben; kein GEMINI_API_KEY: keine Kontensuche"
    )
