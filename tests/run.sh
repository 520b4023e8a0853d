#!/usr/bin/env bash
# The whole test suite: a normal build and an ASan+UBSan build, each running
# every unit test, the fixture runner, the differential tokenizer test and the
# other suites through ctest. Usage: tests/run.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
./setup.sh build
ctest --test-dir build --output-on-failure -j2

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DASYNCLINT_WERROR=ON \
      -DASYNCLINT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
# use_tls=0: GCC 12's LeakSanitizer crashes at exit scanning libclang's thread-local
# storage on worker threads (tests/lsan.supp then covers the loader's own records of
# dlopen'ed libraries); abort_on_error: a UBSan report must not look like exit 1
# ("findings").
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS="use_tls=0:print_suppressions=0:suppressions=$PWD/tests/lsan.supp" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1 \
  ASYNCLINT_QUICK=1 ctest --test-dir build-asan --output-on-failure -j2
