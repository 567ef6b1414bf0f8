"""Run a fake server on its own event loop in a thread, for code that calls asyncio.run()."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tests.waiting import PATIENCE

Server = TypeVar("Server")
T = TypeVar("T")


@dataclass
class Threaded(Generic[Server]):
    server: Server
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = PATIENCE) -> T:
        """Run `coroutine` (e.g. a user's message) on the server's loop; its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


@contextmanager
def running_in_thread(server: Server) -> Iterator[Threaded[Server]]:
    """`server` is an async context manager (e.g. FakeServer), entered and exited in a thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    threaded = Threaded(server, loop)
    try:
        threaded.run(server.__aenter__())  # type: ignore[attr-defined]
        yield threaded
    finally:
        threaded.run(server.__aexit__(None, None, None))  # type: ignore[attr-defined]
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=PATIENCE)
        loop.close()
