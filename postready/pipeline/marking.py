"""Marks a text the chats show for the interface catalogs (postready/locale): the pipeline
writes English and knows no language; a chat looks a marked text up in the user's language
where it shows it (`postready.core.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


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


def fields_to_json(fields: Mapping[str, object]) -> dict[str, object]:
    """`fields` as JSON values that `fields_from_json` gives back: marked texts stay marked
    (a chat still translates them), times stay times; numbers and text as they are, anything
    else as its text."""
    return {name: _value_json(value) for name, value in fields.items()}


def fields_from_json(data: Mapping[str, object]) -> dict[str, object]:
    """The fields `fields_to_json` wrote."""
    return {name: _value_from_json(value) for name, value in data.items()}


def _value_json(value: object) -> object:
    if isinstance(value, Marked):
        return {"marked": value.template, "fields": fields_to_json(value.fields)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _value_from_json(value: object) -> object:
    if isinstance(value, dict) and "marked" in value:
        return Marked(value["marked"], fields_from_json(value.get("fields", {})))
    if isinstance(value, dict) and "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    return value
