"""`postready brand` and `postready optimize --brand` as a user runs them: a kit from a TOML
file applied to every post and said in results.json, a bad kit file refused in one line, and
a kit kept for a user (the local one of `postready enqueue`, or any `--user`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tests.cli.test_optimize import session_dir, small_photo  # noqa: F401  (fixture)

KIT = """
tone = "luxury"
emoji = "none"
account = "shop"
signature = "Shop at hearthclay.example · DM to order"
hashtags = ["hearthclay", "slowmornings"]
avoid = ["cheap", "terracotta"]

[handles]
instagram = "@hearthclay"
"""


@pytest.fixture
def kit_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.toml"
    path.write_text(KIT, encoding="utf-8")
    return path


def test_optimize_with_a_kit_file(small_photo, kit_file, tmp_path, capsys) -> None:  # noqa: F811
    out = tmp_path / "out"
    args = ["optimize", str(small_photo), "-p", "instagram", "x", "reddit", "--no-ai"]
    code = main([*args, "-d", "handmade ceramic mug", "--brand", str(kit_file), "--out", str(out)])
    assert code == EXIT_OK
    printed = capsys.readouterr().out
    assert printed.count("Shop at hearthclay.example · DM to order") == 3
    assert "Accounts to tag: @hearthclay" in printed
    results = json.loads((session_dir(out) / "results.json").read_text())
    brand = results["brand"]
    assert brand["kit"]["tone"] == "luxury" and brand["kit"]["handles"] == {
        "instagram": "@hearthclay"
    }
    assert "signature" in brand["applied"]["x"]
    assert {"platform": "reddit", "what": "hashtag #hearthclay",
            "why": "Reddit posts have no hashtags"} in brand["dropped"]  # fmt: skip
    instagram = results["platforms"]["instagram"]
    assert instagram["hashtag_list"][:2] == ["hearthclay", "slowmornings"]
    assert instagram["brand"]["applied"][0] == "tone luxury"
    assert "terracotta" not in json.dumps(results["platforms"]).lower()
    # Without a kit: no brand block.
    plain = tmp_path / "plain"
    assert main([*args, "--out", str(plain)]) == EXIT_OK
    assert json.loads((session_dir(plain) / "results.json").read_text())["brand"] is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('tone = "grumpy"', "tone must be one of friendly, professional"),
        ('tone = "luxury', "not TOML"),
        ('hashtags = ["a1", "b2", "c3", "d4", "e5", "f6"]', "at most 5 brand hashtags"),
        ("[handles]\nmyspace = '@me'", "'myspace' is not a platform key"),
        ('colour = "red"', "unknown brand kit setting 'colour'"),
    ],
)
def test_a_bad_kit_file_is_one_line_and_exit_2(tmp_path, capsys, text, said) -> None:
    path = tmp_path / "kit.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["brand", "show", str(path)]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.startswith(f"error: INVALID_OPTION: brand kit {path}: ") and said in error
    assert error.count("\n") == 1
    assert main(["optimize", "photo.jpg", "--brand", str(path)]) == EXIT_BAD_INPUT
    assert main(["brand", "show", str(tmp_path / "missing.toml")]) == EXIT_BAD_INPUT
    assert "No such file" in capsys.readouterr().err


def test_show_set_and_reset_a_users_kit(kit_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("POSTREADY_DATA_DIR", str(tmp_path / "data"))
    assert main(["brand", "show", str(kit_file)]) == EXIT_OK
    shown = capsys.readouterr().out
    assert "Tone: luxury" in shown and "Preview (Instagram):" in shown
    assert "#hearthclay #slowmornings" in shown
    assert main(["brand", "set", str(kit_file), "--user", "api:pr_1234"]) == EXIT_OK
    capsys.readouterr()
    assert main(["brand", "show", "--user", "api:pr_1234"]) == EXIT_OK
    assert "Signature: Shop at hearthclay.example" in capsys.readouterr().out
    assert main(["brand", "show"]) == EXIT_OK  # the local user has none
    assert "Tone: each platform's own" in capsys.readouterr().out
    assert main(["brand", "reset", "--user", "api:pr_1234"]) == EXIT_OK
    assert main(["brand", "show", "--user", "api:pr_1234"]) == EXIT_OK
    assert "Signature: —" in capsys.readouterr().out
    assert main(["brand", "show", "--user", "myspace"]) == EXIT_BAD_INPUT
