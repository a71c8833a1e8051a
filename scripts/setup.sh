#!/usr/bin/env bash
# Installs what outdial needs to build and test on Debian 12, skipping what is already there.
# Safe to run again. Needs root (or sudo) only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates clang-format clang-tidy
  libhowardhinnant-date-dev tzdata libfmt-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libtomlplusplus-dev libboost-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev
  libphonenumber-dev libpqxx-dev libsodium-dev prometheus-cpp-dev libsimdjson-dev
  libre-dev libspandsp-dev
  postgresql sip-tester espeak-ng sox chromium wrk
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# The browser UI's npm packages, from the committed lockfile (skipped when already installed).
if [[ -f web/package-lock.json ]]; then
  if [[ ! -d web/node_modules ]] || [[ web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    echo "setup: npm ci in web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
