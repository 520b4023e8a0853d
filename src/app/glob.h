/* Path globs for the configuration (`exclude`, `per-file-ignores`): fnmatch(3)
 * per path segment (FNM_PERIOD: `*` does not match a leading dot) plus `**`,
 * which matches any number of whole segments. Used by config.c for exclusion
 * during discovery and by the per-path ignores applied to findings. */
#ifndef LINT_APP_GLOB_H
#define LINT_APP_GLOB_H

#include <stdbool.h>

/* Does the whole `path` match `pattern`? Both use '/' as separator; empty
 * segments ("a//b", a leading or trailing '/') are ignored in both. `**` as a
 * whole segment matches zero or more segments, hidden ones included. Cost is
 * O(pattern segments x path segments) fnmatch calls (no exponential
 * backtracking, whatever the pattern). Never fails: a malformed pattern
 * simply does not match. */
bool app_glob_match(const char *pattern, const char *path);

/* Gitignore-like matching of a path relative to the directory the pattern
 * belongs to (ruff's `exclude` semantics):
 * - a pattern with no '/' except a trailing one (`*.pyi`, `tests`) matches any
 *   single component of relpath (a file name or a directory name);
 * - otherwise it is anchored at the start of relpath (`src/gen/x_*.py`);
 * - a pattern that matches a directory matches everything below it.
 * relpath must not contain `.` or `..` segments. */
bool app_glob_match_tree(const char *pattern, const char *relpath);

#endif
