"""Loading and validation: every kind of file a user might send, good or bad."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import LoadLimits, load_image, sniff_format
from tests.images import channel_swapped_icc, encode, png_with_declared_size, textured


def expect_error(code: ErrorCode, source, limits: LoadLimits = LoadLimits()) -> PostReadyError:
    with pytest.raises(PostReadyError) as caught:
        load_image(source, limits)
    assert caught.value.code == code
    assert caught.value.message and "\n" not in caught.value.message
    return caught.value


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {}),
        ("PNG", {}),
        ("WEBP", {}),
        ("BMP", {}),
        ("TIFF", {}),
        ("GIF", {}),
        ("AVIF", {}),
    ],
)
def test_accepts_common_formats(fmt: str, options: dict) -> None:
    loaded = load_image(encode(textured((640, 480)), fmt, **options))
    assert loaded.source_format == fmt
    assert loaded.image.mode == "RGB"
    assert loaded.image.size == (640, 480) == loaded.source_size


def test_accepts_heic() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    loaded = load_image(encode(textured((640, 480)), "HEIF"))
    assert loaded.source_format == "HEIF"
    assert loaded.image.size == (640, 480)


def test_format_comes_from_content_not_file_name(tmp_path) -> None:
    png_named_jpg = tmp_path / "photo.jpg"
    png_named_jpg.write_bytes(encode(textured((400, 400)), "PNG"))
    assert load_image(png_named_jpg).source_format == "PNG"

    text_named_jpg = tmp_path / "notes.jpg"
    text_named_jpg.write_text("these are not pixels\n" * 20)
    expect_error(ErrorCode.INVALID_IMAGE_FORMAT, text_named_jpg)


def test_refuses_non_images_and_empty_files() -> None:
    expect_error(ErrorCode.INVALID_IMAGE_FORMAT, b"%PDF-1.7\n" + b"0" * 500)
    expect_error(ErrorCode.INVALID_IMAGE_FORMAT, b"PK\x03\x04" + b"0" * 500)
    expect_error(ErrorCode.INVALID_IMAGE_FORMAT, b"")


def test_sniffs_iso_media_brands() -> None:
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
        return (len(body) + 4).to_bytes(4, "big") + body

    assert sniff_format(ftyp(b"heic", b"mif1", b"heic")) == "HEIF"
    assert sniff_format(ftyp(b"avif", b"mif1", b"avif")) == "AVIF"
    assert sniff_format(ftyp(b"mif1", b"mif1", b"avif")) == "AVIF"
    assert sniff_format(ftyp(b"isom", b"mp41")) is None  # an MP4 video


def test_file_too_large(tmp_path) -> None:
    data = encode(textured((800, 600)), "PNG")
    limits = LoadLimits(max_bytes=len(data) - 1)
    error = expect_error(ErrorCode.FILE_TOO_LARGE, data, limits)
    assert "MB" in error.message
    path = tmp_path / "big.png"
    path.write_bytes(data)
    expect_error(ErrorCode.FILE_TOO_LARGE, path, limits)


@pytest.mark.parametrize("side", [10_000, 50_000, 200_000])
def test_decompression_bombs_are_refused_before_decoding(side: int) -> None:
    expect_error(ErrorCode.IMAGE_TOO_LARGE, png_with_declared_size(side, side))


def test_pixel_cap_is_configurable() -> None:
    data = encode(textured((1000, 1000)), "JPEG")
    expect_error(ErrorCode.IMAGE_TOO_LARGE, data, LoadLimits(max_pixels=999_999))
    assert load_image(data, LoadLimits(max_pixels=1_000_000)).image.size == (1000, 1000)


def test_image_too_small() -> None:
    error = expect_error(ErrorCode.IMAGE_TOO_SMALL, encode(textured((299, 800)), "PNG"))
    assert "299×800" in error.message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_truncated_files_are_corrupt(fmt: str) -> None:
    data = encode(textured((800, 600)), fmt)
    expect_error(ErrorCode.CORRUPT_IMAGE, data[: len(data) // 2])


def test_garbage_after_a_valid_signature_is_corrupt() -> None:
    expect_error(ErrorCode.CORRUPT_IMAGE, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    expect_error(ErrorCode.CORRUPT_IMAGE, b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)


def test_missing_and_unreadable_paths(tmp_path) -> None:
    expect_error(ErrorCode.FILE_NOT_FOUND, tmp_path / "nope.jpg")
    expect_error(ErrorCode.FILE_NOT_FOUND, tmp_path)


@pytest.mark.parametrize(
    ("orientation", "marker_corner"),
    [(1, (0, 0)), (3, (1, 1)), (6, (1, 0)), (8, (0, 1))],
)
def test_exif_orientation_is_applied(orientation: int, marker_corner: tuple[int, int]) -> None:
    stored = Image.new("RGB", (600, 400), (40, 40, 40))
    stored.paste((255, 0, 0), (0, 0, 60, 60))  # a red square in the stored top-left
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = load_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=95))

    upright = (400, 600) if orientation in (6, 8) else (600, 400)
    assert loaded.image.size == upright == loaded.source_size
    x = 30 if marker_corner[0] == 0 else upright[0] - 30
    y = 30 if marker_corner[1] == 0 else upright[1] - 30
    red, green, _ = loaded.image.getpixel((x, y))
    assert red > 200 and green < 60


def test_cmyk_jpeg_becomes_rgb() -> None:
    cyan = Image.new("CMYK", (400, 400), (255, 0, 0, 0))
    loaded = load_image(encode(cyan, "JPEG", quality=95))
    red, green, blue = loaded.image.getpixel((200, 200))
    assert loaded.image.mode == "RGB"
    assert red < 30 and green > 220 and blue > 220


def test_icc_profile_is_converted_to_srgb() -> None:
    # In the swapped profile, "red" pixels are really blue.
    image = Image.new("RGB", (400, 400), (255, 0, 0))
    loaded = load_image(encode(image, "PNG", icc_profile=channel_swapped_icc()))
    red, _, blue = loaded.image.getpixel((10, 10))
    assert blue > 240 and red < 15


def test_broken_icc_profile_is_ignored_with_a_note() -> None:
    image = Image.new("RGB", (400, 400), (10, 200, 30))
    loaded = load_image(encode(image, "PNG", icc_profile=b"not a profile" * 10))
    assert loaded.image.getpixel((0, 0)) == (10, 200, 30)
    assert any("colour profile" in note for note in loaded.notes)


def test_16_bit_grey_png_is_scaled_to_8_bits() -> None:
    ramp = np.tile(np.linspace(0, 65535, 400, dtype=np.uint16), (400, 1))
    loaded = load_image(encode(Image.fromarray(ramp), "PNG"))
    pixels = np.asarray(loaded.image)
    assert pixels.dtype == np.uint8
    assert pixels[0, 0].tolist() == [0, 0, 0]
    assert pixels[0, -1].tolist() == [255, 255, 255]
    assert abs(int(pixels[0, 200, 0]) - 128) <= 2


def test_16_bit_rgb_png_keeps_its_colours() -> None:
    import cv2

    bgr = np.zeros((400, 400, 3), np.uint16)
    bgr[..., 2] = 65535  # red channel (OpenCV stores BGR)
    bgr[..., 1] = 32896
    ok, data = cv2.imencode(".png", bgr)
    assert ok
    assert load_image(data.tobytes()).image.getpixel((5, 5)) == (255, 128, 0)


def test_transparency_is_kept_as_alpha() -> None:
    rgba = Image.new("RGBA", (400, 400), (0, 0, 255, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 200, 400))
    loaded = load_image(encode(rgba, "PNG"))
    assert loaded.has_alpha
    assert loaded.image.getpixel((300, 10))[3] == 0
    assert loaded.image.getpixel((10, 10)) == (255, 0, 0, 255)


def test_palette_with_transparency_and_grey_alpha() -> None:
    palette = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    palette.paste((0, 128, 0, 255), (0, 0, 400, 200))
    loaded = load_image(encode(palette.convert("P"), "PNG", transparency=0))
    assert loaded.image.mode in ("RGB", "RGBA")

    grey_alpha = Image.new("LA", (400, 400), (100, 128))
    loaded = load_image(encode(grey_alpha, "PNG"))
    assert loaded.image.mode == "RGBA"
    assert loaded.image.getpixel((0, 0)) == (100, 100, 100, 128)


def test_opaque_alpha_is_dropped() -> None:
    loaded = load_image(encode(Image.new("RGBA", (400, 400), (1, 2, 3, 255)), "PNG"))
    assert loaded.image.mode == "RGB"


def test_first_frame_of_an_animation() -> None:
    frames = [Image.new("RGB", (400, 400), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    loaded = load_image(data)
    red, _, blue = loaded.image.getpixel((200, 200))
    assert red > 200 and blue < 50
    assert any("first frame" in note for note in loaded.notes)


def test_large_jpeg_decodes_reduced_when_outputs_are_small() -> None:
    data = encode(textured((4000, 3000)), "JPEG", quality=85)
    asked = []

    def sizer(size: tuple[int, int]) -> tuple[int, int]:
        asked.append(size)
        return (1200, 900)

    loaded = load_image(data, min_decoded_size=sizer)
    assert asked == [(4000, 3000)]
    assert loaded.source_size == (4000, 3000)
    assert loaded.image.size == (2000, 1500)  # JPEG DCT scaling: the largest 1/2^n ≥ asked
    assert loaded.scale == pytest.approx(0.5)


def test_reduced_decode_respects_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(textured((4000, 3000)), "JPEG", quality=85, exif=exif.tobytes())
    loaded = load_image(data, min_decoded_size=lambda size: (size[0] // 4, size[1] // 4))
    assert loaded.source_size == (3000, 4000)
    assert loaded.image.size == (750, 1000)


def quarter(size: tuple[int, int]) -> tuple[int, int]:
    return (size[0] // 4, size[1] // 4)


def smooth(size: tuple[int, int]) -> Image.Image:
    """A photo-like picture without grain: PNGs of it stay small, and reducing it is exact
    enough to compare pixel by pixel."""
    return textured((size[0] // 8, size[1] // 8)).resize(size, Image.Resampling.BILINEAR)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "GIF", "BMP"])
def test_every_format_decodes_reduced_when_outputs_are_small(fmt: str) -> None:
    image = smooth((1200, 800))
    loaded = load_image(encode(image, fmt), min_decoded_size=quarter)
    assert loaded.source_size == (1200, 800)
    assert loaded.image.size == (300, 200)
    assert loaded.scale == pytest.approx(0.25)
    expected = np.asarray(load_image(encode(image, fmt)).image.reduce(4), np.float32)
    assert np.abs(np.asarray(loaded.image, np.float32) - expected).mean() < 2.0


def test_reduced_png_decode_never_holds_the_whole_image(monkeypatch) -> None:
    """The PNG goes to the strip decoder, which shrinks while it decodes: Pillow never loads
    its pixels (nor does it to look for EXIF after them)."""
    from PIL import PngImagePlugin

    def no_full_decode(self):
        raise AssertionError("the whole PNG was decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", no_full_decode)
    loaded = load_image(encode(smooth((1200, 800)), "PNG"), min_decoded_size=quarter)
    assert loaded.image.size == (300, 200)


def test_reduced_png_keeps_alpha_palette_16_bits_and_colour_profile() -> None:
    rgba = Image.new("RGBA", (1600, 1200), (0, 0, 255, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 800, 1200))
    loaded = load_image(encode(rgba, "PNG"), min_decoded_size=quarter)
    assert loaded.image.mode == "RGBA" and loaded.image.size == (400, 300)
    assert loaded.image.getpixel((10, 10)) == (255, 0, 0, 255)
    assert loaded.image.getpixel((390, 10))[3] == 0

    loaded = load_image(encode(rgba.convert("P"), "PNG", transparency=0), min_decoded_size=quarter)
    assert loaded.image.size == (400, 300) and loaded.image.getpixel((10, 10))[:3] == (255, 0, 0)

    ramp = np.tile(np.linspace(0, 65535, 1600, dtype=np.uint16), (1200, 1))
    pixels = np.asarray(
        load_image(encode(Image.fromarray(ramp), "PNG"), min_decoded_size=quarter).image
    )
    assert pixels.dtype == np.uint8 and pixels.shape == (300, 400, 3)
    assert pixels[0, 0, 0] == 0 and pixels[0, -1, 0] == 255

    swapped = encode(
        Image.new("RGB", (1600, 1200), (255, 0, 0)), "PNG", icc_profile=channel_swapped_icc()
    )
    red, _, blue = load_image(swapped, min_decoded_size=quarter).image.getpixel((10, 10))
    assert blue > 240 and red < 15


def with_exif_after_the_pixels(png: bytes, exif: bytes) -> bytes:
    """`png` with an eXIf chunk just before IEND, where Pillow finds it only after decoding."""
    body = b"eXIf" + exif
    chunk = struct.pack(">I", len(exif)) + body + struct.pack(">I", zlib.crc32(body))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


@pytest.mark.parametrize("sizer", [None, quarter])
def test_png_orientation_from_exif_after_the_pixels(sizer) -> None:
    stored = Image.new("RGB", (1600, 1200), (40, 40, 40))
    stored.paste((255, 0, 0), (0, 0, 160, 160))  # a red square in the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6
    data = with_exif_after_the_pixels(encode(stored, "PNG"), exif.tobytes())
    loaded = load_image(data, min_decoded_size=sizer)
    assert loaded.source_size == (1200, 1600)
    assert loaded.image.size == ((300, 400) if sizer else (1200, 1600))
    red, green, _ = loaded.image.getpixel((loaded.image.width - 10, 10))  # turned: top-right
    assert red > 200 and green < 60


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_truncated_files_decoded_reduced_are_corrupt(fmt: str) -> None:
    data = encode(textured((1600, 1200)), fmt)
    with pytest.raises(PostReadyError) as caught:
        load_image(data[: len(data) // 2], min_decoded_size=quarter)
    assert caught.value.code == ErrorCode.CORRUPT_IMAGE
