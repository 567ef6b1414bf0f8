"""Which services a run uses: from the environment, and cheaply when there are none."""

from __future__ import annotations

import pytest

from postready.core.config.services import SERVICE_VARIABLES, load_service_settings
from postready.core.config.settings import variables
from postready.pipeline.errors import ErrorCode, PostReadyError


def test_every_switch_is_a_setting() -> None:
    services = {name for name, path in variables().items() if path[0] in ("ai", "photography")}
    assert set(SERVICE_VARIABLES) <= services
    keys_and_urls = {
        name for name in services if name.endswith(("_API_KEY", "_URL", "_FILE", "REMBG_MODEL"))
    }
    # Where to call and what calls cost, not whether to call.
    not_switches = {"OPENAI_BASE_URL", "GEMINI_BASE_URL", "POSTREADY_PRICES_FILE"}
    assert keys_and_urls - not_switches == set(SERVICE_VARIABLES)


def test_nothing_configured_means_every_service_local(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    services = load_service_settings()
    assert services.providers.openai is None and services.providers.gemini is None
    assert services.photography is None  # local
    assert "no OPENAI_API_KEY: captions and hashtags written locally" in services.notes
    assert load_service_settings(use_ai=False).notes == ()
    with pytest.raises(PostReadyError) as caught:
        load_service_settings(use_ai=True)
    assert caught.value.code == ErrorCode.INVALID_OPTION


def test_keys_switch_services_on_for_text_and_photos(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_IMAGE_MODEL", "gpt-image-2")
    monkeypatch.setenv("CLOUDINARY_URL", "cloudinary://key:secret@demo")
    monkeypatch.setenv("POSTREADY_REMBG_MODEL", "u2netp")
    services = load_service_settings()
    assert services.providers.openai.api_key == "sk-test"
    assert services.photography.openai.model == "gpt-image-2"
    assert services.photography.cloudinary_url == "cloudinary://key:secret@demo"
    assert services.photography.rembg_model == "u2netp"
    off = load_service_settings(use_ai=False)
    assert off.providers.openai is None and off.photography is None


def test_a_dotenv_file_is_read(monkeypatch, tmp_path, read_dotenv) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("GEMINI_API_KEY=g-test\n")
    assert load_service_settings().providers.gemini.api_key == "g-test"


def test_a_bad_service_value_is_named(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("POSTREADY_AI_TIMEOUT", "never")
    with pytest.raises(PostReadyError) as caught:
        load_service_settings()
    assert caught.value.message.startswith("POSTREADY_AI_TIMEOUT: Input should be a valid number")


def test_no_secret_is_shown_by_repr() -> None:
    """Settings end up in logs and tracebacks: their secrets must not."""
    from postready.adapters.discord.interaction_tokens import InteractionToken
    from postready.pipeline.product_photos import PhotographySettings
    from postready.pipeline.providers.openai_images import OpenAIImageSettings

    settings = PhotographySettings(
        openai=OpenAIImageSettings(api_key="sk-very-secret"),
        cloudinary_url="cloudinary://key:cloud-secret@shop",
    )
    token = InteractionToken("interaction-secret", 8_000_000, 0.0)
    shown = repr(settings) + repr(token)
    for secret in ("sk-very-secret", "cloud-secret", "interaction-secret"):
        assert secret not in shown
