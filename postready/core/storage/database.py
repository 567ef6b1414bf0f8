"""What the repositories need of a database engine: statements run one at a time or several in
a transaction, rows read by column name, a clock, and the engine's own SQL for each query.

SQLite (`storage.sqlite`) and PostgreSQL (`storage.postgres`) each implement it; the
repositories beside this module are written once against it, and each engine keeps its named
queries in its own `queries/` folder (same file and query names, the engine's own SQL).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

from postready.core.storage.named_queries import Queries, load_queries

Engine = Literal["sqlite", "postgres"]
Params = Mapping[str, Any]


class Row(Protocol):
    """A row, read by column name (SQLite's `sqlite3.Row`, psycopg's dict rows)."""

    def __getitem__(self, key: str, /) -> Any: ...


class Statements(Protocol):
    async def one(self, sql: str, params: Params | None = None) -> Row | None: ...

    async def all(self, sql: str, params: Params | None = None) -> list[Row]: ...

    async def run(self, sql: str, params: Params | None = None) -> int:
        """Run a write; the number of rows it changed."""
        ...

    async def insert(self, sql: str, params: Params) -> int:
        """Run an INSERT; the new row's id."""
        ...

    async def run_many(self, sql: str, rows: Iterable[Params]) -> None: ...


# Run in a repository's transaction (`JobRepository.enqueue`) once its rows are written, with
# the new row: a task queue's own job deferred in it is committed with them, or neither is.
InTransaction = Callable[[Statements, Any], Awaitable[None]]


class Database(Protocol):
    """An open database with its schema up to date."""

    @property
    def engine(self) -> Engine: ...

    @property
    def clock(self) -> Callable[[], float]: ...

    @property
    def url(self) -> str | None:
        """Where other processes reach this database (PostgreSQL's URL); None when only this
        machine can (SQLite's file)."""
        ...

    def statements(self) -> AbstractAsyncContextManager[Statements]:
        """Statements that each commit on their own."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Statements]:
        """Statements committed together when the block ends, rolled back if it raises."""
        ...

    async def close(self) -> None: ...


@functools.cache
def engine_queries(engine: Engine, file_name: str) -> Queries:
    """The named queries of `file_name` in the engine's own SQL."""
    return load_queries(f"postready.core.storage.{engine}.queries", file_name)
