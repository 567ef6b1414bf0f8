#!/usr/bin/env bash
# Install PostReady with its test tools, lint, and run the test suite (offline).
EXTRAS="dev" source "$(dirname "$0")/venv.sh"
ruff check .
ruff format --check .
python -m pytest "$@"
