"""Completion webhooks: the job's end POSTed to the URL its request named, signed with the
key's secret (`X-PostReady-Signature: sha256=<HMAC-SHA256 of the body, hex>`), retried with
exponential backoff and jitter after a network error, a timeout, a 429 or a 5xx.

No SSRF: a webhook never goes to a private, loopback, link-local or otherwise non-global
address — neither one written in the URL nor one a name resolves to (checked by the resolver
the connection itself uses, so a name cannot resolve one way for the check and another for
the request) — unless the operator allows it (`POSTREADY_WEBHOOK_ALLOW_PRIVATE=1`)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientConnectorError, ClientError, ClientSession, ClientTimeout, TCPConnector
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from yarl import URL

from postready.core.config.settings import ApiSection
from postready.core.i18n import N_
from postready.pipeline.errors import ErrorCode, PostReadyError

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-PostReady-Signature"


class WebhookRefused(Exception):
    """The receiver answered with a status that retrying will not change (a 4xx)."""


class BlockedAddress(OSError):
    """A name that resolves to an address webhooks may not go to."""


class _Retry(Exception):
    """A delivery worth trying again."""


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allow_private: bool) -> str:
    """`url` when a webhook may go there; INVALID_OPTION saying why not otherwise."""
    parsed = URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise PostReadyError(ErrorCode.INVALID_OPTION, N_("webhook_url must be an http(s) URL"))
    if not allow_private:
        try:
            public = is_public(parsed.host)
        except ValueError:
            public = parsed.host.lower() not in ("localhost", "localhost.localdomain")
        if not public:
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("webhook_url must be a public address, not a private or loopback one"),
            )
    return url


class PublicResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, and refuses names that resolve to an
    address that is not public."""

    def __init__(self) -> None:
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        blocked = [entry["host"] for entry in found if not is_public(entry["host"])]
        if blocked:
            raise BlockedAddress(f"{host} resolves to a non-public address ({blocked[0]})")
        return found

    async def close(self) -> None:
        await self._resolver.close()


@dataclass(frozen=True, slots=True)
class Delivery:
    url: str
    secret: str
    document: dict[str, Any]


class WebhookSender:
    """Posts completion webhooks over one client session (`start` before, `close` after)."""

    def __init__(self, settings: ApiSection) -> None:
        self._settings = settings
        self._session: ClientSession | None = None

    async def start(self) -> None:
        private = self._settings.webhook_allow_private
        connector = TCPConnector(resolver=None if private else PublicResolver())
        timeout = ClientTimeout(total=self._settings.webhook_timeout)
        self._session = ClientSession(connector=connector, timeout=timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def deliver(self, delivery: Delivery) -> None:
        """Post it until the receiver takes it (2xx) or refuses it (4xx, logged); raises
        the last error when every attempt failed, so the job's end is delivered again at
        the next start."""
        body = json.dumps(delivery.document).encode()
        settings = self._settings
        retrying = AsyncRetrying(
            stop=stop_after_attempt(settings.webhook_attempts),
            wait=wait_exponential_jitter(
                initial=settings.webhook_backoff, jitter=settings.webhook_backoff
            ),
            retry=retry_if_exception_type((_Retry, ClientError, OSError, TimeoutError)),
            reraise=True,
        )
        session_id = delivery.document.get("session_id")
        try:
            async for attempt in retrying:
                with attempt:
                    await self._post(delivery, body)
        except WebhookRefused as exc:
            log.warning("webhook_refused session=%s reason=%s", session_id, exc)
            return
        log.info("webhook_delivered session=%s", session_id)

    async def _post(self, delivery: Delivery, body: bytes) -> None:
        if self._session is None:
            raise RuntimeError("the webhook sender is not started")
        try:
            check_url(delivery.url, self._settings.webhook_allow_private)
        except PostReadyError as exc:
            raise WebhookRefused(exc.message) from None
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(delivery.secret, body),
            "User-Agent": "PostReady-Webhook/1",
        }
        try:
            async with self._session.post(
                delivery.url, data=body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
        except ClientConnectorError as exc:
            if isinstance(exc.os_error, BlockedAddress):
                raise WebhookRefused(str(exc.os_error)) from None
            raise
        if status == 429 or status >= 500:
            raise _Retry(f"the receiver answered {status}")
        if status >= 300:
            raise WebhookRefused(f"the receiver answered {status}")
