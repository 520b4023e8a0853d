/* Check engines and their registry (DESIGN.md 6). A rule in a pack names its
 * engine with `check:`; chk_registry_bind resolves every rule of a RuleSet to an
 * engine and lets the engine validate and compile its parameters (errors point
 * into the YAML). Engines run in two phases:
 *   run_unit    - per file, on a worker thread, while the Unit is alive;
 *   run_project - once, after every file is summarised into the Project.
 * Both only read their inputs and append to the sink they are given. */
#ifndef LINT_CHECKS_REGISTRY_H
#define LINT_CHECKS_REGISTRY_H

#include <stdbool.h>

#include "../base/diag.h"
#include "../model/model.h"
#include "../model/project.h"
#include "../rules/rules.h"
#include "finding.h"

typedef struct CheckEngine {
    const char *name;
    /* Validates rule->node's engine keys and stores compiled params in rule->bound
     * (allocated from `a`, the RuleSet's arena). Unknown keys are errors. */
    bool (*bind)(Rule *rule, const RuleSet *rs, Arena *a, Diag *d);
    /* Per-file pass; may be NULL. */
    void (*run_unit)(const Rule *rule, const RuleSet *rs, const Unit *u, FindingSink *sink);
    /* Per-file summary contribution for the Project (e.g. "this function blocks");
     * may be NULL. Called after run_unit, before the Unit is freed. */
    void (*summarise)(const Rule *rule, const RuleSet *rs, const Unit *u, ProjectFile *pf);
    /* Whole-run pass over the Project; may be NULL. */
    void (*run_project)(const Rule *rule, const RuleSet *rs, const Project *p, FindingSink *sink);
} CheckEngine;

/* Binds every rule of rs. Reports each problem (unknown check with a "did you
 * mean", bad parameter) to d and returns false if any; the RuleSet is then unusable. */
bool chk_registry_bind(RuleSet *rs, Diag *d);
const CheckEngine *chk_registry_find(const char *name);
/* Names of all engines, NULL-terminated. */
const char *const *chk_registry_names(void);

/* Runs every enabled rule's run_unit and summarise for one file. */
void chk_run_unit(const RuleSet *rs, const Unit *u, FindingSink *sink, ProjectFile *pf);
/* Runs every enabled rule's run_project. */
void chk_run_project(const RuleSet *rs, const Project *p, FindingSink *sink);

#endif
