"""How a logo is asked for: position, scale, margin and opacity, checked when given. Placing it
on the pixels is `logo_placement.py`'s job, which needs numpy; requests and option parsing
do not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, NoReturn, get_args

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_

LogoPosition = Literal["top-left", "top-right", "bottom-left", "bottom-right", "centre"]
LOGO_POSITIONS: tuple[LogoPosition, ...] = get_args(LogoPosition)


def parse_logo_position(text: str) -> LogoPosition:
    """Read a position leniently: "bottom-right", "bottom_right", "Bottom Right", "center"."""
    key = "-".join(re.split(r"[\s_-]+", text.strip().lower()))
    key = "centre" if key == "center" else key
    if key not in LOGO_POSITIONS:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("unknown logo position '{name}'; use one of {positions}"),
            name=text,
            positions=", ".join(LOGO_POSITIONS),
        )
    return key


@dataclass(frozen=True, slots=True)
class LogoOptions:
    """How to place a logo; invalid values raise PostReadyError(INVALID_OPTION)."""

    position: LogoPosition = "bottom-right"
    scale: float = 0.18  # logo width as a fraction of the image's shorter side
    margin: float = 0.04  # margin as a fraction of the image's shorter side
    opacity: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", parse_logo_position(self.position))
        if not 0 < self.scale <= 1:
            _invalid(N_("logo scale must be above 0 and at most 1, not {value}"), self.scale)
        if not 0 <= self.margin < 0.5:
            _invalid(N_("logo margin must be at least 0 and below 0.5, not {value}"), self.margin)
        if not 0 < self.opacity <= 1:
            _invalid(N_("logo opacity must be above 0 and at most 1, not {value}"), self.opacity)


def _invalid(message: str, value: float) -> NoReturn:
    raise PostReadyError(ErrorCode.INVALID_OPTION, message, value=value)
