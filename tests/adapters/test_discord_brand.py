"""`/brand` on Discord with discord.py against the fake Discord: select menus for the picks, a
form for each field of words, another user refused, and the menu still works after a restart."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

from tests.adapters.test_discord import (
    ALICE,
    BOB,
    button,
    fake,
    picked,
    running,
    select,
    settings,
)
from tests.adapters.test_telegram_brand import SIGNATURE
from tests.waiting import until


async def test_the_brand_menu_on_discord(fake, settings) -> None:
    async with running(settings, fake):
        token = await fake.slash(ALICE, "brand", {})
        await until(lambda: fake.shown(token).selects)
        shown = fake.shown(token)
        assert [s["placeholder"] for s in shown.selects] == [
            "Tone", "Emoji", "Kind of account (call to action)"
        ]  # fmt: skip
        assert [b["label"] for b in shown.buttons] == [
            "✏️ Signature", "✏️ Brand hashtags", "✏️ Words to avoid", "✏️ Your handles", "↺ Reset"
        ]  # fmt: skip
        refused = await fake.pick(BOB, token, select(shown, "Tone")["custom_id"], ["luxury"])
        await until(lambda: fake.shown(refused).followups)
        assert "someone else's" in fake.shown(refused).followups[0].payload["content"]
        assert picked(select(shown, "Tone")) == ["each platform's own"]
        await fake.pick(ALICE, token, select(shown, "Tone")["custom_id"], ["minimal"])
        await until(lambda: picked(select(shown, "Tone")) == ["minimal"])
        assert (
            "Tone: minimal" in shown.original[-1] and "Preview (Instagram):" in shown.original[-1]
        )
        # A field of words: the button opens a form, its words set the field.
        ask = await fake.press(ALICE, token, button(shown, "✏️ Signature")["custom_id"])
        await until(lambda: fake.shown(ask).response is not None)
        form = fake.shown(ask).response
        assert form["type"] == 9 and form["data"]["title"] == "Signature"
        await fake.submit(ALICE, ask, SIGNATURE)
        await until(lambda: f"Signature: {SIGNATURE}" in shown.original[-1])
        assert shown.original[-1].count(SIGNATURE) == 2  # in the kit and under the preview
        bad = await fake.press(ALICE, token, button(shown, "✏️ Your handles")["custom_id"])
        await until(lambda: fake.shown(bad).response is not None)
        said = await fake.submit(ALICE, bad, "myspace @me")
        await until(lambda: fake.shown(said).followups)
        assert "not a platform" in fake.shown(said).followups[0].payload["content"]

    async with running(settings, fake):  # a new process: the menu still works
        await fake.pick(ALICE, token, select(shown, "Emoji")["custom_id"], ["many emoji"])
        await until(lambda: picked(select(shown, "Emoji")) == ["many emoji"])
        assert "Tone: minimal" in shown.original[-1] and SIGNATURE in shown.original[-1]
        await fake.press(ALICE, token, button(shown, "↺ Reset")["custom_id"])
        await until(lambda: "Signature: —" in shown.original[-1])
        assert picked(select(shown, "Tone")) == ["each platform's own"]


async def test_a_german_users_brand_menu_and_forms_come_in_german(fake, settings) -> None:
    fake.locales[ALICE] = "de"
    async with running(settings, fake):
        token = await fake.slash(ALICE, "brand", {})
        await until(lambda: fake.shown(token).selects)
        shown = fake.shown(token)
        ask = await fake.press(ALICE, token, button(shown, "✏️ Deine Handles")["custom_id"])
        await until(lambda: fake.shown(ask).response is not None)
        form = fake.shown(ask).response["data"]
        said = await fake.submit(ALICE, ask, "myspace @me")
        await until(lambda: fake.shown(said).followups)
    assert [s["placeholder"] for s in shown.selects] == [
        "Ton", "Emoji", "Art des Kontos (Handlungsaufruf)"
    ]  # fmt: skip
    assert picked(select(shown, "Ton")) == ["wie jede Plattform"]
    assert shown.original[-1].startswith("🎨 Dein Markenkit\nTon: wie jede Plattform\n")
    assert form["title"] == "Deine Handles"
    assert fake.shown(said).followups[0].payload["content"] == (
        "⚠️ 'myspace' ist keine Plattform; schreib: instagram @myshop (INVALID_OPTION)"
    )


async def test_forms_speak_the_language_set_in_settings_not_the_apps(fake, settings) -> None:
    fake.locales[BOB] = "fr"  # Bob has never used the bot: his app's language
    async with running(settings, fake):
        chosen = await fake.slash(ALICE, "settings", {"options": "language de"})
        await until(lambda: fake.shown(chosen).original)
        token = await fake.slash(ALICE, "brand", {})
        await until(lambda: fake.shown(token).selects)
        shown = fake.shown(token)
        ask = await fake.press(ALICE, token, button(shown, "✏️ Zu meidende Wörter")["custom_id"])
        stranger = await fake.press(BOB, token, button(shown, "✏️ Deine Handles")["custom_id"])
        await until(lambda: fake.shown(ask).response and fake.shown(stranger).response)
    form = fake.shown(ask).response["data"]  # Alice's app is in English (en-US)
    assert form["title"] == "Zu meidende Wörter"
    assert form["components"][0]["components"][0]["label"] == (
        "Wörter oder Tags, mit Kommas (oder off)"
    )
    french = fake.shown(stranger).response["data"]
    assert french["title"] == "Tes comptes"
    assert french["components"][0]["components"][0]["label"].startswith("instagram @boutique")
