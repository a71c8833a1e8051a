#!/usr/bin/env bash
# Lint: clang-format (--dry-run -Werror) over the tracked C++ files of src/, tests/ and bench/, then
# clang-tidy (the checked-in .clang-tidy, every warning an error) over the .cc files of src/, with
# the compile commands of a configured build (default build/ci; `cmake --preset ci` writes them —
# the generated headers come from the configure step, no build is needed).
# Prints a summary by check and by file; exits non-zero on any finding.
#
#   bash scripts/lint.sh [--format-only | --tidy-only] [-j N] [-p BUILD_DIR] [FILE...]
#
# FILE... limits both passes to those files (paths from the repository root; clang-tidy checks a
# header through the .cc files that include it). LINT_LOG_DIR=DIR keeps each file's clang-tidy
# output there. The ctest test `lint` (label lint, ci preset) runs this with its build directory.
set -euo pipefail
cd "$(dirname "$0")/.."

run_format=1
run_tidy=1
jobs=$(nproc)
build_dir=build/ci
files=()
while (($#)); do
  case "$1" in
    --format-only) run_tidy=0 ;;
    --tidy-only) run_format=0 ;;
    -j) jobs=$2; shift ;;
    -j*) jobs=${1#-j} ;;
    -p) build_dir=$2; shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) files+=("$1") ;;
  esac
  shift
done

clang_format=$(command -v clang-format-14 || command -v clang-format || true)
clang_tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
status=0

# Tracked files only, so that build output and scratch files never count.
if ((${#files[@]})); then
  format_files=("${files[@]}")
  mapfile -t tidy_files < <(printf '%s\n' "${files[@]}" | grep -E '^src/.*\.cc$' || true)
else
  # tests/ and bench/ are formatted too: the same .clang-format, and formatting all takes ~4 s of CPU.
  mapfile -t format_files < <(git ls-files -- 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' \
                                                'bench/*.cc' 'bench/*.h')
  mapfile -t tidy_files < <(git ls-files -- 'src/*.cc')
fi

if ((run_format)); then
  [[ -n $clang_format ]] || { echo "lint: clang-format not found (apt-get install clang-format)"; exit 2; }
  unformatted=()
  for f in "${format_files[@]}"; do
    "$clang_format" --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
  done
  if ((${#unformatted[@]})); then
    echo "lint: clang-format: ${#unformatted[@]} of ${#format_files[@]} files need formatting" \
         "(clang-format -i FILE):"
    printf '  %s\n' "${unformatted[@]}"
    status=1
  else
    echo "lint: clang-format: ${#format_files[@]} files formatted"
  fi
fi

if ((run_tidy)) && ((${#tidy_files[@]})); then
  [[ -n $clang_tidy ]] || { echo "lint: clang-tidy not found (apt-get install clang-tidy)"; exit 2; }
  [[ -f $build_dir/compile_commands.json ]] ||
    { echo "lint: $build_dir/compile_commands.json missing: run cmake --preset ci first"; exit 2; }
  # LINT_LOG_DIR keeps each file's clang-tidy output (e.g. as a CI artifact); else a temporary dir.
  if [[ -n ${LINT_LOG_DIR:-} ]]; then
    out=$LINT_LOG_DIR
    mkdir -p "$out" && rm -f "$out"/*.log "$out/failed" "$out/times"
  else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
  fi
  start=$SECONDS
  # One clang-tidy per file, N at a time; each writes its own log. The compile commands are GCC's:
  # clang does not know -Wshadow=local or -Wno-error=restrict, which is not a finding; and Boost
  # 1.74's Asio enables co_await under clang only with libc++ (<experimental/coroutine>), while
  # clang 14 with libstdc++'s <coroutine> (what GCC builds with) does coroutines fine.
  # Each file's CPU seconds go to times, for the summary's slowest files (CI time is CPU / cores).
  printf '%s\n' "${tidy_files[@]}" |
    xargs -P "$jobs" -I{} bash -c '
      log="$1/$(printf %s "$3" | tr / _).log"
      TIMEFORMAT="%U %S $3"
      { time "$2" -p "$4" --quiet --warnings-as-errors="*" --extra-arg=-Wno-unknown-warning-option \
          --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 "$3" >"$log" 2>&1 || echo "$3" >>"$1/failed"
      } 2>>"$1/times"' _ "$out" "$clang_tidy" {} "$build_dir"
  cpu=$(awk '{s += $1 + $2} END {printf "%.1f", s}' "$out/times")
  slowest=$(sort -k1,1 -rn "$out/times" | head -3 | awk '{printf "%s %.1f s, ", $3, $1 + $2}')
  # A header's finding is reported by every file that includes it: count each once.
  findings=$(cat "$out"/*.log | grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): .*\[[a-z0-9.,-]+\]$' |
             sed -e "s|^$PWD/||" -e 's/,-warnings-as-errors\]$/]/' | sort -u || true)
  count=$(printf '%s' "$findings" | grep -c . || true)
  elapsed=$((SECONDS - start))
  if [[ -s $out/failed ]] || ((count)); then
    if ((count)); then
      printf '%s\n' "$findings"
      echo
      echo "lint: clang-tidy findings by check:"
      printf '%s\n' "$findings" | sed -E 's/.*\[([^]]+)\]$/\1/' | sort | uniq -c | sort -rn
      echo "lint: clang-tidy findings by file:"
      printf '%s\n' "$findings" | cut -d: -f1 | sort | uniq -c | sort -rn
    fi
    if [[ -s $out/failed ]]; then
      # Failed without a finding in the usual form (a compile error, a crash): show the log.
      while read -r f; do
        log="$out/$(printf %s "$f" | tr / _).log"
        grep -qE ': (warning|error): .*\[[a-z0-9.,-]+\]$' "$log" && continue
        echo "lint: clang-tidy failed on $f:"
        cat "$log"
        status=1
      done <"$out/failed"
    fi
    echo "lint: clang-tidy: $count findings in ${#tidy_files[@]} files"
    status=1
  else
    echo "lint: clang-tidy: ${#tidy_files[@]} files clean"
  fi
fi

if ((run_tidy)) && ((${#tidy_files[@]})); then
  echo "lint: clang-tidy took ${elapsed} s with -j $jobs, ${cpu} s of CPU (slowest: ${slowest%, })"
fi
if ((status)); then
  echo "lint: FAILED"
else
  echo "lint: OK"
fi
exit "$status"
