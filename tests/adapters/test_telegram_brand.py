"""`/brand` on Telegram with python-telegram-bot against the fake Bot API: the menu sets and
shows each field with a preview caption, refuses another user, survives a restart, and the kit
is applied to the posts of the next photo."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

from tests.adapters.test_telegram import (
    ALICE,
    BOB,
    CAROL,
    finished,
    photo_bytes,
    running,
    settings,
    telegram,
)
from tests.fakes.telegram_server import FakeTelegram, Shown
from tests.waiting import until

SIGNATURE = "Shop at example.com · DM to order"


def data(shown: Shown, ending: str) -> str:
    """The callback data of the menu's button whose data ends with `ending` (":t:luxury")."""
    return next(d for _label, d in shown.buttons if d.endswith(ending))


def selected(shown: Shown) -> set[str]:
    return {d.rsplit(":", 2)[-2] + ":" + d.rsplit(":", 1)[-1]
            for label, d in shown.buttons if label.startswith("✅ ")}  # fmt: skip


async def press(server: FakeTelegram, user: int, menu: Shown, ending: str) -> None:
    edits = len(menu.edits)
    await server.press(user, menu.message_id, data(menu, ending))
    await until(lambda: len(menu.edits) > edits)


async def test_the_brand_menu_on_telegram(telegram, settings) -> None:
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/brand")
        await until(lambda: telegram.chat(ALICE))
        menu = telegram.chat(ALICE)[0]
        assert "🎨 Your brand kit" in menu.text and "Preview (Instagram):" in menu.text
        assert selected(menu) == {"t:-", "e:-", "a:none"}  # the empty kit: each platform's own
        # Someone else's presses change nothing.
        await telegram.press(BOB, menu.message_id, data(menu, ":t:luxury"))
        await until(lambda: telegram.methods("answerCallbackQuery"))
        assert "someone else's" in telegram.methods("answerCallbackQuery")[0].params["text"]
        assert len(menu.edits) == 1  # as sent
        # Each pick is saved and shown, with the preview written again.
        await press(telegram, ALICE, menu, ":t:luxury")
        await press(telegram, ALICE, menu, ":e:none")
        await press(telegram, ALICE, menu, ":a:shop")
        assert selected(menu) == {"t:luxury", "e:none", "a:shop"}
        assert "Tone: luxury" in menu.text and "Kind of account: shop" in menu.text
        assert "Reserve yours via the link in bio." in menu.text
        # A button that asks for words: the next message answers it.
        await telegram.press(ALICE, menu.message_id, data(menu, ":w:s"))
        await until(lambda: len(telegram.chat(ALICE)) == 2)
        asked = telegram.chat(ALICE)[1]
        assert "Signature" in asked.text
        assert telegram.methods("sendMessage")[-1].params["reply_markup"]["force_reply"]
        await telegram.send_text(ALICE, SIGNATURE)
        await until(lambda: len(telegram.chat(ALICE)) == 3)
        menu = telegram.chat(ALICE)[2]
        assert f"Signature: {SIGNATURE}" in menu.text and menu.text.count(SIGNATURE) == 2
        await telegram.send_text(ALICE, "/brand hashtags #HearthClay, slow mornings")
        await telegram.send_text(ALICE, "/brand avoid terracotta, cheap")
        await telegram.send_text(
            ALICE, "/brand handles instagram @hearthclay, bluesky @hearth.bsky.social"
        )
        await telegram.send_text(ALICE, "/brand tone grumpy")
        await until(lambda: len(telegram.chat(ALICE)) == 7)
        assert telegram.chat(ALICE)[6].text.startswith("⚠️") or "INVALID_OPTION" in (
            telegram.chat(ALICE)[6].text
        )
        assert "tone must be one of" in telegram.chat(ALICE)[6].text
        menu = telegram.chat(ALICE)[5]
        assert "Brand hashtags: #hearthclay #slowmornings" in menu.text
        assert "Words to avoid: terracotta, cheap" in menu.text
        assert "Instagram @hearthclay" in menu.text and "Bluesky @hearth.bsky.social" in menu.text
        assert "#hearthclay #slowmornings" in menu.text  # first in the preview's hashtags

    # After a restart the kit is kept and the old menu's buttons still work.
    async with running(settings, telegram):
        await press(telegram, ALICE, menu, ":t:playful")
        assert "Tone: playful" in menu.text and f"Signature: {SIGNATURE}" in menu.text
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize bluesky instagram handmade mug")
        await until(lambda: finished(telegram, ALICE))
        posts = [
            s.text for s in telegram.chat(ALICE)
            if s.kind == "text" and SIGNATURE in s.text and not s.text.startswith("🎨")
        ]  # fmt: skip
        assert len(posts) == 2, [s.text for s in telegram.chat(ALICE)]
        assert all("#hearthclay" in post.lower() for post in posts)
        assert all("terracotta" not in post.lower() for post in posts)
        assert any("@hearth.bsky.social" in s.text for s in telegram.chat(ALICE))
        count = len(telegram.chat(ALICE))
        await telegram.send_text(ALICE, "/brand reset")
        await until(lambda: len(telegram.chat(ALICE)) > count)
        reset = telegram.chat(ALICE)[-1]
        assert "Tone: each platform's own" in reset.text and "Signature: —" in reset.text
        # The preview is written for the photo sent last, and its words.
        assert "handmade mug" in reset.text.lower() and "ceramic mug" not in reset.text.lower()


