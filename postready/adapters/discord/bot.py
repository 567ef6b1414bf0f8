"""The Discord bot: a discord.py client with application commands on the worker pool's loop.

Slash commands become the same `Incoming` messages Telegram's chat sends (one command grammar
for both); the interaction is deferred at once, and its original response becomes the job's
status line."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from postready.adapters.discord.components import (
    ActionButton,
    ActionClient,
    ActionSelect,
    AskButton,
)
from postready.adapters.discord.interaction_tokens import InteractionTokens
from postready.adapters.discord.render import DiscordOutput, chat_key
from postready.adapters.discord.translator import CatalogTranslator
from postready.adapters.http.server import Route
from postready.chat.commands import Command, CommandError, optimize_options
from postready.chat.conversation import ChatService
from postready.chat.delivery import Delivery, delivery_only
from postready.chat.messages import ChatSetup, Incoming, Photo
from postready.chat.replies import Text
from postready.chat.texts import ADMIN_COMMANDS, COMMANDS, SOMETHING_WENT_WRONG, error_line
from postready.core.access import AccessRules
from postready.core.config.settings import Settings
from postready.core.i18n import N_, speaking, supported
from postready.core.queue.api import JobQueue
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.platforms import ALL_PLATFORMS_WORD, PLATFORMS

log = logging.getLogger(__name__)
PLATFORM = "discord"
COMMANDS_DIGEST = "discord_commands.sha256"  # in the data directory: what was last synced
MAX_CHOICES = 25  # autocomplete suggestions Discord shows
MAX_PHOTOS = 10  # `/optimize image … image10`: one carousel post (attachments per message)
_ABOUT = dict(COMMANDS + ADMIN_COMMANDS)
_OPTIONS = {
    "settings": N_("e.g. timezone Europe/London, platforms instagram x, language de"),
    "brand": N_("e.g. reset, tone luxury, signature Shop at example.com"),
    "status": N_("a job number (default: your latest)"),
    "cancel": N_("a job number (default: your latest)"),
    "stats": N_("nothing needed"),
    "block": N_("the user's id"),
    "unblock": N_("the user's id"),
}
_ANOTHER_PHOTO = N_("another photo of the same carousel post")
_TRANSLATOR = CatalogTranslator()


def discord_frontend(settings: Settings) -> DiscordFrontend:
    """The bot for `settings`; INVALID_OPTION when no token is configured."""
    if settings.discord.bot_token is None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_(
                "DISCORD_BOT_TOKEN is not set; create an application at "
                "https://discord.com/developers/applications and set its bot token"
            ),
        )
    return DiscordFrontend(settings)


class DiscordFrontend:
    """A `jobs.Frontend`: receives interactions over the gateway and answers them.
    `receive=False`: it only delivers jobs' updates over Discord's HTTP API, with the stored
    interaction tokens (a worker process's, while the bot's own process is on the gateway)."""

    platform = PLATFORM

    def __init__(self, settings: Settings, *, receive: bool = True) -> None:
        assert settings.discord.bot_token is not None
        self._settings = settings
        self._receive = receive
        self._delivery: Delivery | None = None
        # Application commands need no privileged intents.
        self._client = ActionClient(intents=discord.Intents(guilds=True))
        self._client.on_press = self._on_press
        self._client.language_of = self._language_of
        self._client.add_dynamic_items(ActionButton, ActionSelect, AskButton)
        self._tree = app_commands.CommandTree(self._client)
        self._tree.error(self._on_error)
        self._output: DiscordOutput | None = None  # needs the storage: made in `start`
        self._service: ChatService | None = None
        self._gateway: asyncio.Task[None] | None = None
        self._add_commands()

    async def start(self, storage: Storage, queue: JobQueue) -> None:
        """Log in, register the commands if they changed, and connect to the gateway."""
        assert self._settings.discord.bot_token is not None
        try:
            await self._client.login(self._settings.discord.bot_token.get_secret_value())
            if self._receive:
                await self._sync_commands()
        except discord.LoginFailure:
            await self._client.close()
            raise PostReadyError(
                ErrorCode.INVALID_OPTION, N_("DISCORD_BOT_TOKEN was refused by Discord")
            ) from None
        except BaseException:
            await self._client.close()
            raise
        self._output = DiscordOutput(self._client, InteractionTokens(storage.database))
        setup = ChatSetup(
            PLATFORM,
            storage,
            queue,
            self._output,
            self._settings.storage.data_dir,
            self._settings.queue.reply_retry_seconds,
            access=AccessRules.from_settings(self._settings.access),
        )
        if not self._receive:
            self._delivery = delivery_only(setup)
            log.info("discord_delivering bot=%s", self._client.user)
            return
        self._service = ChatService(setup)
        await self._service.start()
        self._gateway = asyncio.create_task(self._client.connect(), name="discord-gateway")
        log.info("discord_started bot=%s", self._client.user)

    async def stop(self) -> None:
        if self._service is not None:
            await self._service.stop()
        await self._client.close()
        if self._gateway is not None:
            await self._gateway
        log.info("discord_stopped")

    async def problem(self) -> str | None:
        if not self._receive:
            return None
        if self._client.is_closed() or not self._client.is_ready():
            return "not connected to Discord's gateway"
        return None

    def http_routes(self) -> list[Route]:
        return []  # Discord's gateway brings everything

    async def on_job_update(self, update: JobUpdate) -> None:
        if self._service is not None:
            await self._service.on_job_update(update)
        elif self._delivery is not None:
            await self._delivery.on_job_update(update)

    async def _sync_commands(self) -> None:
        """Discord limits how many commands a bot may create a day: sync only when they differ
        from the last sync (or when asked to)."""
        digest = await self.commands_digest()
        path: Path = self._settings.storage.data_dir / COMMANDS_DIGEST
        known = path.read_text().strip() if path.is_file() else ""
        if known == digest and not self._settings.discord.sync_commands:
            return
        await self._tree.set_translator(_TRANSLATOR)
        synced = await self._tree.sync()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest)
        log.info("discord_commands_synced count=%d", len(synced))

    async def commands_digest(self) -> str:
        """A hash of the application commands as they would be registered, translations
        included."""
        payload = [
            await command.get_translated_payload(self._tree, _TRANSLATOR)
            for command in self._tree.get_commands()
        ]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def _add_commands(self) -> None:
        @self._tree.command(name="optimize", description=N_("Ready-to-post images and posts"))
        @app_commands.describe(
            image=N_("the photo (the first, with image2… for one carousel post)"),
            platforms=N_("e.g. instagram pinterest (default: your platforms, or all)"),
            description=N_("what the photo shows, woven into the captions"),
            **{
                f"image{n}": N_("another photo of the same carousel post")
                for n in range(2, MAX_PHOTOS + 1)
            },
        )
        async def optimize(
            interaction: discord.Interaction,
            image: discord.Attachment,
            platforms: str = "",
            description: str = "",
            image2: discord.Attachment | None = None,
            image3: discord.Attachment | None = None,
            image4: discord.Attachment | None = None,
            image5: discord.Attachment | None = None,
            image6: discord.Attachment | None = None,
            image7: discord.Attachment | None = None,
            image8: discord.Attachment | None = None,
            image9: discord.Attachment | None = None,
            image10: discord.Attachment | None = None,
        ) -> None:
            # Parsed apart: a description that starts with a platform's name stays whole.
            command = optimize_options(platforms, description)
            more = (image2, image3, image4, image5, image6, image7, image8, image9, image10)
            photos = tuple(_photo(a) for a in (image, *more) if a is not None)
            await self._converse(interaction, "/optimize", photos, command=command)

        @optimize.autocomplete("platforms")
        async def complete_platforms(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=c, value=c) for c in platform_completions(current)]

        @self._tree.context_menu(name="Optimize for social")
        async def optimize_message(interaction: discord.Interaction, message: discord.Message):
            photos = tuple(_photo(a) for a in message.attachments if _maybe_image(a))
            if not photos:
                line = N_("that message has no image attached; pick one with a photo")
                with speaking(await self._language_of(interaction)):
                    shown = error_line(ErrorCode.INVALID_IMAGE_FORMAT, line)
                await interaction.response.send_message(shown, ephemeral=True)
                return
            await self._converse(interaction, "/optimize", photos)

        @self._tree.command(name="logo", description=_ABOUT["logo"])
        @app_commands.describe(
            image=N_("your logo (PNG with transparency works best)"),
            option=N_("a position (bottom-right, top-left, center, …) or off"),
        )
        async def logo(
            interaction: discord.Interaction,
            image: discord.Attachment | None = None,
            option: str = "",
        ) -> None:
            photos = () if image is None else (_photo(image),)
            await self._converse(interaction, f"/logo {option}".strip(), photos, private=True)

        for name, about in COMMANDS:
            if name not in ("optimize", "logo"):
                self._tree.add_command(self._text_command(name, about))
        for name, about in ADMIN_COMMANDS:
            # Shown to the guild's managers only; the bot checks its own admins list anyway.
            command = self._text_command(name, about)
            self._tree.add_command(app_commands.default_permissions(manage_guild=True)(command))

    def _text_command(self, name: str, about: str) -> app_commands.Command:
        """`/name options`, answered privately (settings, status, history, …)."""

        async def callback(interaction: discord.Interaction, options: str = "") -> None:
            await self._converse(interaction, f"/{name} {options}".strip(), private=True)

        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=name, description=about[:100], callback=callback
        )
        about_options = locale_str(_OPTIONS.get(name, N_("optional words")))
        return app_commands.describe(options=about_options)(command)

    async def _converse(
        self,
        interaction: discord.Interaction,
        text: str,
        photos: tuple[Photo, ...] = (),
        *,
        private: bool = False,
        command: Command | CommandError | None = None,
    ) -> None:
        """Defer at once (Discord waits 3 seconds), then let the conversation answer."""
        await interaction.response.defer(thinking=True, ephemeral=private)
        assert self._service is not None and self._output is not None
        chat_id = await self._output.track(interaction)
        incoming = Incoming(
            str(interaction.user.id),
            chat_id,
            text,
            photos,
            command=command,
            places=_places(interaction),
            language=interaction.locale.value,
        )
        entry = await self._service.receive(str(interaction.id), incoming)
        if entry is not None:  # else delivered again: handled (or being handled) already
            await self._service.on_message(incoming, [entry])

    async def _on_press(
        self,
        interaction: discord.Interaction,
        key: str,
        picked: tuple[str, ...] | None,
        words: str | None,
    ) -> None:
        """A button, a menu pick or a form's words: the conversation decides (and refuses
        anyone but its owner)."""
        assert self._service is not None and self._output is not None
        # Acknowledged at once: Discord waits 3 seconds, and sending files can take longer.
        await interaction.response.defer()
        chat_id, message_id = self._output.locate(interaction)
        user_id = str(interaction.user.id)
        try:
            alert = await self._service.on_action(
                user_id,
                chat_id,
                message_id,
                key,
                picked,
                update_key=str(interaction.id),
                places=_places(interaction),
                words=words,
            )
        except Exception:
            log.exception("discord_action_failed key=%s", key)
            with speaking(await self._language_of(interaction)):
                alert = error_line(ErrorCode.PROCESSING_FAILED, SOMETHING_WENT_WRONG)
        if alert is not None:
            await interaction.followup.send(alert, ephemeral=True)

    async def _language_of(self, interaction: discord.Interaction) -> str:
        """The language the user chose in /settings, else their Discord client's; the
        client's too when the settings cannot be read (the failure being reported, say)."""
        client = supported(interaction.locale.value)
        if self._service is None:
            return client
        try:
            return await self._service.language(str(interaction.user.id), client)
        except Exception:
            log.exception("discord_language_lookup_failed")
            return client

    async def _on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("discord_interaction_failed", exc_info=error)
        with speaking(await self._language_of(interaction)):
            line = error_line(ErrorCode.PROCESSING_FAILED, SOMETHING_WENT_WRONG)
        try:
            if interaction.response.is_done() and self._output is not None:
                # Deferred: replace "thinking…" with the line.
                await self._output.send(chat_key(interaction), Text.line(line, private=True))
            else:
                await interaction.response.send_message(line, ephemeral=True)
        except discord.HTTPException:
            log.exception("discord_error_reply_failed")


def platform_completions(current: str) -> list[str]:
    """What the platforms option may become: the words typed so far and one more platform
    (the one being typed, or any not yet chosen)."""
    words = current.split()
    partial = "" if current.endswith(" ") or not words else words.pop().lower()
    chosen = set(words)
    stem = " ".join(words)
    return [
        f"{stem} {key}".strip()
        for key in [*PLATFORMS, ALL_PLATFORMS_WORD]
        if key.startswith(partial) and key not in chosen
    ][:MAX_CHOICES]


def _places(interaction: discord.Interaction) -> tuple[str, ...]:
    """Where the interaction happened, for the operator's allowed chats: guild and channel."""
    ids = (interaction.guild_id, interaction.channel_id)
    return tuple(str(place) for place in ids if place is not None)


def _maybe_image(attachment: discord.Attachment) -> bool:
    # Discord guesses the type from the name; with no guess the photo's bytes will tell.
    kind = attachment.content_type
    return kind is None or kind.startswith("image/")


def _photo(attachment: discord.Attachment) -> Photo:
    return Photo(attachment.url, attachment.filename, attachment.size)
