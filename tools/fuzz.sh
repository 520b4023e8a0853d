#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang-14, -fsanitize=fuzzer,
# address,undefined) and runs each one for a fixed time on a seed corpus made
# from the repository: fixtures/, examples/, tests/fuzz/seeds/, the asyncio
# package of the local Python stdlib (Python harnesses), rules/ and tests/packs/
# (pack loader), config examples (config loader) and the crash reproducers of
# tests/regress/<harness>/, which are first replayed once each. Prints, per
# harness: CPU time, executions, coverage (cov = edges, ft = features, from
# libFuzzer's final status line), corpus size and crashes; exits 1 if any
# harness crashed (reproducers are left in <build>/fuzz-work/<harness>/crashes).
#
# usage: tools/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [HARNESS...]
#   -t SECONDS   fuzzing time per harness (default 300)
#   -b BUILD_DIR build directory for the instrumented build (default build-fuzzers)
#   HARNESS      pytok pyparse pipeline rules config (default: all of them)
# The corpus each harness grows is kept in <build>/fuzz-work/<harness>/corpus and
# reused by the next run. Exit codes: 0 no crash, 1 crashes, 2 set-up problem.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=300
build=$root/build-fuzzers
all_harnesses=(pytok pyparse pipeline rules config)

while getopts "t:b:h" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${all_harnesses[@]}")
case $build in /*) ;; *) build=$PWD/$build ;; esac

cc=$(command -v clang-14 || true)
if [ -z "$cc" ]; then
  echo "fuzz.sh: clang-14 not found (Debian packages clang-14, libclang-rt-14-dev)" >&2
  exit 2
fi

# ---- build ----------------------------------------------------------------------
echo "fuzz.sh: building the harnesses in $build"
mkdir -p "$build"
if ! { CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DASYNCLINT_FUZZ=ON -DASYNCLINT_TESTS=OFF >"$build/fuzz-configure.log" 2>&1 &&
       cmake --build "$build" -j"$(nproc)" --target "${harnesses[@]/#/fuzz_}" \
         >"$build/fuzz-build.log" 2>&1; }; then
  tail -n 30 "$build/fuzz-configure.log" "$build/fuzz-build.log" 2>/dev/null >&2
  echo "fuzz.sh: the instrumented build failed (logs: $build/fuzz-*.log)" >&2
  exit 2
fi

# ---- seed corpora -------------------------------------------------------------------
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null || true)

# Prints the seed files of harness $1, one per line.
seed_files() {
  case $1 in
    pytok|pyparse|pipeline)
      find "$root/fixtures" "$root/examples" "$root/tests/fuzz/seeds/python" \
           -type f \( -name '*.py' -o -name '*.pyi' \) 2>/dev/null
      [ -n "$stdlib" ] && [ -d "$stdlib/asyncio" ] && find "$stdlib/asyncio" -name '*.py' -size -64k
      ;;
    rules)
      find "$root/rules" "$root/tests/packs" -type f \( -name '*.yaml' -o -name '*.yml' \)
      ;;
    config)
      find "$root/tests/fuzz/seeds/config" -type f
      ;;
  esac
  [ -d "$root/tests/regress/$1" ] && find "$root/tests/regress/$1" -type f ! -name 'README*'
}

# Writes each ```yaml block of docs/config.md as one seed file into $1.
config_doc_seeds() {
  [ -f "$root/docs/config.md" ] || return 0
  awk -v dir="$1" '/^```yaml/ {n++; f = dir "/doc-" n ".yaml"; next}
                   /^```/ {f = ""; next}
                   f != "" {print > f}' "$root/docs/config.md"
}

# ---- one harness ------------------------------------------------------------------------
# Globals filled by run_harness for the summary.
declare -A r_cpu r_execs r_cov r_ft r_corp r_crashes r_replay

dict_of() {
  case $1 in rules|config) echo "$root/tests/fuzz/yaml.dict" ;; *) echo "$root/tests/fuzz/python.dict" ;; esac
}

# Runs the harness binary ($1) on each regression input of $2 once.
replay() {
  local bin=$1 name=$2 files=()
  [ -d "$root/tests/regress/$name" ] || { echo 0; return; }
  mapfile -t files < <(find "$root/tests/regress/$name" -type f ! -name 'README*' | sort)
  ((${#files[@]})) || { echo 0; return; }
  if "$bin" -runs=1 "${files[@]}" >"$work/replay.log" 2>&1; then
    echo "${#files[@]}"
  else
    echo "FAIL"
  fi
}

run_harness() {
  local name=$1
  local bin=$build/fuzz_$name
  work=$build/fuzz-work/$name
  rm -rf "$work/seeds" "$work"/run-*.log
  mkdir -p "$work/seeds" "$work/corpus" "$work/crashes"
  while IFS= read -r f; do
    cp "$f" "$work/seeds/$(printf '%s' "$f" | md5sum | cut -c1-16)-$(basename "$f")"
  done < <(seed_files "$name")
  [ "$name" = config ] && config_doc_seeds "$work/seeds"

  r_replay[$name]=$(replay "$bin" "$name")
  [ "${r_replay[$name]}" = FAIL ] && { echo "fuzz.sh: $name: a regression input crashes:" >&2; tail -n 40 "$work/replay.log" >&2; }

  # Short inputs keep the parser harnesses fast (the whole pipeline runs per input);
  # entropic scheduling is off: with this many features libFuzzer 14 spends most
  # of its time updating feature frequencies (7x fewer executions).
  local maxlen=4096
  case $name in pytok) maxlen=16384 ;; rules) maxlen=8192 ;; esac
  local start=$SECONDS left=$seconds execs=0 crashes=0 cpu=0 tries=0
  local before seen
  before=$(find "$work/crashes" -type f | wc -l)
  seen=$before
  # libFuzzer stops at the first crash: start again (the corpus is kept) until
  # the time is used up, so one crash does not hide the next.
  while ((left > 0 && tries < 20)); do
    tries=$((tries + 1))
    local log=$work/run-$tries.log t
    t=$( { TIMEFORMAT='%U %S'; time { "$bin" "$work/corpus" "$work/seeds" \
             -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen -entropic=0 \
             -dict="$(dict_of "$name")" -print_final_stats=1 \
             -artifact_prefix="$work/crashes/" >"$log" 2>&1; echo $? >"$work/rc"; }; } 2>&1 )
    cpu=$(awk -v a="$cpu" -v t="$t" 'BEGIN {split(t, x, " "); printf "%.1f", a + x[1] + x[2]}')
    local n
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -z "$n" ] && n=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    execs=$((execs + ${n:-0}))
    local status
    status=$(grep -E 'cov: [0-9]+' "$log" | tail -n 1)
    r_cov[$name]=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$status")
    r_ft[$name]=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$status")
    left=$((seconds - (SECONDS - start)))
    [ "$(cat "$work/rc")" = 0 ] && break
    local now
    now=$(find "$work/crashes" -type f | wc -l)
    if ((now == seen)); then
      echo "fuzz.sh: $name: the same crash again at start-up; stopping this harness" >&2
      break
    fi
    seen=$now
    echo "fuzz.sh: $name: crash (log $log):" >&2
    grep -E 'ERROR|SUMMARY|fuzz invariant|Test unit written|#[0-9]+ in ' "$log" | head -n 12 >&2
  done
  crashes=$(( $(find "$work/crashes" -type f | wc -l) - before ))
  r_cpu[$name]=$cpu
  r_execs[$name]=$execs
  r_corp[$name]=$(find "$work/corpus" -type f | wc -l)
  r_crashes[$name]=$crashes
}

export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/fuzz/ubsan.supp"
failed=0
for h in "${harnesses[@]}"; do
  if [ ! -x "$build/fuzz_$h" ]; then
    echo "fuzz.sh: no harness '$h' (have: ${all_harnesses[*]})" >&2
    exit 2
  fi
  echo "fuzz.sh: fuzzing $h for ${seconds}s"
  run_harness "$h"
  if [ "${r_crashes[$h]}" != 0 ] || [ "${r_replay[$h]}" = FAIL ]; then
    failed=1
  elif [ "${r_execs[$h]}" = 0 ]; then
    echo "fuzz.sh: $h executed no input (see $build/fuzz-work/$h/run-*.log)" >&2
    failed=1
  fi
done

printf '\n%-9s %8s %12s %9s %7s %7s %7s %8s %s\n' harness "cpu(s)" executions "exec/s" cov ft corpus crashes "regress"
for h in "${harnesses[@]}"; do
  rate=$(awk -v e="${r_execs[$h]}" -v c="${r_cpu[$h]}" 'BEGIN {printf "%d", (c > 0 ? e / c : 0)}')
  printf '%-9s %8s %12s %9s %7s %7s %7s %8s %s\n' "$h" "${r_cpu[$h]}" "${r_execs[$h]}" "$rate" \
    "${r_cov[$h]:-?}" "${r_ft[$h]:-?}" "${r_corp[$h]}" "${r_crashes[$h]}" "${r_replay[$h]}"
done
if ((failed)); then
  echo "fuzz.sh: crashes found; reproducers in $build/fuzz-work/<harness>/crashes" \
       "(add each to tests/regress/<harness>/)" >&2
fi
exit $failed