async def test_a_spanish_users_brand_menu_comes_in_spanish(telegram, settings) -> None:
    telegram.languages[ALICE] = "es"  # their Telegram app's language
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/brand")
        await until(lambda: telegram.chat(ALICE))
        menu = telegram.chat(ALICE)[0]
        await press(telegram, ALICE, menu, ":t:luxury")
        shop = menu.text
        await press(telegram, ALICE, menu, ":a:shop")
        await telegram.press(ALICE, menu.message_id, data(menu, ":w:h"))
        await until(lambda: len(telegram.chat(ALICE)) == 2)
        await telegram.send_text(ALICE, "/brand tone grumpy")  # the value stays as typed
        await until(lambda: len(telegram.chat(ALICE)) == 3)
    assert shop.startswith("🎨 Tu kit de marca\nTono: lujo\nEmojis: el de cada plataforma\n")
    assert "Tipo de cuenta: ninguno (el de la publicación)" in shop
    # The preview: a post in Spanish (the sample's words before a first photo), in the luxury
    # tone's Spanish words, ending with its call to action for a shop.
    assert "Vista previa (Instagram):\n" in menu.text and "Tipo de cuenta: tienda" in menu.text
    preview = menu.text.split("Vista previa (Instagram):\n")[1]
    hooks = ("Artesanía exquisita:", "Elegancia atemporal:", "El arte del detalle:")
    assert preview.startswith(hooks) and "taza de cerámica hecha a mano" in preview.lower()
    assert "Haz tu reserva desde el enlace de la bio." in preview
    labels = [label for label, _data in menu.buttons]
    assert "✅ lujo" in labels and "cercano" in labels and "✅ tienda" in labels
    assert "✏️ Hashtags de marca" in labels and "↺ Restablecer" in labels
    assert telegram.chat(ALICE)[1].text.startswith("✏️ Hashtags de marca: lo define tu próximo")
    assert telegram.chat(ALICE)[2].text == (
        "⚠️ tone debe ser uno de friendly, professional, playful, minimal, luxury, "
        "no 'grumpy' (INVALID_OPTION)"
    )


async def test_in_a_group_the_words_a_button_asked_for_set_the_kit(telegram, settings) -> None:
    group = -4343
    async with running(settings, telegram):
        await telegram.send_text(ALICE, "/brand@postready_bot", group=group)
        await until(lambda: telegram.chat(group))
        menu = telegram.chat(group)[0]
        await telegram.press(ALICE, menu.message_id, data(menu, ":w:s"))
        await until(lambda: len(telegram.chat(group)) == 2)
        # Someone else talking meanwhile is not the answer, and is left alone.
        await telegram.send_text(CAROL, "love this shop!", group=group)
        asked = telegram.chat(group)[1]
        await telegram.send_text(ALICE, SIGNATURE, reply_to=asked.message_id, group=group)
        await until(lambda: len(telegram.chat(group)) == 3)
    assert f"Signature: {SIGNATURE}" in telegram.chat(group)[2].text
    assert "love this shop" not in telegram.chat(group)[2].text
