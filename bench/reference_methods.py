"""The methods PostReady is measured against, each writing one JPEG per platform target.

Kept apart from bench_images.py and importing its image library inside the method, so that a
child process running one method pays for that library's start-up and nothing else:

    python reference_methods.py METHOD OUT_DIR PHOTO DECODE_WxH KEY=WxH [KEY=WxH ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

QUALITY = 92
Size = tuple[int, int]


class Job(NamedTuple):
    """One photo and the pixel size each platform gets from it."""

    photo: Path
    targets: dict[str, Size]
    decode_size: Size  # the smallest decode whose crops still cover every target

    def to_args(self) -> list[str]:
        sizes = [f"{key}={_format_size(size)}" for key, size in self.targets.items()]
        return [str(self.photo), _format_size(self.decode_size), *sizes]

    @classmethod
    def from_args(cls, args: list[str]) -> Job:
        photo, decode_size, *sizes = args
        targets = {key: _parse_size(size) for key, size in (s.split("=") for s in sizes)}
        return cls(Path(photo), targets, _parse_size(decode_size))


def naive(job: Job, out_dir: Path) -> None:
    """The seed's method: per platform a full decode, centre crop, Lanczos resize, save."""
    from PIL import Image

    for key, target in job.targets.items():
        with Image.open(job.photo) as image:
            image.load()
            cropped = image.crop(centre_crop(image.size, target))
        cropped.resize(target, Image.Resampling.LANCZOS).save(
            _output(out_dir, key), quality=QUALITY
        )


def libvips(job: Job, out_dir: Path) -> None:
    """libvips' thumbnail: shrink-on-load plus its own "attention" (saliency) crop."""
    import pyvips

    for key, (width, height) in job.targets.items():
        image = pyvips.Image.thumbnail(str(job.photo), width, height=height, crop="attention")
        image.write_to_file(str(_output(out_dir, key)), Q=QUALITY)


def floor(job: Job, out_dir: Path) -> None:
    """The least work anyone could do: one reduced decode, then centre crops; no analysis."""
    from PIL import Image

    with Image.open(job.photo) as image:
        image.draft("RGB", job.decode_size)
        image.load()
        for key, target in job.targets.items():
            box = centre_crop(image.size, target)
            resized = image.resize(target, Image.Resampling.LANCZOS, box=box)
            resized.save(_output(out_dir, key), quality=QUALITY)


Method = Callable[[Job, Path], None]
REFERENCES: dict[str, Method] = {"naive": naive, "libvips": libvips, "floor": floor}


def centre_crop(size: Size, target: Size) -> tuple[int, int, int, int]:
    """The largest centred box of `size` with the aspect ratio of `target`."""
    width, height = size
    ratio = target[0] / target[1]
    crop_width = min(width, round(height * ratio))
    crop_height = min(height, round(width / ratio))
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return (left, top, left + crop_width, top + crop_height)


def _output(out_dir: Path, key: str) -> Path:
    return out_dir / f"{key}.jpg"


def _format_size(size: Size) -> str:
    return f"{size[0]}x{size[1]}"


def _parse_size(text: str) -> Size:
    width, height = text.split("x")
    return (int(width), int(height))


def main(argv: list[str]) -> None:
    method, out_dir, *job_args = argv
    REFERENCES[method](Job.from_args(job_args), Path(out_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
