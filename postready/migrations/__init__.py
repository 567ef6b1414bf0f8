"""Numbered SQL migrations (`NNN_name.sql`) per storage engine, one folder each, applied in
order at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def numbered(engine: str) -> list[Migration]:
    """The engine's packaged migrations in order; their numbers must run 1, 2, 3, ... without
    gaps."""
    found = []
    for entry in resources.files(f"{__name__}.{engine}").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, ...: {[m.name for m in found]}")
    return found
