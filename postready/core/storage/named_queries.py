"""SQL kept in `.sql` files as named queries: each starts with a `-- name: <name>` line, and
its comment lines just below it document it."""

from __future__ import annotations

import re
from importlib import resources

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries:
    """The queries of one `.sql` file, by name: `queries.claim_next`."""

    def __init__(self, text: str, source: str) -> None:
        parts = _NAME.split(text)
        self._source = source
        self._sql: dict[str, str] = {}
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            if name in self._sql:
                raise ValueError(f"{source}: the query '{name}' is defined twice")
            self._sql[name] = body.strip()

    def __getattr__(self, name: str) -> str:
        try:
            return self._sql[name]
        except KeyError:
            raise AttributeError(f"{self._source} has no query '{name}'") from None

    def names(self) -> list[str]:
        return list(self._sql)


def load_queries(package: str, file_name: str) -> Queries:
    """The named queries of `file_name`, shipped in `package`."""
    text = resources.files(package).joinpath(file_name).read_text(encoding="utf-8")
    return Queries(text, f"{package}/{file_name}")
