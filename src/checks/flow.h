/* Local questions about one function that several engines ask of the model
 * (dangling-task, task-set, resource-leak): is a local read again after it
 * was bound, does the function declare a name `global`, is a bare name a
 * module-level binding, which call consumes the result of another. Plus the
 * parameter readers those engines share (a rule's private pattern index, a list
 * of method names).
 *
 * Answers come from the model first. Where the model has nothing to say (it
 * keeps no per-function table of local names, has no USE site for a load that
 * follows a rebinding to a non-call, and no trace of `global` statements) they
 * come from the identifiers of the source text. A FlowCtx indexes both once per
 * file (USE sites and identifier occurrences, by name), so every question costs
 * a binary search plus the occurrences of that one name. There is one FlowCtx
 * per Unit (chk_flow_of), shared by every engine that asks, freed with the
 * Unit: the index of a file is built at most once. */
#ifndef LINT_CHECKS_FLOW_H
#define LINT_CHECKS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../model/model.h"
#include "../rules/rules.h"
#include "callindex.h"

/* Where a bare name used in a function is bound. */
typedef enum {
    FLOW_BIND_UNKNOWN, /* no evidence either way */
    FLOW_BIND_LOCAL,   /* a parameter or an assignment of this function (or an enclosing one) */
    FLOW_BIND_GLOBAL,  /* a module-level assignment, or declared `global` here */
} FlowBinding;

typedef struct FlowCtx FlowCtx;

/* The context for questions about u, made on the first call and kept in the
 * Unit (its owner thread only, like the model's other lazy indexes); the index
 * (USE sites and source identifiers by name) is built on the first question. */
FlowCtx *chk_flow_of(const Unit *u);
/* The Unit fc indexes. */
const Unit *chk_flow_unit(const FlowCtx *fc);

/* The name a site is matched by: its resolved name, else its text. Unlike
 * chk_call_name this keeps names rooted at a local (`loop.create_task`), which
 * the engines' patterns (`*.loop.create_task`) are written for. */
Str chk_flow_site_name(const Site *s);
/* Whether call site s matches one of ix's patterns by chk_flow_site_name. A
 * name rooted at a local (`loop.create_task` with `loop` a parameter) is
 * matched against every pattern, not only `*.suffix` ones as in the shared
 * call pass: these engines' patterns name such locals on purpose (argument
 * conditions then do not hold for it). */
bool chk_flow_matches(const CallIndex *ix, const Unit *u, const Site *s);
/* Whether function `inner` is `outer` or nested (at any depth) inside it. */
bool chk_flow_within(const Unit *u, int32_t inner, int32_t outer);

/* Whether the local `name`, bound by site `bind`, is read again: a USE site of
 * that name after `bind` in the same function, or anywhere in that function's
 * loop that encloses `bind` (the next iteration reads it), or anywhere in a
 * function nested in it (a closure). If fn is not NULL, every such USE site
 * index is passed to it (stop early by returning false). The model only has
 * USE sites for loads that follow a call binding in source order, so loads it
 * misses (the name loaded earlier in an enclosing loop, or after a rebinding
 * to a non-call such as `t = None`) are found in the text and passed once as
 * FLOW_USE_UNKNOWN: a read the caller cannot classify. */
#define FLOW_USE_UNKNOWN UINT32_MAX
typedef bool (*FlowUseFn)(void *ctx, const Unit *u, uint32_t use_site);
bool chk_flow_read_after(FlowCtx *fc, uint32_t bind, Str name, FlowUseFn fn, void *ctx);
/* Whether function f has a `global` or `nonlocal` statement naming `name`. */
bool chk_flow_declared_global(FlowCtx *fc, int32_t f, Str name);
/* Whether the call site s bound to a name is the value of a chained
 * assignment (`self.t = t = make()`): the model keeps one of the targets only,
 * so the value may well be held by another one. Read from the text between
 * the start of s's line and s. */
bool chk_flow_chained(const Unit *u, const Site *s);
/* Where the bare `name` read in function f is bound (see FlowBinding). */
FlowBinding chk_flow_binding(FlowCtx *fc, int32_t f, Str name);

/* For a call site used as a receiver (`make().attr(...)`), the call made on its
 * result, or -1. */
int32_t chk_flow_outer_call(const Unit *u, uint32_t inner);
/* The last dotted component of a name (`self.tasks.add` -> `add`). */
Str chk_flow_last(Str name);
/* The name without its last component (`self.tasks.add` -> `self.tasks`), or
 * empty when it has none. */
Str chk_flow_receiver(Str name);

/* Builds the rule's private index of the patterns in list parameter `key` (and
 * its extensions), in the RuleSet arena. A missing key is an error only when
 * `required`. */
bool chk_flow_patterns(const Rule *r, const char *key, bool required, Arena *a, Diag *d,
                       CallIndex *out);
/* Reads list parameter `key` as plain identifiers (method names such as
 * `discard`), rejecting anything else. */
bool chk_flow_names(const Rule *r, const char *key, bool required, Arena *a, Diag *d,
                    const char ***out, uint32_t *n);
/* Whether s is one of the n names. */
bool chk_flow_in_names(Str s, const char *const *names, uint32_t n);

#endif
