"""`postready optimize`: crop, resize and encode a photo for platforms, write its posts, and
print them with a summary table."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from postready.cli.batch import DEFAULT_WORKERS
from postready.cli.exit_codes import EXIT_OK, EXIT_PLATFORM_FAILED
from postready.cli.terminal import local_user, progress_display, table
from postready.pipeline.errors import ErrorCode, PostReadyError

if TYPE_CHECKING:
    from postready.pipeline.models import OptimizeResult, PlatformContent
    from postready.pipeline.photography_results import ProductPhotographyResult
    from postready.pipeline.platforms import PlatformSpec
    from postready.pipeline.pricing import Cost


def add_parser(commands: argparse._SubParsersAction) -> None:
    from postready.pipeline.logo import LOGO_POSITIONS
    from postready.pipeline.platforms import OUTPUT_FORMATS
    from postready.pipeline.wording import (
        DEFAULT_HASHTAG_LANGUAGE,
        ENGLISH,
        HASHTAG_LANGUAGES,
        POST_LANGUAGES,
    )

    optimize = commands.add_parser(
        "optimize",
        help="crop, resize and encode a photo (a carousel, or a batch) for social platforms",
    )
    optimize.set_defaults(run=run)
    optimize.add_argument(
        "photos",
        type=Path,
        nargs="+",
        metavar="PHOTO",
        help="photos (JPEG, PNG, WebP, HEIC, ...) or folders of them: several make one post "
        "each (a batch), or with --carousel one post of them all",
    )
    optimize.add_argument(
        "--carousel",
        action="store_true",
        help="the photos, in order, are one carousel post per platform",
    )
    optimize.add_argument(
        "--descriptions",
        type=Path,
        metavar="FILE.csv",
        help="a batch's descriptions: lines of filename,description",
    )
    optimize.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"photos of a batch made at once ({DEFAULT_WORKERS})",
    )
    optimize.add_argument(
        "--platforms",
        "-p",
        nargs="+",
        default=[],
        metavar="NAME",
        help="platforms (spaces or commas; aliases like ig, fb, twitter, yt, tg) or 'all' "
        "(every one); default: Instagram, Facebook, LinkedIn, Pinterest, X, TikTok, Threads "
        "and Bluesky",
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
    optimize.add_argument(
        "--language",
        choices=POST_LANGUAGES,
        default=ENGLISH,
        help="the posts' language, as /settings language in the chats: captions, hashtags "
        "and alt text, written locally or by the AI",
    )
    optimize.add_argument(
        "--hashtag-language",
        choices=HASHTAG_LANGUAGES,
        default=DEFAULT_HASHTAG_LANGUAGE,
        help="for posts not in English: hashtags in that language (mine), English ones, or "
        "both mixed (default: %(default)s)",
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
    optimize.add_argument(
        "--previews",
        action="store_true",
        help="also draw each post as its feed shows it: previews/<platform>.png and sheet.png",
    )
    optimize.add_argument(
        "--brand",
        type=Path,
        metavar="FILE.toml",
        help="a brand kit: tone, emoji, signature, brand hashtags, words to avoid, call to "
        "action, your handles (see README)",
    )
    optimize.add_argument(
        "--account-name",
        metavar="NAME",
        help="the account name the previews show ('your account')",
    )


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from postready.cli.batch import expand_photos, read_descriptions, run_batch
    from postready.cli.brand import load_kit
    from postready.core.config.services import load_service_settings
    from postready.pipeline.content import ContentEngine
    from postready.pipeline.loading import LoadLimits
    from postready.pipeline.logo import LogoOptions
    from postready.pipeline.models import (
        DEFAULT_ACCOUNT_NAME,
        CarouselPhoto,
        LogoRequest,
        OptimizeRequest,
    )
    from postready.pipeline.platforms import resolve_platforms
    from postready.pipeline.runner import run_optimization

    specs = resolve_platforms(args.platforms)
    if args.workers < 1:
        raise PostReadyError(ErrorCode.INVALID_OPTION, "--workers takes a number from 1")
    if args.carousel and args.descriptions is not None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            "--descriptions is for batches; a carousel takes one --description",
        )
    kit = load_kit(args.brand) if args.brand is not None else None
    photos = expand_photos(args.photos)
    descriptions = read_descriptions(args.descriptions) if args.descriptions else None
    services = load_service_settings(args.use_ai, args.accounts)
    logo_options = LogoOptions(args.logo_position, args.logo_scale, opacity=args.logo_opacity)
    logo = LogoRequest(args.logo, logo_options) if args.logo is not None else None
    request = OptimizeRequest(
        source=photos[0],
        platforms=tuple(spec.key for spec in specs),
        output_format=args.fmt,
        variants=_parse_variants(args.variant),
        logo=logo,
        user_id=f"cli:{local_user()}",
        source_name=str(photos[0]),
        description=args.description,
        timezone=args.timezone,
        audience_timezone=args.audience_timezone,
        language=args.language,
        hashtag_language=args.hashtag_language,
        styles=tuple(args.styles),
        background_colour=args.background_color,
        product=args.product,
        previews=args.previews,
        account_name=args.account_name or DEFAULT_ACCOUNT_NAME,
        brand=kit,
    )
    limits = LoadLimits(
        max_bytes=round(args.max_file_mb * 1_000_000),
        max_pixels=round(args.max_megapixels * 1_000_000),
    )
    engine = ContentEngine(services.providers)
    if args.carousel:
        more = tuple(CarouselPhoto(photo, str(photo)) for photo in photos[1:])
        request = replace(request, more_photos=more)
    elif len(photos) > 1 or any(path.is_dir() for path in args.photos):
        return run_batch(
            request, photos, descriptions, args.out, limits, engine, services, args.workers
        )
    elif descriptions is not None:
        request = replace(request, description=descriptions.lookup(photos[0], args.description))
    with progress_display() as on_progress:
        result = asyncio.run(
            run_optimization(
                request,
                args.out,
                limits=limits,
                progress=on_progress,
                content=engine,
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


def _print_summary(result: OptimizeResult, out_dir: Path, service_notes: tuple[str, ...]) -> None:
    from postready.pipeline.platforms import PLATFORMS

    for key, item in result.platforms.items():
        if item.content is not None:
            _print_post(PLATFORMS[key], item.content)

    rows: list[tuple[str, ...]] = []
    notes = [f"source: {note}" for note in result.source.notes]
    notes.extend(f"services: {note}" for note in service_notes)
    notes.extend(f"services: {note}" for note in _writing_notes(result))
    notes.extend(f"quota: {notice}" for notice in result.notices)
    if result.cost is not None and result.cost.usage:
        notes.append(f"AI services: {cost_line(result.cost)}")
    for key, item in result.platforms.items():
        name = PLATFORMS[key].display_name
        notes.extend(f"{name}: {warning}" for warning in item.warnings)
        brand = item.content.brand if item.content is not None else None
        notes.extend(
            f"{name}: brand: {d.what} dropped: {d.why}" for d in (brand.dropped if brand else ())
        )
        if item.image is None:
            rows.append((name, "FAILED", "", "", ""))
            error = item.error
            notes.append(f"{name}: {error.code}: {error.message}" if error else f"{name}: failed")
            continue
        image = item.image
        quality = f" q{image.quality}" if image.quality else ""
        file = f"{image.bytes / 1000:,.0f} kB {image.format.upper()}{quality}"
        crop: str = item.crop_method or ""
        if item.items:  # a carousel: its photos and posts instead of the first's file
            posts = f"{len(item.posts)} posts" if len(item.posts) > 1 else "1 post"
            file = f"{len(item.items)} photos, {posts} {image.format.upper()}"
            crop = ", ".join(sorted({photo.crop_method for photo in item.items}))
        rows.append((name, item.variant or "", f"{image.width}×{image.height}", file, crop))
    print(f"Session {result.session_id}")
    print(table(("Platform", "Format", "Size", "File", "Crop"), rows))
    for note in notes:
        print(f"• {note}")
    if result.product_photography is not None:
        _print_photography(result.product_photography)
    if result.previews is not None:
        print(f"Feed previews: {result.previews.sheet}")
    print(f"Saved to {out_dir / result.session_id}/")


def cost_line(cost: Cost) -> str:
    """What paid calls a session made and their estimated cost, in one line."""
    calls = len(cost.usage)
    line = f"{calls} paid call{'s' if calls != 1 else ''}, about ${cost.usd:.4f}"
    if cost.prices_as_of:
        line += f" (prices of {cost.prices_as_of})"
    if cost.unpriced:
        line += f"; no price for {', '.join(cost.unpriced)} (POSTREADY_PRICES_FILE)"
    return line


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


def _writing_notes(result: OptimizeResult) -> list[str]:
    """Who wrote the posts and why a service fell back, once for all platforms: notes for
    whoever runs PostReady, printed with the others after the posts."""
    writers: dict[str, None] = {}
    fallbacks: dict[str, None] = {}
    for item in result.platforms.values():
        if item.content is not None:
            writers[item.content.sources.writing] = None
            fallbacks |= dict.fromkeys(
                f"{part}: {reason}" for part, reason in item.content.sources.fallbacks.items()
            )
    notes = [f"posts written by {', '.join(writers)}"] if writers else []
    return notes + [f"fallback: {fallback}" for fallback in fallbacks]


def _print_post(spec: PlatformSpec, content: PlatformContent) -> None:
    """One platform's post as the user copies it: the caption unwrapped and without borders
    (so a terminal copy is exact), then the first comment (or tags field), next slot and
    accounts. Who wrote it and any fallback are the operator's notes, after the table."""
    from postready.pipeline.platforms import HashtagPlacement
    from postready.pipeline.timing import slot_label

    print(f"── {spec.display_name} ──")
    print(content.caption)
    if content.first_comment:
        print(f"First comment: {content.first_comment}")
    if spec.hashtags.placement == HashtagPlacement.TAGS_FIELD and content.hashtags:
        print(f"Tags field: {', '.join(content.hashtags)}")
    if content.posting.next_slots:
        print(f"Best next slot: {slot_label(content.posting.next_slots[0])}")
    handles = " ".join(a.handle for a in content.accounts.accounts)
    if handles:
        print(f"Accounts to tag: {handles}")
    print()
