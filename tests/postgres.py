"""A PostgreSQL server for the tests, when one answers: each test session creates its own
databases (named after the session) and drops them at the end. With no server, the tests that
need one skip with one line saying so.

`POSTREADY_TEST_POSTGRES` names the server (a URL of its maintenance database); the default is
the local one every machine of the project runs: trust authentication, user `postgres`.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

SERVER = os.environ.get("POSTREADY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
NO_SERVER = f"PostgreSQL: no server answers at {SERVER} (POSTREADY_TEST_POSTGRES)"


@functools.cache
def server_answers() -> bool:
    try:
        with psycopg.connect(SERVER, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def url_of(name: str) -> str:
    """The URL of the database `name` on the test server."""
    return urlsplit(SERVER)._replace(path=f"/{name}").geturl()


class SessionDatabases:
    """Databases this session creates on the server, all dropped by `drop_all`."""

    def __init__(self) -> None:
        self.prefix = f"postready_test_{uuid.uuid4().hex[:8]}"
        self._made: list[str] = []

    def create(self, suffix: str, template: str | None = None) -> str:
        """A new database (empty, or a copy of `template`); its URL."""
        name = f"{self.prefix}_{suffix}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with _admin() as admin:
            admin.execute(statement)
        self._made.append(name)
        return url_of(name)

    def drop_all(self) -> None:
        with _admin() as admin:
            for name in reversed(self._made):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        self._made.clear()


def empty_tables(url: str) -> None:
    """Delete every row (but the schema's version) and restart the ids, as in a new database."""
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_migrations'"
            )
        ]
        if tables:
            names = sql.SQL(", ").join(sql.Identifier(table) for table in tables)
            connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))


@contextmanager
def _admin() -> Iterator[psycopg.Connection]:
    with psycopg.connect(SERVER, autocommit=True) as connection:
        yield connection
