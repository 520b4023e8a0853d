/* Lexical path helpers shared by config lookup, file discovery and the report
 * writers: walking the segments of a `/`-separated path without touching the
 * file system (symlinks are never resolved, so results depend on the text). */
#ifndef LINT_BASE_PATH_H
#define LINT_BASE_PATH_H

#include <stdbool.h>

#include "str.h"

/* The next segment of *p, skipping separators and `.` segments; advances *p.
 * `..` is returned as a segment (callers fold it or keep it). False at the end. */
bool path_next_segment(const char **p, Str *seg);
/* Whether seg is `..`. */
bool path_is_parent(Str seg);

#endif
