/* Diagnostic sink: problems with the *input* (unreadable files, syntax errors,
 * bad YAML). Every module that can meet bad input reports through an explicit
 * Diag; nothing prints on its own. Messages are kept in order and printed by the
 * app as `path:line:col: severity: message` (1-based line and column, columns in
 * code points; 0 means "unknown" and is omitted). A Diag is owned by one thread. */
#ifndef LINT_BASE_DIAG_H
#define LINT_BASE_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vec.h"

typedef enum { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR } DiagLevel;

typedef struct DiagMsg {
    DiagLevel level;
    char *path; /* heap copy, may be NULL */
    uint32_t line, col;
    char *text; /* heap copy */
} DiagMsg;

typedef struct Diag {
    Vec(DiagMsg) msgs;
    uint32_t errors;
} Diag;

void diag_init(Diag *d);
void diag_free(Diag *d);
void diag_report(Diag *d, DiagLevel level, const char *path, uint32_t line, uint32_t col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Moves every message of src to the end of dst (src is left empty). */
void diag_move(Diag *dst, Diag *src);
/* Writes every message, one per line, in report order. */
void diag_print(const Diag *d, FILE *out);
const char *diag_level_name(DiagLevel level);

#endif
