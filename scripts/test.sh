#!/usr/bin/env bash
# Installs what is missing, builds (CI preset: ASan + UBSan, warnings as errors) and runs every test
# (lint too: the ctest test `lint` runs scripts/lint.sh).
# Ends with ctest's summary line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/web.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci -j "$(nproc)"
