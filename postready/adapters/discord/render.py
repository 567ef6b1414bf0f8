"""The bot's replies as Discord messages: the interaction's original response (the status line),
followups (files, one embed per platform post), or plain channel messages once the interaction's
15-minute token has expired. The token is kept in the database, so a job resumed after a restart
still answers in its conversation. Discord's errors reach the conversation as worth another try
or final."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
from discord.utils import DEFAULT_FILE_SIZE_LIMIT_BYTES, format_dt

from postready.adapters.discord.components import components
from postready.adapters.discord.interaction_tokens import InteractionToken, InteractionTokens
from postready.chat.messages import Photo
from postready.chat.replies import (
    Album,
    Choice,
    Copyable,
    Files,
    MediaItem,
    Menu,
    Option,
    Progress,
    Reply,
    Schedule,
    Text,
    split_text,
)
from postready.chat.sending import PermanentSendError, TransientSendError
from postready.core.i18n import _

log = logging.getLogger(__name__)
# An interaction's original response: Discord's name for it in webhook routes. Its handle in
# the conversation is `@original:<message id>`, so that past the token's 15 minutes the bot can
# still edit it as its own message in the channel.
ORIGINAL = "@original"
MAX_FILES = 10  # attachments per message
MAX_CONTENT = 2000  # characters of a message's content
MAX_TITLE = 256
MAX_DESCRIPTION = 4096  # an embed's description
MAX_EMBEDS_TOTAL = 6000  # characters of all embeds of one message
MAX_EMBEDS = 10
MAX_ALT_TEXT = 1024
_FENCE = "```"
_BROKEN_FENCE = "`\u200b``"  # shows as ``` but does not close a code block


@dataclass
class Message:
    """One message to send: text, embeds or files, and buttons."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[MediaItem] = field(default_factory=list)
    buttons: tuple[Option, ...] = ()
    menus: tuple[Menu, ...] = ()


def chat_key(interaction: discord.Interaction) -> str:
    """A conversation is one interaction in its channel: `channel:interaction`."""
    return f"{interaction.channel_id}:{interaction.id}"


def file_batches(items: Sequence[MediaItem], limit: int) -> tuple[list[list[MediaItem]], list[str]]:
    """`items` in messages of at most ten files and `limit` bytes each, in order; files over
    the limit on their own are left out and named in the second list."""
    batches: list[list[MediaItem]] = []
    too_big: list[str] = []
    total = limit + 1
    for item in items:
        size = item.path.stat().st_size
        if size > limit:
            too_big.append(f"{item.label} ({size / 1_000_000:.1f} MB)")
            continue
        if total + size > limit or len(batches[-1]) == MAX_FILES:
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += size
    return batches, too_big


def _code_block(text: str) -> str:
    # A fence inside the caption would end the block early.
    return f"{_FENCE}\n{text.replace(_FENCE, _BROKEN_FENCE)}\n{_FENCE}"


def _pieces(part: str | Copyable | Schedule, limit: int) -> list[str]:
    match part:
        case Copyable(text=text):
            room = limit - len(_code_block(""))
            return [_code_block(chunk) for chunk in split_text(text, room)]
        case Schedule(heading=heading, slots=slots):
            lines = [f"• {format_dt(s.start, 'F')} – {format_dt(s.end, 't')}" for s in slots]
            return split_text("\n".join([f"**{heading}**", *lines]), limit)
        case str():
            return split_text(part, limit)


def post_embeds(text: Text) -> list[discord.Embed]:
    """A post as embeds: its first paragraph the title, the rest the description, continued
    in further embeds past 4096 characters."""
    title, *rest = text.parts
    title_text = title if isinstance(title, str) else title.text
    pieces = [piece for part in rest for piece in _pieces(part, MAX_DESCRIPTION)]
    descriptions = _pack(pieces, MAX_DESCRIPTION)
    embeds = [discord.Embed(title=title_text[:MAX_TITLE], description=d) for d in descriptions]
    return embeds or [discord.Embed(title=title_text[:MAX_TITLE])]


def embed_messages(embeds: Sequence[discord.Embed]) -> list[Message]:
    """Embeds in messages of at most ten and 6000 characters each."""
    messages: list[Message] = []
    total = MAX_EMBEDS_TOTAL + 1
    for embed in embeds:
        size = len(embed)
        if total + size > MAX_EMBEDS_TOTAL or len(messages[-1].embeds) == MAX_EMBEDS:
            messages.append(Message())
            total = 0
        messages[-1].embeds.append(embed)
        total += size
    return messages


