"""Rows of the SQLite tables and views as the storage's models."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from postready.core.errors import error_code
from postready.core.identity import UserRef
from postready.core.storage.database import Row
from postready.core.storage.models import (
    ApiKey,
    Instance,
    Job,
    Session,
    SessionStatus,
    StyleChoice,
    User,
    UserSettings,
)
from postready.pipeline.logo import LogoPosition
from postready.pipeline.models import ErrorInfo
from postready.pipeline.platforms import OutputFormat
from postready.pipeline.wording import HashtagLanguage


def timestamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def optional_timestamp(value: float | None) -> datetime | None:
    return None if value is None else timestamp(value)


def user_ref(row: Row) -> UserRef:
    return UserRef(row["platform"], row["platform_user_id"])


def user(row: Row) -> User:
    settings = UserSettings(
        default_platforms=tuple(json.loads(row["default_platforms"])),
        timezone=row["timezone"],
        language=row["language"],
        hashtag_language=cast(HashtagLanguage, row["hashtag_language"]),
        logo_path=row["logo_path"],
        logo_position=cast(LogoPosition, row["logo_position"]),
        output_format=cast(OutputFormat, row["output_format"]),
        send_as_files=bool(row["send_as_files"]),
        send_previews=bool(row["send_previews"]),
        album_carousel=bool(row["album_carousel"]),
        account_name=row["account_name"],
        awaiting_logo=bool(row["awaiting_logo"]),
    )
    return User(row["id"], user_ref(row), settings)


def error(row: Row) -> ErrorInfo | None:
    code = row["error_code"]
    if not code:
        return None
    wording = row["error_fields"]
    return ErrorInfo.from_wording_json(
        error_code(code), row["error_message"], json.loads(wording) if wording else None
    )


def session(row: Row, *, id_column: str = "id", created_column: str = "created_at") -> Session:
    return Session(
        id=row[id_column],
        user_id=row["user_id"],
        user=user_ref(row),
        chat_id=row["chat_id"],
        status=cast(SessionStatus, row["status"]),
        source_path=row["source_path"],
        platforms=tuple(json.loads(row["platforms"])),
        description=row["description"],
        options=json.loads(row["options"]),
        error=error(row),
        results=json.loads(row["results"]) if row["results"] else None,
        created_at=timestamp(row[created_column]),
        started_at=optional_timestamp(row["started_at"]),
        completed_at=optional_timestamp(row["completed_at"]),
    )


def job(row: Row) -> Job:
    """A row of the `job_details` view."""
    return Job(
        id=row["id"],
        session=session(row, id_column="session_id", created_column="session_created_at"),
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        not_before=timestamp(row["not_before"]),
        lease_owner=row["lease_owner"],
        lease_token=row["lease_token"],
        lease_expires_at=optional_timestamp(row["lease_expires_at"]),
        heartbeat_at=optional_timestamp(row["heartbeat_at"]),
        cancel_requested=bool(row["cancel_requested"]),
        created_at=timestamp(row["created_at"]),
    )


def instance(row: Row) -> Instance:
    return Instance(
        id=row["id"],
        host=row["host"],
        pid=row["pid"],
        started_at=row["started_at"],
        beat_at=row["beat_at"],
        stopped_at=row["stopped_at"],
        silent_for=row["silent_for"],
    )


def style_choice(row: Row) -> StyleChoice:
    return StyleChoice(
        id=row["id"],
        user=user_ref(row),
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        source_path=Path(row["source_path"]),
        source_name=row["source_name"],
        platforms=tuple(json.loads(row["platforms"])),
        description=row["description"],
        chosen=tuple(json.loads(row["chosen"])),
        colour=row["colour"],
        open=row["status"] == "open",
        created_at=row["created_at"],
        album_index=row["album_index"],
        request_key=row["request_key"],
    )


def json_list(values: Iterable[str | int]) -> str:
    """A JSON array of `values`, for a TEXT column or an `IN (SELECT value FROM json_each(...))`."""
    return json.dumps(list(values))


def api_key(row: Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        user_id=row["user_id"],
        webhook_secret=row["webhook_secret"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
