#!/usr/bin/env bash
# C frontend benchmark (issue 5): asynclint against `clang -fsyntax-only` with
# the same flags, per translation unit, measured in the same run; translation
# units in parallel with -j; and clang-tidy's bugprone-signal-handler on the
# same files.
#
# usage: bench/c.sh BUILD_DIR DB_DIR [FILES] [JOBS] [REPEAT]
#   BUILD_DIR  asynclint build directory (holds ./asynclint)
#   DB_DIR     directory holding compile_commands.json (a configured project)
#   FILES      how many translation units to use (default 40; 0 = all)
#   JOBS       workers for the parallel run (default: all cores)
#   REPEAT     repetitions; the fastest of each is kept (default 3)
#
# Times are CPU seconds of the child processes (user + system), which a busy
# machine disturbs less than wall time; wall time is shown too. Each clang
# gets the compile command's own arguments (minus -c/-o/dependency files)
# plus -fsyntax-only, run in the command's directory.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

exec python3 - "$@" <<'PY'
import json, os, resource, shlex, shutil, subprocess, sys, time

build, db = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
nfiles = int(sys.argv[3]) if len(sys.argv) > 3 else 40
jobs = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
repeat = int(sys.argv[5]) if len(sys.argv) > 5 else 3
asynclint = os.path.join(build, "asynclint")
clang = shutil.which("clang-14") or shutil.which("clang")
tidy = shutil.which("clang-tidy-14") or shutil.which("clang-tidy")

entries, seen = [], set()
for e in json.load(open(os.path.join(db, "compile_commands.json"))):
    path = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if path.endswith(".c") and path not in seen and os.path.exists(path):
        seen.add(path)
        entries.append((path, e))
entries.sort()
if nfiles:
    entries = entries[:nfiles]
files = [p for p, _ in entries]

DROP_NEXT = {"-o", "-MF", "-MT", "-MQ"}
DROP = {"-c", "-M", "-MM", "-MD", "-MMD", "-MP", "-MG"}

def syntax_only(path, e):
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    out, skip = [clang], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in DROP_NEXT:
            skip = True
        elif a in DROP or a.startswith("-Werror") or os.path.normpath(
                os.path.join(e["directory"], a)) == path:
            continue
        else:
            out.append(a)
    return out + ["-fsyntax-only", path], e["directory"]

def measure(label, runs):
    """Runs every (argv, cwd) of `runs` in turn; best of `repeat` (CPU, wall)."""
    best = None
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        for argv, cwd in runs:
            subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        if best is None or cpu < best[0]:
            best = (cpu, wall)
    print(f"{label:<44} cpu {best[0]:8.2f} s  wall {best[1]:7.2f} s  "
          f"per TU {1000 * best[0] / len(files):7.1f} ms")
    return best

check = [asynclint, "check", "-p", db, "--exit-zero", "--format", "json", "--no-gitignore"]
print(f"{len(files)} translation units from {db}; best of {repeat}\n")
base = measure("clang -fsyntax-only (one process per TU)",
               [syntax_only(p, e) for p, e in entries])
# asynclint adds -w -fno-spell-checking (it reads no warnings): the same again
same = measure("clang -fsyntax-only -w -fno-spell-checking",
               [(argv + ["-w", "-fno-spell-checking"], cwd)
                for argv, cwd in (syntax_only(p, e) for p, e in entries)])
one = measure("asynclint check -j1 (one process, all TUs)", [(check + ["-j1"] + files, db)])
par = measure(f"asynclint check -j{jobs}", [(check + [f"-j{jobs}"] + files, db)])
if tidy:
    measure("clang-tidy bugprone-signal-handler",
            [([tidy, "-p", db, "--quiet", "-checks=-*,bugprone-signal-handler"] + files, db)])
print(f"\nasynclint -j1 / clang -fsyntax-only: {one[0] / base[0]:.2f}x CPU (target <= 1.15x)")
print(f"asynclint -j1 / clang -fsyntax-only -w -fno-spell-checking: {one[0] / same[0]:.2f}x CPU")
print(f"asynclint -j{jobs} wall speed-up over -j1: {one[1] / par[1]:.2f}x")
PY
