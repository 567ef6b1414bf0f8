"""Reading the process's HTTP server in tests."""

from __future__ import annotations

from aiohttp import ClientSession


async def get(url: str) -> tuple[int, str]:
    async with ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def serving(url: str) -> bool:
    """Whether the server answers yet (it starts once the workers have)."""
    try:
        await get(url)
    except OSError:
        return False
    return True
