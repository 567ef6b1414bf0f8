"""Photos with faces whose true boxes are known: heads cut from scikit-image's sample photos
(Eileen Collins, frontal, either way round; the cameraman, in profile) pasted with a soft edge
onto backgrounds of every aspect ratio, at a chosen size and place, with film grain."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from postready.pipeline.boxes import CropBox


@dataclass(frozen=True, slots=True)
class FaceSource:
    name: str
    photo: str  # a scikit-image sample
    head: tuple[int, int, int, int]  # what is pasted: hair, face and neck
    face: tuple[int, int, int, int]  # forehead to chin, ear to ear (nose tip in profile)
    mirrored: bool = False


ASTRONAUT = FaceSource("astronaut", "astronaut", (110, 0, 350, 300), (170, 62, 282, 182))
ASTRONAUT_MIRRORED = FaceSource(
    "astronaut-mirrored", "astronaut", (110, 0, 350, 300), (170, 62, 282, 182), mirrored=True
)
CAMERAMAN = FaceSource("cameraman", "camera", (120, 40, 310, 260), (182, 115, 258, 195))
FRONTAL_SOURCES = (ASTRONAUT, ASTRONAUT_MIRRORED)
_BROWS_TO_MOUTH = 0.8  # of forehead to chin: how much of a face detectors' boxes span


@dataclass(frozen=True, slots=True)
class Placement:
    """A face of `height` (a fraction of the photo's short side, brows to mouth as face
    detectors measure it) at `at`: (0, 0) puts the face in the top-left corner, (1, 1) in the
    bottom-right, (0.5, 0.5) in the middle."""

    source: FaceSource
    at: tuple[float, float]
    height: float


@dataclass(frozen=True, slots=True)
class Scene:
    name: str
    size: tuple[int, int]
    background: str
    placements: tuple[Placement, ...]


@dataclass(frozen=True, slots=True)
class ComposedScene:
    scene: Scene
    image: Image.Image
    faces: tuple[CropBox, ...]  # true face boxes, in the image's pixels


def compose(scene: Scene, seed: int = 0) -> ComposedScene:
    canvas = _background(scene.background, scene.size)
    faces = []
    for placement in scene.placements:
        faces.append(_paste_head(canvas, placement))
    pixels = np.asarray(canvas, dtype=np.float32)
    grain = np.random.default_rng(seed).standard_normal(pixels.shape, dtype=np.float32)
    noisy = np.clip(pixels + 4.0 * grain, 0, 255).astype(np.uint8)
    return ComposedScene(scene, Image.fromarray(noisy), tuple(faces))


def _paste_head(canvas: Image.Image, placement: Placement) -> CropBox:
    source = placement.source
    photo = _photo(source.photo, source.mirrored)
    head, face = source.head, source.face
    if source.mirrored:
        width = photo.width
        head = (width - head[2], head[1], width - head[0], head[3])
        face = (width - face[2], face[1], width - face[0], face[3])
    scale = placement.height / _BROWS_TO_MOUTH * min(canvas.size) / (face[3] - face[1])
    face_w, face_h = round((face[2] - face[0]) * scale), round((face[3] - face[1]) * scale)
    left = round(placement.at[0] * (canvas.width - face_w))
    top = round(placement.at[1] * (canvas.height - face_h))
    patch_size = (round((head[2] - head[0]) * scale), round((head[3] - head[1]) * scale))
    patch = photo.crop(head).resize(patch_size, Image.Resampling.LANCZOS)
    origin = (left - round((face[0] - head[0]) * scale), top - round((face[1] - head[1]) * scale))
    canvas.paste(patch, origin, _soft_ellipse(patch_size))
    return CropBox(left, top, left + face_w, top + face_h)


def _soft_ellipse(size: tuple[int, int]) -> Image.Image:
    mask = Image.new("L", size, 0)
    inset_x, inset_y = size[0] * 0.04, size[1] * 0.02
    ImageDraw.Draw(mask).ellipse((inset_x, inset_y, size[0] - inset_x, size[1] * 1.3), fill=255)
    return mask.filter(ImageFilter.GaussianBlur(max(1.0, min(size) / 40)))


@cache
def _photo(name: str, mirrored: bool) -> Image.Image:
    import skimage.data

    image = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
    return ImageOps.mirror(image) if mirrored else image


def _background(kind: str, size: tuple[int, int]) -> Image.Image:
    if kind == "studio":
        width, height = size
        xs = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
        ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        top, bottom = np.array([196, 204, 214], np.float32), np.array([120, 132, 150], np.float32)
        pixels = top + (bottom - top) * (0.7 * ys + 0.3 * xs)
        return Image.fromarray(np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8))
    photo = _photo(kind, False)
    return ImageOps.fit(photo, size, Image.Resampling.BILINEAR)


ASPECTS = {
    "panorama": (4000, 1536),
    "wide-4:1": (2400, 600),
    "tall-strip": (800, 2400),
    "phone-9:16": (1080, 1920),
    "square": (1600, 1600),
    "landscape-4:3": (2000, 1500),
    "small-4:3": (640, 480),
}
BACKGROUNDS = ("studio", "coffee", "brick", "grass", "gravel", "chelsea")

# (name, [(at, height)]): one face at each edge and corner, small faces, two far apart, a group,
# a portrait with a bystander (a face a quarter the size of the subject's).
LAYOUTS: tuple[tuple[str, tuple[tuple[tuple[float, float], float], ...]], ...] = (
    ("far-left", (((0.0, 0.45), 0.18),)),
    ("far-right", (((1.0, 0.55), 0.14),)),
    ("top-edge", (((0.35, 0.0), 0.10),)),
    ("bottom-edge", (((0.65, 1.0), 0.12),)),
    ("corner-4pc", (((0.02, 0.03), 0.04),)),
    ("small-5pc", (((0.8, 0.3), 0.05),)),
    ("two-far-apart", (((0.03, 0.4), 0.12), ((0.97, 0.6), 0.09))),
    ("group-and-one", (((0.55, 0.5), 0.11), ((0.64, 0.45), 0.10), ((0.0, 0.5), 0.08))),
    ("portrait-and-bystander", (((0.3, 0.35), 0.22), ((0.92, 0.7), 0.05))),
)


def face_grid() -> list[Scene]:
    """Every aspect × every layout: 63 photos, sources and backgrounds taken in turn."""
    scenes = []
    counter = itertools.count()
    for aspect, size in ASPECTS.items():
        for layout, faces in LAYOUTS:
            index = next(counter)
            placements = tuple(
                Placement(FRONTAL_SOURCES[(index + i) % 2], at, height)
                for i, (at, height) in enumerate(faces)
            )
            background = BACKGROUNDS[index % len(BACKGROUNDS)]
            scenes.append(Scene(f"{aspect}/{layout}/{background}", size, background, placements))
    return scenes


def crop_keeps_faces(crop: CropBox, faces: tuple[CropBox, ...]) -> bool:
    """No face cut; all kept when they fit together, else at least one."""
    inside = [crop.contains(face) for face in faces]
    if any(not kept and _overlaps(crop, face) for kept, face in zip(inside, faces, strict=True)):
        return False
    union = CropBox(
        min(f.left for f in faces),
        min(f.top for f in faces),
        max(f.right for f in faces),
        max(f.bottom for f in faces),
    )
    if union.width <= crop.width and union.height <= crop.height:
        return all(inside)
    return any(inside)


def _overlaps(a: CropBox, b: CropBox) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom
