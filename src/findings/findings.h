/* The findings pass (DESIGN.md 7): once every check has run, the run's findings
 * are put in one total, deterministic order, exact repeats are dropped, and each
 * one gets a fingerprint that survives line shifts. Suppression (suppress.h) and
 * the baseline (baseline.h) filter the sorted list; reporters (report/) only ever
 * see a list that went through finding_sort + finding_dedupe. */
#ifndef LINT_FINDINGS_FINDINGS_H
#define LINT_FINDINGS_FINDINGS_H

#include <stdint.h>

#include "../base/arena.h"
#include "../checks/finding.h"

/* Hex digits of a key hash (FNV-1a 64). */
#define FINDING_HASH_HEX 16

/* Total order used for every report: path, line, column, rule id, message, then
 * end position, function, key, chain and fix, so two findings that compare equal
 * print identically in every format. NULL strings sort before "". */
int finding_cmp(const Finding *a, const Finding *b);

/* Sorts items[0..n) in place with finding_cmp (deterministic for any input order,
 * hence for any -j). */
void finding_sort(Finding *items, uint32_t n);

/* Drops a finding that repeats the previous one's rule, path, start, end and
 * message (two checks, or two passes, reporting the same thing). The list must be
 * sorted; the first of each run is kept. Returns the new count; order is kept. */
uint32_t finding_dedupe(Finding *items, uint32_t n);

/* The path as used in keys: leading "./" segments removed ("./a/b.py" and
 * "a/b.py" are the same file). Returns a pointer into `path` (never NULL). */
const char *finding_norm_path(const char *path);

/* The normalised key of f, never containing a line or column number:
 * rule id, normalised path, enclosing function and the whitespace-free snippet
 * (Finding.key when the check set one; else the primary line with every
 * whitespace byte removed; else the message). Fields are separated by 0x1F.
 * The string is allocated in `a`. */
char *finding_norm_key(Arena *a, const Finding *f);

/* FNV-1a 64 of finding_norm_key(f), as 16 lowercase hex digits + NUL in `out`. */
void finding_key_hash(const Finding *f, char out[FINDING_HASH_HEX + 1]);

/* Fingerprints of a sorted list, one per item: `<key hash>:<occurrence>`, where
 * occurrence is 1 for the first finding with that key hash in list order, 2 for
 * the next... (two identical calls in one function stay distinct). Used for SARIF
 * partialFingerprints ("asynclint/v1") and the JSON `fingerprint` field. The array
 * and strings live in `a`; NULL when n == 0. */
char **finding_fingerprints(Arena *a, const Finding *items, uint32_t n);

#endif
