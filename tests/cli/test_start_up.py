"""What an offline `postready optimize` imports, and when: a user waits for every import, and
half of a whole run used to be start-up. Guards the budget by module, not by the clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from postready.core.config.services import SERVICE_VARIABLES
from tests.images import encode, textured
from tests.test_layers import NETWORK_LIBRARIES

PROVIDERS = Path(__file__).parents[2] / "postready" / "pipeline" / "providers"
LOCAL_PROVIDERS = {"__init__", "base", "cache", "local", "types"}
# Never loaded by an offline run without styles or previews.
UNUSED = (
    "babel",  # writes dates in the chats' languages; the English command line needs none
    "rich",
    "pydantic",
    "pydantic_settings",
    "aiosqlite",
    "tomllib",
    "pillow_heif",
    "pyvips",  # decodes large PNG and WebP photos only
    "wordninja",  # splits hashtags for CamelCase: Mastodon only
    "telegram",
    "discord",
    "cloudinary",
    *NETWORK_LIBRARIES,
    "postready.core.queue",
    "postready.core.storage",
    "postready.chat",
    "postready.adapters",
    "postready.serve",
    "postready.pipeline.product_photos",
    "postready.pipeline.photography",
    "postready.pipeline.cutout",
    "postready.pipeline.previews",
    "postready.pipeline.preview_fonts",
    *(
        f"postready.pipeline.providers.{path.stem}"
        for path in PROVIDERS.glob("*.py")
        if path.stem not in LOCAL_PROVIDERS
    ),
)
# Loaded by the run, but only once it has started decoding the photo (the decoder releases
# the GIL while these imports hold it).
AFTER_THE_DECODE_STARTS = (
    "numpy",
    "cv2",
    "postready.pipeline.cropping",
    "postready.pipeline.platform_images",
    "postready.pipeline.analysis",
)

# Runs the CLI as a user on a terminal would (stderr a tty: the progress bar is drawn), and
# prints, as its last line, the modules loaded at the runner's first call and at the end.
SCRIPT = """
import io, json, sys

class Terminal(io.StringIO):
    def isatty(self):
        return True

sys.stderr = Terminal()
from postready.pipeline import runner

run_optimization, at_first_call = runner.run_optimization, []

def first_call(*args, **kwargs):
    at_first_call.extend(sys.modules)
    return run_optimization(*args, **kwargs)

runner.run_optimization = first_call
from postready.cli import main

code = main(sys.argv[1:])
print(json.dumps({"code": code, "first_call": at_first_call, "end": list(sys.modules)}))
"""


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """Those of `names` (packages or modules) that `modules` holds."""
    return sorted(
        name for name in names if any(m == name or m.startswith(name + ".") for m in modules)
    )


def test_an_offline_run_imports_only_what_it_uses(tmp_path) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(encode(textured((600, 600)), "JPEG"))
    command = ["optimize", str(photo), "-p", "instagram", "x", "--out", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env file: every service local
        env=env,
        check=True,
    )
    report = json.loads(out.stdout.splitlines()[-1])
    assert report["code"] == 0
    assert {"postready.pipeline.runner", "PIL.Image"} <= set(report["first_call"])
    assert loaded(report["first_call"], AFTER_THE_DECODE_STARTS) == []
    assert loaded(report["end"], AFTER_THE_DECODE_STARTS) == sorted(AFTER_THE_DECODE_STARTS)
    assert loaded(report["end"], UNUSED) == []
