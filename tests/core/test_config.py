"""Settings from the environment and `.env`, and `.env.example` documenting every one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from postready.cli import EXIT_BAD_INPUT, main
from postready.core.config.ai import AISettings
from postready.core.config.settings import Settings, env_name

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / ".env.example"


@pytest.fixture
def clean_env(monkeypatch, tmp_path: Path) -> Path:
    for field in Settings.model_fields:
        monkeypatch.delenv(env_name(field), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults(clean_env) -> None:
    settings = Settings()
    assert settings.data_dir == Path("data")
    assert settings.db_path == Path("data/postready.db")
    assert settings.workers == (os.cpu_count() or 1)
    assert settings.processing_timeout == 600
    assert (settings.max_jobs_in_flight, settings.max_jobs_per_hour) == (2, 20)


def test_environment_beats_dotenv(clean_env, monkeypatch) -> None:
    (clean_env / ".env").write_text(
        "POSTREADY_DATA_DIR=/srv/postready\nPROCESSING_TIMEOUT=90\nPOSTREADY_WORKERS=3\n"
    )
    monkeypatch.setenv("POSTREADY_WORKERS", "5")
    settings = Settings()
    assert settings.db_path == Path("/srv/postready/postready.db")
    assert settings.uploads_dir == Path("/srv/postready/uploads")
    assert (settings.processing_timeout, settings.workers) == (90, 5)
    monkeypatch.setenv("POSTREADY_DB", "/var/lib/pr.db")
    assert Settings().db_path == Path("/var/lib/pr.db")


@pytest.mark.parametrize(
    ("name", "value"),
    [("POSTREADY_WORKERS", "0"), ("PROCESSING_TIMEOUT", "soon"), ("POSTREADY_LEASE_SECONDS", "-1")],
)
def test_bad_values_are_refused(clean_env, monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_env_example_documents_every_setting_on_one_line(clean_env) -> None:
    lines = [line for line in EXAMPLE.read_text().splitlines() if not line.startswith("#")]
    documented = {}
    for line in lines:
        match = re.fullmatch(r"([A-Z_]+)=(\S*)\s+# (.+)", line)
        assert match, f"not NAME=value  # what it is: {line!r}"
        documented[match[1]] = match[2]
    ai_names = {field.validation_alias.choices[0] for field in AISettings.model_fields.values()}
    assert set(documented) == {env_name(field) for field in Settings.model_fields} | ai_names
    # And the example as it stands is a valid .env.
    (clean_env / ".env").write_text(EXAMPLE.read_text())
    assert Settings().processing_timeout == float(documented["PROCESSING_TIMEOUT"])


def test_cli_start_up_stays_light() -> None:
    """`postready optimize` is benchmarked: the queue's libraries load only for its commands."""
    code = (
        "import sys; from postready.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('pydantic', 'aiosqlite', 'postready.core.queue') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


@pytest.mark.parametrize("command", [["worker"], ["jobs"], ["enqueue", "photo.jpg"]])
def test_a_bad_setting_is_one_line_not_a_traceback(clean_env, monkeypatch, capsys, command) -> None:
    monkeypatch.setenv("POSTREADY_WORKERS", "0")
    assert main(command) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "error: INVALID_OPTION: POSTREADY_WORKERS: Input should be greater than or equal to 1\n"
    )
