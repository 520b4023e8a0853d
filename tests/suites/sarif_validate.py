#!/usr/bin/env python3
"""SARIF suite: run asynclint on the fixtures with --format sarif, validate the log
against the official SARIF 2.1.0 schema (tests/data/sarif, Draft 4 through
python3-jsonschema), then check the rules GitHub code scanning applies on upload
that the schema does not express (non-empty rule help and descriptions, message
text on every result, repo-relative URIs with a uriBaseId, consistent ruleIndex,
partialFingerprints, sane regions, ...). Also checks that -j does not change a
byte of the output.

Usage: sarif_validate.py BUILD_DIR SOURCE_DIR
       sarif_validate.py --file LOG.sarif ROOT_DIR   (check an existing log)
Exit status: 0 pass (or skipped: no binary yet), 1 failures (listed on stdout).
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse

try:
    import jsonschema
except ImportError:  # the suite needs Debian's python3-jsonschema
    print("sarif_validate: FAIL: python3-jsonschema is not installed "
          "(apt-get install python3-jsonschema)")
    sys.exit(1)

LEVELS = {"none", "note", "warning", "error"}
PRECISIONS = {"very-high", "high", "medium", "low"}
ROOT_ID = "%SRCROOT%"
FINGERPRINT = "asynclint/v1"
MAX_RESULTS = 25000     # GitHub rejects runs with more results than this
MAX_TAGS = 20           # GitHub keeps at most this many tags per rule
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~/%!$&'()*+,;=:@]*$")


class Checker:
    """Collects failures with a JSON-path-like location."""

    def __init__(self):
        self.failures = []

    def check(self, cond, where, what):
        if not cond:
            self.failures.append(f"{where}: {what}")
        return cond


def text_of(obj):
    return obj.get("text") if isinstance(obj, dict) else None


def nonempty(s):
    return isinstance(s, str) and s.strip() != ""


def validate_schema(log, schema_path, c):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    for err in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path)
        c.failures.append(f"schema: /{path}: {err.message}")


def check_rule(rule, where, c):
    c.check(nonempty(rule.get("id")), where, "rule without id")
    c.check(nonempty(text_of(rule.get("shortDescription"))), where,
            "empty shortDescription.text")
    c.check(nonempty(text_of(rule.get("fullDescription"))), where,
            "empty fullDescription.text")
    help_ = rule.get("help") or {}
    c.check(nonempty(help_.get("text")), where, "empty help.text")
    c.check(nonempty(help_.get("markdown")), where, "empty help.markdown")
    uri = rule.get("helpUri")
    if uri is not None:
        c.check(re.match(r"^https?://", uri) is not None, where,
                f"helpUri is not an absolute http(s) URI: {uri!r}")
    level = (rule.get("defaultConfiguration") or {}).get("level")
    c.check(level in LEVELS, where, f"defaultConfiguration.level {level!r}")
    props = rule.get("properties") or {}
    tags = props.get("tags")
    c.check(isinstance(tags, list) and all(nonempty(t) for t in tags), where,
            "properties.tags must be a list of non-empty strings")
    if isinstance(tags, list):
        c.check(len(tags) == len(set(tags)), where, "duplicate tags")
        c.check(len(tags) <= MAX_TAGS, where, f"more than {MAX_TAGS} tags")
    c.check(props.get("precision") in PRECISIONS, where,
            f"properties.precision {props.get('precision')!r}")


def check_uri(loc, where, root_dir, c, must_exist=True):
    """artifactLocation: relative, percent-encoded, based on %SRCROOT%, existing."""
    art = ((loc or {}).get("physicalLocation") or {}).get("artifactLocation") or {}
    uri = art.get("uri")
    if not c.check(nonempty(uri), where, "artifactLocation.uri missing"):
        return
    c.check(not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) and not uri.startswith("/"),
            where, f"URI is not relative: {uri!r}")
    c.check(URI_CHARS.match(uri) is not None, where, f"URI is not percent-encoded: {uri!r}")
    c.check(art.get("uriBaseId") == ROOT_ID, where, f"uriBaseId is not {ROOT_ID}")
    if must_exist:
        path = os.path.join(root_dir, urllib.parse.unquote(uri))
        c.check(os.path.isfile(path), where, f"URI does not name a file under the root: {uri!r}")


def check_region(region, where, c):
    if not c.check(isinstance(region, dict), where, "region missing"):
        return
    sl, sc = region.get("startLine", 0), region.get("startColumn", 1)
    el, ec = region.get("endLine", sl), region.get("endColumn")
    c.check(sl >= 1, where, "startLine < 1")
    c.check(el >= sl, where, "endLine before startLine")
    if ec is not None and el == sl:
        c.check(ec >= sc, where, "endColumn before startColumn on one line")


def check_result(res, i, rules, root_dir, c):
    where = f"results[{i}]"
    rid, idx = res.get("ruleId"), res.get("ruleIndex")
    c.check(nonempty(rid), where, "ruleId missing")
    if c.check(isinstance(idx, int) and 0 <= idx < len(rules), where,
               f"ruleIndex {idx!r} outside driver.rules"):
        c.check(rules[idx].get("id") == rid, where,
                f"ruleIndex {idx} names {rules[idx].get('id')!r}, ruleId is {rid!r}")
    c.check(res.get("level", "warning") in LEVELS, where, "bad level")
    c.check(nonempty(text_of(res.get("message"))), where, "empty message.text")
    locs = res.get("locations") or []
    if c.check(len(locs) >= 1, where, "no locations"):
        check_uri(locs[0], where + ".locations[0]", root_dir, c)
        check_region((locs[0].get("physicalLocation") or {}).get("region"),
                     where + ".locations[0]", c)
    fps = res.get("partialFingerprints") or {}
    c.check(nonempty(fps.get(FINGERPRINT)), where, f"partialFingerprints.{FINGERPRINT} missing")
    for f, flow in enumerate(res.get("codeFlows") or []):
        for t, tf in enumerate(flow.get("threadFlows") or []):
            steps = tf.get("locations") or []
            w = f"{where}.codeFlows[{f}].threadFlows[{t}]"
            c.check(len(steps) >= 1, w, "empty thread flow")
            for s, step in enumerate(steps):
                check_uri(step.get("location"), f"{w}.locations[{s}]", root_dir, c)
    for f, fix in enumerate(res.get("fixes") or []):
        w = f"{where}.fixes[{f}]"
        c.check(nonempty(text_of(fix.get("description"))), w, "fix without description")
        for change in fix.get("artifactChanges") or []:
            check_uri({"physicalLocation": {"artifactLocation":
                                            change.get("artifactLocation")}}, w, root_dir, c)
            for rep in change.get("replacements") or []:
                check_region(rep.get("deletedRegion"), w, c)


def check_run(run, root_dir, c):
    driver = (run.get("tool") or {}).get("driver") or {}
    c.check(driver.get("name") == "asynclint", "driver", "name is not asynclint")
    c.check(nonempty(driver.get("version")), "driver", "version missing")
    rules = driver.get("rules") or []
    ids = [r.get("id") for r in rules]
    c.check(len(ids) == len(set(ids)), "driver.rules", "duplicate rule ids")
    for i, rule in enumerate(rules):
        check_rule(rule, f"driver.rules[{i}] ({rule.get('id')})", c)
    base = (run.get("originalUriBaseIds") or {}).get(ROOT_ID) or {}
    buri = base.get("uri", "")
    c.check(buri.startswith("file:///") and buri.endswith("/"), "originalUriBaseIds",
            f"{ROOT_ID} must be an absolute file:// URI ending in '/': {buri!r}")
    c.check(run.get("columnKind") == "unicodeCodePoints", "run", "columnKind")
    c.check(nonempty((run.get("automationDetails") or {}).get("id")), "run",
            "automationDetails.id missing")
    for inv in run.get("invocations") or []:
        c.check(isinstance(inv.get("executionSuccessful"), bool), "invocations",
                "executionSuccessful missing")
        for n, note in enumerate(inv.get("toolExecutionNotifications") or []):
            c.check(nonempty(text_of(note.get("message"))), f"notifications[{n}]",
                    "empty message")
    results = run.get("results")
    if not c.check(isinstance(results, list), "run", "results missing"):
        return
    c.check(len(results) <= MAX_RESULTS, "run", f"more than {MAX_RESULTS} results")
    for i, res in enumerate(results):
        check_result(res, i, rules, root_dir, c)
    fps = [(r.get("partialFingerprints") or {}).get(FINGERPRINT) for r in results]
    c.check(len(fps) == len(set(fps)), "results", "partialFingerprints are not unique")


def check_log(log, schema_path, root_dir):
    c = Checker()
    validate_schema(log, schema_path, c)
    c.check(log.get("version") == "2.1.0", "log", "version is not 2.1.0")
    runs = log.get("runs") or []
    if c.check(len(runs) == 1, "log", f"expected one run, found {len(runs)}"):
        check_run(runs[0], root_dir, c)
    return c


def run_asynclint(binary, source_dir, extra):
    cmd = [binary, "check", "--format", "sarif", *extra, os.path.join(source_dir, "fixtures")]
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run(cmd, cwd=source_dir, env=env, capture_output=True, timeout=1200)


def report(c, label):
    if c.failures:
        print(f"sarif_validate: FAIL ({label}): {len(c.failures)} problem(s)")
        for f in c.failures[:200]:
            print("  " + f)
        return 1
    print(f"sarif_validate: OK ({label})")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--file":
        here = os.path.dirname(os.path.abspath(__file__))
        schema = os.path.join(here, "..", "data", "sarif", "sarif-schema-2.1.0.json")
        with open(argv[2], encoding="utf-8") as f:
            log = json.load(f)
        return report(check_log(log, schema, os.path.abspath(argv[3])), argv[2])
    if len(argv) != 3:
        print(__doc__)
        return 1
    build_dir, source_dir = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    binary = os.path.join(build_dir, "asynclint")
    if not os.access(binary, os.X_OK):
        print(f"sarif_validate: SKIPPED: {binary} does not exist yet (build the asynclint "
              "target first); nothing was validated")
        return 0
    schema = os.path.join(source_dir, "tests", "data", "sarif", "sarif-schema-2.1.0.json")
    proc = run_asynclint(binary, source_dir, ["-j", "1"])
    if proc.returncode not in (0, 1):
        print(f"sarif_validate: FAIL: asynclint exited {proc.returncode} (expected 0 or 1)")
        print(proc.stderr.decode("utf-8", "replace")[-4000:])
        return 1
    try:
        log = json.loads(proc.stdout)
    except ValueError as e:
        print(f"sarif_validate: FAIL: output is not JSON: {e}")
        return 1
    c = check_log(log, schema, source_dir)
    nres = len(((log.get("runs") or [{}])[0]).get("results") or [])
    c.check((nres > 0) == (proc.returncode == 1), "exit code",
            f"exit {proc.returncode} with {nres} result(s): 1 means findings, 0 none")
    if nres == 0:
        print("sarif_validate: note: the fixtures produced no results; only the run-level "
              "structure was checked")
    again = run_asynclint(binary, source_dir, ["-j", "4"])
    c.check(again.returncode == proc.returncode and again.stdout == proc.stdout, "determinism",
            "output with -j 4 differs from -j 1")
    return report(c, f"{nres} results, exit {proc.returncode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
