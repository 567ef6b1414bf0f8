#!/usr/bin/env bash
# The interface text catalogs (gettext, managed with Babel; see postready/core/i18n.py).
#   scripts/catalogs.sh              extract the marked texts (_, N_, ngettext) from the code into
#                                    postready/locale/postready.pot, update every language's .po
#                                    from it, and compile the .po files into the .mo files the
#                                    package ships (committed, so a clean clone has them)
#   scripts/catalogs.sh init pt_BR   start a new language's .po (then translate it, run the
#                                    script again and add the language to i18n.LANGUAGES)
# tests/core/test_i18n.py fails while a shipped catalog misses a text, has a fuzzy one, or its
# .mo is older than its .po.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
LOCALES=postready/locale
POT="$LOCALES/postready.pot"

# Plural: a count's words marked in the pipeline (postready/pipeline/marking.py).
"$PYBABEL" -q extract --project=PostReady --no-location --sort-output \
    --add-comments=Translators: --keyword=Plural:1,2 -o "$POT" postready
if [[ "${1:-}" == init ]]; then
    "$PYBABEL" -q init -D postready -i "$POT" -d "$LOCALES" -l "$2"
    exit
fi
"$PYBABEL" -q update -D postready -i "$POT" -d "$LOCALES" --no-fuzzy-matching --ignore-obsolete
"$PYBABEL" compile -D postready -d "$LOCALES" --statistics
