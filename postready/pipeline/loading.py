"""Load and validate an image: sniff the format from its bytes, enforce size caps, decode once
(reduced when the targets are much smaller, in any format: reduced_decoding.py), apply EXIF
orientation and convert to sRGB."""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, cast

from PIL import Image, ImageCms, ImageFile

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_, Marked
from postready.pipeline.reduced_decoding import (
    ReducedDecodeError,
    can_shrink_on_load,
    reduction_factor,
    shrink_on_load,
)

MB = 1_000_000
HEADER_BYTES = 64  # enough for every signature `sniff_format` knows
ImageSource = bytes | Path
DecodeSizer = Callable[[tuple[int, int]], tuple[int, int]]

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_ORIENTATION_TAG = 0x0112
_UPRIGHT_BY_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# EXIF orientations 5-8 swap width and height.
_TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}
_HIGH_BIT_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}
# We enforce our own, lower pixel cap before decoding; Pillow's warning would only be noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
_CHECK_SIDE = 64  # `check_decodes` decodes no larger than its format needs for this
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, zlib.error, struct.error, IndexError)


@dataclass(frozen=True, slots=True)
class LoadLimits:
    max_bytes: int = 50 * MB
    max_pixels: int = 80_000_000
    min_side: int = 300


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """A decoded image ready for cropping: RGB or RGBA, sRGB, upright."""

    image: Image.Image
    source_format: str
    source_size: tuple[int, int]  # full-resolution size, upright
    exif: Image.Exif
    notes: tuple[str, ...] = ()

    @property
    def scale(self) -> float:
        """Decoded width / full-resolution width (< 1 when decoded reduced)."""
        return self.image.width / self.source_size[0]

    @property
    def has_alpha(self) -> bool:
        return self.image.mode == "RGBA"


