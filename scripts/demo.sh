#!/usr/bin/env bash
# Install PostReady and optimise the bundled sample photo for every platform into ./output/.
EXTRAS="" source "$(dirname "$0")/venv.sh"
postready optimize postready/samples/coffee.jpg --platforms all \
    --description "latte art at our corner cafe" --out output "$@"
