#!/usr/bin/env python3
"""Every Python rule's documented examples behave as documented: the `bad`
example of `asynclint rule ID` is reported under that rule and the `good` one
is not. (C examples are fragments whose callbacks are registered elsewhere, so
only the Python ones can be checked in isolation.)

usage: rule_examples.py BUILD_DIR SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile


def blocks(doc):
    """The bad/good code of one `asynclint rule` section."""
    out, cur = {}, None
    for line in doc.split("\n"):
        if line in ("bad:", "good:"):
            cur = line[:-1]
            out[cur] = []
        elif cur and (line.startswith("    ") or line == ""):
            out[cur].append(line[4:])
        else:
            cur = None
    return {k: "\n".join(v).strip("\n") + "\n" for k, v in out.items()}


def findings(binary, rule, code, workdir):
    path = os.path.join(workdir, "example.py")
    with open(path, "w") as f:
        f.write(code)
    proc = subprocess.run([binary, "check", "--select", rule, "--format", "json", path],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{rule}: asynclint exited {proc.returncode}: {proc.stderr}")
    return [f["rule"] for f in json.loads(proc.stdout)]


def main():
    binary = os.path.join(sys.argv[1], "asynclint")
    listing = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True).stdout
    rules = sorted({l.split()[0] for l in listing.splitlines() if l.split()[3:4] == ["python"]})
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for rule in rules:
            doc = subprocess.run([binary, "rule", rule], capture_output=True, text=True).stdout
            python = doc.split("\n----\n")[0]
            ex = blocks(python)
            if "bad" not in ex or "good" not in ex:
                print(f"{rule}: no bad/good example")
                failed += 1
                continue
            bad, good = findings(binary, rule, ex["bad"], work), findings(binary, rule, ex["good"], work)
            if rule not in bad or rule in good:
                print(f"{rule}: bad example reports {bad or 'nothing'}, good example reports {good or 'nothing'}")
                failed += 1
            else:
                passed += 1
    print(f"rule_examples: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
