"""`postready` command line: `optimize` a photo for platforms, list the `platforms` table.

Exit codes: 0 success, 1 some platform failed, 2 bad input (code and one line on stderr).
Imports are lazy where they are heavy, since a whole CLI run is what a user waits for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from postready.pipeline.errors import ErrorCode, PostReadyError

if TYPE_CHECKING:
    from postready.core.config.settings import Settings
    from postready.pipeline.photography_results import ProductPhotographyResult
    from postready.serve import Frontend

EXIT_OK, EXIT_PLATFORM_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# Builds a chat adapter from the settings; raises PostReadyError when it is not configured.
ChatFactory = Callable[["Settings"], "Frontend"]


def build_parser() -> argparse.ArgumentParser:
    from postready.pipeline.logo import LOGO_POSITIONS
    from postready.pipeline.platforms import OUTPUT_FORMATS

    parser = argparse.ArgumentParser(
        prog="postready", description="One photo in, ready-to-post content out."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    optimize = commands.add_parser(
        "optimize", help="crop, resize and encode a photo for social platforms"
    )
    optimize.add_argument("photo", type=Path, help="the photo (JPEG, PNG, WebP, HEIC, ...)")
    optimize.add_argument(
        "--platforms",
        "-p",
        nargs="+",
        default=["all"],
        metavar="NAME",
        help="platforms (spaces or commas; aliases like ig, fb, twitter) or 'all' (default)",
    )
    optimize.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="PLATFORM=NAME",
        help="force a format, e.g. instagram=square or instagram=story (repeatable)",
    )
    optimize.add_argument("--format", choices=OUTPUT_FORMATS, default="jpeg", dest="fmt")
    optimize.add_argument("--out", type=Path, default=Path("output"), help="default: ./output")
    optimize.add_argument("--logo", type=Path, help="a logo to place on every image")
    optimize.add_argument(
        "--logo-position", default="bottom-right", help=" | ".join(LOGO_POSITIONS)
    )
    optimize.add_argument(
        "--logo-scale", type=float, default=0.18, help="logo width / shorter side (0.18)"
    )
    optimize.add_argument("--logo-opacity", type=float, default=1.0)
    optimize.add_argument(
        "--styles",
        nargs="+",
        default=[],
        metavar="STYLE",
        help="product-photography styles: floating, 'flat lay', lifestyle, 'product art', "
        "macro, 'dark and moody', 'solid background', or all",
    )
    optimize.add_argument(
        "--background-color", default="White", help="for 'solid background', e.g. 'Sage Green'"
    )
    product = optimize.add_mutually_exclusive_group()
    product.add_argument(
        "--no-product", dest="product", action="store_false", help="skip product photography"
    )
    product.add_argument(
        "--product",
        dest="product",
        action="store_true",
        help="treat the photo as a product shot whatever the detection says",
    )
    optimize.set_defaults(product=None)
    optimize.add_argument(
        "--max-file-mb", type=float, default=50.0, help="refuse larger files (50)"
    )
    optimize.add_argument(
        "--max-megapixels", type=float, default=80.0, help="refuse larger images (80)"
    )
    optimize.add_argument(
        "--description", "-d", default="", metavar="TEXT", help="what the photo shows, your words"
    )
    optimize.add_argument(
        "--timezone", default="UTC", metavar="ZONE", help="yours, for posting times (IANA name)"
    )
    optimize.add_argument(
        "--audience-timezone", metavar="ZONE", help="your audience's, if not yours"
    )
    ai = optimize.add_mutually_exclusive_group()
    ai.add_argument(
        "--use-ai",
        action="store_const",
        const=True,
        dest="use_ai",
        help="use OpenAI/Gemini (the default when their API keys are set)",
    )
    ai.add_argument(
        "--no-ai", action="store_const", const=False, dest="use_ai", help="local providers only"
    )
    optimize.add_argument(
        "--accounts", type=Path, metavar="FILE", help="TOML list of accounts to suggest per niche"
    )

    commands.add_parser("platforms", help="list platforms, image sizes and limits")
    _add_queue_commands(commands)
    return parser


def _add_queue_commands(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser(
        "worker", help="process queued jobs until stopped (SIGTERM or Ctrl-C)"
    )
    worker.add_argument(
        "--workers", type=int, help="jobs at once (default: POSTREADY_WORKERS or the CPU count)"
    )
    bot = commands.add_parser(
        "bot", help="run the chat bots and the worker pool until stopped (SIGTERM or Ctrl-C)"
    )
    bot.add_argument(
        "chats",
        nargs="*",
        metavar="CHAT",
        help="telegram, discord (default: every chat with a token)",
    )
    bot.add_argument(
        "--sync",
        action="store_true",
        help="register Discord's slash commands even when they look unchanged",
    )
    jobs = commands.add_parser("jobs", help="list recent jobs and their state")
    jobs.add_argument("--limit", type=int, default=20)
    enqueue = commands.add_parser("enqueue", help="queue a photo for `postready worker`")
    enqueue.add_argument("photo", type=Path)
    enqueue.add_argument("--platforms", "-p", nargs="+", default=["all"], metavar="NAME")
    enqueue.add_argument("--description", "-d", default="", help="what the photo shows")


def main(argv: list[str] | None = None, chats: Mapping[str, ChatFactory] | None = None) -> int:
    """`chats`: the chat adapters `postready bot` can run, by name (given by the entry point,
    `postready.main`, since this layer does not import adapters)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "platforms":
            return _print_platforms()
        if args.command == "bot":
            return _bot(args, chats or {})
        if args.command in _QUEUE_COMMANDS:
            return _QUEUE_COMMANDS[args.command](args)
        return _optimize(args)
    except PostReadyError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `postready platforms | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _optimize(args: argparse.Namespace) -> int:
    from postready.core.config.services import load_service_settings
    from postready.pipeline.content import ContentEngine
    from postready.pipeline.loading import LoadLimits
    from postready.pipeline.logo import LogoOptions
    from postready.pipeline.models import LogoRequest, OptimizeRequest
    from postready.pipeline.platforms import resolve_platforms
    from postready.pipeline.runner import run_optimization

    specs = resolve_platforms(args.platforms)
    services = load_service_settings(args.use_ai, args.accounts)
    logo_options = LogoOptions(args.logo_position, args.logo_scale, opacity=args.logo_opacity)
    logo = LogoRequest(args.logo, logo_options) if args.logo is not None else None
    request = OptimizeRequest(
        source=args.photo,
        platforms=tuple(spec.key for spec in specs),
        output_format=args.fmt,
        variants=_parse_variants(args.variant),
        logo=logo,
        user_id=f"cli:{_local_user()}",
        source_name=str(args.photo),
        description=args.description,
        timezone=args.timezone,
        audience_timezone=args.audience_timezone,
        styles=tuple(args.styles),
        background_colour=args.background_color,
        product=args.product,
    )
    limits = LoadLimits(
        max_bytes=round(args.max_file_mb * 1_000_000),
        max_pixels=round(args.max_megapixels * 1_000_000),
    )
    with _progress_display() as on_progress:
        result = asyncio.run(
            run_optimization(
                request,
                args.out,
                limits=limits,
                progress=on_progress,
                content=ContentEngine(services.providers),
                photography=services.photography,
            )
        )
    _print_summary(result, args.out, services.notes)
    return EXIT_OK if len(result.successful) == len(result.platforms) else EXIT_PLATFORM_FAILED


def _parse_variants(pairs: list[str]) -> dict[str, str]:
    from postready.pipeline.platforms import resolve_platforms

    variants = {}
    for pair in pairs:
        platform, sep, name = pair.partition("=")
        if not sep or not name.strip():
            raise PostReadyError(
                ErrorCode.INVALID_OPTION, f"--variant takes PLATFORM=NAME, got '{pair}'"
            )
        specs = resolve_platforms([platform])
        if len(specs) != 1:
            raise PostReadyError(ErrorCode.INVALID_OPTION, "--variant names one platform")
        variants[specs[0].key] = name.strip().lower()
    return variants


def _local_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


class _progress_display:
    """A rich progress bar on a terminal; silent when output is piped or in CI."""

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        task = self._progress.add_task("starting", total=1)

        def on_progress(event):
            self._progress.update(
                task, total=event.total, completed=event.done, description=event.message
            )

        return on_progress

    def __exit__(self, *exc_info: object) -> None:
        if hasattr(self, "_progress"):
            self._progress.stop()


def _print_summary(result, out_dir: Path, service_notes: tuple[str, ...]) -> None:
    from postready.pipeline.platforms import PLATFORMS

    for key, item in result.platforms.items():
        if item.content is not None:
            _print_post(PLATFORMS[key].display_name, item.content)

    rows, notes = [], [f"source: {note}" for note in result.source.notes]
    notes.extend(f"services: {note}" for note in service_notes)
    for key, item in result.platforms.items():
        name = PLATFORMS[key].display_name
        notes.extend(f"{name}: {warning}" for warning in item.warnings)
        if item.image is None:
            rows.append((name, "FAILED", "", "", ""))
            notes.append(f"{name}: {item.error.code}: {item.error.message}")
            continue
        image = item.image
        quality = f" q{image.quality}" if image.quality else ""
        rows.append(
            (
                name,
                item.variant,
                f"{image.width}×{image.height}",
                f"{image.bytes / 1000:,.0f} kB {image.format.upper()}{quality}",
                item.crop_method,
            )
        )
    print(f"Session {result.session_id}")
    print(_table(("Platform", "Format", "Size", "File", "Crop"), rows))
    for note in notes:
        print(f"• {note}")
    if result.product_photography is not None:
        _print_photography(result.product_photography)
    print(f"Saved to {out_dir / result.session_id}/")


def _print_photography(photography: ProductPhotographyResult) -> None:
    from postready.pipeline.photography import STYLES

    detection = photography.detection
    if not photography.styles and not photography.failed:
        print(f"Product photography skipped: {detection.reason} (--product to force)")
        return
    cutout = f"cut-out {photography.cutout_method} ({photography.cutout_confidence:.2f})"
    print(f"Product photography ({photography.provider}, {cutout}):")
    for key, outputs in photography.styles.items():
        print(f"  {STYLES[key].name}: {len(outputs)} image(s)")
    for key, reason in photography.failed.items():
        print(f"  {STYLES[key].name}: FAILED ({reason})")
    for note in photography.notes:
        print(f"• {note}")


def _print_post(name: str, content) -> None:
    """One platform's post as the user copies it: the caption unwrapped and without borders
    (so a terminal copy is exact), then the first comment, next slot and accounts."""
    from postready.pipeline.timing import slot_label

    sources = content.sources
    fallback = f", fallback: {'; '.join(sources.fallbacks.values())}" if sources.fallbacks else ""
    print(f"── {name} (written by {sources.writing}{fallback}) ──")
    print(content.caption)
    if content.first_comment:
        print(f"First comment: {content.first_comment}")
    if content.posting.next_slots:
        print(f"Best next slot: {slot_label(content.posting.next_slots[0])}")
    handles = " ".join(a.handle for a in content.accounts.accounts)
    if handles:
        print(f"Accounts to tag: {handles}")
    print()


def _print_platforms() -> int:
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
                )
            )
    headers = ("Platform", "Names", "Image formats", "Max upload", "Caption", "Hashtags")
    print(_table(headers, rows))
    return EXIT_OK


def _worker(args: argparse.Namespace) -> int:
    import logging

    from postready.core.config.settings import load_settings
    from postready.serve import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    if args.workers is not None:
        settings = settings.model_copy(update={"workers": max(1, args.workers)})
    asyncio.run(run_worker(settings, subscriber=_log_update))
    return EXIT_OK


def _bot(args: argparse.Namespace, chats: Mapping[str, ChatFactory]) -> int:
    import logging

    from postready.core.config.settings import load_settings
    from postready.serve import run_worker

    unknown = [name for name in args.chats if name not in chats]
    if unknown:
        known = ", ".join(chats) or "none"
        raise PostReadyError(
            ErrorCode.INVALID_OPTION, f"unknown chat '{unknown[0]}'; available: {known}"
        )
    settings = load_settings()
    if args.sync:
        settings = settings.model_copy(update={"discord_sync_commands": True})
    frontends, refusals = [], []
    for name in args.chats or chats:
        try:
            frontends.append(chats[name](settings))
        except PostReadyError as exc:
            if args.chats:
                raise
            refusals.append(exc)
    if not frontends:
        raise (
            refusals[0]
            if refusals
            else PostReadyError(ErrorCode.INVALID_OPTION, "no chat adapter is installed")
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # httpx logs every request URL, and Bot API URLs hold the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(run_worker(settings, subscriber=_log_update, frontends=frontends))
    return EXIT_OK


async def _log_update(update) -> None:
    """A headless worker's subscriber: one log line per progress update or ended job."""
    import logging

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


def _enqueue(args: argparse.Namespace) -> int:
    from postready.core.config.settings import load_settings
    from postready.core.identity import HEADLESS_PLATFORM, UserRef
    from postready.core.queue.api import JobQueue
    from postready.core.storage import Storage
    from postready.pipeline.models import OptimizeRequest
    from postready.pipeline.platforms import resolve_platforms

    specs = resolve_platforms(args.platforms)
    settings = load_settings()

    async def submit():
        async with await Storage.open(settings.db_path) as storage:
            user = await storage.users.get_or_create(UserRef(HEADLESS_PLATFORM, _local_user()))
            request = OptimizeRequest(
                source=args.photo,
                platforms=tuple(spec.key for spec in specs),
                description=args.description,
                source_name=str(args.photo),
            )
            return await JobQueue(storage.jobs, settings).submit(user, request)

    submitted = asyncio.run(submit())
    print(f"queued job #{submitted.job.id} (position {submitted.position})")
    return EXIT_OK


def _jobs(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from postready.core.config.settings import load_settings
    from postready.core.storage import Storage

    db_path = load_settings().db_path

    async def recent():
        async with await Storage.open(db_path) as storage:
            return await storage.jobs.recent(args.limit)

    table = Table(title="Recent jobs", title_justify="left")
    for column in ("Job", "State", "User", "Platforms", "Tries", "Queued at (UTC)", "Detail"):
        table.add_column(column)
    for job in asyncio.run(recent()):
        session = job.session
        error = session.error
        table.add_row(
            f"#{job.id}",
            job.status + (" (cancel requested)" if job.cancel_requested else ""),
            str(session.user),
            ", ".join(session.platforms),
            f"{job.attempts}/{job.max_attempts}",
            session.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{error.code}: {error.message}" if error else session.description,
        )
    Console().print(table)
    return EXIT_OK


_QUEUE_COMMANDS = {"worker": _worker, "jobs": _jobs, "enqueue": _enqueue}


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Plain aligned columns: readable on a terminal, in a pipe and in a log alike."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, tuple("─" * width for width in widths), *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
