"""`/brand` as a menu: tone, emoji and kind of account to pick, buttons that ask for the
signature, brand hashtags, words to avoid and own handles, a reset; the current kit and a
preview caption written with it. The keys name the owner (`br:<user>:<op>`), so only they
change their kit with it, also after a restart. Its texts are in the user's language; what
the user types (the settings' names, the tones, `off`) stays English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postready.chat.replies import Choice, Menu, Option
from postready.core.i18n import N_, _, fill
from postready.pipeline.brand import (
    ACCOUNT_KINDS,
    EMOJI_LEVELS,
    TONES,
    BrandKit,
    BrandKitError,
    split_items,
)
from postready.pipeline.models import PlatformContent
from postready.pipeline.platforms import PLATFORMS, resolve_platform

PREFIX = "br"
PREVIEW_PLATFORM = "instagram"  # the platform of the preview post the menu shows
ASK_SECONDS = 600.0  # a chat without forms waits this long for the words a button asked for
_OFF = {"off", "none", "-", "default", "clear"}
_UNSET = "-"  # the menu option for "each platform's own"
# The fields words set: their code in button keys, their name in `/brand <name> <words>`,
# the form's title and label (Discord shows 45 characters of each), and what to send where
# the chat has no forms.
WORD_FIELDS: dict[str, tuple[str, str, str]] = {
    # Translators: the titles and hints of the brand kit's forms: at most 45 characters each;
    # "off" is typed as it is.
    "s": ("signature", N_("Signature"), N_("A line under every caption (or off)")),
    "h": ("hashtags", N_("Brand hashtags"), N_("Up to 5, e.g. #myshop #handmade (or off)")),
    "x": ("avoid", N_("Words to avoid"), N_("Words or tags, comma-separated (or off)")),
    "n": ("handles", N_("Your handles"), N_("instagram @myshop, bluesky @me.bsky.social")),
}
PICK_FIELDS = {"t": "tone", "e": "emoji", "a": "account"}
FIELDS = (*PICK_FIELDS.values(), *(name for name, _t, _l in WORD_FIELDS.values()))
# How the menu and the kit show the values the user types (`/brand tone luxury`).
VALUE_LABELS = {
    _UNSET: N_("each platform's own"),
    "friendly": N_("friendly"),
    "professional": N_("professional"),
    "playful": N_("playful"),
    "minimal": N_("minimal"),
    "luxury": N_("luxury"),
    "few": N_("a few emoji"),
    "many": N_("many emoji"),
    "shop": N_("shop"),
    "creator": N_("creator"),
}
# "none" means no emoji, or no call to action of the kit's own.
NONE_LABELS = {"e": N_("no emoji"), "a": N_("none (the post's own)")}
ASK = N_("✏️ {title}: your next message sets it. {hint}.")
USAGE = N_("/brand, /brand reset, or /brand <{fields}> <words>")


def brand_menu(user_id: str, kit: BrandKit, preview: PlatformContent) -> Choice:
    def key(op: str) -> str:
        return f"{PREFIX}:{user_id}:{op}"

    def menu(code: str, label: str, values: tuple[str, ...], current: str) -> Menu:
        options = tuple(
            Option(key(f"{code}:{v}"), shown_value(code, v), v == current) for v in values
        )
        return Menu(key(code), label, options, columns=3)

    menus = (
        menu("t", _("Tone"), (_UNSET, *TONES), kit.tone or _UNSET),
        menu("e", _("Emoji"), (_UNSET, *EMOJI_LEVELS), kit.emoji or _UNSET),
        menu("a", _("Kind of account (call to action)"), ACCOUNT_KINDS, kit.account),
    )
    asks = tuple(
        Option(key(f"w:{code}"), f"✏️ {_(title)}", asks=True)
        for code, (_name, title, _hint) in WORD_FIELDS.items()
    )
    rows = (asks[:2], (*asks[2:], Option(key("r"), _("↺ Reset"))))
    return Choice(kit_text(kit) + "\n\n" + preview_text(preview), rows, menus)


def shown_value(code: str, value: str) -> str:
    """A value of the menu `code` ("t", "e", "a") as the menu and the kit show it."""
    return _(NONE_LABELS[code] if value == "none" else VALUE_LABELS[value])


def kit_text(kit: BrandKit) -> str:
    handles = ", ".join(f"{PLATFORMS[k].display_name} {h}" for k, h in kit.handles.items())
    tags = " ".join(f"#{t}" for t in kit.hashtags)
    lines = (
        (N_("Tone"), shown_value("t", kit.tone or _UNSET)),
        (N_("Emoji"), shown_value("e", kit.emoji or _UNSET)),
        (N_("Kind of account"), shown_value("a", kit.account)),
        (N_("Signature"), kit.signature or "—"),
        (N_("Brand hashtags"), tags or "—"),
        (N_("Words to avoid"), ", ".join(kit.avoid) or "—"),
        (N_("Your handles"), handles or "—"),
    )
    # Translators: a line of the brand kit: "Tone: friendly".
    shown = (_("{name}: {value}").format(name=_(name), value=value) for name, value in lines)
    return "\n".join((_("🎨 Your brand kit"), *shown))


def preview_text(preview: PlatformContent) -> str:
    comment = f"\n{preview.first_comment}" if preview.first_comment else ""
    heading = _("Preview ({platform}):").format(platform=PLATFORMS[PREVIEW_PLATFORM].display_name)
    return heading + f"\n{preview.caption}{comment}"


def owner(key: str) -> str:
    """The platform user id a brand button belongs to ("" for malformed data)."""
    parts = key.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""


def operation(key: str) -> tuple[str, str]:
    """What a button does: ("r", ""), ("w", field code), or a menu's (code, value)."""
    op, _sep, value = key.split(":", 2)[2].partition(":")
    return op, value


