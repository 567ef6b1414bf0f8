"""`postready worker`: process queued jobs until stopped, one log line per job update."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from postready.cli.exit_codes import EXIT_OK
from postready.cli.logs import configure_logging
from postready.core.i18n import DEFAULT_LANGUAGE, _, speaking

if TYPE_CHECKING:
    from postready.core.config.settings import Settings
    from postready.core.queue.updates import JobUpdate
    from postready.serve import Frontend


def add_parser(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser(
        "worker", help=_("process queued jobs until stopped (SIGTERM or Ctrl-C)")
    )
    worker.set_defaults(run=run)
    worker.add_argument(
        "--workers",
        type=int,
        help=_("jobs at once (default: POSTREADY_WORKERS or the CPU count)"),
    )


def run(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.serve import delivering_frontends

    settings = load_settings()
    if args.workers is not None:
        settings = settings.replace(queue={"workers": max(1, args.workers)})
    # With PostgreSQL a worker on any machine runs the chats' jobs and sends their results
    # itself; with SQLite the bot's own process runs them, and a worker the command line's.
    shared = isinstance(settings.storage.database, str)
    return serve_jobs(settings, delivering_frontends(settings) if shared else ())


def serve_jobs(
    settings: Settings, frontends: Sequence[Frontend] = (), *, workers: bool = True
) -> int:
    """Run the worker pool (and the chat `frontends`) until SIGTERM or Ctrl-C, logging to
    stderr; jobs no frontend takes are logged one line per update. `workers=False`: only the
    frontends run here (PostgreSQL: other processes run the jobs)."""
    from postready.core.storage.private import make_private
    from postready.serve import run_worker

    make_private(settings.storage.data_dir)
    configure_logging(settings.operations.log_format)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request URLs hold bot tokens
    # The chats and the HTTP API choose each user's language themselves, English where they
    # say none; the language of whoever started the process is not theirs (nor the logs').
    with speaking(DEFAULT_LANGUAGE):
        asyncio.run(
            run_worker(settings, subscriber=_log_update, frontends=frontends, workers=workers)
        )
    return EXIT_OK


async def _log_update(update: JobUpdate) -> None:
    """A headless worker's subscriber: one log line per progress update or ended job."""
    job = update.job
    if update.progress is not None:
        from postready.chat.replies import Progress

        detail = Progress.from_event(update.progress).bar
    elif update.position is not None:
        detail = f"queued, position {update.position}"
    else:
        error = job.session.error
        detail = f"{job.status}" + (f" {error.code}: {error.message}" if error else "")
    logging.getLogger("postready.worker").info("job=%s %s", job.id, detail)
