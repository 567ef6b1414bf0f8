"""The core's behaviour (repositories, the queue, worker processes) on both storage engines."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def database(either_database: Path | str) -> Path | str:
    return either_database
