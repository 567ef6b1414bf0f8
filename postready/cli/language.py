"""The command line's own language: `--language CODE` (any subcommand takes it), else the
environment as gettext programs read it (LC_ALL, LC_MESSAGES, LANG, and LANGUAGE's list);
English for "C", for none set and for a language PostReady does not speak. Known before the
parser is built, since `--help` is written in it; argparse's own words follow it too."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from postready.core import i18n
from postready.core.i18n import N_, _

LANGUAGE_OPTION = "--language"

# argparse looks its words up with `gettext.gettext` and `gettext.ngettext`, bound to its
# module's `_` and `ngettext` when it is imported and called by name at each use. Those two
# names are pointed at our catalogs once, so that the usage line, the help's headings and
# argparse's errors are in the language the CLI speaks (`i18n.speaking`); English, with no
# catalog, gets argparse's words unchanged. The words it says to a user are listed here so
# that the catalogs carry them.
ARGPARSE_TEXTS = (
    # Translators: argparse's own words (the usage line, the help's headings, its errors):
    # keep %(name)s, %s and %r as they are, and the trailing space of "usage: ".
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
argparse._ = i18n._  # type: ignore[attr-defined]
argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def requested_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language a command line asks for: its `--language` (the last one before a `--`),
    else the environment's."""
    asked = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == LANGUAGE_OPTION and index + 1 < len(argv):
            asked = argv[index + 1]
        elif arg.startswith(LANGUAGE_OPTION + "="):
            asked = arg.partition("=")[2]
    if asked is not None:
        return i18n.supported(asked)
    return i18n.environment_language(environ)


def language_code(text: str) -> str:
    """`--language`'s value as a language PostReady speaks ("pt-BR" is pt_BR)."""
    found = i18n.language_named(text)
    if found is None:
        codes = ", ".join(i18n.LANGUAGES)
        raise argparse.ArgumentTypeError(
            _("unsupported language '{code}' (choose from {codes})").format(code=text, codes=codes)
        )
    return found


class Parser(argparse.ArgumentParser):
    """An argument parser that takes `--language` wherever it is (before or after the
    subcommand): a subcommand that means more by it (optimize: the posts' language too)
    declares its own with `conflict_handler="resolve"`. The value is only read when the
    command line is scanned (`requested_language`) and by the commands that use it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            LANGUAGE_OPTION,
            type=language_code,
            metavar="CODE",
            # A subcommand's own default would hide the value given before the subcommand.
            default=argparse.SUPPRESS,
            help=_("the language of the output ({codes}); default: from LANG").format(
                codes=", ".join(i18n.LANGUAGES)
            ),
        )
