/* Which Python files a check run parses. A file that holds neither `async`
 * nor `await` has no async context, so the rules that report only there
 * (blocking calls, swallowed cancellation, ...) cannot report in it; the
 * others report in it only where it calls what they look for (ChkTriggers).
 * Such a file is read, its words are kept (pyscan), and it is parsed only
 * when one of them is a trigger, or when a parsed file names its module (a
 * helper an async function calls, a base class, a re-export): rounds go on
 * until no parsed file needs another. The findings are those of parsing
 * every file (--parse-all, which tests/suites compare against); a skipped
 * file's syntax errors are not reported. */
#ifndef LINT_APP_SELECT_H
#define LINT_APP_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../checks/registry.h"
#include "../model/project.h"

typedef struct AppSelect AppSelect;

/* modules[i]: file i's Python module name or NULL (borrowed, outlives the
 * selector); NULL modules for a run with no Python. */
AppSelect *app_select_new(const ChkEnv *env, const char *const *modules, uint32_t nfiles);
void app_select_free(AppSelect *s);
/* Whether Python file i (src: its bytes) must be parsed in the first round;
 * if not, its words are kept for the next rounds. Safe from any worker, once
 * per file. */
bool app_select_first(AppSelect *s, uint32_t i, const char *src, size_t len);
/* Whether file i is in the sample the first round reads before the others
 * (every 8th file), and then, from the sample's sizes, whether choosing can
 * pay: when its files without async are no bigger than those it must parse,
 * the others are all parsed at once, without a scan, as in --parse-all.
 * Deterministic: the sample is fixed by the file order. */
bool app_select_sample(const AppSelect *s, uint32_t i);
void app_select_predict(AppSelect *s);
/* After a round: learns what the files parsed so far (pfs, n: those of the
 * earlier calls first, in the same order) define and name, and returns how
 * many files the next round must parse, their indices in *next (owned by s,
 * valid until the next call). 0: every file needed has been parsed. */
uint32_t app_select_next(AppSelect *s, ProjectFile *const *pfs, uint32_t n, const uint32_t **next);

#endif
