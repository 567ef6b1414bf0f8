"""Background removal: rembg when a model's weights are on this machine, otherwise a local
cut-out (border-colour background model → GrabCut → edge-aware feathering) that needs only
OpenCV. Either way the result says how sure it is, so the user can be told. One module on
purpose: the local cut-out's steps feed each other and are tuned together."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt
from PIL import Image

if TYPE_CHECKING:
    from rembg.sessions.base import BaseSession

# Tried in order when POSTREADY_REMBG_MODEL is unset: small, permissively licensed models.
DEFAULT_REMBG_MODELS = ("u2netp", "isnet-general-use")
# CC BY-NC weights: only ever used when named explicitly, with a note.
NON_COMMERCIAL_MODELS = frozenset({"bria-rmbg"})
WORKING_SIDE = 2048  # styles are at most 1600 px wide: a larger cut-out would only cost time
GRABCUT_PIXELS = 1_000_000
UNCERTAIN_BELOW = 0.6

_GRABCUT_ITERATIONS = 4
_BORDER = 0.03  # width of the border strip that models the background, of the shorter side
_MIN_SEPARATION = 6.0  # ΔE: below this, colour differences are noise, not a product
_MAX_DISTANCE = 60.0  # ΔE: distances are clipped here before Otsu, so outliers do not skew it
_PLAIN_RESIDUAL = 8.0  # ΔE: border noise above this is texture, not a plain backdrop
_KEEP_COMPONENT = 0.1  # pieces at least this fraction of the largest stay (a pair of earrings)
_GUIDED_EPS = (0.03 * 255) ** 2  # edges the guide image shows sharper than this stay sharp
_session_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Cutout:
    """The photo at working resolution and the product's alpha over it."""

    rgb: npt.NDArray[np.uint8]  # (h, w, 3)
    alpha: npt.NDArray[np.floating]  # float32 (h, w), 0..1
    box: tuple[int, int, int, int]  # left, top, right, bottom of the product (alpha ≥ 0.5)
    method: str  # "grabcut" or "rembg:<model>"
    confidence: float  # 0..1
    notes: tuple[str, ...] = ()

    @property
    def uncertain(self) -> bool:
        return self.confidence < UNCERTAIN_BELOW

    @property
    def coverage(self) -> float:
        return float(self.alpha.mean())

    def sprite(self) -> npt.NDArray[np.floating]:
        """The product alone: premultiplied float32 RGBA (0..1) cropped to its box."""
        left, top, right, bottom = self.box
        alpha = self.alpha[top:bottom, left:right, None]
        colour = self.rgb[top:bottom, left:right].astype(np.float32) / 255.0
        return np.concatenate((colour * alpha, alpha), axis=2)


@dataclass(frozen=True, slots=True)
class RembgChoice:
    """A rembg model whose weights are here: a named model, or an ONNX file (u2net_custom)."""

    name: str
    model_path: str | None = None

    @property
    def label(self) -> str:
        return f"rembg:{Path(self.model_path).name if self.model_path else self.name}"


def working_copy(image: Image.Image) -> npt.NDArray[np.uint8]:
    """RGB pixels at most WORKING_SIDE on the longer side (transparency flattened on white)."""
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    scale = min(1.0, WORKING_SIDE / max(image.size))
    if scale < 1:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(image.convert("RGB"))


def cut_out(image: Image.Image, rembg_setting: str | None = None) -> Cutout:
    """Cut the product out of `image`, with rembg when `rembg_setting` (or a default model)
    is usable here, else locally. Never downloads anything."""
    rgb = working_copy(image)
    choice, notes = choose_rembg_model(rembg_setting)
    if choice is not None:
        try:
            alpha = rembg_alpha(rgb, rembg_session(choice))
        except (OSError, ValueError, RuntimeError) as exc:  # onnxruntime's load/run errors
            notes += (f"rembg model {choice.label} failed ({exc}); used the local cut-out",)
        else:
            return _finish(rgb, alpha, choice.label, _alpha_confidence(alpha), notes)
    alpha, confidence = local_alpha(rgb)
    return _finish(rgb, alpha, "grabcut", confidence, notes)


