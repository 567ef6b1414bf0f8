"""The command line's own language: `--language`, else the locale of the environment as gettext
programs read it; English for "C", for none and for a language PostReady does not speak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, main
from postready.cli.language import requested_language
from postready.core.i18n import environment_language
from postready.pipeline.caption_file import SECTIONS
from postready.pipeline.models import OptimizeResult
from postready.pipeline.wording import wording
from tests.cli.test_optimize import session_dir, small_photo  # noqa: F401  (fixture)

KIT = 'tone = "luxury"\nsignature = "Shop at hearthclay.example"\n'


def help_text(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "POSIX", "LANGUAGE": "de"}, "en"),  # gettext ignores LANGUAGE under C
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "pt_BR.UTF-8"}, "pt_BR"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "xx:uk:de"}, "uk"),
        ({"LANG": "sr_RS@latin"}, "en"),  # a language PostReady does not speak
    ],
)
def test_the_environment_chooses_as_gettext_does(environ, language) -> None:
    assert environment_language(environ) == language


def test_language_option_wins_over_the_environment_wherever_it_is() -> None:
    german = {"LANG": "de_DE.UTF-8"}
    assert requested_language(["optimize", "p.jpg", "--language", "es"], german) == "es"
    assert requested_language(["--language=pt-BR", "platforms"], german) == "pt_BR"
    assert requested_language(["platforms", "--language", "xx"], german) == "en"
    assert requested_language(["enqueue", "--", "--language", "es"], german) == "de"
    assert requested_language(["platforms"], german) == "de"


def test_optimize_in_spanish_prints_and_writes_spanish(small_photo, tmp_path, capsys) -> None:  # noqa: F811
    args = ["optimize", str(small_photo), "-p", "ig", "x", "--no-ai", "--out", str(tmp_path)]
    assert main([*args, "--language", "es"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "Plataforma  Formato" in printed and "Sesión " in printed
    assert "Guardado en " in printed and "servicios: publicaciones escritas por local" in printed
    caption = (session_dir(tmp_path) / "instagram_caption.txt").read_text("utf-8")
    assert caption.startswith("CONTENIDO LISTO PARA PUBLICAR:\n" + "-" * 30 + "\n")
    titles = [line[:-1] for line in caption.splitlines() if line.endswith(":") and "  " not in line]
    assert titles == list(wording("es").file_sections) and titles != list(SECTIONS)
    # The pipeline's warnings too; results.json keeps them English, and their wording.
    assert "• Instagram: foto demasiado pequeña para 1080×" in printed
    results = json.loads((session_dir(tmp_path) / "results.json").read_text("utf-8"))
    instagram = results["platforms"]["instagram"]
    assert instagram["warnings"][0].startswith("photo too small for 1080×")
    assert instagram["warnings_wording"][0]["marked"].startswith("photo too small for {size}")
    again = OptimizeResult.from_json(results).platforms["instagram"].warnings
    assert format(again[0]) == instagram["warnings"][0]


def test_help_follows_the_locale(monkeypatch, capsys) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    top = help_text(capsys)
    assert top.startswith("Aufruf: postready [-h] [--language CODE] COMMAND ...")
    assert "Positionsargumente:" in top and "Optionen:" in top
    assert "diese Hilfe anzeigen und beenden" in top and "Plattformen, Bildgrößen" in top
    optimize = help_text(capsys, "optimize")
    assert optimize.startswith("Aufruf: postready optimize [-h]")
    assert "größere Dateien ablehnen (50.0)" in optimize and "(Standard: both)" in optimize


def test_an_error_is_in_the_language_and_keeps_its_code(small_photo, monkeypatch, capsys) -> None:  # noqa: F811
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert main(["optimize", str(small_photo), "-p", "instgram"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "error: UNKNOWN_PLATFORM: plateforme inconnue 'instgram' : voulais-tu dire 'instagram' ?\n"
    )
    with pytest.raises(SystemExit):
        main(["optimize", "--language", "fr"])
    err = capsys.readouterr().err
    assert err.startswith("utilisation : postready optimize")
    assert "les arguments suivants sont requis : PHOTO" in err


@pytest.mark.parametrize("environ", [{}, {"LANG": "C"}, {"LANG": "xx_XX.UTF-8"}])
def test_english_unless_a_spoken_language_is_asked_for(environ, monkeypatch, capsys) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    top = help_text(capsys)
    assert top.startswith("usage: postready [-h] [--language CODE] COMMAND ...")
    assert "show this help message and exit" in top and "\noptions:\n" in top
    assert main(["platforms"]) == EXIT_OK
    headers = capsys.readouterr().out.splitlines()[0].split("  ")
    assert [word.strip() for word in headers if word] == [
        "Platform", "Names", "Image formats", "Max upload", "Caption", "Hashtags", "Alt text",
        "Per post",
    ]  # fmt: skip


def test_an_unsupported_language_option_is_refused_in_english(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["platforms", "--language", "xx"])
    assert exited.value.code == 2
    assert "argument --language: unsupported language 'xx' (choose from en, es," in (
        capsys.readouterr().err
    )


def test_brand_show_in_italian(tmp_path: Path, capsys) -> None:
    kit = tmp_path / "kit.toml"
    kit.write_text(KIT, encoding="utf-8")
    assert main(["brand", "show", str(kit), "--language", "it"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert printed.startswith("🎨 Il tuo kit del brand\n") and "Anteprima (Instagram):" in printed


def test_a_bad_kit_is_said_in_the_language_with_its_code(tmp_path: Path, capsys) -> None:
    kit = tmp_path / "kit.toml"
    kit.write_text('colour = "red"\n', encoding="utf-8")
    assert main(["--language", "de", "brand", "show", str(kit)]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.startswith(f"error: INVALID_OPTION: Markenkit {kit}: ")
    assert "unbekannte Markenkit-Einstellung 'colour'" in error


def test_the_chats_are_not_served_in_the_operators_language(monkeypatch, tmp_path) -> None:
    """`postready worker` (and `bot`) under LANG=de: the chats still choose each user's
    language, English where none is said."""
    from postready import serve
    from postready.cli import worker
    from postready.core import i18n

    served_in = []

    async def run_worker(*args, **kwargs) -> None:
        served_in.append(i18n.language())

    monkeypatch.setattr(serve, "run_worker", run_worker)
    monkeypatch.setattr(worker, "configure_logging", lambda log_format: None)
    monkeypatch.setenv("POSTREADY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert main(["worker"]) == EXIT_OK
    assert served_in == ["en"]
