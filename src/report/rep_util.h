/* Helpers shared by the reporters (internal to src/report): severity names,
 * the summary sentence, UTF-8-safe jansson strings, and the path/URI handling
 * SARIF and GitHub need (paths relative to the source root, percent-escaped). */
#ifndef LINT_REPORT_REP_UTIL_H
#define LINT_REPORT_REP_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/arena.h"
#include "report.h"

/* `error`, `warning`, `note`. */
const char *rep_severity_name(Severity s);
/* Severity of f (error when f has no rule). */
Severity rep_severity(const Finding *f);
/* Rule id and name of f, "" when unknown (never NULL). */
const char *rep_rule_id(const Finding *f);
const char *rep_rule_name(const Finding *f);

/* `Found 3 errors.`, `Found 4 findings: 3 errors, 1 warning.`, or
 * `All checks passed!` when n == 0. In the arena. */
const char *rep_summary(Arena *a, const Finding *items, uint32_t n);

/* Copy of s with every invalid UTF-8 sequence replaced by U+FFFD (NULL -> "").
 * In the arena. */
char *rep_utf8_clean(Arena *a, const char *s);
/* A jansson string of s (NULL -> ""), invalid UTF-8 repaired as above. */
json_t *rep_jstr(const char *s);
/* A jansson integer. */
json_t *rep_jint(uint32_t v);
/* Dumps v indented by 2 with a final newline, then releases v. Returns false on
 * a stream error. */
bool rep_json_dump(FILE *out, json_t *v);

/* Paths of a report: the source root and cwd, absolute and normalised. */
typedef struct RepPaths {
    const char *cwd;  /* absolute, no trailing '/' (except "/") */
    const char *root; /* absolute, no trailing '/' (except "/") */
} RepPaths;

/* Resolves root (NULL: the cwd) against the cwd. Strings in a. */
void rep_paths_init(RepPaths *p, Arena *a, const char *root);
/* Absolute, lexically normalised path (`.`, `..`, `//` removed) of path. */
char *rep_abs_path(Arena *a, const RepPaths *p, const char *path);
/* path relative to the root (`src/a.py`), or NULL when it lies outside. */
char *rep_rel_path(Arena *a, const RepPaths *p, const char *path);
/* path percent-escaped for a URI: bytes outside [A-Za-z0-9-._~/] become %XX
 * (spaces, `%`, `#`, non-ASCII UTF-8 bytes...). */
char *rep_uri_escape(Arena *a, const char *path);

#endif
