"""`postready platforms`: the table of platforms and their limits."""

from __future__ import annotations

from postready.cli import EXIT_OK, main
from postready.pipeline.platforms import PLATFORMS


def test_platforms_lists_the_table(capsys) -> None:
    assert main(["platforms"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in ("Instagram", "Bluesky", "1080×1350", "1000×1500", "twitter", "Alt text", "4,086"):
        assert name in out
    for spec in PLATFORMS.values():
        assert spec.display_name in out and spec.key in out
    for fact in ("thumbnail 1280×720 (on request)", "2 MB", "CamelCase", "tags field", "none",
                 "1,024", "Per post", "gbp", "mast", "yt", "tg", "20, one shape"):  # fmt: skip
        assert fact in out, fact
