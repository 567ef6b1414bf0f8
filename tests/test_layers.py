"""Imports go downwards only: adapters → chat → core → pipeline → pipeline.providers; the
entry points (`cli`, `serve`) sit above them all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "postready"
# What each layer must never import.
ENTRY_POINTS = ("postready.cli", "postready.serve")
CHAT_LIBRARIES = ("telegram", "discord")
FORBIDDEN = {
    "pipeline": (
        "postready.core",
        "postready.chat",
        "postready.adapters",
        *ENTRY_POINTS,
        *CHAT_LIBRARIES,
        "aiosqlite",
        "psycopg",
        "procrastinate",
    ),
    "core": ("postready.chat", "postready.adapters", *ENTRY_POINTS, *CHAT_LIBRARIES),
    "chat": ("postready.adapters", *ENTRY_POINTS, *CHAT_LIBRARIES),
    "adapters": ENTRY_POINTS,
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", FORBIDDEN)
def test_layer_imports_go_downwards(layer: str) -> None:
    offences = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert not offences
    assert any((PACKAGE / layer).rglob("*.py"))


# Network SDKs: only providers may use them, and only inside the functions that need them, so
# that neither a local run nor start-up pays for importing them.
NETWORK_LIBRARIES = ("openai", "google.genai", "google", "aiohttp", "bs4", "tenacity")
# discord.py's own transport: its connection errors reach the Discord adapter as aiohttp's.
CHAT_TRANSPORTS = {"aiohttp": PACKAGE / "adapters" / "discord"}


def test_network_libraries_only_in_providers_and_imported_lazily() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if not any(name == lib or name.startswith(lib + ".") for lib in NETWORK_LIBRARIES):
                    continue
                if name in CHAT_TRANSPORTS and path.is_relative_to(CHAT_TRANSPORTS[name]):
                    continue
                where = path.relative_to(PACKAGE.parent)
                if name.startswith(("aiohttp", "tenacity")) and "adapters" in path.parts:
                    # The bots' own HTTP (server, webhooks and their retries): loaded only by
                    # a bot.
                    continue
                if "providers" not in path.parts:
                    offences.append(f"{where} imports {name} outside pipeline/providers")
                elif id(node) in top_level:
                    offences.append(f"{where} imports {name} at module level")
    assert not offences
