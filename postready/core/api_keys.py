"""Keys of the HTTP API: `pr_<prefix>_<secret>` tokens, of which only a SHA-256 hash is kept
(a token has 256 random bits: a fast hash is as safe as a slow one here). Each key is a user
of its own (`UserRef("api", prefix)`), so the chats' quotas, limits, history and retention
apply to it as they do to a chat's user."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from postready.core.identity import API_PLATFORM, UserRef
from postready.core.storage import Storage
from postready.core.storage.models import ApiKey

TOKEN_START = "pr_"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once, when the key is created; never kept


def key_user(key: ApiKey) -> UserRef:
    return UserRef(API_PLATFORM, key.prefix)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_key(storage: Storage, name: str) -> IssuedKey:
    """A new key named `name` (ValueError when an active key has that name)."""
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    user = await storage.users.get_or_create(UserRef(API_PLATFORM, prefix))
    webhook_secret = f"whsec_{secrets.token_urlsafe(32)}"
    key = await storage.api.add_key(name, prefix, token_hash(token), webhook_secret, user.id)
    return IssuedKey(key, token)


async def authenticate(storage: Storage, token: str) -> ApiKey | None:
    """The active key `token` belongs to, if any."""
    if not token.startswith(TOKEN_START):
        return None
    return await storage.api.key_by_hash(token_hash(token))
