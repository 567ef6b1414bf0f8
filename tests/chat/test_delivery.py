"""Which product-photography images a finished job sends to the chat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from postready.chat.delivery import result_images
from postready.pipeline.models import OptimizeResult, SourceInfo
from postready.pipeline.photography_results import (
    ProductDetection,
    ProductPhotographyResult,
    StyleImage,
)


def test_local_files_are_sent_and_uploaded_only_images_are_not(tmp_path: Path) -> None:
    local, uploaded = tmp_path / "floating_x.jpg", tmp_path / "floating_instagram.jpg"
    local.write_bytes(b"jpeg")
    uploaded.write_bytes(b"jpeg")
    styles = {
        "floating": {
            "x": StyleImage(path=local),
            "instagram": StyleImage(uploaded, "https://res.example/1.jpg"),
            "pinterest": StyleImage(url="https://res.example/2.jpg"),
            "linkedin": StyleImage(path=tmp_path / "deleted.jpg"),
        }
    }
    detection = ProductDetection(True, 0.3, True, 0, "one object on a plain background")
    now = datetime.now(UTC)
    result = OptimizeResult(
        "session",
        "user",
        now,
        now,
        SourceInfo("mug.jpg", "JPEG", 600, 400),
        {},
        ProductPhotographyResult(detection, styles, "local"),
    )
    assert [(item.path, item.label) for item in result_images(result)] == [
        (local, "Floating · X"),
        (uploaded, "Floating · Instagram"),
    ]
