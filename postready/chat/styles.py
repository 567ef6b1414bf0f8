"""Buttons to pick product-photography styles before a product photo's job is queued.

The photo waits in SQLite (`style_choices`) with what its owner has picked so far; Generate,
Skip or the timeout closes it exactly once and hands it to the queue. Button data is short
(`st:<id>:<op>`), so a keyboard from before a restart still works."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from postready.chat.replies import Choice, Menu, Option, Text
from postready.core.i18n import N_, _
from postready.core.identity import UserRef
from postready.core.storage.models import NewStyleChoice, StyleChoice
from postready.core.storage.repositories import ChatStateRepository
from postready.pipeline.photography import COLOURS, STYLES

log = logging.getLogger(__name__)
PREFIX = "st"
CHOICE_SECONDS = 600.0  # no answer in 10 minutes: the photo goes on without styles
SOLID = "solid_background"
STYLES_MENU, COLOUR_MENU = "styles", "colour"  # a select menu's whole pick
_COLOURS = list(COLOURS)
PROMPT = N_(
    "This looks like a product shot. Pick photography styles to render as well, then "
    "Generate — or Skip."
)

# Queues the closed choice with these styles and background colour (no styles: skip).
Submit = Callable[[StyleChoice, tuple[str, ...], str], Awaitable[None]]


class Editor(Protocol):
    async def edit(self, chat_id: str, message_id: str, reply: Choice | Text) -> None: ...


def keyboard(choice: StyleChoice) -> Choice:
    def key(op: str) -> str:
        return f"{PREFIX}:{choice.id}:{op}"

    def option(op: str, label: str, selected: bool = False) -> Option:
        return Option(key(op), label, selected)

    styles = tuple(
        option(name, _(style.name), name in choice.chosen) for name, style in STYLES.items()
    )
    menus = [Menu(key(STYLES_MENU), _("Styles"), styles, multiple=True, columns=2)]
    if SOLID in choice.chosen:
        colours = tuple(
            option(f"c{n}", _(name), name == choice.colour) for n, name in enumerate(_COLOURS)
        )
        menus.append(Menu(key(COLOUR_MENU), _("Background colour"), colours, columns=5))
    buttons = (option("go", _("Generate")), option("skip", _("Skip")))
    return Choice(_(PROMPT), (buttons,), tuple(menus))


class StylePicker:
    def __init__(
        self,
        chats: ChatStateRepository,
        editor: Editor,
        submit: Submit,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chats = chats
        self._editor = editor
        self._submit = submit
        self._clock = clock
        self._timers: dict[int, asyncio.Task[None]] = {}

    async def offer(
        self, request: NewStyleChoice, send: Callable[[Choice], Awaitable[str | None]]
    ) -> None:
        """Keep the request (its photo saved at `source_path`, which it now owns) and show the
        style buttons (through `send`). Offered before (the same `request_key`, handled again
        after a crash): that choice's buttons again, or nothing once it is decided."""
        choice = await self._chats.add_style_choice(request)
        if choice.source_path != request.source_path:  # offered before, with its own copy
            request.source_path.unlink(missing_ok=True)
        if not choice.open:
            return
        message_id = await send(keyboard(choice))
        await self._chats.update_style_choice(choice.id, choice.chosen, choice.colour, message_id)
        if choice.id not in self._timers:
            self._schedule(choice)

    async def resume(self) -> None:
        """Restart the timeouts of choices left open by a previous run."""
        for choice in await self._chats.open_style_choices():
            self._schedule(choice)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        await asyncio.gather(*self._timers.values(), return_exceptions=True)

    async def press(
        self, presser: UserRef, key: str, picked: tuple[str, ...] | None = None
    ) -> str | None:
        """A style button, or a menu's whole pick (`picked`: the picked options' keys);
        returns an alert for the presser, or None."""
        _prefix, choice_id, op = [*key.split(":", 2), "", ""][:3]
        choice = await self._chats.get_style_choice(int(choice_id)) if choice_id.isdigit() else None
        if choice is None:
            return _("This choice has expired; send the photo again.")
        if choice.user != presser:
            return _("Only the person who sent the photo can choose its styles.")
        if not choice.open:
            return None  # already decided: a second press changes nothing
        if op in ("go", "skip"):
            await self._decide(choice.id, choice.chosen if op == "go" else ())
            return None
        chosen, colour = choice.chosen, choice.colour
        ops = [p.rpartition(":")[2] for p in picked or ()]
        if op == STYLES_MENU and picked is not None:
            chosen = tuple(k for k in STYLES if k in ops)
        elif op in STYLES:
            chosen = tuple(k for k in STYLES if (k in chosen) != (k == op))
        else:
            colour = _colour(ops[0] if op == COLOUR_MENU and ops else op, colour)
        updated = await self._chats.update_style_choice(
            choice.id, chosen, colour, choice.message_id
        )
        if updated is not None and updated.message_id is not None:
            await self._editor.edit(updated.chat_id, updated.message_id, keyboard(updated))
        return None

    def _schedule(self, choice: StyleChoice) -> None:
        delay = max(0.0, choice.created_at + CHOICE_SECONDS - self._clock())
        self._timers[choice.id] = asyncio.create_task(self._expire(choice.id, delay))

    async def _expire(self, choice_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self._decide(choice_id, ())
        except Exception:
            # Nobody awaits a timer, so log here; the choice stays closed.
            log.exception("style_choice_timeout_failed choice=%s", choice_id)

    async def _decide(self, choice_id: int, styles: tuple[str, ...]) -> None:
        closed = await self._chats.close_style_choice(choice_id)
        if closed is None:
            return
        timer = self._timers.pop(choice_id, None)
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()
        try:
            await self._submit(closed, styles, closed.colour)
        finally:
            with contextlib.suppress(OSError):
                closed.source_path.unlink()


def _colour(op: str, current: str) -> str:
    """The colour a `c<n>` option names; `current` for anything else."""
    number = op[1:]
    if op.startswith("c") and number.isdigit() and int(number) < len(_COLOURS):
        return _COLOURS[int(number)]
    return current
