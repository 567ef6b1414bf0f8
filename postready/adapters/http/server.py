"""One aiohttp server per process (`POSTREADY_HTTP_PORT`): `GET /healthz` (200 when every part
answers, else 503 naming the parts that do not), `GET /metrics` (Prometheus), and the chats'
own endpoints (Telegram's webhook, the HTTP API)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from postready.adapters.http.metrics import JobMetrics

log = logging.getLogger(__name__)
# A part of the process: None when it is well, else what is wrong with it.
Check = Callable[[], Awaitable[str | None]]
CHECK_SECONDS = 5.0  # a part that does not answer in this long is not well
# A frontend's own endpoint on this server: method, path, handler (Telegram's webhook).
Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


class OperationsServer:
    def __init__(
        self,
        host: str,
        port: int,
        checks: Mapping[str, Check],
        metrics: JobMetrics,
        routes: Sequence[Route] = (),
    ) -> None:
        self._host = host
        self.port = port  # the bound port once started (port 0 picks a free one)
        self._checks = checks
        self._routes = routes
        self.metrics = metrics
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        """The server's endpoints: health, metrics and the frontends' routes."""
        app = web.Application()
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._render_metrics)
        for method, path, handler in self._routes:
            app.router.add_route(method, path, handler)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self.port).start()
        self.port = self._runner.addresses[0][1]
        log.info("http_started host=%s port=%s", self._host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        names = list(self._checks)
        found = await asyncio.gather(*(_run(self._checks[name]) for name in names))
        problems = {name: problem for name, problem in zip(names, found, strict=True) if problem}
        parts = {name: problems.get(name, "ok") for name in names}
        status = 503 if problems else 200
        return web.json_response({"ok": not problems, "parts": parts}, status=status)

    async def _render_metrics(self, request: web.Request) -> web.Response:
        body = await self.metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _run(check: Check) -> str | None:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            return await check()
    except TimeoutError:
        return f"no answer in {CHECK_SECONDS:g} s"
    except Exception as exc:
        log.exception("health_check_failed")
        return f"failed ({type(exc).__name__})"
