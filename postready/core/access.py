"""Who may use a bot: the operator's lists (empty: everyone) and admins. Blocked users are kept
by the storage (`/block`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from postready.core.config.settings import AccessSection
from postready.core.identity import UserRef


@dataclass(frozen=True, slots=True)
class AccessRules:
    """Ids as the operator lists them: plain (`123`), or with their platform (`telegram:123`).
    `chats`: chats (Telegram) or guilds and channels (Discord) whose members may use the bot."""

    users: frozenset[str] = frozenset()
    chats: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, section: AccessSection) -> AccessRules:
        return cls(section.allowed_users, section.allowed_chats, section.admins)

    def is_admin(self, user: UserRef) -> bool:
        return _listed(self.admins, user.platform, user.platform_user_id)

    def allows(self, user: UserRef, places: Iterable[str]) -> bool:
        """Whether `user`, writing in `places` (their chat; a guild and a channel), may."""
        if self.is_admin(user) or not (self.users or self.chats):
            return True
        if _listed(self.users, user.platform, user.platform_user_id):
            return True
        return any(_listed(self.chats, user.platform, place) for place in places)


def _listed(ids: frozenset[str], platform: str, some_id: str) -> bool:
    return some_id in ids or f"{platform}:{some_id}" in ids
