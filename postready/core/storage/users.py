"""Users and their settings."""

from __future__ import annotations

from postready.core.identity import UserRef
from postready.core.storage import rows
from postready.core.storage.database import Database, engine_queries
from postready.core.storage.models import User, UserSettings


class UserStore:
    """A `UserRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "users.sql")

    async def get_or_create(self, ref: UserRef, language: str = "en") -> User:
        params = {
            "platform": ref.platform,
            "platform_user_id": ref.platform_user_id,
            "language": language,
            "now": self._db.clock(),
        }
        async with self._db.transaction() as sql:
            await sql.run(self._sql.insert_user, params)
            await sql.run(self._sql.insert_default_settings, params)
            row = await sql.one(self._sql.user_by_ref, params)
        assert row is not None  # inserted just above, in the same transaction
        return rows.user(row)

    async def find(self, ref: UserRef) -> User | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.user_by_ref, _ref(ref))
        return None if row is None else rows.user(row)

    async def block(self, ref: UserRef, by: str) -> bool:
        params = _ref(ref) | {"by": by, "now": self._db.clock()}
        async with self._db.statements() as sql:
            return await sql.run(self._sql.block, params) > 0

    async def unblock(self, ref: UserRef) -> bool:
        async with self._db.statements() as sql:
            return await sql.run(self._sql.unblock, _ref(ref)) > 0

    async def is_blocked(self, ref: UserRef) -> bool:
        async with self._db.statements() as sql:
            return await sql.one(self._sql.is_blocked, _ref(ref)) is not None

    async def forget(self, ref: UserRef) -> None:
        async with self._db.transaction() as sql:
            for statement in (
                self._sql.forget_chat_state,
                self._sql.forget_pending_commands,
                self._sql.forget_inbox,
                self._sql.forget_user,
            ):
                await sql.run(statement, _ref(ref))

    async def save_settings(self, user_id: int, settings: UserSettings) -> User:
        async with self._db.transaction() as sql:
            await sql.run(
                self._sql.update_settings,
                {
                    "default_platforms": rows.json_list(settings.default_platforms),
                    "timezone": settings.timezone,
                    "language": settings.language,
                    "logo_path": settings.logo_path,
                    "logo_position": settings.logo_position,
                    "output_format": settings.output_format,
                    "send_as_files": settings.send_as_files,
                    "send_previews": settings.send_previews,
                    "album_carousel": settings.album_carousel,
                    "hashtag_language": settings.hashtag_language,
                    "account_name": settings.account_name,
                    "awaiting_logo": settings.awaiting_logo,
                    "now": self._db.clock(),
                    "user_id": user_id,
                },
            )
            row = await sql.one(self._sql.user_by_id, {"user_id": user_id})
        if row is None:
            raise LookupError(f"no user with id {user_id}")
        return rows.user(row)


def _ref(ref: UserRef) -> dict[str, str]:
    return {"platform": ref.platform, "platform_user_id": ref.platform_user_id}
