"""Fake OpenAI and Gemini servers on 127.0.0.1 that the real SDKs talk to through `base_url`.

Each records the requests it gets and answers from a script: a list of `Reply`s used in order,
then `default` for every later request. With `require` set, a request it finds wrong (say, a
prompt that does not ask for the user's language) gets a 400 that names the problem instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.local_app import serve


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-serialisable, or a str sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    json: Any


class FakeServer:
    def __init__(self, route: str, default: Reply) -> None:
        self.route = route
        self.default = default
        self.script: list[Reply] = []
        self.requests: list[Recorded] = []
        # The request's JSON → what is wrong with it, or None (answered as scripted).
        self.require: Callable[[Any], str | None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> FakeServer:
        app = web.Application()
        app.router.add_post(self.route, self._handle)
        self._runner, self.port = await serve(app, shutdown_timeout=0.1)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(Recorded(request.path, dict(request.headers), body))
        reply = self.script.pop(0) if self.script else self.default
        problem = self.require(body) if self.require else None
        if problem:
            reply = Reply(400, {"error": {"code": 400, "message": problem}})
        if reply.delay:
            await asyncio.sleep(reply.delay)
        text = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        return web.Response(
            status=reply.status, text=text, headers=reply.headers, content_type="application/json"
        )


def openai_prompt(body: Any) -> str:
    """The text of an OpenAI chat request's user message."""
    user = next(m for m in body["messages"] if m["role"] == "user")
    return str(next(p["text"] for p in user["content"] if p["type"] == "text"))


def gemini_prompt(body: Any) -> str:
    """The text of a Gemini generateContent request."""
    return str(body["contents"][0]["parts"][0]["text"])


def asking_in(language: str, prompt: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """For `FakeServer.require`: the prompt asks for `language` (as prompts name it)."""

    def check(body: Any) -> str | None:
        asked = f"in {language}" in prompt(body)
        return None if asked else f"no instruction to write in {language}"

    return check


def openai_completion(content: str, model: str = "gpt-test") -> dict[str, Any]:
    """A chat.completion whose message is `content`."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def openai_error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "error", "code": None, "param": None}}


def gemini_response(
    text: str,
    sources: list[tuple[str, str]] = (),  # (uri, title)
    supports: list[tuple[str, list[int]]] = (),  # (supported text, chunk indices)
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"webSearchQueries": ["accounts"]}
    if sources:
        metadata["groundingChunks"] = [{"web": {"uri": u, "title": t}} for u, t in sources]
    if supports:
        metadata["groundingSupports"] = [
            {
                "segment": {"startIndex": 0, "endIndex": len(s), "text": s},
                "groundingChunkIndices": i,
            }
            for s, i in supports
        ]
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP",
                "groundingMetadata": metadata,
            }
        ],
        "modelVersion": "gemini-test",
        "usageMetadata": {
            "promptTokenCount": 120,
            "candidatesTokenCount": 60,
            "thoughtsTokenCount": 15,
            "totalTokenCount": 195,
        },
    }


def gemini_error(status: int, status_name: str, retry_delay: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "message": status_name.lower(), "status": status_name}
    if retry_delay:
        error["details"] = [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        ]
    return {"error": error}