def rgb_copy(image: Image.Image, side: int) -> Image.Image:
    """`image` in RGB at most `side` px long, resized straight from it (area averaging). RGBA
    is flattened first: resized with its alpha, colours would be weighed by it."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    scale = min(1.0, side / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BOX, reducing_gap=2.0)


def sniff_format(header: bytes) -> str | None:
    """The image format that the first bytes of a file announce, or None."""
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return "WEBP"
    if header[4:8] == b"ftyp":
        box_end = min(len(header), struct.unpack(">I", header[:4])[0] or len(header))
        brands = {header[8:12]} | {header[i : i + 4] for i in range(16, box_end, 4)}
        if brands & _AVIF_BRANDS:
            return "AVIF"
        if brands & _HEIF_BRANDS:
            return "HEIF"
        return None
    for magic, name in _SIGNATURES:
        if header.startswith(magic):
            return name
    return None


def require_format(header: bytes) -> str:
    """The format the first `HEADER_BYTES` of a file announce; INVALID_IMAGE_FORMAT if none."""
    fmt = sniff_format(header)
    if fmt is None:
        raise PostReadyError(
            ErrorCode.INVALID_IMAGE_FORMAT,
            N_(
                "this is not an image we can read; send a JPEG, PNG, WebP, HEIC, AVIF, GIF, BMP "
                "or TIFF photo"
            ),
        )
    return fmt


def load_image(
    source: ImageSource,
    limits: LoadLimits = LoadLimits(),
    *,
    min_decoded_size: DecodeSizer | None = None,
) -> LoadedImage:
    """Decode `source` (bytes or a path) into an upright sRGB image.

    `min_decoded_size` is called once with the full upright size, after the header is read and
    checked, and returns the smallest size the caller can use: a JPEG then decodes at 1/2, 1/4
    or 1/8 scale, any other format at 1/n, when every output is that much smaller. Raises
    PostReadyError for anything a user could send wrong: unknown format, too many bytes or
    pixels, too small, corrupt.
    """
    with _open_image(source, limits) as (image, stream, fmt):
        return _decode(image, stream, fmt, limits, min_decoded_size)


def check_decodes(source: ImageSource, limits: LoadLimits = LoadLimits()) -> tuple[int, int]:
    """`source`'s upright size once it has been decoded as small as its format allows: the
    checks `load_image` makes, the pixels' included, at a fraction of the cost (a carousel's
    photos are checked so before one bad photo can stop the post)."""

    def tiny(size: tuple[int, int]) -> tuple[int, int]:
        return (min(size[0], _CHECK_SIDE), min(size[1], _CHECK_SIDE))

    return load_image(source, limits, min_decoded_size=tiny).source_size


def read_size(source: ImageSource, limits: LoadLimits = LoadLimits()) -> tuple[int, int]:
    """The upright size of `source` from its header alone, after the checks `load_image` makes
    before decoding (format, bytes, pixels, smallest side): several photos can be checked and
    planned together before any of them is decoded."""
    with _open_image(source, limits) as (image, stream, fmt):
        return _header(image, stream, fmt, limits).upright_size


@contextmanager
def _open_image(
    source: ImageSource, limits: LoadLimits
) -> Iterator[tuple[Image.Image, BinaryIO, str]]:
    """The image opened lazily (header only) from its bytes, and its sniffed format."""
    with _open_source(source, limits) as stream:
        fmt = require_format(stream.read(HEADER_BYTES))
        stream.seek(0)
        if fmt == "HEIF":
            _register_heif()
        try:
            image = Image.open(stream, formats=[fmt])
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(None, limits) from exc
        except _DECODE_ERRORS as exc:
            raise PostReadyError(
                ErrorCode.CORRUPT_IMAGE,
                N_("the {format} file is damaged and cannot be opened"),
                format=fmt,
            ) from exc
        yield image, stream, fmt


@dataclass(frozen=True, slots=True)
class _Header:
    exif: Image.Exif
    orientation: int | None
    upright_size: tuple[int, int]


def _header(image: Image.Image, stream: BinaryIO, fmt: str, limits: LoadLimits) -> _Header:
    """The checks before decoding, and the EXIF orientation with the size it makes."""
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels((width, height), limits)
    if min(width, height) < limits.min_side:
        raise PostReadyError(
            ErrorCode.IMAGE_TOO_SMALL,
            N_("the image is {width}×{height}; send one at least {side}×{side} pixels"),
            width=width,
            height=height,
            side=limits.min_side,
        )
    try:
        if fmt == "PNG" and "exif" not in image.info:
            # Pillow would decode every pixel to look for EXIF after them.
            image.info["exif"] = _trailing_png_exif(stream)
        exif = image.getexif()
    except _DECODE_ERRORS as exc:
        raise _cut_short(fmt) from exc
    orientation = exif.get(_ORIENTATION_TAG)
    transposed = orientation in _TRANSPOSING_ORIENTATIONS
    return _Header(exif, orientation, (height, width) if transposed else (width, height))


def _decode(
    image: Image.Image,
    stream: BinaryIO,
    fmt: str,
    limits: LoadLimits,
    min_decoded_size: DecodeSizer | None,
) -> LoadedImage:
    width, height = image.size
    header = _header(image, stream, fmt, limits)
    exif, orientation, upright_size = header.exif, header.orientation, header.upright_size
    transposed = orientation in _TRANSPOSING_ORIENTATIONS
    try:
        wanted = min_decoded_size(upright_size) if min_decoded_size else None
        stored_wanted = wanted[::-1] if wanted and transposed else wanted
        if fmt == "JPEG" and stored_wanted is not None:
            image.draft(None, stored_wanted)  # DCT scaling to 1/2, 1/4 or 1/8 while decoding
        factor = reduction_factor(image.size, stored_wanted) if stored_wanted else 1
        if factor > 1 and can_shrink_on_load(fmt, image.mode):
            stream.seek(0)
            decoded = shrink_on_load(stream.read(), fmt, factor)
            if "icc_profile" in image.info:
                decoded.info["icc_profile"] = image.info["icc_profile"]
            factor = 1
        else:
            # One read and one decoder call for the whole file: Pillow releases the GIL
            # during each call, and fed 64 KB at a time the decoder waited for the GIL between
            # blocks while another thread ran Python (6x slower beside imports).
            if isinstance(image, ImageFile.ImageFile):
                image.decodermaxblock = max(image.decodermaxblock, _stream_length(stream))
            image.load()
            decoded = image
        upright, notes = to_srgb(decoded)
        if factor > 1:  # decoded whole: reduced at once, before the next steps copy it
            upright = upright.reduce(factor)
        if orientation in _UPRIGHT_BY_ORIENTATION:
            upright = upright.transpose(_UPRIGHT_BY_ORIENTATION[orientation])
    except MemoryError as exc:
        raise _too_many_pixels((width, height), limits) from exc
    except (*_DECODE_ERRORS, ReducedDecodeError) as exc:
        raise _cut_short(fmt) from exc
    if getattr(image, "is_animated", False):
        notes += (N_("animated image: the first frame was used"),)
    return LoadedImage(upright, fmt, upright_size, exif, notes)


def to_srgb(image: Image.Image) -> tuple[Image.Image, tuple[str, ...]]:
    """Convert any Pillow mode to 8-bit sRGB RGB, or RGBA when it has real transparency.

    Embedded ICC profiles (Display P3, Adobe RGB, CMYK press profiles) are converted, not
    dropped; 16-bit and float images are scaled to 8 bits.
    """
    notes: tuple[str, ...] = ()
    icc = image.info.get("icc_profile")
    base, alpha = _split_alpha(image)
    if icc and base.mode in ("L", "RGB", "CMYK") and not _is_srgb(icc):
        try:
            # Never None: that is only for conversions in place.
            base = cast(
                Image.Image,
                ImageCms.profileToProfile(
                    base,
                    ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                    _srgb_profile(),
                    renderingIntent=ImageCms.Intent.PERCEPTUAL,
                    outputMode="RGB",
                ),
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            notes += (N_("the embedded colour profile is broken and was ignored"),)
    if base.mode != "RGB":
        base = base.convert("RGB")
    if alpha is None or alpha.getextrema()[0] == 255:
        return base, notes
    base.putalpha(alpha)
    return base, notes


def _split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    mode = image.mode
    if mode in _HIGH_BIT_MODES:
        return _to_8bit(image), None
    if mode == "1":
        return image.convert("L"), None
    if mode in ("P", "PA"):
        has_transparency = mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if has_transparency else "RGB")
        mode = image.mode
    elif "transparency" in image.info and mode in ("L", "RGB"):
        image = image.convert("LA" if mode == "L" else "RGBA")
        mode = image.mode
    if mode in ("RGBA", "LA", "La", "RGBa"):
        alpha = image.getchannel("A")
        return image.convert(mode[0] if mode[0] == "L" else "RGB"), alpha
    return image, None


def _to_8bit(image: Image.Image) -> Image.Image:
    # Here, not at the top: numpy loads while a run's photo decodes; only 16-bit and float
    # images need it this early.
    import numpy as np

    pixels = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        peak = 1.0 if pixels.max(initial=0.0) <= 1.0 else 255.0
    else:
        peak = 65535.0 if image.mode.startswith("I;16") or pixels.max(initial=0) > 255 else 255.0
    scaled = np.clip(pixels * (255.0 / peak) + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(scaled, "L")


def _stream_length(stream: BinaryIO) -> int:
    position = stream.tell()
    length = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return length


def _trailing_png_exif(stream: BinaryIO) -> bytes:
    """The payload of a PNG's eXIf chunk (b"" if none), found by walking the chunk headers
    without inflating a pixel."""
    stream.seek(8)
    while len(head := stream.read(8)) == 8:
        length, kind = struct.unpack(">I4s", head)
        if kind == b"eXIf":
            return stream.read(length)
        if kind == b"IEND":
            break
        stream.seek(length + 4, io.SEEK_CUR)  # the data and its CRC
    return b""


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc_bytes() -> bytes:
    """A small sRGB ICC profile to embed in outputs."""
    return _srgb_profile().tobytes()


def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False
    return "srgb" in description.lower()


@cache
def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError as exc:
        raise PostReadyError(
            ErrorCode.INVALID_IMAGE_FORMAT,
            N_("HEIC photos need the pillow-heif package; install it or send a JPEG"),
        ) from exc
    register_heif_opener()


def _cut_short(fmt: str) -> PostReadyError:
    return PostReadyError(
        ErrorCode.CORRUPT_IMAGE,
        N_("the {format} file is damaged or cut short and cannot be read"),
        format=fmt,
    )


def _too_many_pixels(size: tuple[int, int] | None, limits: LoadLimits) -> PostReadyError:
    megapixels = f"{limits.max_pixels / 1_000_000:g}"
    if size is None:
        message = N_("the image has far too many pixels; the limit is {megapixels} megapixels")
        return PostReadyError(ErrorCode.IMAGE_TOO_LARGE, message, megapixels=megapixels)
    return PostReadyError(
        ErrorCode.IMAGE_TOO_LARGE,
        N_("the image is {width}×{height} pixels; the limit is {megapixels} megapixels"),
        width=size[0],
        height=size[1],
        megapixels=megapixels,
    )


@contextmanager
def _open_source(source: ImageSource, limits: LoadLimits) -> Iterator[BinaryIO]:
    """A seekable binary stream over `source`, after the byte-size check."""
    if isinstance(source, bytes):
        check_byte_size(len(source), limits)
        yield io.BytesIO(source)
        return
    path = Path(source)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise unreadable(path, exc) from exc
    with stream:
        check_byte_size(os.fstat(stream.fileno()).st_size, limits)
        yield stream


def unreadable(path: Path, exc: OSError) -> PostReadyError:
    """FILE_NOT_FOUND for a file that could not be read, with the system's reason."""
    return PostReadyError(
        ErrorCode.FILE_NOT_FOUND,
        N_("cannot read '{path}': {reason}"),
        path=str(path),
        reason=exc.strerror or str(exc),
    )


def check_byte_size(size: int, limits: LoadLimits) -> None:
    """FILE_TOO_LARGE (or INVALID_IMAGE_FORMAT for an empty file) unless `size` is allowed."""
    if size > limits.max_bytes:
        raise PostReadyError(
            ErrorCode.FILE_TOO_LARGE,
            N_("the file is {size} MB; the limit is {limit} MB"),
            size=f"{size / MB:.1f}",
            limit=f"{limits.max_bytes / MB:.0f}",
        )
    if size == 0:
        raise PostReadyError(ErrorCode.INVALID_IMAGE_FORMAT, N_("the file is empty"))


LOGO_LIMITS = LoadLimits(max_bytes=10_000_000, max_pixels=25_000_000, min_side=16)


def load_logo(source: Path | bytes) -> Image.Image:
    """A logo within `LOGO_LIMITS`; its errors say it is about the logo."""
    try:
        return load_image(source, LOGO_LIMITS).image
    except PostReadyError as exc:
        raise PostReadyError(
            exc.code, N_("logo: {problem}"), problem=Marked(exc.template, exc.fields)
        ) from exc
