/* Reporters (SPEC "Outputs"): the only code that writes results. Each writer
 * takes a list that went through finding_sort + finding_dedupe and the filters
 * (suppression, baseline) and writes it to a FILE * the caller owns; nothing here
 * sorts, filters or prints to stdout/stderr on its own. The same input gives
 * byte-identical output. Formats: text, gcc, json (docs/json-format.md), github
 * workflow commands, SARIF 2.1.0. Baseline files are read and written here too,
 * since they are JSON (see findings/baseline.h for their semantics). */
#ifndef LINT_REPORT_REPORT_H
#define LINT_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/diag.h"
#include "../checks/finding.h"
#include "../findings/baseline.h"
#include "../rules/rules.h"

typedef enum { REP_TEXT, REP_GCC, REP_JSON, REP_GITHUB, REP_SARIF } RepFormat;

/* What a writer needs besides the findings. Start from rep_context_init. */
typedef struct RepContext {
    const RuleSet *rules;    /* SARIF tool.driver.rules: every enabled rule (plus any rule a
                                finding names); NULL: only the rules findings name */
    const Diag *diag;        /* input problems, for SARIF toolExecutionNotifications; may be NULL */
    const char *source_root; /* directory %SRCROOT% stands for (SARIF URIs, github `file=`);
                                relative to the cwd or absolute; NULL: the cwd */
    const char *tool_version;    /* driver.version / semanticVersion; NULL: "0.0.0" */
    const char *information_uri; /* driver.informationUri (absolute URI); NULL: omitted */
    const char *help_uri_base;   /* rule docs page: helpUri = base + "#al101" for a rule without
                                    `help_uri`; NULL: helpUri only from the pack */
    const char *automation_id;   /* SARIF automationDetails.id; NULL: "asynclint/" */
    bool color;                /* text: ANSI colours (caller decides: TTY && !NO_COLOR, --color) */
    bool summary;              /* text: final "Found ..." line; github: a summary notice */
    bool absolute_uris;        /* SARIF: absolute file:// URIs instead of %SRCROOT%-relative */
    bool execution_successful; /* SARIF invocations[0].executionSuccessful */
} RepContext;

/* Zeroes ctx, then summary = true and execution_successful = true. */
void rep_context_init(RepContext *ctx);

/* `text`, `gcc`, `json`, `github`, `sarif` (exact, lower case). False if unknown. */
bool rep_parse_format(const char *name, RepFormat *out);
const char *rep_format_name(RepFormat fmt);

/* Writes items[0..n) in fmt to out. Returns false if the stream reported an
 * error (closed pipe, full disk); the caller reports it. */
bool rep_write(FILE *out, RepFormat fmt, const Finding *items, uint32_t n, const RepContext *ctx);

/* rep_write into memory, then file_write_atomic(path): a crash or a full disk
 * never leaves a truncated report. On failure reports `path: cannot write: ...`
 * to d and returns false (the old file is untouched). */
bool rep_write_to_path(const char *path, RepFormat fmt, const Finding *items, uint32_t n,
                       const RepContext *ctx, Diag *d);

/* text: for each finding `path:line:col: severity: message [AL101]`, then the
 * source line and a caret line (`^~~~` from col to end_col when on the same line)
 * in gcc's gutter style, then one `path:line:col: note: calls `x` in `f`` per
 * chain step. Then, when ctx->summary, one line: `Found 3 errors.`, `Found 4
 * findings: 3 errors, 1 warning.` or `All checks passed!`; when ctx->diag has
 * errors in files (syntax errors, unreadable files), `No findings, but 1 file
 * had errors (on stderr) and was checked only in part.` instead of the last,
 * and that sentence after the others. Everything goes to
 * `out` (stdout in the CLI, as ruff does). Lines and columns: 1-based, columns in
 * code points. */
bool rep_text_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx);
/* gcc: only the first line of each finding, no colour, no summary. */
bool rep_gcc_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx);
/* json: one array of objects, schema in docs/json-format.md. */
bool rep_json_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx);
/* github: `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=AL101
 * blocking-sleep::message` per finding (warning -> ::warning, note -> ::notice),
 * escaped as GitHub requires; chain steps are extra message lines. When
 * ctx->summary and n > 0, a final `::notice title=asynclint::Found ...` line. */
bool rep_github_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx);
/* SARIF 2.1.0, one run (see rep_sarif.c for the mapping). */
bool rep_sarif_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx);

/* --statistics: one row per rule that has findings, most frequent first (then
 * by id): `count<TAB>id<TAB>name` with the count right-aligned, like ruff. With
 * json, an array of {"code", "name", "count"} instead. */
bool rep_statistics_write(FILE *out, const Finding *items, uint32_t n, bool json);

/* Baseline file (`--write-baseline`), deterministic JSON:
 *   {"version": 1, "tool": "asynclint", "entries": [{"rule", "path", "key",
 *    "count", "function", "message"}, ...]}   sorted by path, rule, key.
 * `function` and `message` are for people reading the file; matching uses rule,
 * path and key only. Writes the entries of b (finished first). */
bool rep_baseline_write(FILE *out, Baseline *b);
/* Builds a baseline of items[0..n) and writes it to path atomically. Reports a
 * failure to d and returns false. */
bool rep_baseline_save(const char *path, const Finding *items, uint32_t n, Diag *d);
/* Initialises b and reads a baseline file into it. On any problem (unreadable,
 * not JSON, wrong version, missing or mistyped field) reports
 * `path[:line:col]: error: baseline: ...` to d and returns false (exit code 2);
 * b is then empty. Either way the caller releases b with baseline_free. */
bool rep_baseline_load(Baseline *b, const char *path, Diag *d);

#endif
