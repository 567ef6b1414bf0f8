"""Each platform's plan, fixed from the photo's header before it is decoded: the variant (size
and shape) and the output format, and from them how small the decoder may go.

No pixels here, so that planning (in the decoding thread) never waits for the image modules
to load.
"""

from __future__ import annotations

from dataclasses import dataclass

from postready.pipeline.marking import N_, Marked
from postready.pipeline.models import OptimizeRequest
from postready.pipeline.platforms import ImageVariant, OutputFormat, PlatformSpec


@dataclass(frozen=True, slots=True)
class PlatformPlan:
    """A platform's plan: fixed before decoding so the decoder knows how small it may go."""

    spec: PlatformSpec
    variant: ImageVariant
    output_format: OutputFormat
    warnings: tuple[Marked, ...]

    @property
    def max_bytes(self) -> int:
        """The upload limit of this variant (a YouTube thumbnail's 2 MB), else the platform's."""
        return self.variant.max_bytes or self.spec.max_bytes


def choose_variant(spec: PlatformSpec, *sizes: tuple[int, int]) -> ImageVariant:
    """The platform's automatic variant whose aspect ratio needs the least cropping: for several
    photos (a carousel's one shared variant), the least for the set as a whole, i.e. the one
    that keeps the largest sum of the photos' kept shares."""
    ratios = [width / height for width, height in sizes]
    candidates = [v for v in spec.variants if v.auto]
    return max(candidates, key=lambda v: sum(min(v.ratio / r, r / v.ratio) for r in ratios))


def min_decoded_size(
    targets: list[tuple[int, int]], size: tuple[int, int], min_long_side: int = 0
) -> tuple[int, int]:
    """The smallest decode of a `size` image whose crops are still at least as large as every
    target, and whose longer side is at least `min_long_side` (a step working on a whole-photo
    copy of that size), so that reduced decoding never costs detail."""
    width, height = size
    needed = min_long_side / max(size)
    for target_w, target_h in targets:
        crop_w = min(width, height * target_w / target_h)
        needed = max(needed, target_w / crop_w)
    scale = min(1.0, needed)
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def plan_platform(
    spec: PlatformSpec, request: OptimizeRequest, *sizes: tuple[int, int]
) -> PlatformPlan:
    """The variant (the one asked for, else the closest automatic one for the photos' sizes)
    and the format."""
    chosen = request.variants.get(spec.key)
    variant = spec.variant(chosen) if chosen else choose_variant(spec, *sizes)
    fmt = request.output_format
    warnings: tuple[Marked, ...] = ()
    if fmt not in spec.formats:
        warnings = (
            Marked(
                N_("{platform} does not take {format}; saved as JPEG"),
                {"platform": spec.display_name, "format": fmt.upper()},
            ),
        )
        fmt = "jpeg"
    return PlatformPlan(spec, variant, fmt, warnings)
