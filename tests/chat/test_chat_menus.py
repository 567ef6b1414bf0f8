"""The settings buttons and the style buttons: what pressing does, and short button data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from postready.chat.settings import apply, owner, settings_menu
from postready.chat.styles import keyboard
from postready.core.identity import UserRef
from postready.core.storage.models import StyleChoice, User, UserSettings
from postready.pipeline.platforms import DEFAULT_PLATFORMS, PLATFORMS

USER = User(1, UserRef("telegram", "9" * 15), UserSettings())


def test_platform_buttons_toggle_and_come_back_to_the_default_set() -> None:
    key = f"set:{USER.ref.platform_user_id}:p:pinterest"
    without = apply(USER.settings, key)
    assert without.default_platforms == tuple(k for k in DEFAULT_PLATFORMS if k != "pinterest")
    assert apply(without, key).default_platforms == ()  # the default set again
    # A platform beyond the default set is added to it, and shown ticked.
    more = apply(USER.settings, f"set:{USER.ref.platform_user_id}:p:mastodon")
    assert more.default_platforms == (*DEFAULT_PLATFORMS, "mastodon")
    menu = settings_menu(dataclasses.replace(USER, settings=more))
    ticked = [o.label for row in menu.button_rows() for o in row if ":p:" in o.key and o.selected]
    assert ticked == [PLATFORMS[k].display_name for k in more.default_platforms]
    only = UserSettings(default_platforms=("x",))
    assert apply(only, f"set:{USER.ref.platform_user_id}:p:x").default_platforms == ()
    assert apply(only, f"set:{USER.ref.platform_user_id}:p:nonsense") == only
    assert owner(key) == USER.ref.platform_user_id
    assert owner("set") == owner(f"set:{USER.ref.platform_user_id}") == ""  # forged data


def test_files_and_logo_position() -> None:
    changed = apply(apply(USER.settings, "set:1:f"), "set:1:l:top-left")
    assert changed.send_as_files and changed.logo_position == "top-left"


def test_the_previews_button_turns_them_off_and_on() -> None:
    menu = settings_menu(USER)
    (button,) = [o for row in menu.rows for o in row if o.label == "Send feed previews"]
    assert button.selected and "• previews: on" in menu.prompt
    off = apply(USER.settings, button.key)
    assert not off.send_previews and apply(off, button.key).send_previews


def test_time_zone_buttons() -> None:
    menu = settings_menu(USER)
    zones = [o for row in menu.button_rows() for o in row if ":t:" in o.key]
    assert [o.label for o in zones if o.selected] == ["UTC"]
    assert "New York" in [o.label for o in zones]
    moved = apply(USER.settings, f"set:{USER.ref.platform_user_id}:t:America/New_York")
    assert moved.timezone == "America/New_York"
    assert apply(USER.settings, "set:1:t:Mars/Olympus") == USER.settings  # forged zone
    # A zone set by text stays visible and selected among the buttons.
    lima = User(1, UserRef("telegram", "7"), UserSettings(timezone="America/Lima"))
    selected = [o.label for row in settings_menu(lima).button_rows() for o in row if o.selected]
    assert "Lima" in selected


def test_button_data_fits_telegram() -> None:
    menu = settings_menu(USER)
    choice = StyleChoice(
        10**12, USER.ref, "1", "2", Path("p"), "", ("x",), "", ("solid_background",),
        "White", True, 0.0,
    )  # fmt: skip
    styles = keyboard(choice)
    keys = [o.key for c in (menu, styles) for row in c.button_rows() for o in row]
    assert max(len(k.encode()) for k in keys) <= 64
    # Styles in pairs, 15 colours in fives, Generate/Skip.
    assert len(styles.button_rows()) == 4 + 3 + 1


def test_a_menu_pick_sets_what_was_picked() -> None:
    menu = settings_menu(USER)
    platforms, zones, languages, positions = menu.menus
    assert platforms.multiple and not zones.multiple and not positions.multiple
    assert not languages.multiple
    assert platforms.key == f"set:{USER.ref.platform_user_id}:p"
    by_label = {o.label: o.key for m in menu.menus for o in m.options}
    picked = apply(USER.settings, platforms.key, (by_label["Instagram"], by_label["X"]))
    assert picked.default_platforms == ("instagram", "x")
    assert apply(picked, platforms.key, ()).default_platforms == ()  # none: every platform
    assert apply(USER.settings, zones.key, (by_label["Tokyo"],)).timezone == "Asia/Tokyo"
    assert apply(USER.settings, positions.key, (by_label["centre"],)).logo_position == "centre"
    assert apply(USER.settings, languages.key, (by_label["Español"],)).language == "es"
    (albums, _files), (_previews, hashtags) = menu.rows
    separate = apply(USER.settings, albums.key)  # a button: pressed, it toggles
    assert albums.selected and USER.settings.album_carousel and not separate.album_carousel
    assert apply(separate, albums.key).album_carousel
    assert apply(USER.settings, "set:1:g:xx") == USER.settings  # a language not spoken
    assert hashtags.label == "Hashtags: both" and USER.settings.hashtag_language == "both"
    mine = apply(USER.settings, hashtags.key)
    assert mine.hashtag_language == "mine"  # then English, then both again
    assert apply(apply(mine, hashtags.key), hashtags.key) == USER.settings
    # An option of another menu, or two picks in a pick-one menu, change nothing.
    assert apply(USER.settings, zones.key, (by_label["centre"],)) == USER.settings
    both = (by_label["Tokyo"], by_label["UTC"])
    assert apply(USER.settings, zones.key, both) == USER.settings
