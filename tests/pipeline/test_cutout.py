"""Background removal: the local cut-out against known masks, and rembg's real loading path
with a tiny ONNX model built here."""

from __future__ import annotations

import os

# pymatting (imported by rembg) compiles its numba kernels at import: ~45 s on a fresh
# install. Nothing here runs them, so compile nothing.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")

import numpy as np
import pytest

from postready.pipeline import cutout as cutout_module
from postready.pipeline.cutout import (
    RembgChoice,
    choose_rembg_model,
    cut_out,
    rembg_alpha,
    rembg_session,
)
from tests.product_images import product_photo

PLAIN = [(p, b) for p in ("bottle", "mug", "box") for b in ("white", "studio", "pastel")]


def iou(alpha: np.ndarray, truth: np.ndarray) -> float:
    mask = alpha >= 0.5
    return float((mask & truth).sum() / (mask | truth).sum())


@pytest.fixture(autouse=True)
def no_rembg_weights(tmp_path, monkeypatch):
    """Every test starts on a machine with no rembg weights, whatever the developer has."""
    for name in ("U2NET_HOME", "REMBG_HOME", "XDG_DATA_HOME", "POSTREADY_REMBG_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "u2net"))


@pytest.mark.parametrize(("product", "backdrop"), PLAIN)
def test_local_cutout_matches_the_true_mask_on_plain_backdrops(product, backdrop) -> None:
    photo = product_photo(product, backdrop)
    result = cut_out(photo.image)
    assert result.method == "grabcut"
    assert iou(result.alpha, photo.mask) >= 0.95
    assert not result.uncertain
    ys, xs = np.nonzero(photo.mask)
    truth_box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert np.abs(np.subtract(result.box, truth_box)).max() <= 2


def test_a_busy_backdrop_is_reported_uncertain() -> None:
    result = cut_out(product_photo("mug", "busy").image)
    assert result.uncertain


def test_edges_are_feathered_and_free_of_the_old_background() -> None:
    photo = product_photo("bottle", "pastel")
    result = cut_out(photo.image)
    edge = (result.alpha > 0.1) & (result.alpha < 0.9)
    assert edge.any()
    # The pastel backdrop is green-grey; the bottle's edge colour must lose that tint.
    observed = np.asarray(photo.image)[edge].astype(float)
    restored = result.rgb[edge].astype(float)
    backdrop = np.array([190, 222, 205], float)
    assert np.linalg.norm(restored - backdrop, axis=1).mean() > (
        np.linalg.norm(observed - backdrop, axis=1).mean()
    )


def test_nothing_to_cut_gives_zero_confidence() -> None:
    from PIL import Image

    result = cut_out(Image.new("RGB", (400, 300), (240, 240, 240)))
    assert result.confidence == 0.0 and result.uncertain


def build_tiny_u2net(path) -> None:
    """A 1×1 convolution with U²-Net's input and output shapes: red minus blue. On a red
    product over a blue backdrop it is a perfect (if useless elsewhere) segmenter."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.array([[[[1.0]], [[0.0]], [[-1.0]]]], np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input.1", "w"], ["d0"])],
        "tiny_u2net",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 320, 320])],
        [helper.make_tensor_value_info("d0", TensorProto.FLOAT, [1, 1, 320, 320])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def red_on_blue():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (40, 60, 200))
    ImageDraw.Draw(image).ellipse((160, 80, 320, 300), fill=(220, 40, 30))
    truth = np.zeros((360, 480), bool)
    ys, xs = np.mgrid[0:360, 0:480]
    truth[((xs - 240) / 80) ** 2 + ((ys - 190) / 110) ** 2 <= 1] = True
    return image, truth


def test_rembg_custom_onnx_model_through_the_real_session(tmp_path, monkeypatch) -> None:
    model_path = tmp_path / "u2net" / "tiny.onnx"
    model_path.parent.mkdir()
    build_tiny_u2net(model_path)
    monkeypatch.setenv("POSTREADY_REMBG_MODEL", str(model_path))
    image, truth = red_on_blue()

    result = cut_out(image, os.environ["POSTREADY_REMBG_MODEL"])
    assert result.method == "rembg:tiny.onnx"
    assert iou(result.alpha, truth) >= 0.9

    # The session is made once and reused.
    choice = RembgChoice("u2net_custom", str(model_path))
    assert rembg_session(choice) is rembg_session(choice)
    assert type(rembg_session(choice)).__name__ == "U2netCustomSession"
    alpha = rembg_alpha(np.asarray(image), rembg_session(choice))
    assert alpha.shape == truth.shape and alpha.dtype == np.float32


def test_rembg_model_outside_its_home_falls_back_with_a_note(tmp_path) -> None:
    outside = tmp_path / "elsewhere" / "tiny.onnx"
    outside.parent.mkdir()
    build_tiny_u2net(outside)
    image, _ = red_on_blue()
    result = cut_out(image, str(outside))
    assert result.method == "grabcut"
    assert any("failed" in note and "local cut-out" in note for note in result.notes)


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("u2netp", "is not in"),  # a known model whose weights are not here: no download
        ("atlascloud", "not a local rembg model"),  # a remote service: photos would leave
        ("nonsense", "not a local rembg model"),
        ("/no/such/model.onnx", "not found"),
    ],
)
def test_unusable_rembg_settings_explain_themselves(setting, words) -> None:
    choice, notes = choose_rembg_model(setting)
    assert choice is None
    assert words in notes[0]


def test_defaults_are_permissive_models_and_only_when_present(tmp_path) -> None:
    assert choose_rembg_model(None) == (None, ())
    assert "bria-rmbg" not in cutout_module.DEFAULT_REMBG_MODELS
    weights = tmp_path / "u2net" / "u2netp.onnx"
    weights.parent.mkdir(exist_ok=True)
    build_tiny_u2net(weights)
    assert choose_rembg_model(None) == (RembgChoice("u2netp"), ())
    _, notes = choose_rembg_model("bria-rmbg")
    assert notes  # named explicitly but absent: explained, never fetched