def plain(text: Text) -> list[str]:
    """Text as message contents, copyable parts in code blocks."""
    return _pack(
        [piece for part in text.parts for piece in _pieces(part, MAX_CONTENT)], MAX_CONTENT
    )


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Pieces (each within `limit`) joined by blank lines into as few texts as fit `limit`."""
    texts: list[str] = []
    for piece in pieces:
        joined = f"{texts[-1]}\n\n{piece}" if texts else None
        if joined is not None and len(joined) <= limit:
            texts[-1] = joined
        else:
            texts.append(piece)
    return texts


def messages_for(reply: Reply, file_limit: int) -> list[Message]:
    match reply:
        case Album(items=items) | Files(items=items):
            batches, too_big = file_batches(items, file_limit)
            # An attachment shows no caption: the message says which file is for what.
            messages = [Message(_labels(batch), files=batch) for batch in batches]
            if too_big:
                note = _("Too large to upload here: {files}").format(files=", ".join(too_big))
                messages.append(Message(content=note[:MAX_CONTENT]))
            return messages
        case Text() if any(isinstance(p, Copyable) for p in reply.parts):
            messages = embed_messages(post_embeds(reply))
        case Text():
            messages = [Message(content=c) for c in plain(reply)]
        case Choice(prompt=prompt, rows=rows, menus=menus):
            buttons = tuple(o for row in rows for o in row)
            return [Message(content=prompt, buttons=buttons, menus=menus)]
        case Progress():
            return [Message(content=reply.bar)]
    messages[-1].buttons = reply.actions
    return messages


def _labels(items: Sequence[MediaItem]) -> str:
    return "\n".join(f"{n}. {item.label}" for n, item in enumerate(items, 1))[:MAX_CONTENT]


def _first_line(reply: Text | Progress | Choice) -> str:
    match reply:
        case Progress():
            return reply.bar
        case Choice():
            return reply.prompt
        case Text():
            return (plain(reply) or [""])[0]


def _files(items: Sequence[MediaItem]) -> list[discord.File]:
    return [
        discord.File(
            item.path,
            filename=item.path.name,
            description=(item.alt_text or item.label)[:MAX_ALT_TEXT],
        )
        for item in items
    ]


@contextmanager
def translated_errors() -> Iterator[None]:
    """Discord's errors as `TransientSendError` (a 5xx or 429 that discord.py's own retries did
    not get past, a timeout, a failed connection) or `PermanentSendError` (a request Discord
    refused: 400, 403, 404, ...)."""
    try:
        yield
    except discord.RateLimited as exc:  # a wait longer than the client would sleep itself
        raise TransientSendError(str(exc), exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:
            raise TransientSendError(str(exc), _retry_after(exc)) from exc
        if exc.status >= 500:  # DiscordServerError among them
            raise TransientSendError(str(exc)) from exc
        raise PermanentSendError(str(exc)) from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
    except discord.DiscordException as exc:  # the client refused it (an interaction answered)
        raise PermanentSendError(f"{type(exc).__name__}: {exc}") from exc


def _retry_after(exc: discord.HTTPException) -> float | None:
    value = exc.response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Answerer:
    """How one conversation is answered: through its live interaction, or after a restart
    through the webhook its stored token still opens (for 15 minutes after it was sent)."""

    followup: discord.Webhook
    file_limit: int
    interaction: discord.Interaction | None  # None: rebuilt from the stored token

    async def edit_original(self, **kwargs: Any) -> discord.Message:
        if self.interaction is not None:
            return await self.interaction.edit_original_response(**kwargs)
        # `@original` is Discord's id for an interaction's response in the webhook routes;
        # discord.py puts the id into the route as given.
        # discord.py types the id as an int; "@original" is a str it passes on unchanged.
        return await self.followup.edit_message(ORIGINAL, **kwargs)  # type: ignore[call-overload]


class DiscordOutput:
    """`ChatOutput` for one client: answers interactions, or posts in their channel once they
    have expired."""

    def __init__(self, client: discord.Client, tokens: InteractionTokens) -> None:
        self._client = client
        self._tokens = tokens
        self._interactions: dict[str, discord.Interaction] = {}
        self._thinking: set[str] = set()  # deferred, original response not yet shown
        self._messages: dict[int, tuple[str, str]] = {}  # message → (chat id, message id)

    async def fetch(self, photo: Photo) -> bytes:
        """An attachment's bytes, from Discord's CDN by its URL (as `Attachment.read` does)."""
        return await self._client.http.get_from_cdn(photo.ref)

    async def track(self, interaction: discord.Interaction) -> str:
        """Remember a deferred interaction (its token also in the database, for a job that
        outlives this run); returns its chat id."""
        expired = {k for k, i in self._interactions.items() if i.is_expired()}
        for key in expired:
            del self._interactions[key]
            self._thinking.discard(key)
        self._messages = {
            m: where for m, where in self._messages.items() if where[0] not in expired
        }
        key = chat_key(interaction)
        self._interactions[key] = interaction
        self._thinking.add(key)
        token = InteractionToken(
            interaction.token, interaction.filesize_limit, interaction.expires_at.timestamp()
        )
        await self._tokens.save(key, token)
        return key

    async def _answerer(self, chat_id: str) -> _Answerer | None:
        interaction = self._interactions.get(chat_id)
        if interaction is not None and not interaction.is_expired():
            return _Answerer(interaction.followup, interaction.filesize_limit, interaction)
        stored = await self._tokens.get(chat_id)
        app_id = self._client.application_id
        if stored is None or app_id is None:
            return None
        webhook = discord.Webhook.partial(app_id, stored.token, client=self._client)
        return _Answerer(webhook, stored.file_limit, None)

    def locate(self, interaction: discord.Interaction) -> tuple[str, str]:
        """The chat and message id of the message whose button was pressed."""
        message = interaction.message
        assert message is not None
        known = self._messages.get(message.id)
        if known is not None:
            return known
        # Sent before a restart: its conversation is the interaction that made it, and it is
        # that interaction's response unless Discord names another as the original.
        origin = message.interaction_metadata
        key = f"{message.channel.id}:{origin.id if origin else message.id}"
        if origin is not None and origin.original_response_message_id is None:
            return key, f"{ORIGINAL}:{message.id}"
        return key, str(message.id)

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        with translated_errors():
            return await self._send(chat_id, reply)

    async def _send(self, chat_id: str, reply: Reply) -> str | None:
        answerer = await self._answerer(chat_id)
        if answerer is None:
            return await self._to_channel(chat_id, reply)
        # A rebuilt webhook cannot send ephemeral messages (discord.py allows them only on
        # the interaction's own), and nothing a resumed job says is private.
        private = isinstance(reply, Text) and reply.private and answerer.interaction is not None
        interaction = answerer.interaction
        # Whatever comes first ends "thinking…": a followup takes the response's place. It
        # ends once Discord took it, so that a failed try is tried again the same way.
        if chat_id in self._thinking and isinstance(reply, Text | Progress | Choice):
            assert interaction is not None  # only this run's interactions are thinking
            if not private:
                shown = await interaction.edit_original_response(**_edit_kwargs(reply))
                self._thinking.discard(chat_id)
                handle = f"{ORIGINAL}:{shown.id}"
                self._messages[shown.id] = (chat_id, handle)
                return handle
            # The "thinking…" response is public; an ephemeral line must be a new message.
            await interaction.delete_original_response()
            self._thinking.discard(chat_id)
        sent: discord.WebhookMessage | None = None
        for message in messages_for(reply, answerer.file_limit):
            sent = await answerer.followup.send(**_kwargs(message), ephemeral=private, wait=True)
            self._thinking.discard(chat_id)
            self._messages[sent.id] = (chat_id, str(sent.id))
        return str(sent.id) if sent is not None else None

    async def edit(self, chat_id: str, message_id: str, reply: Text | Progress | Choice) -> None:
        answerer = await self._answerer(chat_id)
        kwargs = _edit_kwargs(reply)
        original, _, number = message_id.rpartition(":")
        if not number.isdigit():
            log.info("edit_skipped chat=%s message=%s reason=unknown", chat_id, message_id)
            return
        try:
            with translated_errors():
                if answerer is not None and original == ORIGINAL:
                    await answerer.edit_original(**kwargs)
                    self._thinking.discard(chat_id)
                elif answerer is not None:
                    await answerer.followup.edit_message(int(number), **kwargs)
                else:
                    # The token has expired (15 minutes): the bot edits its own message instead.
                    channel = self._client.get_partial_messageable(int(chat_id.split(":")[0]))
                    await channel.get_partial_message(int(number)).edit(**kwargs)
        except PermanentSendError as exc:
            # A message the user dismissed, or one this bot can no longer edit.
            log.info("edit_skipped chat=%s message=%s reason=%s", chat_id, message_id, exc)

    async def _to_channel(self, chat_id: str, reply: Reply) -> str | None:
        channel = self._client.get_partial_messageable(int(chat_id.split(":")[0]))
        sent: discord.Message | None = None
        for message in messages_for(reply, DEFAULT_FILE_SIZE_LIMIT_BYTES):
            sent = await channel.send(**_kwargs(message))
        return str(sent.id) if sent is not None else None


def _edit_kwargs(reply: Text | Progress | Choice) -> dict[str, Any]:
    """An edit shows one line of text (a post: its embeds, as many as one message takes), and
    the reply's menus and buttons (none: they are removed)."""
    menus: tuple[Menu, ...] = ()
    match reply:
        case Choice(rows=rows, menus=menus):
            options: tuple[Option, ...] = tuple(o for row in rows for o in row)
        case Text(actions=actions):
            options = actions
            if any(isinstance(p, Copyable) for p in reply.parts):
                embeds = embed_messages(post_embeds(reply))[0].embeds
                return {"content": None, "embeds": embeds, "view": components((), options)}
        case Progress():
            options = ()
    return {"content": _first_line(reply), "embeds": [], "view": components(menus, options)}


def _kwargs(message: Message) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if message.content:
        kwargs["content"] = message.content
    if message.embeds:
        kwargs["embeds"] = message.embeds
    if message.files:
        kwargs["files"] = _files(message.files)
    view = components(message.menus, message.buttons)
    if view is not None:
        kwargs["view"] = view
    return kwargs
