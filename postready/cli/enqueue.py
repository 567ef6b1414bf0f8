"""`postready enqueue`: queue photos for `postready worker`: one job each, or with `--carousel`
one job of them all (one carousel post per platform)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from postready.cli.exit_codes import EXIT_OK, EXIT_PLATFORM_FAILED
from postready.cli.terminal import local_user
from postready.core.i18n import _, fill, ngettext
from postready.pipeline.errors import PostReadyError

if TYPE_CHECKING:
    from postready.core.queue.api import Submitted
    from postready.pipeline.models import OptimizeRequest


def add_parser(commands: argparse._SubParsersAction) -> None:
    enqueue = commands.add_parser("enqueue", help=_("queue photos for `postready worker`"))
    enqueue.set_defaults(run=run)
    enqueue.add_argument(
        "photos",
        type=Path,
        nargs="+",
        metavar="PHOTO",
        help=_("photos or folders of them: a job each, or with --carousel one job of them all"),
    )
    enqueue.add_argument(
        "--carousel",
        action="store_true",
        help=_("the photos, in order, are one carousel post per platform (one job)"),
    )
    enqueue.add_argument(
        "--platforms",
        "-p",
        nargs="+",
        default=[],
        metavar="NAME",
        help=_("platforms (spaces or commas) or 'all'; default: as optimize"),
    )
    enqueue.add_argument("--description", "-d", default="", help=_("what the photos show"))


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from postready.cli.batch import expand_photos
    from postready.core.config.settings import load_settings
    from postready.core.identity import HEADLESS_PLATFORM, UserRef
    from postready.core.queue import QueueService
    from postready.core.storage import Storage
    from postready.core.storage.private import make_private
    from postready.pipeline.models import CarouselPhoto, OptimizeRequest
    from postready.pipeline.platforms import resolve_platforms

    specs = resolve_platforms(args.platforms)
    photos = expand_photos(args.photos)
    settings = load_settings()
    make_private(settings.storage.data_dir)
    first = OptimizeRequest(
        source=photos[0],
        platforms=tuple(spec.key for spec in specs),
        description=args.description,
        source_name=str(photos[0]),
    )
    if args.carousel:
        more = tuple(CarouselPhoto(photo, str(photo)) for photo in photos[1:])
        requests = [replace(first, more_photos=more)]
    else:
        requests = [replace(first, source=photo, source_name=str(photo)) for photo in photos]

    async def submit() -> list[Submitted | PostReadyError]:
        async with await Storage.open(settings.storage.database) as storage:
            user = await storage.users.get_or_create(UserRef(HEADLESS_PLATFORM, local_user()))
            queue = QueueService(storage, settings, workers=False)
            await queue.open()
            outcomes: list[Submitted | PostReadyError] = []
            try:
                for index, request in enumerate(requests):
                    try:
                        # The photos of one command are one request against the in-flight
                        # limit, as a chat's album is; the hourly and queue limits still count
                        # each.
                        outcomes.append(await queue.api.submit(user, request, album_index=index))
                    except PostReadyError as exc:
                        if len(requests) == 1:
                            raise
                        outcomes.append(exc)
            finally:
                await queue.stop()
            return outcomes

    outcomes = asyncio.run(submit())
    for request, outcome in zip(requests, outcomes, strict=True):
        _report(request, outcome, several=len(requests) > 1)
    failed = any(isinstance(outcome, PostReadyError) for outcome in outcomes)
    return EXIT_PLATFORM_FAILED if failed else EXIT_OK


def _report(request: OptimizeRequest, outcome: Submitted | PostReadyError, several: bool) -> None:
    what = f": {request.source_name}" if several else ""
    if request.more_photos:
        count = 1 + len(request.more_photos)
        carousel = ngettext(
            "one carousel of {count} photo", "one carousel of {count} photos", count
        )
        what = f": {carousel.format(count=count)}"
    if isinstance(outcome, PostReadyError):
        message = fill(outcome.template, outcome.fields)
        print(f"error: {outcome.code}: {request.source_name}: {message}", file=sys.stderr)
        return
    queued = _("queued job #{job} (position {position})").format(
        job=outcome.job.id, position=outcome.position
    )
    print(queued + what)
