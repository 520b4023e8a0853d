/* The C frontend (DESIGN.md 2): one C translation unit -> one language-neutral
 * Unit, through libclang. This header is the only C-frontend API the rest of
 * asynclint sees; no other directory may include <clang-c/Index.h>.
 *
 * Threading: one CfrontShared per run (compile databases, discovery cache;
 * internally locked) and one CfrontCtx per worker thread (it owns a CXIndex,
 * which libclang only allows one thread at a time to use). */
#ifndef LINT_LANG_C_CFRONT_H
#define LINT_LANG_C_CFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../base/diag.h"
#include "../../model/model.h"

typedef struct CfrontShared CfrontShared;
typedef struct CfrontCtx CfrontCtx;

typedef struct CfrontOptions {
    /* `-p BUILD_DIR` or `--compile-commands FILE` (a file: its directory is
     * loaded). NULL: look for compile_commands.json beside each input, walking
     * up its directories (DIR/ and DIR/build/ at each level). */
    const char *compdb;
    bool no_discovery; /* never look for a compile database (tests) */
    /* Appended to every command line (after the database's or the defaults). */
    const char *const *extra_args;
    uint32_t nextra;
} CfrontOptions;

/* Creates the run-wide state. With an explicit `compdb` that cannot be
 * loaded, reports `path: error: ...` to d and returns NULL (a usage error,
 * exit 2). Free with cfront_shared_free after every CfrontCtx is gone. */
CfrontShared *cfront_shared_new(const CfrontOptions *opt, Diag *d);
void cfront_shared_free(CfrontShared *sh);

/* One per worker thread; borrows sh. */
CfrontCtx *cfront_ctx_new(CfrontShared *sh);
void cfront_ctx_free(CfrontCtx *ctx);

/* Parses the C file `path` with the flags of its compile command (or the
 * defaults: -std=gnu17, -I of the file's directory and of the nearest
 * ancestor `include/`, GLib's include dirs when installed) and builds its Unit.
 *
 * `src`/`len`: when src is non-NULL it is the content of the file (stdin with
 * --stdin-filename; `path` then names it and need not exist) and becomes
 * Unit.src (borrowed: keep it alive as long as the Unit). When src is NULL
 * libclang reads the file and Unit.src is a copy in the Unit's arena.
 *
 * Problems go to d: at most a few parse errors as `path:line:col: error:`,
 * one `note: header 'uv.h' not found; ...` when includes are missing; what
 * parsed is analysed anyway. Returns NULL only when the file cannot be parsed
 * at all (unreadable, libclang failure), after reporting why. Offsets in the
 * Unit are bytes of the main file, 0-based. Free with unit_free. */
Unit *cfront_parse(CfrontCtx *ctx, const char *path, const char *src, size_t len, Diag *d);

/* Same, with an explicit command line (no database, no defaults besides
 * -resource-dir): for tests and callers that computed the flags themselves. */
Unit *cfront_parse_args(CfrontCtx *ctx, const char *path, const char *const *args, int nargs,
                        const char *src, size_t len, Diag *d);

/* What the frontend puts into the model for C (the contract for C engines):
 *
 * - funcs[0] is FN_MODULE `<file>` (file-scope initialisers); every function
 *   definition of the main file is FN_DEF with name == qualname, span, params
 *   (annotation = type spelling). A `static` function carries the decorator
 *   `static` (Function.decorators), which is how the project step tells
 *   file-local functions apart. Functions defined in project (non-system)
 *   headers, such as `static inline` helpers, are listed with the decorator
 *   `header`, no span and no sites (calls to them resolve, their bodies are
 *   not walked); system headers are never looked at.
 * - SITE_CALL: text = resolved = name of the called declaration after macro
 *   expansion (`evtimer_new(...)` is `event_new`); calls through pointers have
 *   text = the callee expression as written and resolved empty. off/end cover
 *   the call in the main file (a macro invocation's span when the call comes
 *   from a macro). args: ARG_FUNC (function, also `&f` and casts; text = name),
 *   ARG_NULL (NULL, 0, (void *)0), ARG_ADDR (&local, &local.member,
 *   &local[i] of an automatic variable; text = variable, type = spelling of the
 *   addressed object's type, `uv_timer_t`), ARG_NAME (variable; text = name,
 *   type = its type), ARG_LITERAL, ARG_CALL (site), ARG_OTHER. Arg.text for
 *   literals/others is the source text when it is in the main file (so a
 *   macro constant reads `F_SETLKW`). use: DISCARDED, BOUND (local; use_name),
 *   RETURNED, ARGUMENT (parent, arg_index), STORED (use_name = target text),
 *   ELEMENT (initialiser list), OPERAND.
 * - SITE_LOOP for for/while/do (not `do ... while (0)`): loop_kind LOOP_FOR or
 *   LOOP_WHILE; flags SITE_F_BOUNDED (constant bound) or SITE_F_INPUT_BOUND,
 *   plus SITE_F_TRUE_COND for `for (;;)` / `while (1)`.
 * - SITE_USE: a read of a local variable (text = name); `&t` handed directly to
 *   a call is the ARG_ADDR, not a use; write targets are not uses.
 * - SITE_FUNCREF: a function named as a value outside a call argument; text =
 *   name; field = the member assigned (`sa_handler`, libev's `cb`) or empty;
 *   use_name = `record.field` (`sigaction.sa_handler`, `ev_timer.cb`) when
 *   stored in a member (assignment or initialiser), else the variable. */

#endif
