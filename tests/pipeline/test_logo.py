from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.logo import LOGO_POSITIONS, LogoOptions, parse_logo_position
from postready.pipeline.logo_placement import LogoPlacement, place_logo

SIZES = [(1200, 800), (800, 1200), (1000, 1000), (1080, 1920), (301, 157)]
BAR_CENTRE = (35 / 200, 50 / 100)  # the middle of the first bar of `bars_logo`, as a fraction


def solid(colour: tuple[int, ...], size: tuple[int, int] = (800, 600)) -> Image.Image:
    return Image.new("RGBA" if len(colour) == 4 else "RGB", size, colour)


def gradient(size: tuple[int, int] = (900, 600)) -> Image.Image:
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]]
    pixels = np.dstack((xs * 7 % 256, ys * 5 % 256, (xs + ys) % 256)).astype(np.uint8)
    return Image.fromarray(pixels)


def bars_logo(colours: list[tuple[int, int, int]]) -> Image.Image:
    """A 200x100 "word": thick bars on a transparent background, one colour per bar."""
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    for i, colour in enumerate(colours):
        draw.rectangle((10 + 70 * i, 20, 60 + 70 * i, 80), fill=(*colour, 255))
    return logo


def at(placement: LogoPlacement, u: float, v: float) -> tuple[int, int]:
    """The output pixel at fraction (u, v) of the placed logo."""
    left, top, right, bottom = placement.box
    return left + int(u * (right - left)), top + int(v * (bottom - top))


def changed(before: Image.Image, after: Image.Image) -> np.ndarray:
    return np.any(np.asarray(before) != np.asarray(after), axis=-1)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("position", LOGO_POSITIONS)
def test_box_sits_at_the_position_with_the_margin(size, position):
    options = LogoOptions(position=position, scale=0.2, margin=0.05)
    out, placement = place_logo(solid((30, 60, 90), size), bars_logo([(255, 255, 255)]), options)
    width, height = size
    side = min(size)
    margin = round(0.05 * side)
    left, top, right, bottom = placement.box
    assert out.size == size
    assert abs((right - left) - round(0.2 * side)) <= 1
    assert abs((bottom - top) - (right - left) / 2) <= 1
    if position == "centre":
        assert abs(left - (width - right)) <= 1
        assert abs(top - (height - bottom)) <= 1
    else:
        vertical, horizontal = position.split("-")
        assert (left == margin) if horizontal == "left" else (right == width - margin)
        assert (top == margin) if vertical == "top" else (bottom == height - margin)


def test_tall_logo_fits_a_square_of_the_logo_width():
    tall = Image.new("RGBA", (50, 200), (255, 255, 255, 255))
    _, placement = place_logo(solid((0, 0, 0), (1000, 800)), tall, LogoOptions(scale=0.25))
    left, top, right, bottom = placement.box
    assert bottom - top == 200
    assert abs((right - left) - 50) <= 1


def test_logo_stays_inside_when_scale_and_margin_are_large():
    image = solid((0, 0, 0), (1200, 500))
    square = Image.new("RGBA", (100, 100), (255, 255, 255, 255))
    for position in LOGO_POSITIONS:
        options = LogoOptions(position=position, scale=1.0, margin=0.45)
        _, placement = place_logo(image, square, options)
        left, top, right, bottom = placement.box
        assert 0 <= left < right <= 1200
        assert 0 <= top < bottom <= 500


def test_only_pixels_inside_the_box_change():
    image = gradient()
    logo = Image.new("RGBA", (160, 80), (0, 0, 0, 255))
    out, placement = place_logo(image, logo, LogoOptions(position="top-left"))
    assert placement.variant == "original"
    left, top, right, bottom = placement.box
    diff = changed(image, out)
    inside = np.zeros_like(diff)
    inside[top:bottom, left:right] = True
    assert not diff[~inside].any()
    assert diff[inside].mean() > 0.9


def test_dark_monochrome_logo_is_inverted_on_a_dark_image():
    image = solid((25, 25, 25))
    out, placement = place_logo(image, bars_logo([(0, 0, 0)] * 3))
    assert placement.variant == "inverted"
    assert placement.contrast >= 3.0
    assert min(out.getpixel(at(placement, *BAR_CENTRE))) > 200


def test_dark_monochrome_logo_stays_original_on_a_light_image():
    out, placement = place_logo(solid((235, 235, 235)), bars_logo([(0, 0, 0)] * 3))
    assert placement.variant == "original"
    assert placement.contrast >= 3.0
    assert max(out.getpixel(at(placement, *BAR_CENTRE))) < 30


