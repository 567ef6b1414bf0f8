"""Settings from the environment and `.env`, and `.env.example` documenting every one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import SecretStr, ValidationError

from postready.cli import EXIT_BAD_INPUT, main
from postready.core.config.settings import (
    AISection,
    QueueSection,
    Settings,
    load_section,
    load_settings,
    variables,
)
from postready.pipeline.errors import ErrorCode, PostReadyError

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / ".env.example"
SECRETS = ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "OPENAI_API_KEY", "GEMINI_API_KEY")


@pytest.fixture
def clean_env(monkeypatch, tmp_path: Path, read_dotenv) -> Path:
    """No setting in the environment; `.env` read from an empty working directory."""
    monkeypatch.delenv("POSTREADY_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults(clean_env) -> None:
    settings = Settings()
    assert settings.storage.data_dir == Path("data")
    assert settings.storage.db_path == Path("data/postready.db")
    assert settings.queue.workers == (os.cpu_count() or 1)
    assert settings.queue.processing_timeout == 600
    assert (settings.limits.max_jobs_in_flight, settings.limits.max_jobs_per_hour) == (2, 20)
    assert settings.telegram.bot_token is None and settings.ai.openai.api_key is None
    assert settings.ai.cache_dir.name == "postready"


def test_environment_beats_dotenv(clean_env, monkeypatch) -> None:
    (clean_env / ".env").write_text(
        "POSTREADY_DATA_DIR=/srv/postready\nPROCESSING_TIMEOUT=90\nPOSTREADY_WORKERS=3\n"
    )
    monkeypatch.setenv("POSTREADY_WORKERS", "5")
    settings = Settings()
    assert settings.storage.db_path == Path("/srv/postready/postready.db")
    assert settings.storage.uploads_dir == Path("/srv/postready/uploads")
    assert (settings.queue.processing_timeout, settings.queue.workers) == (90, 5)
    monkeypatch.setenv("POSTREADY_DB", "/var/lib/pr.db")
    assert Settings().storage.db_path == Path("/var/lib/pr.db")


def test_empty_values_are_ignored(clean_env, monkeypatch) -> None:
    defaults = Settings().model_dump()
    (clean_env / ".env").write_text("POSTREADY_QUEUE_LIMIT=\nOPENAI_MODEL=\n")
    monkeypatch.setenv("POSTREADY_WORKERS", "")
    assert Settings().model_dump() == defaults


def test_nested_sections_read_dotenv(clean_env) -> None:
    (clean_env / ".env").write_text(
        "OPENAI_API_KEY=sk-dotenv\nGEMINI_MODEL=gemini-test\nPOSTREADY_AI_TIMEOUT=9\n"
        "TELEGRAM_WEBHOOK_PORT=8080\nPOSTREADY_DISCORD_SYNC_COMMANDS=true\n"
        "POSTREADY_REMBG_MODEL=u2netp\n"
    )
    settings = Settings()
    assert settings.ai.openai.api_key == SecretStr("sk-dotenv")
    assert (settings.ai.gemini.model, settings.ai.ai_timeout) == ("gemini-test", 9)
    assert settings.telegram.webhook_port == 8080
    assert settings.discord.sync_commands is True
    assert settings.photography.rembg_model == "u2netp"
    assert load_section(AISection).openai.api_key == SecretStr("sk-dotenv")  # a section alone


def sample(annotation: Any) -> tuple[str, object]:
    """A value for a field of this type, as a variable and as read back."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Literal:
        choice = get_args(annotation)[-1]
        return choice, choice
    return {
        int: ("7", 7),
        float: ("7.5", 7.5),
        bool: ("true", True),
        str: ("some-text", "some-text"),
        Path: ("/some/path", Path("/some/path")),
        SecretStr: ("some-secret", SecretStr("some-secret")),
        frozenset[str]: ("12, telegram:34 56", frozenset({"12", "telegram:34", "56"})),
    }[annotation]