def choose_rembg_model(setting: str | None) -> tuple[RembgChoice | None, tuple[str, ...]]:
    """The rembg model to use and notes for the user. `setting` is a model name, a path to an
    ONNX file, or None for the first default model whose weights are present."""
    if not setting and not any(_weights_may_exist(name) for name in DEFAULT_REMBG_MODELS):
        return None, ()  # importing rembg costs a second (minutes on first use): skip it
    try:
        from rembg.sessions import sessions
    except ImportError:
        note = "rembg is not installed (pip install 'postready[rembg]'); used the local cut-out"
        return None, (note,) if setting else ()
    if not setting:
        for name in DEFAULT_REMBG_MODELS:
            if sessions[name].resolve_existing(f"{name}.onnx"):
                return RembgChoice(name), ()
        return None, ()
    if setting.endswith(".onnx") or os.sep in setting:
        path = Path(setting).expanduser()
        if not path.is_file():
            return None, (f"rembg model file {path} not found; used the local cut-out",)
        return RembgChoice("u2net_custom", str(path)), ()
    session_class = sessions.get(setting)
    if session_class is None or not session_class.is_local():
        local = sorted(name for name, cls in sessions.items() if cls.is_local())
        return None, (
            f"'{setting}' is not a local rembg model (choose from {', '.join(local)}); "
            "used the local cut-out",
        )
    if not session_class.resolve_existing(f"{setting}.onnx"):
        home = session_class.rembg_home()
        return None, (f"rembg model '{setting}' is not in {home}; used the local cut-out",)
    notes: tuple[str, ...] = ()
    if setting in NON_COMMERCIAL_MODELS:
        notes = (f"rembg model '{setting}' is licensed for non-commercial use only",)
    return RembgChoice(setting), notes


def _weights_may_exist(name: str) -> bool:
    """A cheap look in the folders rembg reads weights from; rembg itself has the last word."""
    env = os.environ
    homes = [env.get("U2NET_HOME"), env.get("REMBG_HOME"), "~/.rembg", "~/.u2net"]
    if env.get("XDG_DATA_HOME"):
        homes += [f"{env['XDG_DATA_HOME']}/rembg", f"{env['XDG_DATA_HOME']}/.u2net"]
    for home in filter(None, homes):
        folder = Path(home).expanduser()
        if (folder / f"{name}.onnx").is_file() or (folder / "models" / name).is_dir():
            return True
    return False


def rembg_session(choice: RembgChoice) -> BaseSession:
    """One session per model for the process: creating it loads the network (seconds)."""
    with _session_lock:
        return _new_session(choice)


@cache
def _new_session(choice: RembgChoice) -> BaseSession:
    from rembg import new_session

    if choice.model_path:
        return new_session(choice.name, model_path=choice.model_path)
    return new_session(choice.name)


def rembg_alpha(rgb: npt.NDArray[np.uint8], session: BaseSession) -> npt.NDArray[np.floating]:
    """rembg's soft mask for `rgb`, as float32 0..1."""
    from rembg import remove

    mask = remove(Image.fromarray(rgb), session=session, only_mask=True)
    return np.asarray(mask, dtype=np.float32) / 255.0


@dataclass(frozen=True, slots=True)
class BackgroundModel:
    """The background colour expected at each point: a quadratic surface in Lab fitted to the
    border strip, so studio gradients and vignetting count as background."""

    # (6, 3): Lab = basis(x / width, y / height) @ coefficients
    coefficients: npt.NDArray[np.floating]
    residual: float  # median ΔE of the border around the surface: high = textured background

    def lab(
        self, xs: npt.NDArray[np.floating], ys: npt.NDArray[np.floating]
    ) -> npt.NDArray[np.floating]:
        """Expected Lab colour at relative coordinates (0..1)."""
        lab: npt.NDArray[np.floating] = _quadratic_basis(xs, ys) @ self.coefficients
        return lab.astype(np.float32)

    def rgb(
        self, xs: npt.NDArray[np.floating], ys: npt.NDArray[np.floating]
    ) -> npt.NDArray[np.floating]:
        """Expected sRGB colour (float32 0..1) at relative coordinates."""
        import cv2

        rgb: npt.NDArray[np.float32] = cv2.cvtColor(self.lab(xs, ys)[None], cv2.COLOR_Lab2RGB)[0]
        return np.clip(rgb, 0, 1)


