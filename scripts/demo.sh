#!/usr/bin/env bash
# Installs what is missing, builds the release binary and starts the demo server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/web.sh
cmake --preset release
cmake --build --preset release --target outdial
exec ./build/release/outdial serve --demo "$@"
