/* Whether libclang can be used in this process (loaded on first call; see
 * clang_dl.h). Callers outside src/lang/c use this before cfront_shared_new:
 * when it fails, one error has been reported to d and C files must be skipped. */
#ifndef LINT_LANG_C_CFRONT_LOAD_H
#define LINT_LANG_C_CFRONT_LOAD_H

#include <stdbool.h>

#include "../../base/diag.h"

bool cfront_clang_available(Diag *d);

#endif