# Variables whose values have a form of their own.
URL = "postgresql://postready@db.example/postready"
OWN_SAMPLES = {"POSTREADY_DATABASE_URL": (URL, URL)}


def test_the_database_is_sqlite_unless_a_postgresql_url_names_it(monkeypatch) -> None:
    assert Settings().storage.database == Path("data/postready.db")
    monkeypatch.setenv("POSTREADY_DATABASE_URL", "sqlite:////srv/pr.db")
    assert Settings().storage.database == Settings().storage.db_path == Path("/srv/pr.db")
    monkeypatch.setenv("POSTREADY_DATABASE_URL", URL)
    assert Settings().storage.database == URL
    monkeypatch.setenv("POSTREADY_DATABASE_URL", "mysql://db.example/postready")
    with pytest.raises(PostReadyError, match="POSTREADY_DATABASE_URL: Value error, should start"):
        load_settings()


def field_at(settings: object, path: tuple[str, ...]) -> object:
    for name in path:
        settings = getattr(settings, name)
    return settings


def annotation_at(path: tuple[str, ...]) -> Any:
    model: Any = Settings
    for name in path:
        model = model.model_fields[name].annotation
    return model


@pytest.mark.parametrize(("variable", "path"), variables().items())
@pytest.mark.parametrize("source", ["environment", ".env"])
def test_every_variable_sets_its_field(clean_env, monkeypatch, variable, path, source) -> None:
    text, value = OWN_SAMPLES.get(variable) or sample(annotation_at(path))
    if source == "environment":
        monkeypatch.setenv(variable, text)
    else:
        (clean_env / ".env").write_text(f"{variable}={text}\n")
    assert field_at(Settings(), path) == value


def test_fields_are_set_by_name_as_well() -> None:
    queue = QueueSection(processing_timeout=30)  # read from PROCESSING_TIMEOUT
    assert Settings(queue=queue).queue.processing_timeout == 30
    changed = Settings().replace(queue={"workers": 9}, discord={"sync_commands": True})
    assert (changed.queue.workers, changed.discord.sync_commands) == (9, True)


def test_secrets_stay_out_of_repr(clean_env, monkeypatch) -> None:
    for name in SECRETS:
        monkeypatch.setenv(name, f"secret-{name}")
    monkeypatch.setenv("CLOUDINARY_URL", "cloudinary://key:secret-cloudinary@demo")
    settings = Settings()
    assert "secret-" not in repr(settings) and "secret-" not in str(settings)
    assert settings.ai.openai.api_key.get_secret_value() == "secret-OPENAI_API_KEY"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POSTREADY_WORKERS", "0"),
        ("PROCESSING_TIMEOUT", "soon"),
        ("POSTREADY_LEASE_SECONDS", "-1"),
        ("TELEGRAM_WEBHOOK_PORT", "99999"),
        ("POSTREADY_AI_TIMEOUT", "0"),
    ],
)
def test_bad_values_are_refused_by_name(clean_env, monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(PostReadyError) as caught:
        load_settings()
    assert caught.value.code == ErrorCode.INVALID_OPTION
    assert caught.value.message.startswith(f"{name}: Input should be ")


def test_env_example_documents_every_setting_on_one_line(clean_env) -> None:
    lines = [line for line in EXAMPLE.read_text().splitlines() if line and line[0] != "#"]
    documented = {}
    for line in lines:
        match = re.fullmatch(r"([A-Z_]+)=(\S*)\s+# (.+)", line)
        assert match, f"not NAME=value  # what it is: {line!r}"
        documented[match[1]] = match[2]
    assert set(documented) == set(variables())
    # And the example as it stands is a valid .env.
    (clean_env / ".env").write_text(EXAMPLE.read_text())
    assert Settings().queue.processing_timeout == float(documented["PROCESSING_TIMEOUT"])


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
