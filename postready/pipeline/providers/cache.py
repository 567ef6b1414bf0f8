"""A cache for AI results, keyed by (image hash, platform set, description, provider), so a
repeated request makes no new call. In memory for a long-running bot, or in a directory so
that separate command-line runs share it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class ContentCache(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, value: dict[str, Any]) -> None: ...


def cache_key(
    part: str,
    image_hash: str,
    platforms: tuple[str, ...],
    description: str,
    language: str,
    provider: str,
    brand: str = "",
) -> str:
    """A stable key: the platform set is unordered, the description compared as typed;
    `brand`: the brand kit's fingerprint (none: keys as before kits)."""
    platform_set = ",".join(sorted(set(platforms)))
    parts = [part, image_hash, platform_set, description.strip(), language, provider]
    parts += [brand] if brand else []
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class MemoryCache:
    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._max = max_entries

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


class DirectoryCache:
    """One JSON file per key; written atomically, unreadable entries count as misses."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._directory / f"{key}.json"
        try:
            entry: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return entry
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("cache_unreadable path=%s", path)
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self._directory, suffix=".tmp", delete=False
            ) as handle:
                json.dump(value, handle, ensure_ascii=False)
            os.replace(handle.name, self._directory / f"{key}.json")
        except OSError:
            log.warning("cache_write_failed directory=%s", self._directory, exc_info=True)
