"""The process's HTTP server as an operator's monitoring sees it: /healthz names what is wrong
(a running bot's health and metrics are in test_telegram.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from postready.adapters.http import server as operations
from postready.adapters.http.metrics import JobMetrics
from postready.adapters.http.server import OperationsServer
from postready.cli.logs import JsonLines
from tests.adapters.http_client import get


async def test_health_names_each_part_that_is_not_well(store, monkeypatch) -> None:
    monkeypatch.setattr(operations, "CHECK_SECONDS", 0.2)

    async def well() -> None:
        return None

    async def broken() -> str:
        return "not receiving Telegram's updates"

    async def failing() -> None:
        raise OSError("disk I/O error")

    async def hanging() -> None:
        await asyncio.Event().wait()

    checks = {"database": failing, "workers": hanging, "telegram": broken, "discord": well}
    server = OperationsServer("127.0.0.1", 0, checks, JobMetrics(store.jobs))
    await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
    assert status == 503
    assert json.loads(body) == {
        "ok": False,
        "parts": {
            "database": "failed (OSError)",
            "workers": "no answer in 0.2 s",
            "telegram": "not receiving Telegram's updates",
            "discord": "ok",
        },
    }


def test_json_log_lines() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "postready.serve", logging.ERROR, __file__, 1, "job=%s failed", (7,), sys.exc_info()
        )
    line = json.loads(JsonLines().format(record))
    assert (line["level"], line["logger"], line["message"]) == (
        "ERROR",
        "postready.serve",
        "job=7 failed",
    )
    assert line["time"].endswith("+00:00") and "ValueError: boom" in line["traceback"]
