#!/usr/bin/env bash
# Builds the browser UI into web/dist (served by `outdial serve` at /). Needs the npm packages
# that scripts/setup.sh installs from web/package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/../web"
[[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
