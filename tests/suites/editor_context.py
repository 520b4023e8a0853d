#!/usr/bin/env python3
"""--context: the editor's one-file run (a buffer on stdin, or one path) reads
the rest of the project for what crosses files, and reports only the file.

Asserts, on a small project written here:
  - without --context, a helper in another module is unknown: no AL109;
  - with it, the buffer (not the file on disk) is analysed and the finding
    the whole-project run makes for that file is reported, under its name;
  - nothing of the context files is reported: not their findings, not their
    syntax errors; --show-files lists only the checked file;
  - the same file given by an absolute --stdin-filename is not read twice;
  - a buffer without async that calls a coroutine of the context is parsed
    (the run skips the files that cannot matter, not that one): AL201;
  - exit codes: 1 with a finding, 0 without, 2 for a missing context path.
usage: editor_context.py BUILD_DIR SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

BINARY = os.path.join(os.path.abspath(sys.argv[1]), "asynclint")

FILES = {
    "app/__init__.py": "",
    "app/helpers.py": (
        "import time\n"
        "\n"
        "\n"
        "def backoff(attempt):\n"
        "    time.sleep(2 ** attempt)\n"
        "\n"
        "\n"
        "async def noisy():\n"
        "    time.sleep(1)\n"
    ),
    "app/broken.py": "def (\n",
    # plain code, more bytes than the async files: a run chooses what to parse
    "app/plain.py": "".join(f"def f{i}(x):\n    return x * {i}\n\n\n" for i in range(100)),
    # on disk: clean; the editor's buffer below calls the blocking helper
    "app/service.py": (
        "from app.helpers import backoff\n"
        "\n"
        "\n"
        "async def fetch(client, url):\n"
        "    return await client.get(url)\n"
    ),
}

BUFFER = (
    "from app.helpers import backoff\n"
    "\n"
    "\n"
    "async def fetch(client, url):\n"
    "    for attempt in range(3):\n"
    "        backoff(attempt)\n"
    "    return await client.get(url)\n"
)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, cwd, stdin=None):
    r = subprocess.run([BINARY, "check", "--format", "json", "-q", *args], cwd=cwd,
                       input=stdin, capture_output=True, text=True, timeout=120)
    try:
        findings = json.loads(r.stdout or "[]")
    except json.JSONDecodeError:
        findings = None
    return r.returncode, findings, r.stderr


def keys(findings):
    return sorted((f["path"], f["line"], f["rule"]) for f in findings or [])


with tempfile.TemporaryDirectory() as d:
    for name, text in FILES.items():
        os.makedirs(os.path.join(d, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)

    rc, got, err = run(["--stdin-filename", "app/service.py", "-"], d, BUFFER)
    check(rc == 0 and got == [], f"buffer alone: no cross-file finding (rc {rc}, {got})")

    rc, got, err = run(["--stdin-filename", "app/service.py", "--context", ".", "-"], d, BUFFER)
    check(rc == 1 and keys(got) == [("app/service.py", 6, "AL109")],
          f"buffer with --context: the helper's AL109 at the buffer's line 6 (rc {rc}, {keys(got)})")
    check("broken.py" not in err and "helpers.py" not in err,
          f"no diagnostics of context files on stderr: {err!r}")
    check(all(f["path"] == "app/service.py" for f in got or []),
          "only the checked file is reported")

    # a buffer without async that calls a coroutine function of the context:
    # the buffer is parsed for the function's name and module (app/select.h)
    kick = "from app.helpers import noisy\n\n\ndef kick():\n    noisy()\n"
    rc, got, err = run(["--stdin-filename", "app/kick.py", "--context", ".", "-"], d, kick)
    check(rc == 1 and keys(got) == [("app/kick.py", 5, "AL201")],
          f"plain buffer calling a context coroutine: AL201 (rc {rc}, {keys(got)})")

    # the same file named absolutely: the disk copy found under --context is
    # not taken as a second definition of the module
    absolute = os.path.join(d, "app/service.py")
    rc, got, err = run(["--stdin-filename", absolute, "--context", ".", "-"], d, BUFFER)
    check(rc == 1 and keys(got) == [(absolute, 6, "AL109")],
          f"absolute stdin name: one finding, under that name (rc {rc}, {keys(got)})")

    # the buffer that fixed the call: clean, although the context has findings
    fixed = BUFFER.replace("        backoff(attempt)\n", "        pass\n")
    rc, got, err = run(["--stdin-filename", "app/service.py", "--context", "app", "-"], d, fixed)
    check(rc == 0 and got == [], f"fixed buffer: clean (rc {rc}, {keys(got)})")

    # a path run: what the whole-project run finds for that file, no more
    with open(absolute, "w") as f:
        f.write(BUFFER)
    rc_all, all_findings, _ = run(["."], d)
    rc, got, err = run(["app/service.py", "--context", "."], d)
    want = [k for k in keys(all_findings) if k[0] == "app/service.py"]
    check(rc == 1 and keys(got) == want and want,
          f"path run with --context = the project run's findings for the file ({keys(got)} vs {want})")

    r = subprocess.run([BINARY, "check", "app/service.py", "--context", ".", "--show-files"],
                       cwd=d, capture_output=True, text=True, timeout=60)
    check(r.stdout.split() == ["app/service.py"], f"--show-files lists the checked file: {r.stdout!r}")

    rc, got, err = run(["app/service.py", "--context", "missing"], d)
    check(rc == 2 and "missing" in err, f"missing context path: exit 2 (rc {rc}, {err!r})")

if failures:
    print(f"editor_context: {len(failures)} failure(s)")
    sys.exit(1)
print("editor_context: all passed")
