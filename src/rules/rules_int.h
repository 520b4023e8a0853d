/* Internals shared by the files of the rule pack loader (rules.c: packs and
 * files; rules_rule.c: one rule's metadata; rules_select.c: lookup, order and
 * selection). Not for use outside src/rules/. */
#ifndef LINT_RULES_RULES_INT_H
#define LINT_RULES_RULES_INT_H

#include <stdbool.h>

#include "../base/vec.h"
#include "rules.h"

/* An `extend: <id>` entry waiting for its target rule (resolved once every pack
 * of a load call is in, so a directory's packs may extend each other). */
typedef struct RulesPending {
    const YNode *entry;  /* the MAP with `extend:` and engine parameters */
    const YNode *target; /* the `extend:` value node */
    const Pack *pack;
    bool attach; /* false when the extension's own file had errors */
} RulesPending;

typedef Vec(RulesPending) RulesPendingVec;
typedef Vec(Rule *) RulesRuleVec;

/* State while one pack file is read. Rules are collected in `rules` and only
 * join the RuleSet if the whole file is valid, so a RuleSet never holds half a
 * pack. */
typedef struct RulesLoader {
    RuleSet *rs;
    Diag *d;
    Pack *pack;
    bool ok;                 /* no error so far in this file */
    RulesRuleVec rules;      /* this file's valid rules */
    RulesPendingVec pending; /* this file's extensions */
} RulesLoader;

/* Reads the rule map n (the idx-th entry of `rules:`, 1-based) into a new Rule,
 * or NULL after reporting. Extension entries are queued on L->pending instead
 * (and also return NULL, without error). */
Rule *rules_read_rule(RulesLoader *L, const YNode *n, uint32_t idx);
/* Checks an `extend:` entry and queues it on L->pending. */
void rules_read_extension(RulesLoader *L, const YNode *n);
/* Is id well formed: AL + three digits in embedded packs, else [A-Z]+[0-9]+. */
bool rules_id_valid(const char *id, bool embedded);
/* Orders ids by letters, then number, then bytes (AL99 < AL101). */
int rules_id_compare(const char *a, const char *b);
/* Sorts rs->rules by id and renumbers Rule.index. */
void rules_sort(RuleSet *rs);
/* Appends to a heap array that grows in powers of two (count before the push). */
void rules_push_ptr(void ***array, uint32_t *count, void *p);

#endif
