"""The buttons under each platform's post that rework it in place, and what their keys say:
`rw:<job id>:<platform>:<op>`, short enough for any chat, and all a press needs (the rest is
in the database), so buttons sent before a restart still work."""

from __future__ import annotations

from dataclasses import dataclass

from postready.chat.replies import Option
from postready.core.i18n import _

PREFIX = "rw"
CAPTION, HASHTAGS, DESCRIBE = "c", "h", "d"
OPS = (CAPTION, HASHTAGS, DESCRIBE)


@dataclass(frozen=True, slots=True)
class ReworkKey:
    job_id: int
    platform: str
    op: str  # CAPTION, HASHTAGS or DESCRIBE

    @classmethod
    def parse(cls, key: str) -> ReworkKey | None:
        """The key's parts; None for a key that is not a rework button's."""
        prefix, job_id, platform, op = [*key.split(":", 3), "", "", ""][:4]
        if prefix != PREFIX or not job_id.isdigit() or op not in OPS:
            return None
        return cls(int(job_id), platform, op)


def rework_actions(job_id: int, platform: str) -> tuple[Option, ...]:
    key = f"{PREFIX}:{job_id}:{platform}"
    return (
        Option(f"{key}:{CAPTION}", _("✍️ Another caption")),
        Option(f"{key}:{HASHTAGS}", _("#️⃣ Other hashtags")),
        Option(f"{key}:{DESCRIBE}", _("📝 Change description"), asks=True),
    )
