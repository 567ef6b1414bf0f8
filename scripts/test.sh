#!/usr/bin/env bash
# Install PostReady with its test tools, lint, type-check, and run the test suite (offline).
EXTRAS="dev" source "$(dirname "$0")/venv.sh"
ruff check .
ruff format --check .
mypy
python -m pytest "$@"
