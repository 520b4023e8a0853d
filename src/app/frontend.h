/* Frontend dispatch for the check run: one file in, one Unit out, whatever its
 * language. C needs per-thread libclang state (one CXIndex per worker), created
 * lazily so a Python-only run never touches libclang. Also names Python modules
 * from their paths (packages with and without __init__.py, src/ layouts). */
#ifndef LINT_APP_FRONTEND_H
#define LINT_APP_FRONTEND_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../base/str.h"
#include "../model/model.h"
#include "../model/types.h"
#include "cli.h"
#include "discover.h"

typedef struct AppFrontends AppFrontends;

/* `workers` is the most worker indices app_frontend_parse will see; py_types
 * (borrowed, may be NULL) the value types the Python parser resolves through. */
AppFrontends *app_frontends_new(const AppOptions *opt, unsigned workers, const TypeMap *py_types);
void app_frontends_free(AppFrontends *fe);
/* Parses src (borrowed; must outlive the Unit) as f's language. Problems go to d;
 * NULL when nothing could be analysed. Safe to call from worker `worker` only. */
Unit *app_frontend_parse(AppFrontends *fe, unsigned worker, const AppFile *f, const char *src,
                         size_t len, Diag *d);
/* Dotted module name of a Python file (`pkg/sub/mod.py` -> `pkg.sub.mod`, the
 * package root being the topmost directory that still has an __init__.py, or
 * the file's own directory; a leading `src/` is dropped), in a. NULL for C.
 * pk (may be NULL: ask the file system each time) remembers the answers. */
const char *app_module_name(Arena *a, AppPackages *pk, const char *path, Lang lang);

#endif
