/* Where C callbacks run (DESIGN.md "Context rules"): the `registrars` tables
 * of the C packs say which argument of which call is a callback and in which
 * context it runs (loop, threadpool, signal), or which struct member receives
 * one (`sigaction.sa_handler`, libev's `ev_timer.cb`). This module compiles
 * those tables once and finds the registrations a C Unit makes, for the
 * project step (contexts across files) and for the C-only engines.
 *
 * Table format (one map per entry, in any C pack):
 *   - {call: uv_timer_start, arg: 1, context: loop, request-arg: 0}
 *   - {call: uv_fs_open, arg: 5, context: loop, null-cb: sync, request-arg: 1}
 *   - {field: sigaction.sa_handler, context: signal, via: sigaction}
 * `arg` is the 0-based callback argument; `request-arg` the request/handle
 * argument the loop keeps (AL204); `null-cb: sync` marks calls that run
 * synchronously when the callback is NULL (AL110). */
#ifndef LINT_CHECKS_C_CONTEXT_H
#define LINT_CHECKS_C_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../model/model.h"
#include "../model/project.h"
#include "../rules/rules.h"

typedef struct CctxEntry {
    const char *call;    /* registrar call, or NULL for a field entry */
    const char *field;   /* `record.field` a callback is stored into, or NULL */
    const char *via;     /* name shown for the registration (call, or `via:`) */
    int32_t arg;         /* callback argument index (call entries) */
    uint32_t context;    /* CTX_* bit */
    int32_t request_arg; /* argument the loop keeps alive, or -1 */
    bool null_sync;      /* NULL callback => synchronous */
} CctxEntry;

typedef struct CctxTable CctxTable;

/* One callback registration found in a Unit. */
typedef struct CctxReg {
    Str func;               /* the registered function's name (interned in the Unit) */
    uint32_t context;       /* CTX_* bit */
    const CctxEntry *entry; /* the table entry that matched */
    int32_t site;           /* the registering call or FUNCREF site */
    uint32_t off;           /* bytes: where the function is named */
} CctxReg;

/* Compiles the registrars tables of every C pack of rs into a table in `a`.
 * Reports malformed entries as `pack.yaml:line:col: error:` and returns NULL
 * if there was any. An empty table is valid. */
CctxTable *chk_cctx_load(const RuleSet *rs, Arena *a, Diag *d);

/* Entries for call name `callee` (several when a call takes several
 * callbacks); returns how many, pointers into the table. */
uint32_t chk_cctx_calls(const CctxTable *t, Str callee, const CctxEntry **out, uint32_t max);

/* The registrations u makes, in site order, into *out (allocated in a).
 * Returns the count. Calls match by resolved name with an ARG_FUNC at the
 * callback index (or a local bound to a function in the same function);
 * FUNCREF sites match field entries by `record.field`. */
uint32_t chk_cctx_find(const CctxTable *t, const Unit *u, Arena *a, CctxReg **out);

/* Appends u's registrations to pf->regs (strings copied into pf->arena). */
void chk_cctx_fill(const CctxTable *t, const Unit *u, ProjectFile *pf);

/* Helpers for the C engines' parameters. */
/* A `{call: NAME, arg: N}` map of rule r (N 0-based); reports shape errors. */
bool chk_cctx_call_arg(const Rule *r, const YNode *n, Diag *d, const char **call, int32_t *arg);
/* The call name a C site matches by (resolved callee), or empty. */
Str chk_cctx_callee(const Site *s);
/* Whether name is in the NULL-terminated list (entries ending in `*` are prefixes). */
bool chk_cctx_in_list(Str name, const char *const *list, uint32_t n);

#endif
