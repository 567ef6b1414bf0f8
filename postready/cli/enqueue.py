"""`postready enqueue`: queue a photo for `postready worker`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from postready.cli.exit_codes import EXIT_OK
from postready.cli.terminal import local_user


def add_parser(commands: argparse._SubParsersAction) -> None:
    enqueue = commands.add_parser("enqueue", help="queue a photo for `postready worker`")
    enqueue.set_defaults(run=run)
    enqueue.add_argument("photo", type=Path)
    enqueue.add_argument("--platforms", "-p", nargs="+", default=[], metavar="NAME")
    enqueue.add_argument("--description", "-d", default="", help="what the photo shows")


def run(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.core.identity import HEADLESS_PLATFORM, UserRef
    from postready.core.queue import QueueService
    from postready.core.storage import Storage
    from postready.core.storage.private import make_private
    from postready.pipeline.models import OptimizeRequest
    from postready.pipeline.platforms import resolve_platforms

    specs = resolve_platforms(args.platforms)
    settings = load_settings()
    make_private(settings.storage.data_dir)

    async def submit():
        async with await Storage.open(settings.storage.database) as storage:
            user = await storage.users.get_or_create(UserRef(HEADLESS_PLATFORM, local_user()))
            request = OptimizeRequest(
                source=args.photo,
                platforms=tuple(spec.key for spec in specs),
                description=args.description,
                source_name=str(args.photo),
            )
            queue = QueueService(storage, settings, workers=False)
            await queue.open()
            try:
                return await queue.api.submit(user, request)
            finally:
                await queue.stop()

    submitted = asyncio.run(submit())
    print(f"queued job #{submitted.job.id} (position {submitted.position})")
    return EXIT_OK
