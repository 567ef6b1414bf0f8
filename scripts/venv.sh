# Sourced by the other scripts: create ./.venv with Python >= 3.11 if needed, install the
# project with the extras given in $EXTRAS, and activate it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pick_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))'; then
            echo "$candidate"
            return
        fi
    done
    echo "PostReady needs Python 3.11 or newer on PATH" >&2
    exit 2
}

if [ ! -x .venv/bin/python ]; then
    "$(pick_python)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
# shellcheck disable=SC1091
source .venv/bin/activate
