/* Internal to the SARIF writer: the per-write state shared by rep_sarif.c (log,
 * run, results) and rep_sarif_rules.c (tool.driver.rules). */
#ifndef LINT_REPORT_REP_SARIF_H
#define LINT_REPORT_REP_SARIF_H

#include "rep_util.h"

typedef struct SarifState {
    Arena arena; /* scratch strings of this write */
    RepPaths paths;
    const RepContext *ctx;
    const Rule **rules; /* driver.rules in emitted order; ruleIndex = position */
    uint32_t nrules;
} SarifState;

/* Chooses driver.rules: every enabled rule of ctx->rules in RuleSet order, then
 * any other rule a finding names (sorted by id). */
void rep_sarif_pick_rules(SarifState *s, const Finding *items, uint32_t n);
/* The reportingDescriptor array for s->rules. */
json_t *rep_sarif_rules_json(SarifState *s);
/* Index of r in s->rules (matched by pointer, then id), or -1. */
int32_t rep_sarif_rule_index(const SarifState *s, const Rule *r);
/* {"uri", "uriBaseId"} relative to %SRCROOT%, or an absolute file:// URI when the
 * path lies outside the root or ctx->absolute_uris is set. */
json_t *rep_sarif_artifact(SarifState *s, const char *path);

#endif
