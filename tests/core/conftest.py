"""The core's behaviour (repositories, the queue) on both storage engines."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """What `Storage.open` opens: a SQLite file, then a PostgreSQL database (an empty one on
    the test server; skipped when none answers)."""
    if request.param == "sqlite":
        return tmp_path / "postready.db"
    url: str = request.getfixturevalue("postgres_url")
    return url
