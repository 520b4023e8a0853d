/* Python frontend entry point: tokenizer + light recursive-descent parser that
 * fills one Unit of the model (DESIGN.md 2). It recognises just what the checks
 * need — scopes, imports, calls and how their results are used, loops, with
 * items, except handlers, name bindings — and skips the rest. Bad syntax becomes
 * a diagnostic and an error region; the parser resynchronises at the next
 * logical line and never recurses without a bound. */
#ifndef LINT_LANG_PYTHON_PYPARSE_H
#define LINT_LANG_PYTHON_PYPARSE_H

#include <stdint.h>

#include "../../base/diag.h"
#include "../../model/model.h"
#include "../../model/types.h"

/* Parses src[0..len) (borrowed: must outlive the Unit) into a new Unit owned by
 * the caller (unit_free). Never returns NULL: syntax errors are reported to d as
 * `path:line:col: error: ...` (at most PYPARSE_MAX_ERRORS per file) and counted
 * in Unit.parse_errors; the rest of the file is still modelled. */
Unit *pyparse_unit(const char *path, const char *src, uint32_t len, Diag *d);
/* The same, resolving value types through `types` (the packs' `returns`; NULL:
 * none): `root.parent.read_text()` on a `root: Path` is `pathlib.Path.read_text`. */
Unit *pyparse_unit_typed(const char *path, const char *src, uint32_t len, const TypeMap *types,
                         Diag *d);

/* The same for many files, one after another (one PyParser per thread): the
 * parser's token buffer, work vectors and name tables are kept from a file to
 * the next instead of allocated, zeroed and freed for each. */
typedef struct PyParser PyParser;
PyParser *pyparse_new(const TypeMap *types); /* types: as pyparse_unit_typed */
Unit *pyparse_parse(PyParser *pp, const char *path, const char *src, uint32_t len, Diag *d);
void pyparse_free(PyParser *pp);

#define PYPARSE_MAX_ERRORS 5
/* Expression/statement nesting bound (CPython's parser has a similar cap). */
/* Counted in recursion frames (2-3 per bracket), so that the 200 nested brackets
 * CPython accepts always fit; the worker threads' 8 MiB stacks hold it easily. */
#define PYPARSE_MAX_DEPTH 1000

#endif
