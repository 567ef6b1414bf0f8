"""`postready optimize` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from postready.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PLATFORM_FAILED, main
from postready.pipeline import platform_images
from postready.pipeline.errors import ErrorCode, PostReadyError
from tests.images import encode, textured

SAMPLE = Path(__file__).parents[2] / "postready" / "samples" / "coffee.jpg"


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "market stall.jpg"
    path.write_bytes(encode(textured((2400, 1800)), "JPEG", quality=90))
    return path


@pytest.fixture(scope="module")
def small_photo(tmp_path_factory) -> Path:
    """For tests about the text: image work kept small."""
    path = tmp_path_factory.mktemp("in") / "mug.jpg"
    path.write_bytes(encode(textured((640, 480)), "JPEG", quality=90))
    return path


def session_dir(out: Path) -> Path:
    (only,) = out.iterdir()
    return only


def test_previews_flag_writes_each_platforms_preview_and_the_sheet(small_photo, tmp_path, capsys):
    args = ["-p", "ig", "x", "--no-ai", "--previews", "--account-name", "@maker.studio"]
    code = main(["optimize", str(small_photo), *args, "--out", str(tmp_path)])
    assert code == EXIT_OK
    previews = session_dir(tmp_path) / "previews"
    assert sorted(p.name for p in previews.iterdir()) == ["instagram.png", "sheet.png", "x.png"]
    with Image.open(previews / "sheet.png") as sheet:
        assert sheet.format == "PNG"
    assert f"Feed previews: {previews / 'sheet.png'}" in capsys.readouterr().out
    results = json.loads((session_dir(tmp_path) / "results.json").read_text())
    assert results["previews"]["platforms"]["x"] == str(previews / "x.png")


def test_optimize_writes_files_and_results(photo, tmp_path, capsys) -> None:
    code = main(
        ["optimize", str(photo), "--platforms", "instagram", "pin,x", "--out", str(tmp_path)]
    )
    assert code == EXIT_OK
    folder = session_dir(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "instagram.jpg",
        "instagram_caption.txt",
        "pinterest.jpg",
        "pinterest_caption.txt",
        "results.json",
        "x.jpg",
        "x_caption.txt",
    ]
    results = json.loads((folder / "results.json").read_text())
    assert results["session_id"] == folder.name
    assert results["source_image"] == str(photo)
    assert set(results["platforms"]) == {"instagram", "pinterest", "x"}
    assert results["optimization_metadata"]["successful_platforms"] == 3
    with Image.open(folder / "pinterest.jpg") as pin:
        assert pin.size == (1000, 1500)
    out = capsys.readouterr().out
    assert "Pinterest" in out and "1000×1500" in out and folder.name in out


def test_all_platforms_is_the_default(photo, tmp_path) -> None:
    assert main(["optimize", str(photo), "--out", str(tmp_path)]) == EXIT_OK
    assert len(list(session_dir(tmp_path).glob("*.jpg"))) == 8


def test_bundled_sample_runs(tmp_path, capsys) -> None:
    code = main(["optimize", str(SAMPLE), "-p", "all", "--format", "png", "--out", str(tmp_path)])
    assert code == EXIT_OK
    folder = session_dir(tmp_path)
    assert (folder / "facebook.png").exists() and (folder / "instagram.jpg").exists()
    assert "enlarged at most 2×" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--platforms", "instgram"], "UNKNOWN_PLATFORM"),
        (["--variant", "instagram=banner"], "UNKNOWN_VARIANT"),
        (["--variant", "instagram"], "INVALID_OPTION"),
        (["--logo-scale", "3"], "INVALID_OPTION"),
        (["--logo-position", "middle"], "INVALID_OPTION"),
        (["--max-file-mb", "0.01"], "FILE_TOO_LARGE"),
    ],
)
def test_bad_options_exit_2_with_one_line(photo, tmp_path, capsys, args, code) -> None:
    assert main(["optimize", str(photo), "--out", str(tmp_path), *args]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error: {code}: ") and err.count("\n") == 1


def test_bad_files_exit_2(tmp_path, capsys) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    for path, code in [(text, "INVALID_IMAGE_FORMAT"), (tmp_path / "gone.jpg", "FILE_NOT_FOUND")]:
        assert main(["optimize", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
        assert capsys.readouterr().err.startswith(f"error: {code}: ")
    assert not (tmp_path / "out").exists()


def test_a_failed_platform_exits_1(photo, tmp_path, monkeypatch, capsys) -> None:
    def always_too_big(*args, **kwargs):
        raise PostReadyError(ErrorCode.ENCODING_FAILED, "could not fit")

    monkeypatch.setattr(platform_images, "encode_under_limit", always_too_big)
    assert main(["optimize", str(photo), "-p", "x", "--out", str(tmp_path)]) == EXIT_PLATFORM_FAILED
    assert "ENCODING_FAILED" in capsys.readouterr().out
    results = json.loads((session_dir(tmp_path) / "results.json").read_text())
    assert results["platforms"]["x"]["status"] == "failed"


def test_styles_end_to_end(tmp_path, capsys) -> None:
    from tests.product_images import product_photo

    photo = tmp_path / "mug.jpg"
    photo.write_bytes(encode(product_photo("mug", "studio", size=(800, 600)).image, "JPEG"))
    out = tmp_path / "out"
    args = ["optimize", str(photo), "-p", "x", "--out", str(out), "--logo", str(SAMPLE)]
    styles = ["--styles", "floating", "solid background", "--background-color", "Sage Green"]
    assert main([*args, *styles]) == EXIT_OK
    folder = session_dir(out)
    assert sorted(p.name for p in (folder / "styles").iterdir()) == [
        "floating_x.jpg",
        "solid_background_x.jpg",
    ]
    with Image.open(folder / "styles" / "solid_background_x.jpg") as styled:
        assert styled.size == (1600, 900)
        sage = (178, 190, 160)
        assert styled.getpixel((60, 60)) == pytest.approx(sage, abs=4)
        # The logo (the sample photo) sits in the bottom-right corner of every style image.
        corner = styled.getpixel((1600 - 80, 900 - 60))
        assert max(abs(a - b) for a, b in zip(corner, sage, strict=True)) > 20
    results = json.loads((folder / "results.json").read_text())
    assert set(results["product_photography"]["styles"]) == {"floating", "solid_background"}
    assert results["platforms"]["x"]["product_photography_used"] is True
    printed = capsys.readouterr().out
    assert "Product photography (local" in printed and "Solid Background: 1 image" in printed

    assert main([*args, "--styles", "all", "--no-product"]) == EXIT_OK
    assert main([*args, "--styles", "retro"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: UNKNOWN_STYLE: ")


def test_description_and_timezone_make_ready_posts(small_photo, tmp_path, capsys) -> None:
    args = ["optimize", str(small_photo), "-p", "ig", "x", "--out", str(tmp_path), "--no-ai"]
    args += ["-d", "handmade ceramic mug", "--timezone", "America/New_York"]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    folder = session_dir(tmp_path)
    results = json.loads((folder / "results.json").read_text())
    instagram = results["platforms"]["instagram"]
    assert "handmade ceramic mug" in instagram["caption"]
    assert instagram["posting_times"]["timezone"] == "America/New_York"
    assert instagram["providers"]["writing"] == "local"
    # Each platform's post is printed: its title, caption, first comment and next slot.
    assert "── Instagram ──" in out and "── X ──" in out
    # Who wrote them is an operator's note, said once after the posts, not in each post.
    assert out.count("posts written by local") == 1
    assert out.index("• services: posts written by local") > out.index("── X ──")
    assert instagram["caption"] in out  # unwrapped and unframed: copied exactly
    assert (
        "handmade ceramic mug" in out and f"First comment: #{instagram['hashtag_list'][0]}" in out
    )
    assert "Best next slot:" in out and ("EST" in out or "EDT" in out)
    assert "no OPENAI_API_KEY" not in out  # --no-ai: nothing to explain
    caption_file = (folder / "x_caption.txt").read_text()
    assert caption_file.startswith("READY TO POST CONTENT:\n")
    assert "SUGGESTED ACCOUNTS TO TAG:" in caption_file


def test_accounts_file_supplies_handles(small_photo, tmp_path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts]\nhandmade = ["@eastfork", "florian_gadsby"]\n')
    out = tmp_path / "out"
    args = ["optimize", str(small_photo), "-p", "ig", "-d", "handmade ceramic mug"]
    assert main([*args, "--out", str(out), "--accounts", str(accounts)]) == EXIT_OK
    results = json.loads((session_dir(out) / "results.json").read_text())
    profile = results["platforms"]["instagram"]["profile_results"]
    assert profile["extracted_usernames"] == ["@eastfork", "@florian_gadsby"]
    assert profile["total_usernames"] == 2


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[accounts]\nunderwater_basketry = ["@a"]\n', "unknown niche 'underwater_basketry'"),
        ('[accounts]\ncoffee = "@a"\n', "needs a list of handles"),
        ('[accounts]\ncoffee = ["not a handle"]\n', "needs a list of handles"),
        ("coffee = [", "accounts file"),
    ],
)
def test_bad_accounts_files_exit_2(small_photo, tmp_path, capsys, toml, message) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(toml)
    args = ["optimize", str(small_photo), "--accounts", str(accounts), "--out", str(tmp_path / "o")]
    assert main(args) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: INVALID_OPTION: ") and message in err


def test_use_ai_without_keys_and_bad_zones_exit_2(small_photo, tmp_path, capsys) -> None:
    base = ["optimize", str(small_photo), "--out", str(tmp_path)]
    assert main([*base, "--use-ai"]) == EXIT_BAD_INPUT
    assert "needs OPENAI_API_KEY" in capsys.readouterr().err
    assert main([*base, "--timezone", "Europe/Lundon"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("error: INVALID_OPTION: unknown time zone")
    assert not any(tmp_path.iterdir())


def test_ai_from_the_environment_one_call(small_photo, tmp_path, monkeypatch, capsys) -> None:
    """OPENAI_* set: the CLI's posts come from the (fake) OpenAI server, in one request."""
    from tests.fakes.ai_servers import FakeServer, Reply, openai_completion
    from tests.fakes.threaded import running_in_thread
    from tests.pipeline.providers.test_openai import answer

    fake = FakeServer("/v1/chat/completions", Reply(body=openai_completion(answer(("x",)))))
    with running_in_thread(fake):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", f"{fake.origin}/v1")
        monkeypatch.setenv("OPENAI_MODEL", "gpt-test")
        args = ["optimize", str(small_photo), "-p", "x", "-d", "mug", "--out", str(tmp_path)]
        assert main(args) == EXIT_OK
        assert main(args) == EXIT_OK  # the same request again: served from the cache
    assert len(fake.requests) == 1
    out = capsys.readouterr().out
    assert "Slow mornings start with this mug." in out and "posts written by openai:gpt-test" in out
    assert "no GEMINI_API_KEY: no account search" in out


def test_posts_in_the_language_asked_for(small_photo, tmp_path) -> None:
    args = ["-p", "ig", "mastodon", "--no-ai", "-d", "my cat", "--language", "de"]
    code = main(["optimize", str(small_photo), *args, "--hashtag-language", "mine",
                 "--out", str(tmp_path)])  # fmt: skip
    assert code == EXIT_OK
    folder = session_dir(tmp_path)
    results = json.loads((folder / "results.json").read_text())
    assert results["language"] == "de" and results["hashtag_language"] == "mine"
    instagram = results["platforms"]["instagram"]
    german = {"katzen", "katze", "katzenliebe", "stubentiger", "samtpfote", "katzenbaby"}
    assert set(instagram["hashtags"].replace("#", "").split()) <= german
    assert instagram["alt_text"].startswith("Foto: my cat.")
    assert "Stimmung" in (folder / "instagram_caption.txt").read_text("utf-8")
