"""`postready platforms`: the platforms, their image formats and limits, as one table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from postready.cli.exit_codes import EXIT_OK
from postready.cli.terminal import table
from postready.core.i18n import N_, _

if TYPE_CHECKING:
    from postready.pipeline.platforms import HashtagRule, PlatformSpec

# Where a platform's hashtags go (the `HashtagPlacement` values), as the table says it.
PLACEMENTS = {
    "first_comment": N_("first comment"),
    "inline": N_("inline"),
    "end": N_("end"),
    "description": N_("description"),
    "tags_field": N_("tags field"),
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    platforms = commands.add_parser("platforms", help=_("list platforms, image sizes and limits"))
    platforms.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from postready.pipeline.platforms import PLATFORMS

    rows = []
    for spec in PLATFORMS.values():
        rule = spec.hashtags
        for index, variant in enumerate(spec.variants):
            first = index == 0
            limit = variant.max_bytes or spec.max_bytes
            rows.append(
                (
                    spec.display_name if first else "",
                    ", ".join((spec.key, *spec.aliases)) if first else "",
                    f"{variant.name} {variant.width}×{variant.height}"
                    + ("" if variant.auto else _(" (on request)")),
                    f"{limit / 1_000_000:g} MB " + ("/".join(spec.formats).upper() if first else "")
                    if first or variant.max_bytes
                    else "",
                    f"{spec.caption_limit:,}" if first else "",
                    _hashtags(rule) if first else "",
                    f"{spec.alt_text.limit:,}" if first else "",
                    _carousel(spec) if first else "",
                )
            )
    headers = (
        _("Platform"),
        _("Names"),
        _("Image formats"),
        _("Max upload"),
        _("Caption"),
        _("Hashtags"),
        _("Alt text"),
        _("Per post"),
    )
    print(table(headers, rows))
    return EXIT_OK


def _hashtags(rule: HashtagRule) -> str:
    if rule.max == 0:
        return _("none")
    case = ", CamelCase" if rule.camel_case else ""
    return f"{rule.min}–{rule.max} {_(PLACEMENTS[rule.placement])}{case}"


def _carousel(spec: PlatformSpec) -> str:
    """The most images one post takes, and whether they must share one shape."""
    if spec.carousel_limit is None:
        return "—"
    return f"{spec.carousel_limit}" + (_(", one shape") if spec.carousel_same_ratio else "")
