"""Buttons and select menus on Discord messages: a `Choice`'s menus and options as
components whose presses reach the bot, also for messages sent before a restart."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import discord

from postready.chat.replies import Menu, Option

ACTION = "pr:"  # a button's custom id: this prefix and the option's key
PICK = "prs:"  # a select menu's custom id: this prefix and the menu's key
MAX_BUTTONS = 25  # five rows of five
MAX_SELECT_OPTIONS = 25
MAX_PLACEHOLDER = 150
MAX_OPTION_LABEL = 100


class ActionClient(discord.Client):
    """A client that hands every PostReady button press and menu pick to `on_press` (set by
    the bot): the key, and for a menu the keys of the picked options."""

    on_press: Callable[[discord.Interaction, str, tuple[str, ...] | None], Awaitable[None]]


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=r"pr:(?P<key>.+)"):
    """A button of a `Choice` or of a post's actions. Dynamic: it works for any message with
    such a custom id, also those sent before a restart."""

    def __init__(self, key: str, label: str = "", selected: bool = False) -> None:
        style = discord.ButtonStyle.success if selected else discord.ButtonStyle.secondary
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=label or None, custom_id=ACTION + key, style=style
        )
        super().__init__(button)
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ActionButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _hand_over(interaction, self.key, None)


class ActionSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"prs:(?P<key>.+)"):
    """A `Menu` as a select menu; dynamic like `ActionButton`."""

    def __init__(self, key: str, select: discord.ui.Select) -> None:
        super().__init__(select)
        self.key = key

    @classmethod
    def of(cls, menu: Menu) -> ActionSelect:
        options = menu.options[:MAX_SELECT_OPTIONS]
        select: discord.ui.Select = discord.ui.Select(
            custom_id=PICK + menu.key,
            placeholder=menu.placeholder[:MAX_PLACEHOLDER],
            min_values=0 if menu.multiple else 1,
            max_values=len(options) if menu.multiple else 1,
            options=[
                discord.SelectOption(
                    label=o.label[:MAX_OPTION_LABEL], value=o.key, default=o.selected
                )
                for o in options
            ],
        )
        return cls(menu.key, select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ActionSelect:
        return cls(match["key"], cast(discord.ui.Select[discord.ui.View], item))  # what it wraps

    async def callback(self, interaction: discord.Interaction) -> None:
        await _hand_over(interaction, self.key, tuple(self.item.values))


async def _hand_over(
    interaction: discord.Interaction, key: str, picked: tuple[str, ...] | None
) -> None:
    client = interaction.client
    assert isinstance(client, ActionClient)
    await client.on_press(interaction, key, picked)


def components(menus: Sequence[Menu], options: Sequence[Option]) -> discord.ui.View | None:
    """A select menu per row, then buttons in rows of five; their presses go to
    `ActionClient.on_press`."""
    if not menus and not options:
        return None
    view = discord.ui.View(timeout=None)
    for menu in menus:
        view.add_item(ActionSelect.of(menu))
    for option in options[: MAX_BUTTONS - len(menus) * 5]:
        view.add_item(ActionButton(option.key, option.label[:80], option.selected))
    return view