def test_colourful_logo_on_similar_luminance_gets_a_plate():
    image = solid((100, 100, 100))
    out, placement = place_logo(image, bars_logo([(255, 0, 0), (0, 0, 255), (255, 0, 0)]))
    assert placement.variant == "plate"
    assert placement.contrast >= 3.0
    left, top, right, bottom = placement.box
    pad = round(0.2 * (bottom - top))
    # The plate is light (white beats near-black against red/blue) and covers the padding.
    assert min(out.getpixel((left - pad // 2, (top + bottom) // 2))) > 150
    assert out.getpixel(at(placement, *BAR_CENTRE))[0] > 200
    diff = changed(image, out)
    plate = np.zeros_like(diff)
    plate[top - pad : bottom + pad, left - pad : right + pad] = True
    assert not diff[~plate].any()
    # Rounded corners: the plate's outermost corner pixels still show the photo.
    assert not diff[top - pad, left - pad] and not diff[bottom + pad - 1, right + pad - 1]


def test_half_opacity_blends_halfway():
    image = solid((0, 0, 128))
    logo = Image.new("RGBA", (100, 50), (255, 255, 0, 255))
    out, placement = place_logo(image, logo, LogoOptions(opacity=0.5))
    assert placement.variant == "original"
    r, g, b = out.getpixel(at(placement, 0.5, 0.5))
    assert abs(r - 128) <= 3 and abs(g - 128) <= 3 and abs(b - 64) <= 3


def test_rgb_logo_without_alpha_covers_its_box():
    logo = Image.new("RGB", (120, 60), (255, 140, 0))
    out, placement = place_logo(solid((0, 0, 0)), logo)
    left, top, right, bottom = placement.box
    region = np.asarray(out)[top:bottom, left:right].astype(int)
    assert np.abs(region - (255, 140, 0)).max() <= 2


def half_transparent(mode: str) -> Image.Image:
    """A 200x100 logo: the left half opaque white, the right half transparent."""
    if mode == "P":
        logo = Image.new("P", (200, 100), 0)
        logo.putpalette([0, 0, 0, 255, 255, 255])
        logo.paste(1, (0, 0, 100, 100))
        logo.info["transparency"] = 0
        return logo
    logo = Image.new("LA", (200, 100), (255, 0))
    logo.paste((255, 255), (0, 0, 100, 100))
    return logo


@pytest.mark.parametrize("mode", ["P", "LA"])
def test_logo_transparency_in_other_modes_is_kept(mode):
    image = solid((0, 0, 0))
    out, placement = place_logo(image, half_transparent(mode))
    assert min(out.getpixel(at(placement, 0.25, 0.5))) > 250
    assert out.getpixel(at(placement, 0.75, 0.5)) == (0, 0, 0)


def test_rgba_image_stays_rgba_and_inputs_are_not_mutated():
    image = solid((200, 30, 30, 0), (640, 480))
    logo = bars_logo([(255, 255, 255)])
    image_bytes, logo_bytes = image.tobytes(), logo.tobytes()
    out, placement = place_logo(image, logo, LogoOptions(opacity=0.7))
    assert out is not image
    assert out.mode == "RGBA" and out.size == image.size
    assert out.getpixel(at(placement, *BAR_CENTRE))[3] == round(255 * 0.7)
    assert out.getpixel((0, 0)) == (200, 30, 30, 0)
    assert image.tobytes() == image_bytes
    assert logo.tobytes() == logo_bytes


def test_rgb_image_stays_rgb():
    out, _ = place_logo(gradient(), bars_logo([(0, 0, 0)]))
    assert out.mode == "RGB"


@pytest.mark.parametrize(
    "options",
    [
        {"position": "middle"},
        {"scale": 0},
        {"scale": 1.5},
        {"margin": 0.5},
        {"margin": -0.1},
        {"opacity": 0},
        {"opacity": 1.5},
        {"opacity": float("nan")},
    ],
)
def test_invalid_options_are_refused(options):
    with pytest.raises(PostReadyError) as caught:
        LogoOptions(**options)
    assert caught.value.code == ErrorCode.INVALID_OPTION
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bottom-right", "bottom-right"),
        ("bottom_right", "bottom-right"),
        ("Bottom Right", "bottom-right"),
        ("top_left", "top-left"),
        ("center", "centre"),
        (" CENTRE ", "centre"),
    ],
)
def test_positions_are_parsed_leniently(text, expected):
    assert parse_logo_position(text) == expected


def test_options_normalise_the_position():
    assert LogoOptions(position="center").position == "centre"  # type: ignore[arg-type]
