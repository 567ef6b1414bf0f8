"""The chat command grammar: a table of messages and what they parse to."""

from __future__ import annotations

import dataclasses

import pytest

from postready.chat.commands import (
    Cancel,
    ChangeSetting,
    CommandError,
    Help,
    History,
    ListPlatforms,
    ListStyles,
    Logo,
    Optimize,
    ShowSettings,
    Start,
    Status,
    optimize_options,
    parse_command,
)
from postready.core.errors import AppErrorCode
from postready.core.storage.models import UserSettings
from postready.pipeline.errors import ErrorCode
from postready.pipeline.platforms import PLATFORMS

EVERY = tuple(PLATFORMS)
UNKNOWN_PLATFORM, INVALID_OPTION = ErrorCode.UNKNOWN_PLATFORM, ErrorCode.INVALID_OPTION
CHOICES = (
    "choose from: instagram, facebook, linkedin, pinterest, x, tiktok, threads, bluesky, "
    "mastodon, youtube, reddit, snapchat, tumblr, google_business, telegram, all"
)

CASES = [
    # /optimize: platforms first (aliases, any case, commas or spaces), then the description.
    ("/optimize", Optimize(None)),
    ("/optimize instagram pinterest cozy mug", Optimize(("instagram", "pinterest"), "cozy mug")),
    (
        "/optimize IG,pin,  X.com Cozy, warm mug!",
        Optimize(("instagram", "pinterest", "x"), "Cozy, warm mug!"),
    ),
    (
        "/optimize insta fb li pin twitter tt",
        Optimize(("instagram", "facebook", "linkedin", "pinterest", "x", "tiktok")),
    ),
    ("/optimize ig ig instagram", Optimize(("instagram",))),
    ("/optimize all", Optimize(EVERY)),
    ("/optimize ALL handmade soap", Optimize(EVERY, "handmade soap")),
    ("/optimize handmade soap", Optimize(None, "handmade soap")),
    (
        "/optimize ig instant coffee at threads market",
        Optimize(("instagram",), "instant coffee at threads market"),
    ),
    ("/optimize #instagram @pinterest", Optimize(("instagram", "pinterest"))),
    ("/Optimize@PostReadyBot ig mug", Optimize(("instagram",), "mug")),
    ("  /optimize   ig  \n  mug on a table ", Optimize(("instagram",), "mug on a table")),
    # A misspelt platform is an error with a suggestion, not the start of a description.
    (
        "/optimize instgram mug",
        CommandError(UNKNOWN_PLATFORM, "unknown platform 'instgram' — did you mean 'instagram'?"),
    ),
    (
        "/optimize ig pintrest",
        CommandError(UNKNOWN_PLATFORM, "unknown platform 'pintrest' — did you mean 'pinterest'?"),
    ),
    (
        "/optimize twiter",
        CommandError(UNKNOWN_PLATFORM, "unknown platform 'twiter' — did you mean 'x'?"),
    ),
    # A network PostReady does not post to is never the start of a description.
    (
        "/optimize myspace",
        CommandError(UNKNOWN_PLATFORM, "PostReady does not make posts for Myspace yet; " + CHOICES),
    ),
    (
        "/optimize ig Flickr cat pictures",
        CommandError(UNKNOWN_PLATFORM, "PostReady does not make posts for Flickr yet; " + CHOICES),
    ),
    ("/optimize ig Reddit cat pictures", Optimize(("instagram", "reddit"), "cat pictures")),
    (
        "/optimize mast yt gbp tg shop front",
        Optimize(("mastodon", "youtube", "google_business", "telegram"), "shop front"),
    ),
    (
        "/optimize mastadon cat",
        CommandError(UNKNOWN_PLATFORM, "unknown platform 'mastadon' — did you mean 'mastodon'?"),
    ),
    ("/optimize ig my cat loves reddit", Optimize(("instagram",), "my cat loves reddit")),
    (
        "/optimize ig " + "a" * 1001,
        CommandError(INVALID_OPTION, "the description is 1001 characters; keep it under 1000"),
    ),
    # The other commands.
    ("/start", Start()),
    ("/help", Help()),
    ("/help me please", Help()),
    ("/platforms", ListPlatforms()),
    ("/styles", ListStyles()),
    ("/history", History()),
    ("/logo", Logo("next_image")),
    ("/logo off", Logo("off")),
    ("/logo Top Left", Logo("position", "top-left")),
    ("/logo center", Logo("position", "centre")),
    (
        "/logo sideways",
        CommandError(
            INVALID_OPTION,
            "unknown logo position 'sideways'; use one of top-left, top-right, bottom-left, "
            "bottom-right, centre",
        ),
    ),
    ("/settings", ShowSettings()),
    ("/settings platforms ig, pin", ChangeSetting("default_platforms", ("instagram", "pinterest"))),
    ("/settings platforms all", ChangeSetting("default_platforms", EVERY)),
    (
        "/settings platforms",
        CommandError(INVALID_OPTION, "usage: /settings platforms instagram pinterest (or all)"),
    ),
    (
        "/settings platforms myspace",
        CommandError(UNKNOWN_PLATFORM, "PostReady does not make posts for Myspace yet; " + CHOICES),
    ),
    (
        "/settings platforms ig frobnitz",
        CommandError(UNKNOWN_PLATFORM, "unknown platform 'frobnitz'; choose from: " + CHOICES[13:]),
    ),
    ("/settings timezone Europe/Berlin", ChangeSetting("timezone", "Europe/Berlin")),
    (
        "/settings tz Mars/Olympus",
        CommandError(
            INVALID_OPTION,
            "unknown timezone 'Mars/Olympus'; use a name like Europe/Berlin or America/New_York",
        ),
    ),
    (
        "/settings tz ../../etc/passwd",
        CommandError(
            INVALID_OPTION,
            "unknown timezone '../../etc/passwd'; "
            "use a name like Europe/Berlin or America/New_York",
        ),
    ),
    ("/settings language DE", ChangeSetting("language", "de")),
    ("/settings language ES", ChangeSetting("language", "es")),
    ("/settings language pt-br", ChangeSetting("language", "pt_BR")),
    ("/settings lang uk", ChangeSetting("language", "uk")),
    ("/settings hashtags mine", ChangeSetting("hashtag_language", "mine")),
    ("/settings tags English", ChangeSetting("hashtag_language", "english")),
    (
        "/settings language tlh",
        CommandError(
            INVALID_OPTION, "usage: /settings language en|es|de|fr|it|pt_BR|ru|uk|tr|id|hi"
        ),
    ),
    ("/settings format PNG", ChangeSetting("output_format", "png")),
    ("/settings files on", ChangeSetting("send_as_files", True)),
    ("/settings files off", ChangeSetting("send_as_files", False)),
    ("/settings previews off", ChangeSetting("send_previews", False)),
    ("/settings previews ON", ChangeSetting("send_previews", True)),
    ("/settings previews", CommandError(INVALID_OPTION, "usage: /settings previews on|off")),
    ("/settings albums separate", ChangeSetting("album_carousel", False)),
    ("/settings album Carousel", ChangeSetting("album_carousel", True)),
    (
        "/settings albums some",
        CommandError(INVALID_OPTION, "usage: /settings albums carousel|separate"),
    ),
    ("/settings account @Maker Studio", ChangeSetting("account_name", "@Maker Studio")),
    ("/settings account off", ChangeSetting("account_name", None)),
    (
        "/settings account " + "x" * 41,
        CommandError(
            INVALID_OPTION, "usage: /settings account @yourname (at most 40 characters, or off)"
        ),
    ),
    (
        "/settings colour red",
        CommandError(
            INVALID_OPTION,
            "unknown setting 'colour'; use platforms, timezone, language, hashtags, format, "
            "albums, files, previews or account",
        ),
    ),
    ("/status", Status()),
    ("/status 12", Status(12)),
    ("/status #12", Status(12)),
    ("/cancel", Cancel()),
    ("/cancel #7", Cancel(7)),
    ("/cancel seven", CommandError(INVALID_OPTION, "usage: /cancel or /cancel 12 (a job number)")),
    ("/cancel 1 2", CommandError(INVALID_OPTION, "usage: /cancel or /cancel 12 (a job number)")),
    (
        "/frobnicate",
        CommandError(AppErrorCode.UNKNOWN_COMMAND, "unknown command /frobnicate; try /help"),
    ),
    # Not commands for this bot.
    ("hello there", None),
    ("", None),
    ("/", None),
    ("/optimize@SomeOtherBot ig", None),
    ("//optimize", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_grammar(text: str, expected: object) -> None:
    assert parse_command(text, bot_username="postreadybot") == expected


def test_errors_are_one_line() -> None:
    for text, expected in CASES:
        if isinstance(expected, CommandError):
            assert "\n" not in expected.message, text


def test_mentions_are_accepted_when_the_bot_name_is_unknown() -> None:
    assert parse_command("/status@anybot 3") == Status(3)


def test_setting_changes_apply_to_stored_settings() -> None:
    for _, expected in CASES:
        if isinstance(expected, ChangeSetting):
            changed = dataclasses.replace(UserSettings(), **{expected.field: expected.value})
            assert getattr(changed, expected.field) == expected.value


def test_optimize_from_separate_options_keeps_the_description_whole() -> None:
    pinned = optimize_options("pinterest, ig", "  Pinterest-worthy mug  ")
    assert pinned == Optimize(("pinterest", "instagram"), "Pinterest-worthy mug")
    assert optimize_options("", "x marks the spot") == Optimize(None, "x marks the spot")
    assert optimize_options("all", "") == Optimize(EVERY, "")
    assert optimize_options("instagram frobnitz", "") == CommandError(
        UNKNOWN_PLATFORM, "unknown platform 'frobnitz'; see /platforms for the list"
    )
    assert optimize_options("instagram myspace", "") == CommandError(
        UNKNOWN_PLATFORM, "PostReady does not make posts for Myspace yet; " + CHOICES
    )
    assert optimize_options("instgram", "") == CommandError(
        UNKNOWN_PLATFORM, "unknown platform 'instgram' — did you mean 'instagram'?"
    )
    assert optimize_options("x", "d" * 1001).code == INVALID_OPTION
