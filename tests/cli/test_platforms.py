"""`postready platforms`: the table of platforms and their limits."""

from __future__ import annotations

from postready.cli import EXIT_OK, main


def test_platforms_lists_the_table(capsys) -> None:
    assert main(["platforms"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in ("Instagram", "Bluesky", "1080×1350", "1000×1500", "twitter", "Alt text", "4,086"):
        assert name in out
