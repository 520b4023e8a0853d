#!/usr/bin/env bash
# Smoke run over the Python standard library (it is on every machine): every
# .py file of `sysconfig.get_paths()["stdlib"]`, site-packages included (the
# corpus bench/python.sh measures), goes through `asynclint check --format json`
# in one run, named explicitly (so the default excludes do not apply). Asserts: no crash, no
# sanitizer report, exit code 0 or 1, a JSON report that parses, an answer
# within the time bound, and the same bytes with -j1 and -j2 (deterministic
# output). Files that CPython itself compiles but asynclint reports syntax
# errors for are listed (parser gaps); more than 0.5% of the files fails.
# The -j2 run parses every file (--parse-all: the parser is what is tested);
# the -j1 run parses only the files that may matter (app/select.h), and must
# give the same findings: the lazy selection changes nothing.
# Under ASYNCLINT_QUICK=1 (sanitizer pass) a deterministic sample: every 10th
# file of the sorted list.
# usage: stdlib_smoke.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/asynclint
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
quick=${ASYNCLINT_QUICK:-0}
work=$(mktemp -d /tmp/asynclint-stdlib.XXXXXX)
trap 'rm -rf "$work"' EXIT

find "$stdlib" -name '*.py' -type f | LC_ALL=C sort >"$work/all.txt"
if [ "$quick" = 1 ]; then
  awk 'NR % 10 == 1' "$work/all.txt" >"$work/files.txt"
  limit=900
  runs=(2 1)
else
  cp "$work/all.txt" "$work/files.txt"
  limit=300
  runs=(2 1)
fi
nfiles=$(wc -l <"$work/files.txt")
if [ "$nfiles" -lt 50 ]; then
  echo "stdlib_smoke: only $nfiles files under $stdlib; is the stdlib installed?" >&2
  exit 1
fi
echo "stdlib_smoke: $nfiles files from $stdlib (quick=$quick, time bound ${limit}s per run)"

export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:abort_on_error=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=1"
mapfile -t files <"$work/files.txt"
fail=0
for j in "${runs[@]}"; do
  start=$(date +%s.%N)
  all=()
  [ "$j" = 2 ] && all=(--parse-all)
  timeout -s KILL "$limit" "$bin" check --format json --no-gitignore -j "$j" "${all[@]}" "${files[@]}" \
    >"$work/out-$j.json" 2>"$work/err-$j.txt"
  rc=$?
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
           "$start" "$(date +%s.%N)")
  echo "stdlib_smoke: -j$j: exit $rc in ${secs}s, $(wc -l <"$work/err-$j.txt") diagnostic lines"
  if [ "$rc" = 137 ]; then
    echo "stdlib_smoke: FAIL: no answer within ${limit}s (-j$j)"; fail=1; continue
  fi
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: [A-Za-z]+Sanitizer' \
       "$work/err-$j.txt"; then
    echo "stdlib_smoke: FAIL: sanitizer report (-j$j):"
    grep -m5 -E 'Sanitizer|runtime error' "$work/err-$j.txt"; fail=1; continue
  fi
  if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
    echo "stdlib_smoke: FAIL: exit code $rc (expected 0 or 1):"
    tail -n 5 "$work/err-$j.txt"; fail=1
  fi
done
((fail)) && exit 1

python3 - "$work" "${runs[@]}" <<'EOF' || fail=1
import json, re, sys
work, runs = sys.argv[1], sys.argv[2:]
files = [l.rstrip("\n") for l in open(f"{work}/files.txt")]
ok = True
reports = {}
for j in runs:
    with open(f"{work}/out-{j}.json", "rb") as f:
        raw = f.read()
    try:
        items = json.loads(raw)
    except ValueError as e:
        print(f"stdlib_smoke: FAIL: -j{j} report is not JSON: {e}")
        sys.exit(1)
    reports[j] = raw
    rules = {}
    for it in items:
        rules[it["rule"]] = rules.get(it["rule"], 0) + 1
    print(f"stdlib_smoke: -j{j}: {len(items)} findings "
          + ", ".join(f"{r} {n}" for r, n in sorted(rules.items())))
if len(reports) == 2 and reports["1"] != reports["2"]:
    print("stdlib_smoke: FAIL: the -j1 report and the -j2 --parse-all report differ")
    ok = False
diag = re.compile(r"^(.+?)(?::(\d+):(\d+))?: (error|warning|note): .+$")
errs = {}
for line in open(f"{work}/err-{runs[0]}.txt", encoding="utf-8", errors="replace"):
    m = diag.match(line.rstrip("\n"))
    if not m:
        print(f"stdlib_smoke: FAIL: stderr line is not a diagnostic: {line[:100]!r}")
        ok = False
    elif m.group(4) == "error":
        errs.setdefault(m.group(1), line.strip())
gaps = []
for path, first in sorted(errs.items()):
    try:
        compile(open(path, "rb").read(), path, "exec")
        gaps.append(first)
    except Exception:
        pass  # CPython rejects it too (Python 2 test data, bad encodings): a fair error
print(f"stdlib_smoke: {len(errs)} files with errors, {len(gaps)} of them compile in CPython")
for g in gaps:
    print(f"  parser gap: {g}")
if len(gaps) > max(1, len(files) // 200):
    print("stdlib_smoke: FAIL: too many false syntax errors")
    ok = False
sys.exit(0 if ok else 1)
EOF
((fail)) && { echo "stdlib_smoke: FAIL"; exit 1; }
echo "stdlib_smoke: pass"
