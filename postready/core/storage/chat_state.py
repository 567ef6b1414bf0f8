"""What conversations keep across restarts: status messages, the replies of jobs sent,
commands waiting for their photo, posts waiting for their new description, and product photos
waiting for their styles."""

from __future__ import annotations

from postready.core.identity import UserRef
from postready.core.storage import rows
from postready.core.storage.database import Database, engine_queries
from postready.core.storage.models import NewStyleChoice, ReplyOutcome, StyleChoice


class ChatStateStore:
    """A `ChatStateRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "chat_state.sql")

    async def set_job_message(self, job_id: int, chat_id: str, message_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.set_job_message,
                {"job_id": job_id, "chat_id": chat_id, "message_id": message_id},
            )

    async def job_message(self, job_id: int) -> tuple[str, str] | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.job_message, {"job_id": job_id})
        return (row["chat_id"], row["message_id"]) if row else None

    async def record_reply(
        self, job_id: int, part: str, outcome: ReplyOutcome, message_id: str | None = None
    ) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.record_reply,
                {
                    "job_id": job_id,
                    "part": part,
                    "outcome": outcome,
                    "message_id": message_id,
                    "now": self._db.clock(),
                },
            )

    async def recorded_replies(self, job_id: int) -> set[str]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.recorded_replies, {"job_id": job_id})
        return {row["part"] for row in found}

    async def reply_messages(self, job_id: int) -> dict[str, str]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.reply_messages, {"job_id": job_id})
        return {row["part"]: row["message_id"] for row in found}

    async def set_pending_command(self, chat_id: str, user: UserRef, command: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.set_pending_command,
                _whose(chat_id, user) | {"command": command, "now": self._db.clock()},
            )

    async def take_pending_command(self, chat_id: str, user: UserRef, max_age: float) -> str | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.take_pending_command, _whose(chat_id, user))
        if row is None or self._db.clock() - row["created_at"] > max_age:
            return None
        return str(row["command"])

    async def has_pending_command(self, chat_id: str, user: UserRef, max_age: float) -> bool:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.pending_command, _whose(chat_id, user))
        return row is not None and self._db.clock() - row["created_at"] <= max_age

    async def set_pending_description(self, chat_id: str, user: UserRef, job_id: int) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.set_pending_description,
                _whose(chat_id, user) | {"job_id": job_id, "now": self._db.clock()},
            )

    async def take_pending_description(
        self, chat_id: str, user: UserRef, max_age: float
    ) -> int | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.take_pending_description, _whose(chat_id, user))
        if row is None or self._db.clock() - row["created_at"] > max_age:
            return None
        return int(row["job_id"])

    async def has_pending_description(self, chat_id: str, user: UserRef, max_age: float) -> bool:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.pending_description, _whose(chat_id, user))
        return row is not None and self._db.clock() - row["created_at"] <= max_age

    async def add_style_choice(self, choice: NewStyleChoice) -> StyleChoice:
        async with self._db.transaction() as sql:
            if choice.request_key is not None:
                found = await sql.one(
                    self._sql.style_choice_for_request, {"request_key": choice.request_key}
                )
                if found is not None:
                    return rows.style_choice(found)
            choice_id = await sql.insert(
                self._sql.insert_style_choice,
                {
                    "platform": choice.user.platform,
                    "platform_user_id": choice.user.platform_user_id,
                    "chat_id": choice.chat_id,
                    "source_path": str(choice.source_path),
                    "source_name": choice.source_name,
                    "platforms": rows.json_list(choice.platforms),
                    "description": choice.description,
                    "colour": choice.colour,
                    "album_index": choice.album_index,
                    "request_key": choice.request_key,
                    "now": self._db.clock(),
                },
            )
            row = await sql.one(self._sql.style_choice, {"choice_id": choice_id})
        assert row is not None  # inserted just above, in the same transaction
        return rows.style_choice(row)

    async def get_style_choice(self, choice_id: int) -> StyleChoice | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.style_choice, {"choice_id": choice_id})
        return rows.style_choice(row) if row else None

    async def open_style_choices(self) -> list[StyleChoice]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.open_style_choices)
        return [rows.style_choice(row) for row in found]

    async def update_style_choice(
        self, choice_id: int, chosen: tuple[str, ...], colour: str, message_id: str | None
    ) -> StyleChoice | None:
        async with self._db.transaction() as sql:
            await sql.run(
                self._sql.update_style_choice,
                {
                    "chosen": rows.json_list(chosen),
                    "colour": colour,
                    "message_id": message_id,
                    "choice_id": choice_id,
                },
            )
            row = await sql.one(self._sql.open_style_choice, {"choice_id": choice_id})
        return rows.style_choice(row) if row else None

    async def close_style_choice(self, choice_id: int) -> StyleChoice | None:
        async with self._db.transaction() as sql:
            if await sql.run(self._sql.close_style_choice, {"choice_id": choice_id}) != 1:
                return None
            row = await sql.one(self._sql.style_choice, {"choice_id": choice_id})
        return rows.style_choice(row) if row else None


def _whose(chat_id: str, user: UserRef) -> dict[str, str]:
    return {
        "chat_id": chat_id,
        "platform": user.platform,
        "platform_user_id": user.platform_user_id,
    }
