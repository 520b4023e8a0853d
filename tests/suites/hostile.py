#!/usr/bin/env python3
"""Hostile-input suite (issue 7): runs the real binary on inputs meant to break
it and asserts, for each case, the message on stderr, the exit code SPEC.md
gives (0/1 findings, 2 usage or configuration error, 3 the report could not be
written) and that the findings of the other files are still reported: every
run also analyses `known_bad.py` (time.sleep in an async def) and its AL101
finding must be in the output.

Every case also checks what holds for all of them: no crash, no sanitizer
report, no hang (a time limit), every stderr line a well-formed
`path[:line:col]: level: message` diagnostic, and at most MAX_DIAGS
diagnostics about the hostile file (a clear message, not a flood).

A case may be marked `xfail` with the precise reason (a bug of another module,
reported): it then prints XFAIL instead of failing, and fails as XPASS once
the bug is fixed, so the mark gets removed. Crash reproducers of the fuzzers
(tests/regress/<harness>/) are replayed through the binary as extra cases.

usage: hostile.py BUILD_DIR SOURCE_DIR [CASE-SUBSTRING...]
Env: ASYNCLINT_QUICK=1 (sanitizer pass): smaller big inputs, no memory bounds.
Prints the table `case | message | exit | result`; exits 1 on any FAIL/XPASS.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

QUICK = os.environ.get("ASYNCLINT_QUICK") == "1"
MAX_DIAGS = 25
KNOWN_BAD = "import time\n\nasync def bad():\n    time.sleep(1)\n"
KNOWN_FINDING = re.compile(r"^(?:.*/)?known_bad\.py:4:5: error: .*\[AL101\]$", re.M)
DIAG_LINE = re.compile(r"^(?P<path>[^\n]+?)(?::(?P<line>\d+):(?P<col>\d+))?: "
                       r"(?P<level>error|warning|note): (?P<msg>.+)$")
SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: |"
                       r"SUMMARY: \w+Sanitizer")
MiB = 1024 * 1024

# Known problems some cases still hit (see the report of issue 7).
LSAN_TLS_CRASH = (r"LeakSanitizer has encountered a fatal error",
                  ("sanitizer pass only: GCC 12's LeakSanitizer tracer segfaults scanning "
                   "thread-local storage at exit after libclang ran on -j2 workers (depends on "
                   "the cwd's length; clang's LSan and LSAN_OPTIONS=use_tls=0 are fine)"))


@dataclass
class Result:
    rc: Optional[int]
    out: str
    err: str
    cpu: float          # user + system seconds of the child
    rss_mb: float       # peak resident set of the child
    timed_out: bool


@dataclass
class Case:
    name: str
    setup: Callable[[str], list]         # writes files into the dir, returns the arguments
    rc: tuple = (1,)
    message: Optional[str] = None        # regex a whole stderr line must match
    subject: Optional[str] = None        # path fragment of the hostile file (diagnostic cap)
    quiet: bool = False                  # the subject must produce no diagnostic at all
    max_diags: int = MAX_DIAGS           # at most this many diagnostics about the subject
    known_bad: bool = True
    timeout: float = 60
    xfail: Optional[str] = None
    flaky: Optional[tuple] = None        # (stderr regex, reason): a known, reported toolchain
                                         # problem; a failure whose stderr matches is XFAIL
    check: Optional[Callable[[str, Result], Optional[str]]] = None
    skip: Optional[Callable[[], Optional[str]]] = None
    as_nobody: bool = False
    preexec: Optional[Callable[[], None]] = None
    fmt: str = "gcc"


# ---- running the binary --------------------------------------------------------------

def sanitizer_env():
    env = dict(os.environ)
    # A sanitizer report must never pass for exit code 1 ("findings").
    env["UBSAN_OPTIONS"] = ":".join(filter(None, [env.get("UBSAN_OPTIONS"),
                                                  "halt_on_error=1:abort_on_error=1"]))
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "abort_on_error=1"]))
    return env


def nobody_prefix():
    """Command prefix that drops root privileges, or None."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(cmd, cwd, timeout, preexec=None):
    """Runs cmd; returns a Result with the child's own CPU time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             env=sanitizer_env(), preexec_fn=preexec, start_new_session=True)
        timed_out = []
        timer = threading.Timer(timeout, lambda: (timed_out.append(1),
                                                  os.killpg(p.pid, signal.SIGKILL)))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Result(rc=p.returncode, out=out.read().decode("utf-8", "replace"),
                      err=err.read().decode("utf-8", "replace"),
                      cpu=ru.ru_utime + ru.ru_stime, rss_mb=ru.ru_maxrss / 1024,
                      timed_out=bool(timed_out) or time.monotonic() - start > timeout)


# ---- file helpers ----------------------------------------------------------------------

def write(d, name, data, mode="w"):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)
    return name


def files(named):
    """setup that writes {relative path: text or bytes} and passes the paths."""
    def setup(d):
        for name, data in named.items():
            write(d, name, data, "wb" if isinstance(data, bytes) else "w")
        return list(named)
    return setup


def parse_all(setup):
    """The same, with --parse-all: a file that holds no `async`/`await` and no
    word a rule looks for is only read, not parsed (app/select.h), so the
    syntax cases below ask for every file to be parsed. NUL bytes and bytes
    that are not UTF-8 are parsed (and reported) either way."""
    return lambda d: ["--parse-all"] + setup(d)


def syntax_only_when_asked(d):
    # (padded past the size of the async file: with fewer bytes to choose
    # among than it parses anyway, a run parses every file)
    write(d, "broken.py", "def f(:\n    x = (\n" + "# padding\n" * 20)
    return ["broken.py"]


# ---- case-specific setups and checks ------------------------------------------------------

def finding_at(path, line, col):
    pat = re.compile(rf"^{re.escape(path)}:{line}:{col}: error: .*\[AL101\]$", re.M)
    return lambda d, r: None if pat.search(r.out) else f"no AL101 at {path}:{line}:{col}"


def long_line(d):
    size = (5 if QUICK else 50) * MiB
    with open(os.path.join(d, "long.py"), "w") as f:
        f.write("x = [")
        chunk = "1, " * 4096
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write("]\nimport time\nasync def g():\n    time.sleep(1)\n")
    return ["long.py"]


def long_line_check(d, r):
    print(f"    long line: cpu {r.cpu:.1f}s, peak rss {r.rss_mb:.0f} MiB")
    if not re.search(r"^long\.py:4:5: error: .*\[AL101\]$", r.out, re.M):
        return "the finding after the long line is missing"
    if not QUICK and r.rss_mb > 3072:
        return f"peak RSS {r.rss_mb:.0f} MiB for a 50 MiB file"
    return None


def huge_file(d):
    with open(os.path.join(d, "big.py"), "wb") as f:
        f.truncate(200 * MiB)  # sparse: the size check must come before any read
    return ["big.py"]


def binary_file(d):
    shutil.copyfile("/bin/true", os.path.join(d, "binary.py"))
    return ["binary.py"]


def symlink_loop(d):
    write(d, "loop/known_bad.py", KNOWN_BAD)
    os.makedirs(os.path.join(d, "loop/sub"))
    os.symlink("..", os.path.join(d, "loop/sub/up"))
    return ["loop"]


def symlink_loop_check(d, r):
    n = len(re.findall(r"^loop/known_bad\.py:4:5: error: ", r.out, re.M))
    return None if n == 1 else f"loop/known_bad.py reported {n} times"


def unreadable_file(d):
    write(d, "secret.py", KNOWN_BAD)
    os.chmod(os.path.join(d, "secret.py"), 0)
    return ["secret.py"]


def unreadable_dir(d):
    write(d, "tree/locked/x.py", KNOWN_BAD)
    write(d, "tree/ok.py", "x = 1\n")
    os.chmod(os.path.join(d, "tree/locked"), 0)
    return ["tree"]


def need_unprivileged():
    """Why permission cases cannot run here, or None. As root, permissions are
    not enforced, so the binary runs as `nobody` (setpriv) and must be reachable."""
    prefix = nobody_prefix()
    if prefix is None:
        return "running as root without setpriv: permissions cannot be denied"
    if prefix:
        r = subprocess.run(prefix + [BINARY, "version"], capture_output=True)
        if r.returncode != 0:
            return f"user nobody cannot run {BINARY} (a directory on its path is private)"
    return None


def fifo(d):
    os.mkfifo(os.path.join(d, "fifo.py"))
    return ["fifo.py"]


def fifo_walked(d):
    write(d, "dir/ok.py", "x = 1\n")
    os.mkfifo(os.path.join(d, "dir/pipe.py"))
    return ["dir"]


def pack(text, name="pack.yaml"):
    def setup(d):
        write(d, name, text)
        return ["--rules", name]
    return setup


RULE = """  - id: {id}
    name: {name}
    check: {check}
    severity: error
    message: "no {{callee}}"
    rationale: "in-house blocking client"
    calls: [acme.sleep]
