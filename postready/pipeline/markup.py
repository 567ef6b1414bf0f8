"""Captions in a platform's markup: Telegram's HTML (parse_mode "HTML") escapes &, < and > and
puts the hook (the first of several paragraphs) in bold. Limits count what the reader sees, so
they are checked on the plain text before it is marked up, and `visible_text` reads it back."""

from __future__ import annotations

import re

from postready.pipeline.platforms import Markup

_TAG = re.compile(r"<[^>]*>")


def to_markup(text: str, markup: Markup) -> str:
    """Plain `text` written in `markup`."""
    if markup == "plain":
        return text
    import html  # here: most platforms' captions are plain (html.entities is a large table)

    hook, separator, rest = text.partition("\n\n")
    if not separator or not hook.strip():  # one paragraph: no hook of its own to set apart
        return html.escape(text, quote=False)
    return f"<b>{html.escape(hook, quote=False)}</b>{separator}{html.escape(rest, quote=False)}"


def visible_text(text: str, markup: Markup) -> str:
    """What the reader sees of `text` written in `markup` (tags gone, entities read)."""
    if markup == "plain":
        return text
    import html

    return html.unescape(_TAG.sub("", text))
