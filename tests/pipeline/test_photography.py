"""The style table and the local renderer."""

from __future__ import annotations

import numpy as np
import pytest

from postready.pipeline.cutout import cut_out
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.photography import (
    COLOURS,
    STYLES,
    render_style,
    resolve_colour,
    resolve_styles,
)
from postready.pipeline.platforms import PLATFORMS
from tests.product_images import product_photo

# Every platform's shape (the largest size of each ratio) at a quarter of its size: the same
# code, a sixteenth of the pixels. (The end-to-end tests check true sizes on written files.)
SIZES = sorted(
    {
        round(v.width / v.height, 4): v.size
        for v in sorted(
            (v for spec in PLATFORMS.values() for v in spec.variants), key=lambda v: v.width
        )
    }.values()
)
QUARTER_SIZES = [(w // 4, h // 4) for w, h in SIZES]


@pytest.fixture(scope="module")
def mug():
    return cut_out(product_photo("mug", "studio", size=(640, 480)).image)


def test_the_table_has_the_seven_styles_and_fifteen_colours() -> None:
    assert [s.name for s in STYLES.values()] == [
        "Floating",
        "Flat Lay",
        "Lifestyle",
        "Product Art",
        "Macro",
        "Dark and Moody",
        "Solid Background",
    ]
    assert len(COLOURS) == 15 and "Sage Green" in COLOURS and "Seafoam Green" in COLOURS
    assert all("{product}" in style.prompt for style in STYLES.values())


@pytest.mark.parametrize("key", list(STYLES))
def test_each_style_renders_at_every_platform_shape(mug, key) -> None:
    assert render_style(STYLES[key], mug, SIZES[-1]).size == SIZES[-1]
    for size in QUARTER_SIZES:
        image = render_style(STYLES[key], mug, size)
        assert image.size == size and image.mode == "RGB"


@pytest.mark.parametrize("key", [k for k in STYLES if k != "macro"])
def test_the_product_is_centred_and_intact(mug, key) -> None:
    image = np.asarray(render_style(STYLES[key], mug, (1080, 1350))).astype(int)
    # The mug's body is red: its colour must survive every backdrop at the canvas centre.
    red, green, blue = image[640:700, 480:560].reshape(-1, 3).mean(axis=0)
    assert red > 150 and green < 110 and blue < 100


def test_solid_background_uses_the_chosen_colour_and_casts_a_shadow(mug) -> None:
    image = np.asarray(render_style(STYLES["solid_background"], mug, (1080, 1080), "Sea Blue"))
    assert tuple(image[20, 20]) == COLOURS["Sea Blue"]
    # Under the product the floor is darker than far to the side: the contact shadow.
    ys = np.nonzero((np.abs(image.astype(int) - COLOURS["Sea Blue"]).sum(axis=2) > 60).any(1))[0]
    below = ys.max() + 3
    assert image[below, 540].sum() < image[below, 40].sum() - 15


def test_macro_is_a_tight_crop_with_the_background_blurred(mug) -> None:
    image = np.asarray(render_style(STYLES["macro"], mug, (1080, 1080)))
    product_share = (np.abs(image.astype(int) - (200, 70, 50)).sum(axis=2) < 120).mean()
    assert product_share > 0.3


def test_dark_and_moody_is_low_key(mug) -> None:
    image = np.asarray(render_style(STYLES["dark_moody"], mug, (1080, 1350)))
    assert image.mean() < 80
    assert image[1300, 1040].sum() < image[100, 200].sum()  # light from the upper left


def test_style_and_colour_names_are_forgiving_and_bad_ones_are_clear() -> None:
    assert resolve_styles(["floating", "Solid Background", "flat-lay"]) == (
        "floating",
        "flat_lay",
        "solid_background",
    )
    assert resolve_styles(["all"]) == tuple(STYLES)
    assert resolve_styles(["dark & moody"]) == ("dark_moody",)
    assert resolve_colour("sage  green") == "Sage Green"
    assert resolve_colour("soft grey") == "Soft Gray"
    with pytest.raises(PostReadyError) as caught:
        resolve_styles(["vintage"])
    assert caught.value.code == ErrorCode.UNKNOWN_STYLE and "floating" in caught.value.message
    with pytest.raises(PostReadyError) as caught:
        resolve_colour("Sage Gren")
    assert caught.value.code == ErrorCode.UNKNOWN_COLOR and "Sage Green" in caught.value.message