def fit_background(rgb: npt.NDArray[np.uint8]) -> BackgroundModel:
    """Fit the background surface to the border strip of `rgb`, ignoring the border pixels the
    product itself covers (a product cut by the frame)."""
    height, width = rgb.shape[:2]
    lab = _lab(rgb)
    strip = max(2, round(_BORDER * min(height, width)))
    border = np.zeros((height, width), bool)
    border[:strip], border[-strip:], border[:, :strip], border[:, -strip:] = True, True, True, True
    ys, xs = np.nonzero(border)
    basis = _quadratic_basis(xs / width, ys / height)
    samples = lab[ys, xs]
    coefficients = np.linalg.lstsq(basis, samples, rcond=None)[0]
    residual = np.linalg.norm(samples - basis @ coefficients, axis=1)
    inliers = residual <= max(3 * float(np.median(residual)), _MIN_SEPARATION)
    coefficients = np.linalg.lstsq(basis[inliers], samples[inliers], rcond=None)[0]
    residual = np.linalg.norm(samples - basis @ coefficients, axis=1)
    return BackgroundModel(coefficients, float(np.median(residual)))


def background_distance(
    rgb: npt.NDArray[np.uint8], model: BackgroundModel
) -> npt.NDArray[np.floating]:
    """How far each pixel's colour is from the background expected there (ΔE76)."""
    height, width = rgb.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width]
    expected = model.lab(xs.ravel() / width, ys.ravel() / height).reshape(height, width, 3)
    distance: npt.NDArray[np.floating] = np.linalg.norm(_lab(rgb) - expected, axis=2)
    return distance


def _lab(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.floating]:
    import cv2

    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    return cast(npt.NDArray[np.float32], lab)


def _quadratic_basis(
    x: npt.NDArray[np.floating], y: npt.NDArray[np.floating]
) -> npt.NDArray[np.floating]:
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    return np.stack((np.ones_like(x), x, y, x * x, x * y, y * y), axis=1)


def foreground_seed(distance: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.bool_], float]:
    """Pixels unlike the background (Otsu on the distance, then opening and closing), as the
    largest connected pieces; and how cleanly Otsu separated the two (0..1)."""
    import cv2

    levels = np.clip(distance * (255.0 / _MAX_DISTANCE), 0, 255).astype(np.uint8)
    threshold, binary = cv2.threshold(levels, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if threshold * _MAX_DISTANCE / 255.0 < _MIN_SEPARATION:
        binary = (distance >= _MIN_SEPARATION).astype(np.uint8) * 255
    kernel = _kernel(distance.shape, 0.006)
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    binary = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel)
    return largest_components(binary > 0), _otsu_separation(levels, threshold)


