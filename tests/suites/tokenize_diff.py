#!/usr/bin/env python3
"""Differential test of the Python tokenizer against CPython's own tokenize.

Usage: tokenize_diff.py <build_dir> <source_dir>

Runs <build_dir>/pytok_dump over every .py file under the running Python's
stdlib directory and compares, token by token, the type and the start/end
positions (line, column in code points) with tokenize.tokenize(). Our
tokenizer follows the 3.12 rules; where the running Python is older, the
version differences listed in tests/suites/tokenize_diff_known.txt are
normalised here (each rule below names its entry there, and the script checks
that the two lists agree). Files that Python itself cannot tokenize are compared
up to the point where Python fails and counted. Any other difference fails the
test: the first mismatches are printed (file, token index, ours vs theirs).
"""
import io
import os
import subprocess
import sys
import sysconfig
import tempfile
import tokenize
from multiprocessing import Pool

SHOW = 15          # mismatches printed
VERBOSE = os.environ.get("TOKENIZE_DIFF_VERBOSE") == "1"
CHUNK = 150        # files per pytok_dump run
MERGE_FSTRINGS = sys.version_info < (3, 12)  # tokenize splits f-strings from 3.12 on

# Normalisations this script applies; each must be documented in the known file.
RULES = {
    "fstring-merged": "f-string tokens merged into one STRING (tokenize < 3.12)",
    "eof-newline-width": "implied NEWLINE at EOF: tokenize's end column is one past ours",
    "name-split": "identifier with non-\\w characters split by tokenize < 3.12",
    "eof-blank-line": "whitespace-only last line without a line break: no NL in tokenize < 3.12",
    "errortoken-blank": "tokenize < 3.12 yields an ERRORTOKEN for the blank before a bad character",
    "excluded": "whole file excluded, see the exclude lines",
}


def load_known(path):
    """Returns (documented rule ids, {relative path: reason} of excluded files)."""
    rules, excludes = set(), {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            kind, _, rest = line.partition(" ")
            name, _, reason = rest.partition(" -- ")
            if not reason.strip():
                sys.exit(f"tokenize_diff: {path}: entry without a reason: {line}")
            if kind == "rule":
                rules.add(name.strip())
            elif kind == "exclude":
                excludes[name.strip()] = reason.strip()
            else:
                sys.exit(f"tokenize_diff: {path}: unknown entry kind: {line}")
    return rules, excludes


def stdlib_files():
    root = sysconfig.get_paths()["stdlib"]
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                out.append(os.path.join(dirpath, name))
    return root, out


def python_tokens(path, used):
    """tokenize's tokens as (type, start, end), the error if it stopped early,
    and the source lines when the file is not UTF-8 (for column conversion)."""
    with open(path, "rb") as f:
        data = f.read()
    toks, error = [], None
    try:
        for t in tokenize.tokenize(io.BytesIO(data).readline):
            if t.type == tokenize.ERRORTOKEN and t.string.isspace() and MERGE_FSTRINGS:
                used["errortoken-blank"] += 1
                continue
            toks.append((tokenize.tok_name[t.type], t.start, t.end))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError) as e:
        error = f"{type(e).__name__}: {e}"
    lines = None
    if toks and toks[0][0] == "ENCODING":
        toks = toks[1:]
    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        enc = "utf-8"
    if enc not in ("utf-8", "utf-8-sig"):
        # split like tokenize's readline (at b"\n" only), then decode
        lines = [""] + [ln.decode(enc, "replace") for ln in io.BytesIO(data).readlines()]
    return toks, error, (enc, lines)


def fix_columns(toks, enc, lines):
    """Python's columns index the decoded text; ours count UTF-8 sequences of the
    raw bytes. For files in another encoding, re-measure Python's columns."""

    def conv(pos):
        ln, col = pos
        if ln >= len(lines):
            return pos
        raw = lines[ln][:col].encode(enc, "replace")
        return (ln, len(raw.decode("utf-8", "surrogateescape")))

    return [(n, conv(s), conv(e)) for n, s, e in toks]


def merge_fstrings(toks, used):
    """FSTRING_START ... FSTRING_END (nested ones included) -> one STRING."""
    out, depth, start = [], 0, None
    for n, s, e in toks:
        if n == "FSTRING_START":
            if depth == 0:
                start = s
            depth += 1
            continue
        if depth:
            if n == "FSTRING_END":
                depth -= 1
                if depth == 0:
                    out.append(("STRING", start, e))
                    used["fstring-merged"] += 1
            continue
        out.append((n, s, e))
    return out


def normalise_ours(toks, used):
    toks = merge_fstrings(toks, used) if MERGE_FSTRINGS else list(toks)
    out, eof_line = [], None
    for i, (n, s, e) in enumerate(toks):
        if n == "NEWLINE" and s == e:
            e = (e[0], e[1] + 1)
            used["eof-newline-width"] += 1
        elif (n == "NL" and s == e and MERGE_FSTRINGS and i > 0 and toks[i - 1][0] != "COMMENT"
              and all(k[0] in ("DEDENT", "ENDMARKER") for k in toks[i + 1:])):
            # the implied NL of a blank last line: tokenize < 3.12 has none, and
            # puts the DEDENTs and ENDMARKER at column 0 of that line
            used["eof-blank-line"] += 1
            eof_line = s[0]
            continue
        if eof_line is not None:
            s = e = (eof_line, 0)
        out.append((n, s, e))
    return out


