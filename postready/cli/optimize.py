"""`postready optimize`: crop, resize and encode a photo for platforms, write its posts, and
print them with a summary table."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from postready.cli.batch import DEFAULT_WORKERS, FAILED
from postready.cli.exit_codes import EXIT_OK, EXIT_PLATFORM_FAILED
from postready.cli.language import LANGUAGE_OPTION, language_code
from postready.cli.terminal import local_user, progress_display, table
from postready.core.i18n import DEFAULT_LANGUAGE, N_, _, fill, language, ngettext
from postready.pipeline.errors import ErrorCode, PostReadyError

if TYPE_CHECKING:
    from postready.pipeline.models import OptimizeResult, PlatformContent
    from postready.pipeline.photography_results import ProductPhotographyResult
    from postready.pipeline.platforms import PlatformSpec
    from postready.pipeline.pricing import Cost
    from postready.pipeline.timing import PostingSlot


def add_parser(commands: argparse._SubParsersAction) -> None:
    from postready.pipeline.logo import LOGO_POSITIONS
    from postready.pipeline.platforms import OUTPUT_FORMATS
    from postready.pipeline.wording import (
        DEFAULT_HASHTAG_LANGUAGE,
        HASHTAG_LANGUAGES,
        POST_LANGUAGES,
    )

    optimize = commands.add_parser(
        "optimize",
        help=_("crop, resize and encode a photo (a carousel, or a batch) for social platforms"),
        conflict_handler="resolve",  # its own --language: the posts' and the output's
    )
    optimize.set_defaults(run=run)
    optimize.add_argument(
        "photos",
        type=Path,
        nargs="+",
        metavar="PHOTO",
        help=_(
            "photos (JPEG, PNG, WebP, HEIC, ...) or folders of them: several make one post "
            "each (a batch), or with --carousel one post of them all"
        ),
    )
    optimize.add_argument(
        "--carousel",
        action="store_true",
        help=_("the photos, in order, are one carousel post per platform"),
    )
    optimize.add_argument(
        "--descriptions",
        type=Path,
        metavar="FILE.csv",
        help=_("a batch's descriptions: lines of filename,description"),
    )
    optimize.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=_("photos of a batch made at once (%(default)s)"),
    )
    optimize.add_argument(
        "--platforms",
        "-p",
        nargs="+",
        default=[],
        metavar="NAME",
        help=_(
            "platforms (spaces or commas; aliases like ig, fb, twitter, yt, tg) or 'all' "
            "(every one); default: Instagram, Facebook, LinkedIn, Pinterest, X, TikTok, Threads "
            "and Bluesky"
        ),
    )
    optimize.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="PLATFORM=NAME",
        help=_("force a format, e.g. instagram=square or instagram=story (repeatable)"),
    )
    optimize.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="jpeg",
        dest="fmt",
        help=_("the images' format (default: %(default)s)"),
    )
    optimize.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        help=_("the folder of the sessions' folders (default: ./output)"),
    )
    optimize.add_argument("--logo", type=Path, help=_("a logo to place on every image"))
    optimize.add_argument(
        "--logo-position", default="bottom-right", help=" | ".join(LOGO_POSITIONS)
    )
    optimize.add_argument(
        "--logo-scale",
        type=float,
        default=0.18,
        help=_("the logo's width / the image's shorter side (%(default)s)"),
    )
    optimize.add_argument(
        "--logo-opacity", type=float, default=1.0, help=_("from 0 to 1 (%(default)s)")
    )
    optimize.add_argument(
        "--styles",
        nargs="+",
        default=[],
        metavar="STYLE",
        help=_(
            "product-photography styles: floating, 'flat lay', lifestyle, 'product art', "
            "macro, 'dark and moody', 'solid background', or all"
        ),
    )
    optimize.add_argument(
        "--background-color",
        default="White",
        help=_("for 'solid background', e.g. 'Sage Green'"),
    )
    product = optimize.add_mutually_exclusive_group()
    product.add_argument(
        "--no-product", dest="product", action="store_false", help=_("skip product photography")
    )
    product.add_argument(
        "--product",
        dest="product",
        action="store_true",
        help=_("treat the photo as a product shot whatever the detection says"),
    )
    optimize.set_defaults(product=None)
    optimize.add_argument(
        "--max-file-mb", type=float, default=50.0, help=_("refuse larger files (%(default)s)")
    )
    optimize.add_argument(
        "--max-megapixels",
        type=float,
        default=80.0,
        help=_("refuse larger images (%(default)s)"),
    )
    optimize.add_argument(
        "--description",
        "-d",
        default="",
        metavar="TEXT",
        help=_("what the photo shows, your words"),
    )
    optimize.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help=_("yours, for posting times (IANA name)"),
    )
    optimize.add_argument(
        "--audience-timezone", metavar="ZONE", help=_("your audience's, if not yours")
    )
    optimize.add_argument(
        LANGUAGE_OPTION,
        type=language_code,
        metavar="CODE",
        default=argparse.SUPPRESS,  # English, or what `postready --language` said
        help=_(
            "the posts' language ({codes}), as /settings language in the chats: captions, "
            "hashtags and alt text, written locally or by the AI; this command's output "
            "speaks it too"
        ).format(codes=", ".join(POST_LANGUAGES)),
    )
    optimize.add_argument(
        "--hashtag-language",
        choices=HASHTAG_LANGUAGES,
        default=DEFAULT_HASHTAG_LANGUAGE,
        help=_(
            "for posts not in English: hashtags in that language (mine), English ones, or "
            "both mixed (default: %(default)s)"
        ),
    )
    ai = optimize.add_mutually_exclusive_group()
    ai.add_argument(
        "--use-ai",
        action="store_const",
        const=True,
        dest="use_ai",
        help=_("use OpenAI/Gemini (the default when their API keys are set)"),
    )
    ai.add_argument(
        "--no-ai", action="store_const", const=False, dest="use_ai", help=_("local providers only")
    )
    optimize.add_argument(
        "--accounts",
        type=Path,
        metavar="FILE",
        help=_("a TOML list of accounts to suggest per niche"),
    )
    optimize.add_argument(
        "--previews",
        action="store_true",
        help=_("also draw each post as its feed shows it: previews/<platform>.png and sheet.png"),
    )
    optimize.add_argument(
        "--brand",
        type=Path,
        metavar="FILE.toml",
        help=_(
            "a brand kit: tone, emoji, signature, brand hashtags, words to avoid, call to "
            "action, your handles (see README)"
        ),
    )
    optimize.add_argument(
        "--account-name",
        metavar="NAME",
        help=_("the account name the previews show ('your account')"),
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
    from postready.pipeline.wording import ENGLISH

    specs = resolve_platforms(args.platforms)
    if args.workers < 1:
        raise PostReadyError(ErrorCode.INVALID_OPTION, N_("--workers takes a number from 1"))
    if args.carousel and args.descriptions is not None:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("--descriptions is for batches; a carousel takes one --description"),
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
        language=getattr(args, "language", ENGLISH),
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
                ErrorCode.INVALID_OPTION,
                N_("--variant takes PLATFORM=NAME, got '{pair}'"),
                pair=pair,
            )
        specs = resolve_platforms([platform])
        if len(specs) != 1:
            raise PostReadyError(ErrorCode.INVALID_OPTION, N_("--variant names one platform"))
        variants[specs[0].key] = name.strip().lower()
    return variants


def _print_summary(result: OptimizeResult, out_dir: Path, service_notes: tuple[str, ...]) -> None:
    from postready.pipeline.platforms import PLATFORMS

    for key, item in result.platforms.items():
        if item.content is not None:
            _print_post(PLATFORMS[key], item.content)

    rows: list[tuple[str, ...]] = []
    # Translators: the notes under the summary table, "what: note" each.
    notes = [_("source: {note}").format(note=_(note)) for note in result.source.notes]
    notes.extend(_("services: {note}").format(note=note) for note in service_notes)
    notes.extend(_("services: {note}").format(note=note) for note in _writing_notes(result))
    notes.extend(
        _("quota: {notice}").format(notice=fill(notice.template, notice.fields))
        for notice in result.notices
    )
    if result.cost is not None and result.cost.usage:
        notes.append(_("AI services: {cost}").format(cost=cost_line(result.cost)))
    for key, item in result.platforms.items():
        name = PLATFORMS[key].display_name
        notes.extend(f"{name}: {fill(w.template, w.fields)}" for w in item.warnings)
        brand = item.content.brand if item.content is not None else None
        notes.extend(
            _("{platform}: brand: {what} dropped: {why}").format(
                platform=name, what=d.what, why=d.why
            )
            for d in (brand.dropped if brand else ())
        )
        if item.image is None:
            rows.append((name, _(FAILED), "", "", ""))
            error = item.error
            notes.append(
                f"{name}: {error.code}: {fill(*error.wording)}"
                if error
                else _("{platform}: failed").format(platform=name)
            )
            continue
        image = item.image
        quality = f" q{image.quality}" if image.quality else ""
        file = f"{image.bytes / 1000:,.0f} kB {image.format.upper()}{quality}"
        crop: str = item.crop_method or ""
        if item.items:  # a carousel: its photos and posts instead of the first's file
            photos = ngettext("{count} photo", "{count} photos", len(item.items))
            posts = ngettext("{count} post", "{count} posts", len(item.posts))
            # Translators: a carousel's file column: "12 photos, 2 posts JPEG".
            file = _("{photos}, {posts} {format}").format(
                photos=photos.format(count=len(item.items)),
                posts=posts.format(count=len(item.posts)),
                format=image.format.upper(),
            )
            crop = ", ".join(sorted({photo.crop_method for photo in item.items}))
        rows.append((name, item.variant or "", f"{image.width}×{image.height}", file, crop))
    print(_("Session {session}").format(session=result.session_id))
    headers = (_("Platform"), _("Format"), _("Size"), _("File"), _("Crop"))
    print(table(headers, rows))
    for note in notes:
        print(f"• {note}")
    if result.product_photography is not None:
        _print_photography(result.product_photography)
    if result.previews is not None:
        print(_("Feed previews: {path}").format(path=result.previews.sheet))
    print(_("Saved to {folder}/").format(folder=out_dir / result.session_id))


def cost_line(cost: Cost) -> str:
    """What paid calls a session made and their estimated cost, in one line."""
    calls = len(cost.usage)
    line = ngettext(
        "{count} paid call, about ${usd}", "{count} paid calls, about ${usd}", calls
    ).format(count=calls, usd=f"{cost.usd:.4f}")
    if cost.prices_as_of:
        line += _(" (prices of {date})").format(date=cost.prices_as_of)
    if cost.unpriced:
        line += _("; no price for {models} (POSTREADY_PRICES_FILE)").format(
            models=", ".join(cost.unpriced)
        )
    return line


def _print_photography(photography: ProductPhotographyResult) -> None:
    from postready.pipeline.photography import STYLES

    detection = photography.detection
    if not photography.styles and not photography.failed:
        print(
            _("Product photography skipped: {reason} (--product to force)").format(
                reason=detection.reason
            )
        )
        return
    cutout = _("cut-out {method} ({confidence})").format(
        method=photography.cutout_method, confidence=f"{photography.cutout_confidence:.2f}"
    )
    print(
        _("Product photography ({provider}, {cutout}):").format(
            provider=photography.provider, cutout=cutout
        )
    )
    for key, outputs in photography.styles.items():
        images = ngettext("{count} image", "{count} images", len(outputs))
        print(f"  {STYLES[key].name}: {images.format(count=len(outputs))}")
    for key, reason in photography.failed.items():
        print(f"  {STYLES[key].name}: {_(FAILED)} ({reason})")
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
    notes = [_("posts written by {writers}").format(writers=", ".join(writers))] if writers else []
    return notes + [_("fallback: {reason}").format(reason=fallback) for fallback in fallbacks]


def _print_post(spec: PlatformSpec, content: PlatformContent) -> None:
    """One platform's post as the user copies it: the caption unwrapped and without borders
    (so a terminal copy is exact), then the first comment (or tags field), next slot and
    accounts. Who wrote it and any fallback are the operator's notes, after the table."""
    from postready.pipeline.platforms import HashtagPlacement

    print(f"── {spec.display_name} ──")
    print(content.caption)
    if content.first_comment:
        print(_("First comment: {comment}").format(comment=content.first_comment))
    if spec.hashtags.placement == HashtagPlacement.TAGS_FIELD and content.hashtags:
        print(_("Tags field: {tags}").format(tags=", ".join(content.hashtags)))
    if content.posting.next_slots:
        slot = _slot(content.posting.next_slots[0])
        print(_("Best next slot: {slot}").format(slot=slot))
    handles = " ".join(a.handle for a in content.accounts.accounts)
    if handles:
        print(_("Accounts to tag: {handles}").format(handles=handles))
    print()


def _slot(slot: PostingSlot) -> str:
    """A time to post as the output's language writes it (English: the caption file's way)."""
    if language() == DEFAULT_LANGUAGE:
        from postready.pipeline.timing import slot_label

        return slot_label(slot)
    from postready.chat.delivery import slot_text

    return slot_text(slot.start, slot.end)