"""


def rule(id="ACME1", name="acme-sleep", check="blocking-call", extra=""):
    return RULE.format(id=id, name=name, check=check) + extra


PACK_HEAD = "pack: acme\nlanguage: python\nrules:\n"


def config_nearby(text):
    def setup(d):
        write(d, "sub/.asynclint.yaml", text)
        write(d, "sub/x.py", KNOWN_BAD)
        return ["sub"]
    return setup


def missing_headers(d):
    write(d, "missing.c", '#include "nonexistent.h"\n#include <unistd.h>\n\n'
                          "int main(void) { return sleep(1); }\n")
    return ["missing.c"]


# ---- --output-file --------------------------------------------------------------------------

def output_old(d, out="out/report.json"):
    write(d, out, "OLD REPORT\n")
    for i in range(3):
        write(d, f"more_bad_{i}.py", KNOWN_BAD)
    return ["--output-file", out] + [f"more_bad_{i}.py" for i in range(3)]


def small_fsize():
    """preexec: the report cannot be written past 256 bytes (EFBIG, not SIGXFSZ)."""
    import resource
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256, 256))


def readonly_out_dir(d):
    args = output_old(d)
    os.chmod(os.path.join(d, "out"), 0o555)
    return args


def untouched_report(d, r):
    out = os.path.join(d, "out")
    left = sorted(n for n in os.listdir(out) if n != "report.json")
    with open(os.path.join(out, "report.json")) as f:
        old = f.read()
    if old != "OLD REPORT\n":
        return f"the old report was changed ({len(old)} bytes now)"
    return f"temporary files left behind: {left}" if left else None


def complete_report(d, r):
    out = os.path.join(d, "out")
    left = sorted(n for n in os.listdir(out) if n != "report.json")
    with open(os.path.join(out, "report.json")) as f:
        items = json.load(f)
    paths = sorted(os.path.basename(i["path"]) for i in items if i["rule"] == "AL101")
    want = [f"more_bad_{i}.py" for i in range(3)]
    if paths != want:
        return f"report lists {paths}, expected {want}"
    return f"temporary files left behind: {left}" if left else None


def mixed_tree(d):
    hostile = {"nul.py": b"x\0", "utf16.py": KNOWN_BAD.encode("utf-16"), "unterm.py": b'"""',
               "tabs.py": b"if x:\n\tif y:\n        pass\n", "nest.py": b"(" * 5000}
    for i in range(20):
        write(d, f"tree/good_{i:02}.py", KNOWN_BAD)
    for name, data in hostile.items():
        write(d, f"tree/{name}", data, "wb")
    write(d, "tree/huge.py", b"", "wb")
    os.truncate(os.path.join(d, "tree/huge.py"), 100 * MiB)
    os.mkdir(os.path.join(d, "out"))
    return ["--output-file", "out/report.json", "tree"]


