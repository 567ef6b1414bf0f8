"""A rectangle in pixel coordinates, as crops and detected faces use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CropBox:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return self.width * self.height

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)

    def scaled(self, factor: float) -> CropBox:
        return CropBox(*(round(v * factor) for v in self.as_tuple()))

    def shifted(self, dx: int, dy: int) -> CropBox:
        return CropBox(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy)

    def contains(self, other: CropBox) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and self.right >= other.right
            and self.bottom >= other.bottom
        )

    def intersection(self, other: CropBox) -> int:
        """The area the two boxes share."""
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return max(0, width) * max(0, height)
