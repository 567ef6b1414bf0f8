"""Who a user is across PostReady: their chat platform and that platform's id for them."""

from __future__ import annotations

from dataclasses import dataclass

HEADLESS_PLATFORM = "cli"  # the users of `postready enqueue`, served by any worker
API_PLATFORM = "api"  # the HTTP API's keys, each a user of its own


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user (and so the chat their results go to) on one platform: `telegram` + `1234`."""

    platform: str  # telegram, discord, cli, api
    platform_user_id: str

    def __str__(self) -> str:
        """ "telegram:1234": for logs and the results' `user_uuid`; never parsed back."""
        return f"{self.platform}:{self.platform_user_id}"
