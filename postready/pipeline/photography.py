"""The seven product-photography styles, one table, and the local renderer: the cut-out is
composited onto a backdrop generated per style, with a parametric shadow, at the exact size
of each platform's image. One module on purpose: the table names the backdrops and shadows
defined beside it, and a style is read top to bottom in one place."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.cutout import Cutout
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_

RGB = tuple[int, int, int]
Size = tuple[int, int]  # width, height
Pixels = npt.NDArray[np.floating]  # float32, 0..1: colour (h, w, 3) or alpha (h, w)

# The 15 background colours of the solid-background style (marked: the chats show their
# names in the user's language).
COLOURS: dict[str, RGB] = {
    N_("Sage Green"): (178, 190, 160),
    N_("Sea Blue"): (70, 130, 170),
    N_("White"): (255, 255, 255),
    N_("Cream"): (255, 248, 225),
    N_("Blush Pink"): (244, 204, 204),
    N_("Mint Green"): (200, 240, 215),
    N_("Sky Blue"): (170, 215, 240),
    N_("Lavender"): (215, 200, 240),
    N_("Soft Gray"): (215, 215, 215),
    N_("Peach"): (255, 218, 185),
    N_("Dusty Rose"): (210, 165, 165),
    N_("Pale Yellow"): (255, 245, 190),
    N_("Light Coral"): (240, 150, 150),
    N_("Powder Blue"): (190, 220, 230),
    N_("Seafoam Green"): (160, 225, 200),
}
DEFAULT_COLOUR = "White"
_MAX_UPSCALE = 2.0


@dataclass(frozen=True, slots=True)
class Shadow:
    """A shadow made from the product's own silhouette, in units of the product's height."""

    offset: tuple[float, float]  # (dx, dy) from the product's footprint
    blur: float  # Gaussian sigma
    opacity: float
    squash: float = 1.0  # vertical scale: 1 = a drop shadow, ~0.1 = a contact shadow on a floor


@dataclass(frozen=True, slots=True)
class Scene:
    """What a backdrop may depend on."""

    size: Size
    product_colour: npt.NDArray[np.float32]  # mean colour of the product, 0..1
    colour: RGB  # the chosen background colour (SOLID BACKGROUND)


Backdrop = Callable[[Scene], Pixels]  # → colour (h, w, 3)


def _smooth(draw: Backdrop, factor: int = 4) -> Backdrop:
    """A backdrop with no fine detail, drawn at 1/`factor` size and enlarged: same look,
    a fraction of the work."""

    def backdrop(scene: Scene) -> Pixels:
        import cv2

        width, height = scene.size
        small = Scene(
            (max(1, width // factor), max(1, height // factor)),
            scene.product_colour,
            scene.colour,
        )
        return cast(Pixels, cv2.resize(draw(small), scene.size, interpolation=cv2.INTER_LINEAR))

    return backdrop


Finish = Callable[[Pixels, Pixels], Pixels]  # (image, product alpha) → image


@dataclass(frozen=True, slots=True)
class Style:
    key: str
    name: str
    prompt: str  # for the image API; {product} is the product's name
    backdrop: Backdrop | None  # None: the photo's own background, blurred (macro)
    fill: float  # the product's extent as a fraction of the canvas
    centre_y: float  # the product's vertical centre, fraction of the canvas height
    shadow: Shadow | None = None
    finish: Finish | None = None


def _gradient(size: Size, top: Pixels, bottom: Pixels) -> Pixels:
    width, height = size
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    return np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3)).copy()


def _noise(size: Size, sigma: tuple[float, float], seed: int) -> Pixels:
    """Smooth noise, unit standard deviation, blurred by (sigma_x, sigma_y) pixels."""
    import cv2

    width, height = size
    field = np.random.default_rng(seed).standard_normal((height, width), dtype=np.float32)
    field = cast(
        npt.NDArray[np.float32], cv2.GaussianBlur(field, (0, 0), sigmaX=sigma[0], sigmaY=sigma[1])
    )
    return field / max(float(field.std()), 1e-6)


def _mix(a: Pixels | RGB, b: Pixels | RGB, t: float) -> Pixels:
    a = np.asarray(a, np.float32) / (255 if np.asarray(a).dtype.kind == "i" else 1)
    b = np.asarray(b, np.float32) / (255 if np.asarray(b).dtype.kind == "i" else 1)
    return a * (1 - t) + b * t


def _floating_backdrop(scene: Scene) -> Pixels:
    top = _mix((250, 250, 250), scene.product_colour, 0.06)
    bottom = _mix((222, 222, 226), scene.product_colour, 0.12)
    return _gradient(scene.size, top, bottom)


def _flat_lay_backdrop(scene: Scene) -> Pixels:
    """A linen-like tabletop seen from above, lit evenly: grain, fibres and soft mottling."""
    width, height = scene.size
    side = min(width, height)
    base = np.broadcast_to(np.array([236, 229, 218], np.float32) / 255, (height, width, 3))
    texture = 0.02 * _noise(scene.size, (side / 60, 0.8), 2) + 0.012 * _noise(
        scene.size, (0.7, 0.7), 3
    )
    mottling = _smooth(lambda s: 0.025 * _noise(s.size, (side / 100, side / 100), 1))
    texture = texture + mottling(scene)
    image: Pixels = base + texture[..., None]
    return image


def _lifestyle_backdrop(scene: Scene) -> Pixels:
    """A warm room out of focus: window-lit wall, bokeh highlights, a wooden table."""
    import cv2

    width, height = scene.size
    side = min(width, height)
    image = _gradient(
        scene.size, np.array([0.98, 0.90, 0.78], np.float32), np.array([0.80, 0.66, 0.52])
    )
    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    for _ in range(14):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height * 0.6)
        radius = rng.uniform(0.03, 0.08) * side
        disc = np.clip(radius - np.hypot(xs - cx, ys - cy), 0, 1)
        glow = np.array([1.0, rng.uniform(0.85, 0.95), rng.uniform(0.6, 0.8)], np.float32)
        image += disc[..., None] * glow * rng.uniform(0.12, 0.3)
    table_top = round(height * 0.68)
    grain = 0.05 * _noise((width, height - table_top), (side / 8, 1.5), 4)
    wood = np.array([0.62, 0.45, 0.32], np.float32)
    image[table_top:] = wood * (1 + grain[..., None])
    return cast(Pixels, cv2.GaussianBlur(image, (0, 0), side * 0.012))


def _product_art_backdrop(scene: Scene) -> Pixels:
    """A bold colour swirl around the product's complementary hue, with large flat shapes."""
    import cv2

    width, height = scene.size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    side = min(width, height)
    dx, dy = (xs - width / 2) / side, (ys - height / 2) / side
    angle, radius = np.arctan2(dy, dx), np.hypot(dx, dy)
    product_hsv = cv2.cvtColor(scene.product_colour.reshape(1, 1, 3), cv2.COLOR_RGB2HSV)[0, 0]
    base_hue = (float(product_hsv[0]) + 180.0) % 360.0
    hue = (base_hue + 50 * np.sin(angle * 3 + radius * 9)) % 360
    hsv = np.dstack((hue, np.full_like(hue, 0.65), 0.95 - 0.25 * radius)).astype(np.float32)
    image = cast(Pixels, cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB))
    rng = np.random.default_rng(11)
    for index in range(4):
        shape = np.zeros((height, width), np.float32)
        cx, cy = int(rng.uniform(0, width)), int(rng.uniform(0, height))
        size = int(rng.uniform(0.15, 0.35) * side)
        if index % 2:
            cv2.circle(shape, (cx, cy), size, 1.0, -1, cv2.LINE_AA)
        else:
            cv2.rectangle(shape, (cx - size, cy - size // 2), (cx + size, cy + size // 2), 1.0, -1)
        tint = cv2.cvtColor(
            np.array([[[(base_hue + 120 * index) % 360, 0.8, 0.9]]], np.float32),
            cv2.COLOR_HSV2RGB,
        )[0, 0]
        image = image * (1 - 0.55 * shape[..., None]) + tint * 0.55 * shape[..., None]
    return image


def _dark_backdrop(scene: Scene) -> Pixels:
    width, height = scene.size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    side = min(width, height)
    light = np.exp(-((np.hypot(xs - 0.2 * width, ys - 0.15 * height) / (0.9 * side)) ** 2))
    low, high = np.array([0.05, 0.05, 0.06], np.float32), np.array([0.30, 0.26, 0.23])
    image: Pixels = low + (high - low) * light[..., None]
    return image


def _dark_finish(image: Pixels, alpha: Pixels) -> Pixels:
    """Light falls from the upper left onto the product too, then a vignette closes the frame."""
    height, width = alpha.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    falloff = 1.05 - 0.4 * np.clip((xs / width + ys / height) / 2, 0, 1)
    lit = image * (1 - alpha[..., None] * (1 - falloff[..., None]))
    radius = np.hypot(xs / width - 0.5, ys / height - 0.5) / 0.71
    vignetted: Pixels = lit * (1 - 0.55 * radius**2)[..., None]
    return vignetted


def _solid_backdrop(scene: Scene) -> Pixels:
    width, height = scene.size
    colour = np.array(scene.colour, np.float32) / 255
    return np.broadcast_to(colour, (height, width, 3)).copy()


STYLES: dict[str, Style] = {
    style.key: style
    for style in (
        Style(
            "floating",
            N_("Floating"),
            "{product} floating in mid-air above a seamless light studio backdrop, soft "
            "shadow on the floor below, clean commercial product photo",
            _floating_backdrop,
            fill=0.6,
            centre_y=0.44,
            shadow=Shadow(offset=(0.0, 0.16), blur=0.06, opacity=0.35, squash=0.12),
        ),
        Style(
            "flat_lay",
            N_("Flat Lay"),
            "top-down flat lay of {product} on a textured linen surface, even soft light, "
            "minimal styling, editorial product photo",
            _flat_lay_backdrop,
            fill=0.62,
            centre_y=0.5,
            shadow=Shadow(offset=(0.015, 0.025), blur=0.02, opacity=0.28),
        ),
        Style(
            "lifestyle",
            N_("Lifestyle"),
            "{product} on a wooden table in a warm, cosy home, blurred background with bokeh, "
            "natural window light and shadow, lifestyle product photo",
            _smooth(_lifestyle_backdrop),
            fill=0.55,
            centre_y=0.5,
            shadow=Shadow(offset=(0.12, 0.0), blur=0.05, opacity=0.4, squash=0.25),
        ),
        Style(
            "product_art",
            N_("Product Art"),
            "{product} in front of bold colour swirls and geometric shapes, vivid pop-art "
            "product poster",
            _smooth(_product_art_backdrop, 2),
            fill=0.58,
            centre_y=0.5,
            shadow=Shadow(offset=(0.04, 0.05), blur=0.03, opacity=0.45),
        ),
        Style(
            "macro",
            N_("Macro"),
            "extreme close-up macro shot of {product}, shallow depth of field, crisp detail",
            None,
            fill=0.92,
            centre_y=0.5,
        ),
        Style(
            "dark_moody",
            N_("Dark and Moody"),
            "{product} on a dark low-key backdrop, dramatic directional light from the upper "
            "left, deep shadows and vignette, moody product photo",
            _smooth(_dark_backdrop),
            fill=0.58,
            centre_y=0.5,
            shadow=Shadow(offset=(0.08, 0.03), blur=0.04, opacity=0.6, squash=0.3),
            finish=_dark_finish,
        ),
        Style(
            "solid_background",
            N_("Solid Background"),
            "{product} on a seamless solid {colour} background, soft shadow beneath, clean "
            "e-commerce product photo",
            _solid_backdrop,
            fill=0.62,
            centre_y=0.48,
            shadow=Shadow(offset=(0.0, 0.01), blur=0.035, opacity=0.3, squash=0.14),
        ),
    )
}
ALL_STYLES_WORD = "all"


def resolve_styles(names: list[str]) -> tuple[str, ...]:
    """Style keys for names as users write them ("solid background", "Flat-Lay", "all"), in
    table order. Raises UNKNOWN_STYLE with the choices."""
    words = [name.strip() for name in names if name.strip()]
    if any(word.lower() == ALL_STYLES_WORD for word in words):
        return tuple(STYLES)
    names_to_keys = {_normal(s.name): key for key, s in STYLES.items()} | {
        _normal(key): key for key in STYLES
    }
    chosen = set()
    for word in words:
        key = names_to_keys.get(_normal(word))
        if key is None:
            choices = ", ".join(style.name.lower() for style in STYLES.values())
            raise PostReadyError(
                ErrorCode.UNKNOWN_STYLE,
                N_("unknown style '{name}'; choose from: {styles}"),
                name=word,
                styles=f"{choices}, {ALL_STYLES_WORD}",
            )
        chosen.add(key)
    return tuple(key for key in STYLES if key in chosen)


def _normal(name: str) -> str:
    return " ".join(name.lower().replace("&", "and").replace("-", " ").replace("_", " ").split())


def resolve_colour(name: str) -> str:
    """The seed colour name for `name`, case and spacing forgiven. Raises UNKNOWN_COLOR."""
    wanted = " ".join(name.lower().replace("grey", "gray").split())
    for known in COLOURS:
        if known.lower() == wanted:
            return known
    close = difflib.get_close_matches(wanted, [c.lower() for c in COLOURS], n=1, cutoff=0.7)
    colours = ", ".join(COLOURS)
    if close:
        message = N_(
            "unknown background colour '{name}' — did you mean '{hint}'? Choose from: {colours}"
        )
        raise PostReadyError(
            ErrorCode.UNKNOWN_COLOR, message, name=name, hint=close[0].title(), colours=colours
        )
    message = N_("unknown background colour '{name}'. Choose from: {colours}")
    raise PostReadyError(ErrorCode.UNKNOWN_COLOR, message, name=name, colours=colours)


def render_style(
    style: Style, cutout: Cutout, size: Size, colour: str = DEFAULT_COLOUR
) -> Image.Image:
    """`cutout`'s product in `style`, as an RGB image of exactly `size`."""
    sprite = cutout.sprite()
    if style.backdrop is None:
        image, alpha = _close_up(cutout, size, style.fill)
    else:
        alpha_sum = max(float(sprite[..., 3].sum()), 1e-6)
        product_colour = (sprite[..., :3].sum(axis=(0, 1)) / alpha_sum).astype(np.float32)
        scene = Scene(size, product_colour, COLOURS[colour])
        image = style.backdrop(scene).astype(np.float32)
        image, alpha = _place(image, sprite, style)
    if style.finish is not None:
        image = style.finish(image, alpha)
    return Image.fromarray(np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")


def _place(canvas: Pixels, sprite: Pixels, style: Style) -> tuple[Pixels, Pixels]:
    """Scale the product to the style's fill, drop its shadow, composite it; return the image
    and the product's alpha on the canvas."""
    import cv2

    height, width = canvas.shape[:2]
    sprite_h, sprite_w = sprite.shape[:2]
    scale = min(style.fill * width / sprite_w, style.fill * height / sprite_h, _MAX_UPSCALE)
    new_w, new_h = max(1, round(sprite_w * scale)), max(1, round(sprite_h * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    product = cast(Pixels, cv2.resize(sprite, (new_w, new_h), interpolation=interpolation))
    left = (width - new_w) // 2
    top = round(style.centre_y * height - new_h / 2)
    if style.shadow is not None:
        shadow = _shadow_layer((width, height), product[..., 3], (left, top), style.shadow)
        canvas = canvas * (1 - shadow[..., None])
    layer = np.zeros((height, width, 4), np.float32)
    _paste(layer, product, left, top)
    alpha = layer[..., 3]
    return layer[..., :3] + canvas * (1 - alpha[..., None]), alpha


def _shadow_layer(size: Size, alpha: Pixels, position: tuple[int, int], shadow: Shadow) -> Pixels:
    """Darkening (0..opacity) cast by `alpha` placed at `position` on a canvas of `size`."""
    import cv2

    width, height = size
    product_h, product_w = alpha.shape
    squashed_h = max(1, round(product_h * shadow.squash))
    silhouette = cast(
        Pixels, cv2.resize(alpha, (product_w, squashed_h), interpolation=cv2.INTER_AREA)
    )
    left = position[0] + round(shadow.offset[0] * product_h)
    # The silhouette's foot stays at the product's foot, shifted by the offset.
    top = position[1] + product_h - squashed_h + round(shadow.offset[1] * product_h)
    layer = np.zeros((height, width, 1), np.float32)
    _paste(layer, silhouette[..., None], left, top)
    blurred = cast(
        Pixels, cv2.GaussianBlur(layer[..., 0], (0, 0), max(0.5, shadow.blur * product_h))
    )
    darkening: Pixels = np.clip(blurred * shadow.opacity, 0, 1)
    return darkening


def _paste(canvas: Pixels, patch: Pixels, left: int, top: int) -> None:
    """Add `patch` into `canvas` at (left, top), clipped to the canvas."""
    height, width = canvas.shape[:2]
    patch_h, patch_w = patch.shape[:2]
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + patch_w), min(height, top + patch_h)
    if x0 < x1 and y0 < y1:
        canvas[y0:y1, x0:x1] += patch[y0 - top : y1 - top, x0 - left : x1 - left]


def _close_up(cutout: Cutout, size: Size, fill: float) -> tuple[Pixels, Pixels]:
    """A tight window of the photo around the product, in the target's shape, with the
    background thrown out of focus (shallow depth of field)."""
    import cv2

    image_h, image_w = cutout.alpha.shape
    left, top, right, bottom = cutout.box
    ratio = size[0] / size[1]
    window_w = max((right - left) / fill, (bottom - top) / fill * ratio)
    window_w = min(window_w, image_w, image_h * ratio)
    window_h = window_w / ratio
    cx = min(max((left + right) / 2, window_w / 2), image_w - window_w / 2)
    cy = min(max((top + bottom) / 2, window_h / 2), image_h - window_h / 2)
    x0, y0 = round(cx - window_w / 2), round(cy - window_h / 2)
    x1, y1 = x0 + max(1, round(window_w)), y0 + max(1, round(window_h))
    scale = size[0] / (x1 - x0)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LANCZOS4
    photo = cv2.resize(cutout.rgb[y0:y1, x0:x1], size, interpolation=interpolation)
    alpha = cv2.resize(cutout.alpha[y0:y1, x0:x1], size, interpolation=cv2.INTER_LINEAR)
    sharp = photo.astype(np.float32) / 255
    soft = cv2.GaussianBlur(sharp, (0, 0), 0.012 * min(size))
    # Focus falls off gradually beyond the product's edge, as with a real shallow lens.
    focus = cv2.GaussianBlur(alpha, (0, 0), 0.01 * min(size))
    focus = np.maximum(alpha, focus)[..., None]
    return sharp * focus + soft * (1 - focus), np.clip(alpha, 0, 1)
