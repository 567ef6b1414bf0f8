"""Marks a text the chats show for the interface catalogs (postready/locale): the pipeline
writes English and knows no language; a chat looks a marked text up in the user's language
where it shows it (`postready.core.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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

    def __hash__(self) -> int:  # its fields are a mapping: hashed as the English line
        return hash((self.template, format(self)))


@dataclass(frozen=True, slots=True)
class Plural:
    """A count with its words, as a field of a marked text ("processing stopped {times} …"):
    the catalogs' plural forms of `singular`/`plural` (extracted as `ngettext` is, the
    keyword `Plural:1,2` of scripts/catalogs.sh) with `{count}` filled in. English as a
    field: "1 time", "3 times"."""

    singular: str
    plural: str
    count: int

    def __format__(self, spec: str) -> str:
        return (self.singular if self.count == 1 else self.plural).format(count=self.count)


def photo_count(count: int) -> Plural:
    """A count of photos, as a field of a marked text: "1 photo", "3 photos"."""
    return Plural("{count} photo", "{count} photos", count)


def post_count(count: int) -> Plural:
    """A count of posts, as a field of a marked text: "1 post", "2 posts"."""
    return Plural("{count} post", "{count} posts", count)


def fields_to_json(fields: Mapping[str, object]) -> dict[str, object]:
    """`fields` as JSON values that `fields_from_json` gives back: marked texts stay marked
    (a chat still translates them), times stay times; numbers and text as they are, anything
    else as its text."""
    return {name: _value_json(value) for name, value in fields.items()}


def fields_from_json(data: Mapping[str, object]) -> dict[str, object]:
    """The fields `fields_to_json` wrote."""
    return {name: _value_from_json(value) for name, value in data.items()}


def marked_to_json(text: Marked) -> dict[str, object]:
    """A marked text as JSON that `marked_from_json` gives back."""
    return {"marked": text.template, "fields": fields_to_json(text.fields)}


def marked_from_json(data: Mapping[str, Any]) -> Marked:
    return Marked(data["marked"], fields_from_json(data.get("fields", {})))


def _value_json(value: object) -> object:
    if isinstance(value, Marked):
        return marked_to_json(value)
    if isinstance(value, Plural):
        return {"plural": [value.singular, value.plural], "count": value.count}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _value_from_json(value: object) -> object:
    if isinstance(value, dict) and "marked" in value:
        return marked_from_json(value)
    if isinstance(value, dict) and "plural" in value:
        singular, plural = value["plural"]
        return Plural(singular, plural, value["count"])
    if isinstance(value, dict) and "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    return value
