"""Marks a text the chats show for the interface catalogs (postready/locale): the pipeline
writes English and knows no language; a chat looks a marked text up in the user's language
where it shows it (`postready.core.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks `message` for the catalogs; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Marked:
    """A marked text and the fields to fill into it, as a field of another (an error's whole
    line inside a longer one): English as a field, in the user's language where a chat shows
    it."""

    template: str
    fields: Mapping[str, object]

    def __format__(self, spec: str) -> str:
        return self.template.format(**self.fields) if self.fields else self.template