def picked_kit(kit: BrandKit, key: str, picked: tuple[str, ...] | None) -> BrandKit:
    """The kit after an option of the menu `key` was pressed (a button) or picked (a select
    menu sends `picked`: the option's key); unchanged for what it does not know."""
    code, value = operation(key)
    if picked is not None:
        values = [operation(p)[1] for p in picked if owner(p) and operation(p)[0] == code]
        value = values[0] if len(values) == 1 else ""
    if code not in PICK_FIELDS or not value:
        return kit
    try:
        return set_field(kit, PICK_FIELDS[code], value)
    except BrandKitError:
        return kit


def word_field(code: str) -> str | None:
    entry = WORD_FIELDS.get(code)
    return entry[0] if entry else None


def ask_text(field: str) -> str:
    title, hint = next((t, h) for name, t, h in WORD_FIELDS.values() if name == field)
    return fill(ASK, {"title": _(title), "hint": _(hint)})


def form_labels(key: str) -> tuple[str, str] | None:
    """The title and label of the form a brand button opens; None for other keys."""
    if not owner(key):
        return None
    code, value = operation(key)
    entry = WORD_FIELDS.get(value) if code == "w" else None
    return (_(entry[1]), _(entry[2])) if entry else None


def set_field(kit: BrandKit, field: str, words: str) -> BrandKit:
    """The kit with `field` set from what the user typed ("off" clears it); BrandKitError
    says what is wrong."""
    if field not in FIELDS:
        raise BrandKitError(
            N_("unknown brand setting '{name}'; use {fields}"),
            name=field,
            fields=", ".join(FIELDS),
        )
    text = words.strip()
    off = text.lower() in _OFF and text.lower() not in (*TONES, *EMOJI_LEVELS, *ACCOUNT_KINDS)
    value: Any
    if field in ("tone", "emoji"):
        value = None if off else text.lower()
    elif field == "account":
        value = "none" if off else text.lower()
    elif field == "signature":
        value = "" if off else text
    elif field in ("hashtags", "avoid"):
        value = [] if off else list(split_items(text))
    else:
        value = {} if off else _handles(text)
    return BrandKit.from_json({**kit.to_json(), field: value})


def _handles(text: str) -> Mapping[str, str]:
    """ "instagram @myshop, bluesky @me.bsky.social" → {platform key: handle}."""
    handles = {}
    for item in text.split(","):
        name, _sep, handle = item.strip().partition(" ")
        spec = resolve_platform(name)
        if spec is None:
            raise BrandKitError(
                N_("'{name}' is not a platform; write: instagram @myshop"), name=name
            )
        handles[spec.key] = handle.strip()
    return handles
