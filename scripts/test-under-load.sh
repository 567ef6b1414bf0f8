#!/usr/bin/env bash
# Run the test suite N times in a row (default 5) with every CPU kept busy by stress-ng, as on a
# loaded CI machine, and print each run's result, time and summary line. Installs nothing: it
# needs stress-ng and the ./.venv that ./scripts/test.sh makes. Further arguments go to pytest.
#   ./scripts/test-under-load.sh [N] [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
    runs=$1
    shift
fi
if ! command -v stress-ng >/dev/null; then
    echo "stress-ng is not installed (Debian: apt-get install stress-ng)" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    echo "no ./.venv: run ./scripts/test.sh first" >&2
    exit 2
fi

stress-ng --cpu "$(nproc)" --timeout 0 >/dev/null 2>&1 &
loader=$!
trap 'kill "$loader" 2>/dev/null || true; wait "$loader" 2>/dev/null || true' EXIT

failed=0
for run in $(seq "$runs"); do
    log=$(mktemp -t postready-load-XXXXXX.log)
    start=$SECONDS
    if .venv/bin/python -m pytest -p no:cacheprovider "$@" >"$log" 2>&1; then
        result=passed
    else
        result="FAILED (output in $log)"
        failed=$((failed + 1))
    fi
    summary=$(grep -E ' (passed|failed|error)' "$log" | tail -n 1 || true)
    echo "run $run/$runs: $result after $((SECONDS - start)) s${summary:+ — $summary}"
    if [ "$result" = passed ]; then rm "$log"; fi
done
echo "$((runs - failed)) of $runs loaded runs passed"
[ "$failed" -eq 0 ]
