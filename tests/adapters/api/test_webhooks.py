"""The webhook sender on its own: no SSRF, no retry where retrying cannot help, and an error
when every attempt failed (so the job's end is sent again at the next start)."""

from __future__ import annotations

import pytest

from postready.adapters.http.api.webhooks import (
    BlockedAddress,
    Delivery,
    PublicResolver,
    WebhookSender,
    check_url,
    is_public,
)
from postready.core.config.settings import ApiSection
from postready.pipeline.errors import PostReadyError
from tests.adapters.api.conftest import Receiver


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.7", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) == public


def test_urls_a_webhook_may_go_to() -> None:
    assert check_url("https://hooks.example.com/postready", False)
    assert check_url("http://127.0.0.1:9000/hook", True)  # the operator allowed it
    for url in ("http://127.0.0.1/", "http://LOCALHOST/", "file:///etc/passwd", "https://"):
        with pytest.raises(PostReadyError):
            check_url(url, False)


async def test_a_name_that_resolves_to_loopback_is_blocked() -> None:
    resolver = PublicResolver()
    try:
        with pytest.raises(BlockedAddress):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


def _sender(**settings: object) -> WebhookSender:
    defaults: dict[str, object] = {"webhook_backoff": 0.01, "webhook_attempts": 3}
    return WebhookSender(ApiSection(**(defaults | settings)))  # type: ignore[arg-type]


async def test_private_receivers_are_not_posted_to_unless_allowed(receiver: Receiver) -> None:
    sender = _sender(webhook_allow_private=False)
    await sender.start()
    try:
        await sender.deliver(Delivery(receiver.url, "secret", {"session_id": "s"}))
    finally:
        await sender.close()
    assert receiver.received == []  # refused for good: not an error, nothing sent


async def test_every_attempt_failed_is_an_error(receiver: Receiver) -> None:
    receiver.failures = 10
    sender = _sender(webhook_allow_private=True)
    await sender.start()
    try:
        with pytest.raises(Exception, match="500"):
            await sender.deliver(Delivery(receiver.url, "secret", {"session_id": "s"}))
    finally:
        await sender.close()
    assert len(receiver.received) == 3
