#!/usr/bin/env bash
# CI smoke run of the libFuzzer harnesses (tests/fuzz): builds them with
# tools/fuzz.sh into <build>/fuzz-smoke, replays the crash reproducers of
# tests/regress/<harness>/, then fuzzes each harness for a short time (30 s
# each, 12 s under ASYNCLINT_QUICK=1: a few minutes in total). Fails on any
# crash, leak, sanitizer report, hang, or a harness that executed nothing.
# Skipped (with the reason printed) only when clang-14 or its libFuzzer runtime
# (Debian libclang-rt-14-dev) is missing. The longer run is tools/fuzz.sh itself.
# usage: fuzz_smoke.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)

cc=$(command -v clang-14 || true)
if [ -z "$cc" ]; then
  echo "fuzz_smoke: skipped: clang-14 is not installed"
  exit 0
fi
probe=$(mktemp -d /tmp/asynclint-fuzzprobe.XXXXXX)
trap 'rm -rf "$probe"' EXIT
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
  echo "fuzz_smoke: skipped: clang-14 cannot link a libFuzzer target (install libclang-rt-14-dev):"
  head -n 3 "$probe/err"
  exit 0
fi

secs=30
[ "${ASYNCLINT_QUICK:-0}" = 1 ] && secs=12
bash "$src/tools/fuzz.sh" -t "$secs" -b "$build/fuzz-smoke"
rc=$?
case $rc in
  0) echo "fuzz_smoke: pass" ;;
  1) echo "fuzz_smoke: FAIL: crashes (see above)" ;;
  *) echo "fuzz_smoke: FAIL: tools/fuzz.sh could not run (exit $rc)" ;;
esac
exit $rc
