"""Users and their settings."""

from __future__ import annotations

import dataclasses

from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.pipeline.brand import BrandKit
from tests.conftest import make_user

ME = UserRef("telegram", "1")


async def test_users_and_settings(store: Storage) -> None:
    user = await make_user(store)
    assert await make_user(store) == user
    assert user.ref == ME
    assert user.settings.send_previews and user.settings.account_name is None  # the defaults
    assert user.settings.hashtag_language == "both"
    other = await store.users.get_or_create(UserRef("discord", "1"))
    assert other.id != user.id
    settings = dataclasses.replace(
        user.settings,
        default_platforms=("instagram", "pinterest"),
        timezone="Europe/Berlin",
        send_as_files=True,
        send_previews=False,
        hashtag_language="mine",
        account_name="@maker.studio",
        logo_path="/data/logos/1.png",
    )
    saved = await store.users.save_settings(user.id, settings)
    assert saved.settings == settings
    assert (await make_user(store)).settings == settings


async def test_a_new_user_gets_their_chat_apps_language_and_keeps_their_own(
    store: Storage,
) -> None:
    spanish = await store.users.get_or_create(UserRef("telegram", "2"), "es")
    assert spanish.settings.language == "es"
    german = dataclasses.replace(spanish.settings, language="de")
    await store.users.save_settings(spanish.id, german)
    again = await store.users.get_or_create(UserRef("telegram", "2"), "es")
    assert again.settings.language == "de"  # chosen in /settings: the app's no longer counts
    assert await store.users.find(UserRef("telegram", "2")) == again
    assert await store.users.find(UserRef("telegram", "3")) is None  # never seen


async def test_a_brand_kit_is_kept_per_user_reset_and_forgotten(store: Storage, clock) -> None:
    user = await make_user(store)
    other = await store.users.get_or_create(UserRef("discord", "1"))
    assert (await store.brands.get(user.id)).empty  # none yet: the empty kit
    kit = BrandKit(tone="luxury", signature="Shop at example.com", hashtags=("hearthclay",),
                   handles={"instagram": "@hearthclay"})  # fmt: skip
    await store.brands.save(user.id, kit)
    assert await store.brands.get(user.id) == kit
    assert (await store.brands.get(other.id)).empty
    # The field a message sets: taken once, and only while it is fresh.
    assert not await store.brands.awaits_words(user.ref, 60)
    await store.brands.await_field(user.id, "signature")
    assert await store.brands.get(user.id) == kit
    assert await store.brands.awaits_words(user.ref, 60)  # looked at, still waited for
    assert not await store.brands.awaits_words(other.ref, 60)
    assert await store.brands.take_awaiting(user.id, 60) == "signature"
    assert not await store.brands.awaits_words(user.ref, 60)
    assert await store.brands.take_awaiting(user.id, 60) is None
    await store.brands.await_field(other.id, "avoid")
    clock.advance(120)
    assert await store.brands.take_awaiting(other.id, 60) is None
    await store.brands.reset(user.id)
    assert (await store.brands.get(user.id)).empty
    await store.brands.save(user.id, kit)
    await store.users.forget(user.ref)
    again = await make_user(store)
    assert (await store.brands.get(again.id)).empty
