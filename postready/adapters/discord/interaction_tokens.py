"""Discord's own state: the token that answers an interaction for 15 minutes, kept so that a
job resumed after a restart still answers in its conversation."""

from __future__ import annotations

from dataclasses import dataclass, field

from postready.core.storage.database import Database
from postready.core.storage.named_queries import load_queries


@dataclass(frozen=True, slots=True)
class InteractionToken:
    """What answers a chat interaction until `expires_at` (Unix seconds)."""

    token: str = field(repr=False)  # answers as the bot: a secret
    file_limit: int  # bytes of attachments per message
    expires_at: float


class InteractionTokens:
    """The tokens by conversation, in the shared database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = load_queries(
            "postready.adapters.discord", f"interaction_tokens.{db.engine}.sql"
        )

    async def save(self, chat_id: str, token: InteractionToken) -> None:
        """Keep the token that answers the conversation `chat_id`; expired ones are dropped."""
        async with self._db.transaction() as sql:
            await sql.run(self._sql.drop_expired, {"now": self._db.clock()})
            await sql.run(
                self._sql.save,
                {
                    "chat_id": chat_id,
                    "token": token.token,
                    "file_limit": token.file_limit,
                    "expires_at": token.expires_at,
                },
            )

    async def get(self, chat_id: str) -> InteractionToken | None:
        """The conversation's token, unless it has expired."""
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.token, {"chat_id": chat_id, "now": self._db.clock()})
        return InteractionToken(row["token"], row["file_limit"], row["expires_at"]) if row else None
