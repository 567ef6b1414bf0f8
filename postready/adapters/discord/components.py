"""Buttons and select menus on Discord messages: a `Choice`'s menus and options as
components whose presses reach the bot, also for messages sent before a restart."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import discord

from postready.chat.brand import form_labels
from postready.chat.replies import Menu, Option
from postready.chat.texts import FORM_LABEL, FORM_TITLE
from postready.core.i18n import _, speaking

ACTION = "pr:"  # a button's custom id: this prefix and the option's key
PICK = "prs:"  # a select menu's custom id: this prefix and the menu's key
ASK = "pra:"  # a button that asks for words first (and its form): this prefix and the key
MAX_BUTTONS = 25  # five rows of five
MAX_SELECT_OPTIONS = 25
MAX_PLACEHOLDER = 150
MAX_OPTION_LABEL = 100
MAX_WORDS = 1000  # what a form takes; a description is a sentence or two


class ActionClient(discord.Client):
    """A client that hands every PostReady button press, menu pick and form to `on_press`
    (set by the bot): the key, for a menu the keys of the picked options, for a form the
    words; `language_of` says which language a presser's form is in."""

    on_press: Callable[
        [discord.Interaction, str, tuple[str, ...] | None, str | None], Awaitable[None]
    ]
    language_of: Callable[[discord.Interaction], Awaitable[str]]  # the user's, for forms


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
        await _hand_over(interaction, self.key, None, None)


class AskButton(discord.ui.DynamicItem[discord.ui.Button], template=r"pra:(?P<key>.+)"):
    """A button that asks for words first (`Option.asks`): its press opens a form, whose
    words come with the press. Dynamic like `ActionButton`."""

    def __init__(self, key: str, label: str = "") -> None:
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=label or None, custom_id=ASK + key, style=discord.ButtonStyle.secondary
        )
        super().__init__(button)
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AskButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        # A form must be the first answer to the press: it is not deferred. It speaks the
        # language of the user's settings, as the conversation does, not their app's.
        with speaking(await _client(interaction).language_of(interaction)):
            form = WordsForm(self.key)
        await interaction.response.send_modal(form)


class WordsForm(discord.ui.Modal):
    """The form of an `AskButton`: one paragraph of words (a brand kit's field, or new words
    for posts)."""

    def __init__(self, key: str) -> None:
        title, label = form_labels(key) or (_(FORM_TITLE), _(FORM_LABEL))
        super().__init__(title=title[:45], custom_id=ASK + key)
        self.key = key
        self.words: discord.ui.TextInput[WordsForm] = discord.ui.TextInput(
            label=label[:45], style=discord.TextStyle.paragraph, max_length=MAX_WORDS
        )
        self.add_item(self.words)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _hand_over(interaction, self.key, None, self.words.value)


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
        await _hand_over(interaction, self.key, tuple(self.item.values), None)


async def _hand_over(
    interaction: discord.Interaction, key: str, picked: tuple[str, ...] | None, words: str | None
) -> None:
    await _client(interaction).on_press(interaction, key, picked, words)


def _client(interaction: discord.Interaction) -> ActionClient:
    client = interaction.client
    assert isinstance(client, ActionClient)
    return client


def components(menus: Sequence[Menu], options: Sequence[Option]) -> discord.ui.View | None:
    """A select menu per row, then buttons in rows of five; their presses go to
    `ActionClient.on_press`."""
    if not menus and not options:
        return None
    view = discord.ui.View(timeout=None)
    for menu in menus:
        view.add_item(ActionSelect.of(menu))
    for option in options[: MAX_BUTTONS - len(menus) * 5]:
        label = option.label[:80]
        asks = option.asks
        view.add_item(
            AskButton(option.key, label)
            if asks
            else ActionButton(option.key, label, option.selected)
        )
    return view
