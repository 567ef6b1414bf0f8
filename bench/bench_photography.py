"""Benchmark: product photography on a 12-megapixel product photo. The cut-out is made once
(GrabCut, and rembg with a tiny ONNX model to time rembg's own overhead), then each style is
rendered locally for the distinct sizes of five platforms.

    python bench/bench_photography.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("NUMBA_DISABLE_JIT", "1")  # rembg imports pymatting; nothing here uses it

import numpy as np
from measure import median_ms
from PIL import Image

sys.path.insert(0, str(Path(__file__).parents[1]))

from postready.pipeline.cutout import cut_out, working_copy
from postready.pipeline.photography import STYLES, render_style
from postready.pipeline.platform_plans import choose_variant
from postready.pipeline.platforms import PLATFORMS
from tests.pipeline.test_cutout import build_tiny_u2net
from tests.product_images import product_photo

SOURCE_SIZE = (4000, 3000)
PLATFORM_KEYS = ("instagram", "facebook", "linkedin", "pinterest", "x")


def make_photo() -> tuple[Image.Image, np.ndarray]:
    """A 12 MP bottle on a studio sweep, with film grain; and its true mask."""
    small = product_photo("bottle", "studio", size=(1000, 750))
    image = small.image.resize(SOURCE_SIZE, Image.Resampling.LANCZOS)
    grain = np.random.default_rng(1).normal(0, 3, (SOURCE_SIZE[1], SOURCE_SIZE[0], 3))
    pixels = np.clip(np.asarray(image, np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels), small.mask


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    photo, truth = make_photo()
    sizes = sorted({choose_variant(PLATFORMS[k], SOURCE_SIZE).size for k in PLATFORM_KEYS})
    print(f"source {SOURCE_SIZE[0]}×{SOURCE_SIZE[1]}, sizes {sizes}, median of {repeat}")

    working = working_copy(photo)
    working_ms = median_ms(lambda: working_copy(photo), repeat)
    print(f"working copy {working.shape[1]}×{working.shape[0]}: {working_ms:.0f} ms")
    grabcut_ms = median_ms(lambda: cut_out(photo), repeat)
    cutout = cut_out(photo)
    truth_big = np.asarray(
        Image.fromarray(truth).resize(cutout.alpha.shape[::-1], Image.Resampling.NEAREST)
    )
    mask = cutout.alpha >= 0.5
    iou = (mask & truth_big).sum() / (mask | truth_big).sum()
    print(
        f"cut-out grabcut: {grabcut_ms:.0f} ms (IoU {iou:.3f}, confidence {cutout.confidence:.2f})"
    )

    with tempfile.TemporaryDirectory() as home:
        os.environ["U2NET_HOME"] = home
        model = Path(home) / "tiny.onnx"
        build_tiny_u2net(model)
        cut_out(photo, str(model))  # session creation (once per process) and imports
        rembg_ms = median_ms(lambda: cut_out(photo, str(model)), repeat)
    print(f"cut-out rembg (tiny ONNX, session reused): {rembg_ms:.0f} ms")

    total = 0.0
    for style in STYLES.values():
        ms = median_ms(lambda style=style: [render_style(style, cutout, s) for s in sizes], repeat)
        total += ms
        print(f"style {style.name:<17} {ms:6.0f} ms for {len(sizes)} sizes")
    print(f"all seven styles: {total:.0f} ms")


if __name__ == "__main__":
    main()
