"""Benchmark: ten photos through the command line as ten single runs (one `postready optimize`
process per photo, one after the other, as a shell loop runs them), as one batch (one process,
the photos through its worker pool), the batch with one worker, and as one carousel post. The
commands take turns, round by round, so the ratios hold on a busy machine.

    python bench/bench_batch.py [--repeat N] [--photos N] [--platforms all]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from skimage import data

from postready.cli.batch import DEFAULT_WORKERS

MEASURE_SCRIPT = Path(__file__).with_name("measure.py")
SOURCE_SIZE = (3000, 2000)  # 6 MP, a phone photo reduced for the web
SCENES = ("coffee", "astronaut", "chelsea", "rocket", "immunohistochemistry")
GRAIN_SIGMA = 6.0


def make_photos(folder: Path, count: int) -> list[Path]:
    """`count` JPEGs of scikit-image's photos with film grain, landscape and portrait in turn."""
    photos = []
    rng = np.random.default_rng(2024)
    for number in range(count):
        size = SOURCE_SIZE if number % 2 == 0 else SOURCE_SIZE[::-1]
        scene = Image.fromarray(getattr(data, SCENES[number % len(SCENES)])()).convert("RGB")
        canvas = ImageOps.fit(scene, size, Image.Resampling.BILINEAR)
        pixels = np.asarray(canvas, dtype=np.float32)
        grain = rng.standard_normal(pixels.shape, dtype=np.float32) * GRAIN_SIGMA
        path = folder / f"photo-{number + 1:02}.jpg"
        Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8)).save(path, quality=90)
        photos.append(path)
    return photos


def commands(
    photos: list[Path], folder: Path, out: Path, platforms: list[str]
) -> dict[str, list[str]]:
    cli = str(Path(sys.executable).with_name("postready"))
    common = ["--platforms", *platforms, "--no-ai"]
    singles = "; ".join(
        shlex.join([cli, "optimize", str(photo), *common, "--out", str(out / "single")])
        + " >/dev/null"
        for photo in photos
    )
    return {
        f"{len(photos)} single runs": ["sh", "-ec", singles],
        f"batch ({DEFAULT_WORKERS} workers)": [
            cli, "optimize", str(folder), *common, "--out", str(out / "batch"),
        ],
        "batch (1 worker)": [
            cli, "optimize", str(folder), *common, "--workers", "1", "--out", str(out / "one"),
        ],
        "carousel": [
            cli, "optimize", *map(str, photos), "--carousel", *common,
            "--out", str(out / "carousel"),
        ],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--platforms", nargs="+", default=["all"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        photos = make_photos(folder, args.photos)
        named = commands(photos, folder, Path(tmp) / "out", args.platforms)
        launcher = [sys.executable, str(MEASURE_SCRIPT), str(args.repeat)]
        output = subprocess.run(
            launcher,
            input=json.dumps(list(named.values())),
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        ).stdout
    results = {
        name: (float(line.split()[0]) / 1000, int(line.split()[1]) / 1024)
        for name, line in zip(named, output.splitlines(), strict=True)
    }
    print(
        f"{args.photos} photos of {SOURCE_SIZE[0]}×{SOURCE_SIZE[1]} (JPEG q90), platforms: "
        f"{' '.join(args.platforms)}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
        f"median of {args.repeat} rounds"
    )
    singles = next(iter(results.values()))[0]
    for name, (seconds, peak_mb) in results.items():
        print(
            f"{name:<22} {seconds:7.2f} s  {singles / seconds:5.2f}× the single runs' speed  "
            f"peak RSS {peak_mb:5.0f} MB"
        )


if __name__ == "__main__":
    main()
