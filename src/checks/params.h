/* Reading an engine's parameters from a rule's YAML map, with errors that point
 * at the YAML (`pack.yaml:line:col`). List parameters also collect the entries
 * that user packs add with `extend: <id>`. */
#ifndef LINT_CHECKS_PARAMS_H
#define LINT_CHECKS_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/diag.h"
#include "../rules/rules.h"
#include "callindex.h"

/* Rejects every key of the rule (and of its extensions) that is neither rule
 * metadata nor in `allowed` (NULL-terminated), with a "did you mean". */
bool chk_params_validate(const Rule *r, const char *const *allowed, Diag *d);
/* The items of list parameter `key` from the rule and its extensions, in order
 * (a single scalar counts as a list of one). Result in the arena; false on a
 * shape error (reported). */
bool chk_param_items(const Rule *r, const char *key, Arena *a, Diag *d, const YNode ***out,
                     uint32_t *n);
/* Adds the call patterns of list parameter `key` (owner = r, marked `exclude`)
 * to `into` (not rebuilt: call chk_idx_build after the last one). With
 * `required`, an empty or absent list is an error. */
bool chk_param_patterns(const Rule *r, const char *key, bool exclude, bool required, Arena *a,
                        Diag *d, CallIndex *into);
/* The `contexts` list (async | loop | signal | threadpool) as CTX_* bits; at
 * least one is required. */
bool chk_param_contexts(const Rule *r, Arena *a, Diag *d, uint32_t *bits);
/* A boolean parameter (`true`/`false`); *out keeps its default when absent. */
bool chk_param_bool(const Rule *r, const char *key, Diag *d, bool *out);
/* Edit distance, for "did you mean" hints. */
uint32_t chk_edit_distance(const char *a, const char *b);
/* The closest of `candidates` (NULL-terminated) to s within distance 3, or NULL. */
const char *chk_closest(const char *s, const char *const *candidates);

#endif
