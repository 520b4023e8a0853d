/* Reading whole files and stdin into memory, with a size cap. Problems
 * (missing, unreadable, a directory, a FIFO, too large) become one diagnostic. */
#ifndef LINT_BASE_FILE_H
#define LINT_BASE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Largest source file analysed, in bytes; bigger files are skipped with a message. */
#define FILE_MAX_BYTES ((size_t)64 * 1024 * 1024)

/* Reads `path` into a heap buffer (*out, NUL-terminated, caller frees with xfree)
 * of *len bytes. On failure returns false and reports to d under `path`. */
bool file_read_all(const char *path, char **out, size_t *len, Diag *d);
/* Same for an open stream (stdin); `name` is used in diagnostics. */
bool file_read_stream(FILE *f, const char *name, char **out, size_t *len, Diag *d);
/* Writes data to path atomically: a temporary file beside it, then rename.
 * Returns false (and reports) if anything fails; the old file is then untouched. */
bool file_write_atomic(const char *path, const char *data, size_t len, Diag *d);

#endif
