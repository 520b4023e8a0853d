#!/bin/sh
# Frontend micro-benchmark: MB/s of the Python tokenizer alone (src/lang/python/
# pytok.c), then of tokenizer and parser together (source -> Unit, no checks),
# over every .py file of the Python standard library, files read into memory
# first, best of 10 (5) rounds of CPU time (the least disturbed by other
# processes on a shared machine). Not a test: prints the figures.
#
#   bench/tokenizer.sh [BUILD_DIR]     (default: build; needs the pytok_dump target)
set -eu
build=${1:-build}
dump="$build/pytok_dump"
if [ ! -x "$dump" ]; then
    echo "tokenizer.sh: $dump not found; build it: cmake --build $build --target pytok_dump" >&2
    exit 2
fi
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$stdlib" -name '*.py' -type f | sort > "$list"
echo "corpus: $stdlib ($(wc -l < "$list") files)"
"$dump" -b 10 -l "$list"
"$dump" -b 5 -p -l "$list"
