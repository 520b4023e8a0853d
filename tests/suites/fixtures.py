#!/usr/bin/env python3
"""Fixture runner: pushes every file under fixtures/ through the real binary and
matches the findings against the inline expectations, strictly (STYLE.md 6):
every finding must be expected and every expectation met.

    x = foo()  # expect: AL101            (Python; several ids: `# expect: AL101, AL202`)
    # expect-next-line: AL101             (for a line that cannot carry a comment)
    foo();  /* expect: AL101 */           (C; `// expect: AL101` works too)

Each top-level directory of fixtures/ (python, c, ...) is one run of
`asynclint check --format json <dir>`, so files of a directory see each other
(multi-file fixtures); a second run with -j1 --parse-all must give the same
bytes. A directory may hold `fixture-args.txt`: extra
command-line arguments, one per line, paths relative to that directory.

usage: fixtures.py BUILD_DIR SOURCE_DIR [FIXTURE_DIR...]
Prints `fixtures: N passed, M failed` and exits 1 on any mismatch.
"""
import collections
import json
import os
import re
import subprocess
import sys

EXPECT = re.compile(r"(?:#|//|/\*)\s*expect(-next-line)?:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")
SOURCE_EXT = (".py", ".pyi", ".c", ".h")


def expectations(path):
    """Multiset of (line, rule) expected in one file."""
    want = collections.Counter()
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, text in enumerate(f, 1):
            for m in EXPECT.finditer(text):
                target = lineno + 1 if m.group(1) else lineno
                for rule in m.group(2).split(","):
                    want[(target, rule.strip())] += 1
    return want


def run_dir(binary, fixture_dir, jobs, parse_all=False):
    args = [binary, "check", "--format", "json", "-j", str(jobs), "--no-gitignore"]
    if parse_all:
        args.append("--parse-all")
    extra = os.path.join(fixture_dir, "fixture-args.txt")
    if os.path.exists(extra):
        with open(extra) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    args.append(line.replace("{dir}", fixture_dir))
    args.append(fixture_dir)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"fixtures: asynclint exited {proc.returncode} on {fixture_dir}")
    return json.loads(proc.stdout), proc.stderr


def compare(fixture_dir, findings):
    got = collections.defaultdict(collections.Counter)
    for f in findings:
        got[os.path.normpath(f["path"])][(f["line"], f["rule"])] += 1
    passed = failed = 0
    problems = []
    for root, dirs, files in os.walk(fixture_dir):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(SOURCE_EXT):
                continue
            path = os.path.normpath(os.path.join(root, name))
            want = expectations(path)
            have = got.pop(path, collections.Counter())
            missing = want - have
            extra = have - want
            if missing or extra:
                failed += 1
                for (line, rule), n in sorted(missing.items()):
                    problems.append(f"{path}:{line}: expected {rule} (x{n}), not reported")
                for (line, rule), n in sorted(extra.items()):
                    problems.append(f"{path}:{line}: unexpected {rule} (x{n})")
            else:
                passed += 1
    for path, have in sorted(got.items()):
        failed += 1
        for (line, rule), n in sorted(have.items()):
            problems.append(f"{path}:{line}: {rule} reported in a file that is not a fixture")
    return passed, failed, problems


def main():
    build, source = sys.argv[1], sys.argv[2]
    binary = os.path.join(build, "asynclint")
    os.chdir(source)
    roots = sys.argv[3:] or sorted(
        os.path.join("fixtures", d) for d in os.listdir("fixtures")
        if os.path.isdir(os.path.join("fixtures", d)))
    total_pass = total_fail = 0
    for fixture_dir in roots:
        findings, stderr = run_dir(binary, fixture_dir, jobs=2)
        # the same findings with -j1 (deterministic output) and with every file
        # parsed (the files the run skips could not have held a finding)
        again, _ = run_dir(binary, fixture_dir, jobs=1, parse_all=True)
        if again != findings:
            print(f"{fixture_dir}: output differs between -j2 and -j1 --parse-all")
            total_fail += 1
        passed, failed, problems = compare(fixture_dir, findings)
        for p in problems:
            print(p)
        if failed and stderr.strip():
            print(f"--- stderr of the {fixture_dir} run ---\n{stderr.strip()}")
        total_pass += passed
        total_fail += failed
    print(f"fixtures: {total_pass} passed, {total_fail} failed")
    return 1 if total_fail or not total_pass else 0


if __name__ == "__main__":
    sys.exit(main())