def run_dump(dump, paths):
    with tempfile.NamedTemporaryFile("w", suffix=".lst", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        listfile = f.name
    try:
        r = subprocess.run([dump, "-l", listfile], capture_output=True)
    finally:
        os.unlink(listfile)
    if r.returncode not in (0, 1):
        return None, f"pytok_dump exited with {r.returncode}: {r.stderr[-500:]!r}"
    res, cur = {}, None
    for line in r.stdout.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("#FILE "):
            cur = res.setdefault(line[6:], [])
            continue
        name, a, b = line.split()
        sl, sc = a.split(",")
        el, ec = b.split(",")
        cur.append((name, (int(sl), int(sc)), (int(el), int(ec))))
    return res, None


def merge_split_name(ours_tok, theirs, i, used):
    """tokenize < 3.12 matches names with the regex \\w+, which stops at combining
    marks and other identifier characters that are not \\w (U+05B4, U+E0100):
    it yields several adjacent tokens where we (and 3.12) yield one NAME. Merges
    theirs[i..] in place when adjacent pieces rebuild our NAME exactly."""
    n, s, e = ours_tok
    if n != "NAME" or theirs[i][1] != s:
        return False
    j, end = i, theirs[i][2]
    while end != e and j + 1 < len(theirs) and theirs[j + 1][1] == end and \
            theirs[j + 1][0] in ("NAME", "ERRORTOKEN", "NUMBER"):
        j += 1
        end = theirs[j][2]
    if end != e or j == i:
        return False
    theirs[i:j + 1] = [("NAME", s, e)]
    used["name-split"] += 1
    return True


def compare_file(path, ours, used):
    """Returns (tokens compared, mismatch or None, python error or None)."""
    theirs, error, (enc, lines) = python_tokens(path, used)
    if lines is not None:
        theirs = fix_columns(theirs, enc, lines)
    ours = normalise_ours(ours, used)
    if error is not None:
        # Python stopped early: compare what it produced before failing, except
        # the last token it yielded (it may be cut by the failure).
        theirs = theirs[:-1]
        ours = ours[:len(theirs)]
    i = 0
    while i < max(len(ours), len(theirs)):
        a = ours[i] if i < len(ours) else None
        b = theirs[i] if i < len(theirs) else None
        if a != b and not (a and b and merge_split_name(a, theirs, i, used)):
            return i, (i, a, b), error
        i += 1
    return len(theirs), None, error


def work(args):
    dump, paths = args
    used = {k: 0 for k in RULES}
    ours_all, err = run_dump(dump, paths)
    results = []
    for p in paths:
        if err:
            results.append((p, 0, (0, err, None), None))
            continue
        n, mismatch, error = compare_file(p, ours_all.get(p, []), used)
        results.append((p, n, mismatch, error))
    return results, used


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tokenize_diff.py <build_dir> <source_dir>")
    build, source = sys.argv[1], sys.argv[2]
    dump = os.path.join(build, "pytok_dump")
    if not os.access(dump, os.X_OK):
        sys.exit(f"tokenize_diff: {dump} not found (build the pytok_dump target)")
    known_path = os.path.join(source, "tests", "suites", "tokenize_diff_known.txt")
    rules, excludes = load_known(known_path)
    if rules != set(RULES):
        sys.exit(f"tokenize_diff: rules in the script {sorted(RULES)} differ from those "
                 f"documented in {known_path}: {sorted(rules)}")
    root, files = stdlib_files()
    used = {k: 0 for k in RULES}
    todo = []
    for p in files:
        rel = os.path.relpath(p, root)
        if rel in excludes:
            used["excluded"] += 1
        else:
            todo.append(p)
    missing = [x for x in excludes if not os.path.exists(os.path.join(root, x))]
    chunks = [(dump, todo[i:i + CHUNK]) for i in range(0, len(todo), CHUNK)]
    compared = mismatches = python_failed = 0
    shown = []
    with Pool(2) as pool:
        for results, u in pool.imap(work, chunks):
            for k, v in u.items():
                used[k] += v
            for p, n, mismatch, error in results:
                compared += n
                python_failed += error is not None
                if error is not None and VERBOSE:
                    print(f"python failed: {os.path.relpath(p, root)}: {error}")
                if mismatch:
                    mismatches += 1
                    if len(shown) < SHOW:
                        shown.append((os.path.relpath(p, root), mismatch, error))
    for rel, (i, a, b), error in shown:
        print(f"MISMATCH {rel}: token {i}: ours {a} theirs {b}" +
              (f" (python: {error})" if error else ""))
    known = sum(used.values())
    print(f"tokenize_diff: stdlib {root} (Python {sys.version.split()[0]}); "
          f"{python_failed} files Python cannot tokenize fully (compared up to its failure); "
          f"excluded {used['excluded']}; per rule: " +
          ", ".join(f"{k}={v}" for k, v in used.items()))
    if missing:
        print(f"tokenize_diff: note: excluded files not present here: {missing}")
    print(f"tokenize_diff: {len(files)} files, {compared} tokens compared, "
          f"{known} known differences, {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
