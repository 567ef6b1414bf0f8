"""The progress bar `postready optimize` draws on a terminal, and its tables."""

from __future__ import annotations

import io

from postready.cli.terminal import (
    BAR_WIDTH,
    CLEAR_TO_END,
    cells,
    progress_display,
    progress_line,
    table,
)
from postready.core.i18n import speaking
from postready.pipeline.models import ProgressEvent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_redrawn_in_place_and_cleared_at_the_end() -> None:
    terminal = Terminal()
    with progress_display(terminal) as on_progress:
        assert on_progress is not None
        on_progress(ProgressEvent("load", 0, 4, "reading the photo"))
        on_progress(ProgressEvent("images", 2, 4, "Instagram ready"))
    redraws = terminal.getvalue().split("\r")[1:]
    assert [line.endswith(CLEAR_TO_END) for line in redraws] == [True, True, True]
    assert redraws[0].startswith("reading the photo ")
    assert redraws[1].startswith("Instagram ready ")
    assert redraws[2] == CLEAR_TO_END  # nothing is left on the line


def test_the_bar_fills_with_the_steps_done() -> None:
    line = progress_line(ProgressEvent("images", 3, 4, "X ready"), elapsed=75.4)
    filled = round(BAR_WIDTH * 3 / 4)
    assert "━" * filled + "─" * (BAR_WIDTH - filled) in line
    assert line.endswith(" 3/4  0:01:15")


def test_a_step_naming_a_platform_is_shown_in_the_language() -> None:
    event = ProgressEvent("images", 2, 4, "{platform} image ready", {"platform": "Instagram"})
    assert progress_line(event, elapsed=1).startswith("Instagram image ready ")
    with speaking("es"):
        assert progress_line(event, elapsed=1).startswith("imagen de Instagram lista ")


def test_no_bar_when_output_is_not_a_terminal() -> None:
    piped = io.StringIO()
    with progress_display(piped) as on_progress:
        assert on_progress is None
    assert piped.getvalue() == ""


def test_table_columns_line_up_in_any_script() -> None:
    """Devanagari vowel signs take no column of their own, CJK characters two."""
    assert cells("Platform") == 8 and cells("1080×1080") == 9
    assert cells("प्लैटफ़ॉर्म") == 6 and cells("漢字") == 4
    text = table(("प्लैटफ़ॉर्म", "漢字", "Size"), [("Instagram", "ab", "1080×1080")])
    header, rule, row = text.split("\n")
    assert rule == "─" * 9 + "  " + "─" * 4 + "  " + "─" * 9
    assert header == "प्लैटफ़ॉर्म" + " " * 3 + "  漢字  Size"
    assert row == "Instagram  ab    1080×1080"