def largest_components(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The largest 8-connected piece of `mask` and any at least _KEEP_COMPONENT its size."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    if count <= 1:
        return np.zeros(mask.shape, bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    kept = np.flatnonzero(areas >= _KEEP_COMPONENT * areas.max()) + 1
    return np.isin(labels, kept)


def _otsu_separation(levels: npt.NDArray[np.uint8], threshold: float) -> float:
    """Between-class variance over total variance: 1 for two clean peaks, low for a blur."""
    values = levels.astype(np.float32).ravel()
    total = float(values.var())
    if total == 0:
        return 0.0
    high = values > threshold
    weight = float(high.mean())
    if weight in (0.0, 1.0):
        return 0.0
    between = weight * (1 - weight) * (values[high].mean() - values[~high].mean()) ** 2
    return float(between) / total


def local_alpha(rgb: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.floating], float]:
    """Alpha without a network: the border-colour seed refined by GrabCut at ≤ 1 MP, then
    scaled up and feathered along the photo's own edges (guided filter). Also returns the
    confidence (0..1)."""
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, (GRABCUT_PIXELS / (width * height)) ** 0.5)
    small = rgb
    if scale < 1:
        size = (round(width * scale), round(height * scale))
        small = cast(npt.NDArray[np.uint8], cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
    background = fit_background(small)
    seed, separation = foreground_seed(background_distance(small, background))
    if not seed.any():
        return np.zeros((height, width), np.float32), 0.0
    mask = grabcut(small, seed)
    agreement = _iou(mask, seed)
    soft = mask.astype(np.float32)
    if scale < 1:
        soft = cast(
            npt.NDArray[np.float32],
            cv2.resize(soft, (width, height), interpolation=cv2.INTER_LINEAR),
        )
    radius = max(2, round(0.004 * max(width, height)))
    guided = cv2.ximgproc.guidedFilter(rgb, soft, radius, _GUIDED_EPS)
    alpha = np.clip(cast(npt.NDArray[np.float32], cv2.GaussianBlur(guided, (0, 0), 0.7)), 0, 1)
    # Border noise up to half the plain limit is still fully plain.
    plain = float(np.clip(1.5 - background.residual / _PLAIN_RESIDUAL, 0, 1))
    confidence = min(separation, agreement, plain, _alpha_confidence(alpha))
    return alpha.astype(np.float32), confidence


def grabcut(rgb: npt.NDArray[np.uint8], seed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """GrabCut initialised from `seed`: its core is sure foreground, a band around it is
    undecided, the rest sure background. Runs on the region around the seed only."""
    import cv2

    height, width = seed.shape
    seed8 = seed.astype(np.uint8)
    core = cv2.erode(seed8, _kernel(seed.shape, 0.02)) > 0
    near = cv2.dilate(seed8, _kernel(seed.shape, 0.03)) > 0
    labels = np.full(seed.shape, cv2.GC_BGD, np.uint8)
    labels[near] = cv2.GC_PR_BGD
    labels[seed] = cv2.GC_PR_FGD
    labels[core] = cv2.GC_FGD
    ys, xs = np.nonzero(near)
    margin = max(4, round(0.02 * max(height, width)))
    top, bottom = max(0, ys.min() - margin), min(height, ys.max() + margin + 1)
    left, right = max(0, xs.min() - margin), min(width, xs.max() + margin + 1)
    region = np.ascontiguousarray(labels[top:bottom, left:right])
    if (region == cv2.GC_BGD).any() or (region == cv2.GC_PR_BGD).any():
        background_model = np.zeros((1, 65), np.float64)
        foreground_model = np.zeros((1, 65), np.float64)
        cv2.grabCut(
            np.ascontiguousarray(rgb[top:bottom, left:right]),
            region,
            (0, 0, 0, 0),  # no rectangle: GC_INIT_WITH_MASK starts from `region`
            background_model,
            foreground_model,
            _GRABCUT_ITERATIONS,
            cv2.GC_INIT_WITH_MASK,
        )
    result = np.zeros(seed.shape, bool)
    result[top:bottom, left:right] = (region == cv2.GC_FGD) | (region == cv2.GC_PR_FGD)
    return largest_components(result)


def _kernel(shape: tuple[int, ...], fraction: float) -> npt.NDArray[np.uint8]:
    import cv2

    size = max(3, round(fraction * min(shape[:2])) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return cast(npt.NDArray[np.uint8], kernel)


def _iou(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def _alpha_confidence(alpha: npt.NDArray[np.floating]) -> float:
    """Low when the mask is mostly undecided, (nearly) empty, or fills the whole frame."""
    solid = float((alpha >= 0.5).mean())
    if solid < 0.002 or solid > 0.97:
        return 0.0
    undecided = float(((alpha > 0.1) & (alpha < 0.9)).mean())
    return float(np.clip(1.0 - 3.0 * undecided / max(solid, 1e-6), 0, 1))


def _finish(
    rgb: npt.NDArray[np.uint8],
    alpha: npt.NDArray[np.floating],
    method: str,
    confidence: float,
    notes: tuple[str, ...],
) -> Cutout:
    """Box the product and restore its true edge colours: a half-transparent edge pixel is
    part background, which would show as a fringe on a new backdrop."""
    ys, xs = np.nonzero(alpha >= 0.5)
    if ys.size == 0:
        height, width = alpha.shape
        return Cutout(rgb, alpha, (0, 0, width, height), method, 0.0, notes)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    edge = (alpha > 0.02) & (alpha < 0.98)
    background = fit_background(_thumbnail(rgb))
    if edge.any() and background.residual < _PLAIN_RESIDUAL:
        ys, xs = np.nonzero(edge)
        height, width = alpha.shape
        a = alpha[edge][:, None]
        observed = rgb[edge].astype(np.float32) / 255.0
        behind = background.rgb(xs / width, ys / height)
        colour = (observed - (1 - a) * behind) / np.maximum(a, 0.05)
        rgb = rgb.copy()
        rgb[edge] = np.clip(colour * 255 + 0.5, 0, 255).astype(np.uint8)
    return Cutout(rgb, alpha, box, method, float(confidence), notes)


def _thumbnail(rgb: npt.NDArray[np.uint8], side: int = 512) -> npt.NDArray[np.uint8]:
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale == 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cast(npt.NDArray[np.uint8], cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