def mixed_report(d, r):
    with open(os.path.join(d, "out", "report.json")) as f:
        items = json.load(f)
    got = sorted(os.path.basename(i["path"]) for i in items
                 if i["rule"] == "AL101" and "good_" in i["path"])
    want = [f"good_{i:02}.py" for i in range(20)]
    return None if got == want else f"report has {len(got)} of the 20 good files' findings"


# ---- bounded cost: CPU time from n to 4n must grow about linearly ----------------------------

def many_functions(n):
    body = "".join(f"async def f{i}(x):\n    time.sleep(x)\n    return g{i}(x)\n"
                   for i in range(n))
    return "import time\n" + body


def long_function(n):
    body = "".join(f"    y{i} = x.call{i % 7}(y{i - 1} if {i} else 0)\n" for i in range(n))
    return "import time\nasync def big(x):\n" + body + "    time.sleep(1)\n"


def loop_exits(n):
    body = "".join(f"        g{i % 5}(x); break\n" for i in range(n))
    return "import time\nasync def big(xs):\n    for x in xs:\n" + body + "    time.sleep(1)\n"


def divisions(n):
    return ("import time\nimport numpy as np\nasync def big():\n    x = np.ones(3)" + " / 2" * n +
            "\n    time.sleep(1)\n")


def kept_exceptions(n):
    body = "".join("    try:\n        await r()\n    except asyncio.CancelledError as e:\n"
                   "        p = e\n" for _ in range(n // 4))
    return "import asyncio, time\nasync def big(r):\n" + body + "    time.sleep(1)\n    raise p\n"


def bad_bytes_on_one_line(n):
    return "x = 1\n" + "\0" * n + "\n"


def findings_on_one_line(n):
    return "import time\nasync def f(): " + "time.sleep(1); " * n + "\n"


def scaling(gen, n, findings):
    """setup writes gen(4n) as big.py; the check asserts its findings(4n) AL101
    findings, times gen(n) too and compares the CPU times."""
    def setup(d):
        write(d, "big.py", gen(4 * n))
        write(d, "small/small.py", gen(n))
        return ["big.py"]

    def check(d, r):
        got = len(re.findall(r"^big\.py:\d+:\d+: error: .*\[AL101\]$", r.out, re.M))
        if got != findings(4 * n):
            return f"big.py: {got} AL101 findings, expected {findings(4 * n)}"
        small = run([BINARY, "check", "--format", "gcc", "small/small.py"], d, 300)
        if small.rc not in (0, 1):
            return f"the {n} case exited {small.rc}"
        ratio = r.cpu / max(small.cpu, 0.05)
        note = f"cpu {small.cpu:.2f}s -> {r.cpu:.2f}s (x{ratio:.1f}), " \
               f"rss {small.rss_mb:.0f} -> {r.rss_mb:.0f} MiB"
        print(f"    {n} -> {4 * n}: {note}")
        return None if ratio < 8 else f"not linear: {note}"
    return setup, check


# ---- SARIF URIs, no code execution ------------------------------------------------------------

def sarif_tree(d):
    write(d, "proj/pkg/mod.py", KNOWN_BAD)
    return ["proj", os.path.join(d, "proj/pkg/mod.py")]


def sarif_relative(d, r):
    locations = []

    def walk(node):
        if isinstance(node, dict):
            if "artifactLocation" in node:
                locations.append(node["artifactLocation"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(json.loads(r.out))
    if not locations:
        return "no artifactLocation in the SARIF log"
    for loc in locations:
        uri = loc.get("uri", "")
        if uri.startswith("/") or ":" in uri or loc.get("uriBaseId") != "%SRCROOT%":
            return f"artifactLocation not relative to %SRCROOT%: {loc}"
    uris = {loc["uri"] for loc in locations}
    return None if "proj/pkg/mod.py" in uris else f"proj/pkg/mod.py missing from {sorted(uris)}"


EVIL = """import os, subprocess
open({m!r} + ".open", "w").write("ran")
os.system("touch " + {m!r} + ".system")
subprocess.run(["touch", {m!r} + ".subprocess"])
__import__("pathlib").Path({m!r} + ".import").touch()
"""


def evil_tree(d):
    m = os.path.join(d, "MARKER")
    for name in ("evil.py", "setup.py", "conftest.py", "sitecustomize.py", "pkg/__init__.py",
                 "pkg/__main__.py"):
        write(d, name, EVIL.format(m=m))
    write(d, "evil.pth", f"import os; os.system('touch {m}.pth')\n")
    return [".", "--extend-select", "ALL"]


def nothing_ran(d, r):
    ran = sorted(n for n in os.listdir(d) if n.startswith("MARKER"))
    return f"analysed code was executed: {ran}" if ran else None


def yaml_code(d):
    m = os.path.join(d, "MARKER")
    write(d, "pack.yaml", PACK_HEAD + rule() +
          f'    source: !!python/object/apply:os.system ["touch {m}.yaml"]\n')
    return ["--rules", "pack.yaml"]


# ---- the table ----------------------------------------------------------------------------------

def cases():
    fns, fns_chk = scaling(many_functions, 6250 if QUICK else 25000, lambda m: m)
    fnl, fnl_chk = scaling(long_function, 6250 if QUICK else 25000, lambda m: 1)
    one, one_chk = scaling(findings_on_one_line, 1000 if QUICK else 2000, lambda m: m)
    brk, brk_chk = scaling(loop_exits, 6250 if QUICK else 25000, lambda m: 1)
    div, div_chk = scaling(divisions, 6250 if QUICK else 25000, lambda m: 1)
    kept, kept_chk = scaling(kept_exceptions, 6250 if QUICK else 25000, lambda m: 1)
    nul, nul_chk = scaling(bad_bytes_on_one_line, 10000 if QUICK else 20000, lambda m: 0)
    tok = r"{}:{}:{}: error: {}"
    return [
        Case("NUL bytes", files({"nul.py": b"x = 1\0\ny = 2\n"}),
             message=tok.format(r"nul\.py", 1, 6, "source code cannot contain NUL bytes")),
        Case("invalid UTF-8", files({"bad_utf8.py": b"name\xc3 = 1\n"}),
             message=tok.format(r"bad_utf8\.py", 1, 5, "invalid UTF-8 .*")),
        Case("UTF-16 file with BOM", files({"utf16.py": KNOWN_BAD.encode("utf-16")}),
             message=tok.format(r"utf16\.py", 1, 1, ".*")),
        Case("100,000 nested brackets",
             parse_all(files({"nest.py": "x = " + "(" * 100000 + ")" * 100000 + "\n"})),
             message=tok.format(r"nest\.py", 1, r"\d+", r"too many nested parentheses.*")),
        Case(f"{5 if QUICK else 50} MB single line", long_line, rc=(1,), quiet=True, subject="long.py",
             check=long_line_check, timeout=300),
        Case("200 MB file (size limit)", huge_file,
             message=r"big\.py: error: file is 209715200 bytes, larger than the 64 MiB "
                     r"limit; skipped"),
        Case("binary file named .py", binary_file,
             message=tok.format(r"binary\.py", 1, r"\d+", ".*")),
        Case("empty file", files({"empty.py": ""}), quiet=True, subject="empty.py"),
        Case("file that is only a BOM", files({"bom.py": b"\xef\xbb\xbf"}), quiet=True, subject="bom.py"),
        Case("CRLF line endings", files({"crlf.py": KNOWN_BAD.replace("\n", "\r\n")}),
             quiet=True, subject="crlf.py", check=finding_at("crlf.py", 4, 5)),
        Case("lone CR line endings", files({"cr.py": KNOWN_BAD.replace("\n", "\r")}),
             quiet=True, subject="cr.py", check=finding_at("cr.py", 4, 5)),
        Case("unterminated string at EOF", parse_all(files({"unterm.py": 'x = "abc\n'})),
             message=tok.format(r"unterm\.py", 1, 5, "unterminated string literal.*")),
        Case("unterminated triple-quoted string at EOF", parse_all(files({"unterm3.py": 'x = """abc\n\n'})),
             message=tok.format(r"unterm3\.py", 1, 5, "unterminated triple-quoted string.*")),
        Case("unterminated f-string at EOF", parse_all(files({"untermf.py": 'x = f"abc{1 +\n'})),
             message=tok.format(r"untermf\.py", 1, r"\d+", "(unterminated f-string|'{' was "
                                                           "never closed).*")),
        Case("unterminated f-string, no final newline", parse_all(files({"untermf3.py": 'x = f"""abc{x'})),
             message=tok.format(r"untermf3\.py", 1, r"\d+", "(unterminated|'{' was never).*")),
        Case("tabs/spaces inconsistency", parse_all(files({"tabs.py": "if x:\n\tif y:\n        pass\n"})),
             message=tok.format(r"tabs\.py", 3, r"\d+", "inconsistent use of tabs and spaces "
                                                      "in indentation")),
        Case("syntax error in a file that cannot hold a finding: not parsed by default",
             syntax_only_when_asked, rc=(1,), quiet=True, subject="broken.py"),
        Case("the same with --parse-all", parse_all(syntax_only_when_asked), rc=(1,),
             message=tok.format(r"broken\.py", 1, 7, ".*")),
        Case("directory symlink loop", symlink_loop, check=symlink_loop_check,
             message=r"loop/sub/up: note: symbolic link loop.*"),
        Case("unreadable file", unreadable_file, as_nobody=True, skip=need_unprivileged,
             message=r"(.*/)?secret\.py: error: cannot open: Permission denied"),
        Case("unreadable directory", unreadable_dir, as_nobody=True, skip=need_unprivileged,
             message=r"(.*/)?tree/locked: error: cannot read directory: Permission denied"),
        Case("path that does not exist", lambda d: ["nonexist.py"], rc=(2,),
             message=r"nonexist\.py: error: no such file or directory"),
        Case("FIFO named on the command line", fifo, rc=(2,), timeout=30,
             message=r"fifo\.py: error: a FIFO, not a source file; skipped"),
        Case("FIFO met in a directory walk", fifo_walked, quiet=True, subject="pipe.py", timeout=30),
        Case("pack: YAML syntax error",
             pack(PACK_HEAD + rule().replace("[acme.sleep]", "[acme.sleep, x")), rc=(2,),
             message=tok.format(r"pack\.yaml", r"\d+", r"\d+", "did not find expected.*")),
        Case("pack: wrong types",
             pack(PACK_HEAD + rule().replace("severity: error", "severity: [error]")), rc=(2,),
             message=tok.format(r"pack\.yaml", 7, r"\d+", "rule 'ACME1': expected a string "
                                                        "for 'severity', found a list")),
        Case("pack: unknown engine", pack(PACK_HEAD + rule(check="banned-cal")), rc=(2,),
             message=tok.format(r"pack\.yaml", 6, 12, "rule 'ACME1': unknown check "
                                                    "'banned-cal'.*")),
        Case("pack: unknown engine, did you mean", pack(PACK_HEAD + rule(check="blocking-cal")),
             rc=(2,), message=tok.format(r"pack\.yaml", 6, 12, "rule 'ACME1': unknown check "
                                         "'blocking-cal' \\(did you mean 'blocking-call'\\?\\)")),
        Case("pack: unknown key", pack(PACK_HEAD + rule(extra="    colour: blue\n")), rc=(2,),
             message=tok.format(r"pack\.yaml", 11, 5, "rule 'ACME1': unknown key 'colour'.*")),
        Case("pack: duplicate rule id", pack(PACK_HEAD + rule() + rule(name="other")), rc=(2,),
             message=tok.format(r"pack\.yaml", r"\d+", r"\d+", "duplicate rule id 'ACME1'.*")),
        Case("pack: rule id of a default pack", pack(PACK_HEAD + rule(id="AL101")), rc=(2,),
             message=tok.format(r"pack\.yaml", 4, r"\d+", "duplicate rule id 'AL101' \\(first "
                                                        "defined at .*\\)")),
        Case("pack: YAML tags cannot run code", yaml_code, rc=(0, 1, 2), check=nothing_ran,
             known_bad=False),
        Case("broken .asynclint.yaml (syntax)", config_nearby("select: [AL1\nignore: x\n"),
             rc=(2,), message=tok.format(r"sub/\.asynclint\.yaml", r"\d+", r"\d+", ".+")),
        Case("broken .asynclint.yaml (key, value)",
             config_nearby("selct: [AL1]\nfail-on: sometimes\n"), rc=(2,),
             message=tok.format(r"sub/\.asynclint\.yaml", 1, 1, "unknown key 'selct' \\(did "
                                                             "you mean 'select'\\?\\)")),
        Case("broken --config file", lambda d: ["--config", write(d, "cfg.yaml", "select: [")],
             rc=(2,), known_bad=False,
             message=tok.format(r"cfg\.yaml", r"\d+", r"\d+", ".+")),
        Case("C file whose headers are missing", missing_headers,
             flaky=LSAN_TLS_CRASH if QUICK else None,
             message=r"missing\.c:1:10: (note|warning): .*nonexistent\.h.*"),
        Case("--output-file: write fails midway (EFBIG)", output_old, rc=(3,), fmt="json",
             preexec=small_fsize, known_bad=False, check=untouched_report,
             message=r"out/report\.json: error: cannot write: .*"),
        Case("--output-file: read-only directory", readonly_out_dir, rc=(3,), fmt="json",
             as_nobody=True, skip=need_unprivileged, known_bad=False, check=untouched_report,
             message=r"out/report\.json: error: cannot write: .*"),
        Case("--output-file: complete report", output_old, fmt="json", known_bad=False,
             check=complete_report, quiet=True, subject="report.json"),
        Case("many files, some hostile: complete report", mixed_tree, fmt="json",
             known_bad=False, check=mixed_report, max_diags=1 << 30,
             message=r"tree/huge\.py: error: file is 104857600 bytes, larger than the 64 MiB "
                     r"limit; skipped"),
        Case("100,000 functions: linear time", fns, check=fns_chk, timeout=300, quiet=True, subject="big.py"),
        Case("100,000-line function: linear time", fnl, check=fnl_chk, timeout=300,
             quiet=True, subject="big.py"),
        Case("100,000 loop exits in one block: linear", brk, check=brk_chk, timeout=300,
             quiet=True, subject="big.py"),
        Case("100,000 divisions of a typed value: linear", div, check=div_chk, timeout=300,
             quiet=True, subject="big.py"),
        Case("100,000 lines of handlers keeping the exception: linear", kept, check=kept_chk,
             timeout=300, quiet=True, subject="big.py"),
        Case("many findings on one line: linear", one, check=one_chk, timeout=300,
             quiet=True, subject="big.py"),
        Case("bad bytes on one line: linear", nul, check=nul_chk, timeout=300,
             subject="big.py", max_diags=1 << 30),
        Case("SARIF URIs relative to %SRCROOT%", sarif_tree, fmt="sarif", known_bad=False,
             check=sarif_relative, quiet=True, subject="mod.py"),
        Case("analysed code is never executed", evil_tree, rc=(0, 1), check=nothing_ran,
             known_bad=False),
    ] + regression_cases()


def regression_cases():
    """tests/regress/<harness>/*: every fuzzer crash, replayed through the binary."""
    out = []
    root = os.path.join(SOURCE, "tests", "regress")
    for harness in ("pytok", "pyparse", "pipeline", "rules", "config"):
        folder = os.path.join(root, harness)
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        for name in names:
            if name.startswith("README"):
                continue
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            label = f"regress/{harness}/{name}"
            if harness == "rules":
                setup, rc = (lambda d, b=data: ["--rules", write(d, "r.yaml", b, "wb")]), (0, 1, 2)
            elif harness == "config":
                setup, rc = config_nearby_bytes(data), (0, 1, 2)
            else:
                setup, rc = files({"regress.py": data}), (0, 1)
            out.append(Case(label, setup, rc=rc, subject="regress.py" if rc == (0, 1) else None,
                            timeout=120))
    return out


def config_nearby_bytes(data):
    def setup(d):
        write(d, "sub/.asynclint.yaml", data, "wb")
        write(d, "sub/x.py", KNOWN_BAD)
        return ["sub"]
    return setup


# ---- running a case -------------------------------------------------------------------------------

def check_result(case, d, r):
    """The first broken promise of case for result r, or None."""
    if r.timed_out:
        return f"no answer within {case.timeout:.0f}s (hang)"
    if SANITIZER.search(r.err):
        return "sanitizer report: " + SANITIZER.search(r.err).group(0)
    if r.rc is None or r.rc < 0:
        return f"killed by signal {-r.rc if r.rc else '?'}"
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    bad = [ln for ln in lines if not DIAG_LINE.match(ln)]
    if bad:
        return f"stderr line is not a diagnostic: {bad[0][:80]!r}"
    if case.message and not any(re.fullmatch(case.message, ln) for ln in lines):
        return f"no stderr line matches /{case.message}/"
    about = [ln for ln in lines if case.subject and case.subject in ln.split(":")[0]]
    if case.quiet and about:
        return f"unexpected diagnostic: {about[0][:80]}"
    if len(about) > case.max_diags:
        return f"{len(about)} diagnostics about {case.subject} (a flood, max {case.max_diags})"
    if r.rc not in case.rc:
        return f"exit code {r.rc}, expected {' or '.join(map(str, case.rc))}"
    if case.known_bad and not KNOWN_FINDING.search(r.out):
        return "the finding of known_bad.py (another file) was lost"
    return case.check(d, r) if case.check else None


def subject_of(case, args):
    if case.subject:
        return case.subject
    paths = [a for a in args if not a.startswith("-") and "." in os.path.basename(a)]
    return os.path.basename(paths[0]) if paths else None


def run_case(case):
    """Returns (status, message shown, exit code, detail)."""
    reason = case.skip() if case.skip else None
    if reason:
        return "SKIP", "", "-", reason
    d = tempfile.mkdtemp(prefix="asynclint-hostile-")
    try:
        os.chmod(d, 0o755)
        args = case.setup(d)
        case.subject = subject_of(case, args)
        cmd = [BINARY, "check", "--format", case.fmt, "--no-gitignore", "-j", "2"] + args
        if case.known_bad:
            write(d, "known_bad.py", KNOWN_BAD)
            cmd.append("known_bad.py")
        if case.as_nobody:
            cmd = nobody_prefix() + cmd
        r = run(cmd, d, case.timeout, case.preexec)
        problem = check_result(case, d, r)
        shown = next((ln for ln in r.err.splitlines()
                      if case.subject and case.subject in ln.split(":")[0]), "")
        if not shown and r.err.strip():
            shown = r.err.strip().splitlines()[0]
        status = status_of(case, problem, r.err)
        if status == "FAIL":  # enough of stderr to diagnose it from the CI log
            problem += "".join(f"\n      | {ln}" for ln in r.err.splitlines()[-8:])
        return status, shown, str(r.rc), problem
    finally:
        restore_permissions(d)
        shutil.rmtree(d, ignore_errors=True)


def status_of(case, problem, err):
    if case.flaky and problem and re.search(case.flaky[0], err):
        return "XFAIL"
    if case.xfail:
        return "XFAIL" if problem else "XPASS"
    return "FAIL" if problem else "pass"


def restore_permissions(d):
    for root, dirs, names in os.walk(d):
        for n in dirs + names:
            p = os.path.join(root, n)
            if not os.path.islink(p) and not stat.S_ISFIFO(os.lstat(p).st_mode):
                os.chmod(p, 0o755)
    for root, dirs, _ in os.walk(d):  # now every directory is readable
        for n in dirs:
            os.chmod(os.path.join(root, n), 0o755)


def main():
    global BINARY, SOURCE
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    BINARY = os.path.abspath(os.path.join(sys.argv[1], "asynclint"))
    SOURCE = os.path.abspath(sys.argv[2])
    only = sys.argv[3:]
    failed = 0
    print(f"{'case':44} | {'message':70} | exit | result")
    for case in cases():
        if only and not any(o.lower() in case.name.lower() for o in only):
            continue
        status, shown, rc, problem = run_case(case)
        print(f"{case.name[:44]:44} | {shown[:70]:70} | {rc:>4} | {status}", flush=True)
        if status in ("FAIL", "XPASS"):
            failed += 1
            detail = problem or f"passes now: remove xfail ({case.xfail})"
            print(f"    {status}: {detail}", flush=True)
        elif status in ("XFAIL", "SKIP"):
            print(f"    {status}: {problem + ' -- ' if problem else ''}"
                  f"{case.xfail or (case.flaky or ('', ''))[1]}", flush=True)
    print(f"hostile: {failed} failed")
    return 1 if failed else 0


BINARY = SOURCE = ""

if __name__ == "__main__":
    sys.exit(main())
