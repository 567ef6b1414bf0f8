"""`postready` command line: one module per subcommand, each adding its own parser and `run`.
It speaks the language `--language` or the environment asks for (`postready.cli.language`).

Exit codes: 0 success, 1 some platform failed, 2 bad input (code and one line on stderr).
Imports are lazy where they are heavy, since a whole CLI run is what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import suppress
from typing import NoReturn

import postready.cli._startup  # noqa: F401  (first: it sets up the process)
from postready.cli import (
    apikey,
    bot,
    brand,
    cleanup,
    db,
    enqueue,
    jobs,
    optimize,
    platforms,
    worker,
)
from postready.cli.exit_codes import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PLATFORM_FAILED,
)
from postready.cli.language import Parser, requested_language
from postready.core.i18n import _, fill, speaking
from postready.pipeline.errors import PostReadyError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_PLATFORM_FAILED",
    "build_parser",
    "entry_point",
    "main",
]

# In the order `postready --help` lists them.
COMMANDS = (optimize, platforms, brand, worker, bot, jobs, enqueue, cleanup, db, apikey)


def build_parser() -> argparse.ArgumentParser:
    """The parser, its texts in the current language (`speaking`)."""
    parser = Parser(prog="postready", description=_("One photo in, ready-to-post content out."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    with speaking(requested_language(arguments, os.environ)):
        return _run(arguments)


def _run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PostReadyError as exc:
        # "error:" and the code stay as they are in every language, for scripts to match.
        print(f"error: {exc.code}: {fill(exc.template, exc.fields)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `postready platforms | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def entry_point() -> NoReturn:
    """The `postready` command: `main` on the process's arguments, then an exit that skips the
    interpreter's clean-up. That clean-up frees every object of numpy, OpenCV and the photo
    one by one: 50-150 ms that a user waits for after the work is done. By then each command
    has closed its files and stopped its threads; only the output is still to be flushed."""
    code = main()
    with suppress(BrokenPipeError):  # the reader left (`postready platforms | head`): fine
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
