/* Comments of a C source buffer for the suppression pass (`// NOLINT(AL101)`,
 * `// NOLINTNEXTLINE(AL101)`, also in block comments): a small scanner that knows string and
 * character literals, line splices and both comment forms. Independent of libclang, so it sees the
 * file as written (comments inside `#if 0` included). */
#ifndef LINT_LANG_C_CFRONT_COMMENTS_H
#define LINT_LANG_C_CFRONT_COMMENTS_H

#include "../../model/model.h"

/* Fills u->comments (in the Unit's arena) from u->src, in source order. */
void cfront_scan_comments(Unit *u);

#endif
