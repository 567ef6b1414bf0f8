"""`postready platforms`: the platforms, their image formats and limits, as one table."""

from __future__ import annotations

import argparse

from postready.cli.exit_codes import EXIT_OK
from postready.cli.terminal import table


def add_parser(commands: argparse._SubParsersAction) -> None:
    platforms = commands.add_parser("platforms", help="list platforms, image sizes and limits")
    platforms.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from postready.pipeline.platforms import PLATFORMS

    rows = []
    for spec in PLATFORMS.values():
        rule = spec.hashtags
        for index, variant in enumerate(spec.variants):
            first = index == 0
            rows.append(
                (
                    spec.display_name if first else "",
                    ", ".join((spec.key, *spec.aliases)) if first else "",
                    f"{variant.name} {variant.width}×{variant.height}"
                    + ("" if variant.auto else " (on request)"),
                    f"{spec.max_bytes / 1_000_000:g} MB " + "/".join(spec.formats).upper()
                    if first
                    else "",
                    f"{spec.caption_limit:,}" if first else "",
                    f"{rule.min}–{rule.max} {rule.placement.value.replace('_', ' ')}"
                    if first
                    else "",
                    f"{spec.alt_text.limit:,}" if first else "",
                )
            )
    headers = (
        "Platform",
        "Names",
        "Image formats",
        "Max upload",
        "Caption",
        "Hashtags",
        "Alt text",
    )
    print(table(headers, rows))
    return EXIT_OK
