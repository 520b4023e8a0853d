/* Check engines and their registry (DESIGN.md 6). A rule in a pack names its
 * engine with `check:`; chk_env_new resolves every rule of a RuleSet to an
 * engine and lets the engine validate and compile its parameters (errors point
 * into the YAML), then builds the shared call-pattern index. Engines run in
 * three steps:
 *   run_unit    - per file, on a worker thread, while the Unit is alive;
 *   summarise   - per file, right after: facts for the Project (ProjectFile);
 *   run_project - once, after every file is summarised and linked.
 * All of them only read their inputs and append to what they are given. */
#ifndef LINT_CHECKS_REGISTRY_H
#define LINT_CHECKS_REGISTRY_H

#include <stdbool.h>

#include "../base/diag.h"
#include "../model/model.h"
#include "../model/project.h"
#include "../model/types.h"
#include "../rules/rules.h"
#include "callindex.h"
#include "finding.h"

/* What engines see of the run: the rules and indexes built from them. Immutable
 * after chk_env_new, shared by every worker. */
typedef struct ChkEnv ChkEnv;
struct ChkEnv {
    RuleSet *rs;
    struct CctxTable *cctx;  /* C: the registrars of every C pack (c_context.h) */
    CallIndex calls[2];      /* per Lang: `calls:` patterns of every enabled rule */
    CallIndex offloads[2];   /* per Lang: pack-level `offloads` */
    CallIndex limiters[2];   /* per Lang: pack-level `limiters` (semaphore types) */
    CallIndex spawners[2];   /* per Lang: pack-level `spawners` (create_task & co.) */
    TypeMap types[2];        /* per Lang: pack-level `returns` (for the frontends) */
    struct ChkNames {        /* per Lang: pack-level `releases` (method names) */
        Str *names;
        uint32_t count;
    } releases[2];
    StrPool roots;           /* top-level module names of the run (a set: strpool_find) */
};

typedef struct CheckEngine {
    const char *name;
    /* Validates rule->node's engine keys and stores compiled params in rule->bound
     * (allocated from `a`, the RuleSet's arena). Unknown keys are errors. */
    bool (*bind)(Rule *rule, const RuleSet *rs, Arena *a, Diag *d);
    /* Adds the rule's call patterns to env->calls (owner = the rule); may be NULL.
     * Returns false on a pattern error (reported). */
    bool (*index)(const Rule *rule, ChkEnv *env, Diag *d);
    /* Called once per call site that matches one of the rule's patterns (and no
     * exclude), during the shared call pass of chk_run_unit; may be NULL. */
    void (*on_call)(const Rule *rule, const ChkEnv *env, const Unit *u, const Site *site,
                    Str name, FindingSink *sink, ProjectFile *pf);
    /* on_call also runs for rules that are not enabled (they may still record
     * facts other rules need: `--select AL109` still follows time.sleep); such
     * calls must not report. */
    bool on_call_when_disabled;
    /* Per-file pass; may be NULL. */
    void (*run_unit)(const Rule *rule, const ChkEnv *env, const Unit *u, FindingSink *sink);
    /* Per-file facts for the Project; may be NULL. Called after run_unit, before
     * the Unit is freed. */
    void (*summarise)(const Rule *rule, const ChkEnv *env, const Unit *u, ProjectFile *pf);
    /* Whole-run pass over the linked Project; may be NULL. */
    void (*run_project)(const Rule *rule, const ChkEnv *env, const Project *p, FindingSink *sink);
    /* Python: the engine reports only in an async context (the body of an
     * `async def`), so a file without `async` holds none of its findings. The
     * others (a dropped task, an unawaited coroutine) also report in plain
     * functions, each finding at or around a call that matches one of the
     * patterns of the rule parameters `trigger_keys` (NULL-terminated), of the
     * pack-level table `trigger_table`, or (trigger_coroutines) a call of one
     * of the run's own coroutine functions: chk_env_triggers lists the words
     * such a call is written with. An engine that is neither async_only nor
     * says what starts it makes every file be parsed. */
    bool async_only;
    const char *const *trigger_keys;
    const char *trigger_table;
    bool trigger_coroutines;
} CheckEngine;

/* Binds every rule of rs (enabled or not, so errors in a pack are never hidden
 * by --select) and builds the indexes. Reports each problem (unknown check with
 * a "did you mean", bad parameter) to d; returns NULL if there was any. The env
 * borrows rs; free it with chk_env_free before rules_set_free. */
ChkEnv *chk_env_new(RuleSet *rs, Diag *d);
/* Like chk_env_new, but a rule whose parameters are bad is only disabled (its
 * engine left NULL): the others still run, so one broken user pack does not
 * lose every finding. *all_ok tells whether anything was reported. Never NULL. */
ChkEnv *chk_env_new_partial(RuleSet *rs, Diag *d, bool *all_ok);
void chk_env_free(ChkEnv *env);
/* Whether `method` is in the language's packs' `releases` (methods that let go
 * of what an object holds: `close`, `wait_closed`). */
bool chk_env_releases(const ChkEnv *env, Lang lang, Str method);
/* The value types of the language's packs (`returns`), for its frontend. */
const TypeMap *chk_env_types(const ChkEnv *env, Lang lang);
/* Tells the env the run's top-level Python module names (the first component of
 * every file's module; repeats allowed), so summaries keep only calls that may
 * reach the run. Copies into the RuleSet arena. Call before the per-file pass. */
void chk_env_set_roots(ChkEnv *env, const char *const *roots, uint32_t n);
/* The qualified name a call may reach in the run (`pkg.mod.f`), or NULL. */
const char *chk_call_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s);
/* The same for a function passed by reference as argument a of call s (Python
 * NAME/DOTTED arguments; NULL for anything else). */
const char *chk_arg_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s,
                              const Arg *a);
/* The same for what a Python loop or comprehension iterates, when it is a name
 * or a dotted name resolved through an import (`Kind`, `mod.Kind`): a class of
 * the run iterates over the members it declares. */
const char *chk_loop_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u,
                               const Site *loop);
/* A function's name as findings show it: its in-file qualified name
 * (`Repo.save`), without the module prefix. */
const char *chk_display_function(const ProjectFile *pf, const ProjectFunc *fn);
/* The location of a site, 1-based. */
ProjectLoc chk_site_loc(const Unit *u, const Site *s);
/* Whitespace-free text of a site (baseline key), interned in pf. */
const char *chk_site_key(ProjectFile *pf, const Unit *u, const Site *s);
/* Whether an `async with` item is (or may be: type unknown) a limiter. */
bool chk_is_limiter(const ChkEnv *env, const Unit *u, const Site *with);
/* Whether site runs under a limiter held in its own function. */
bool chk_is_guarded(const ChkEnv *env, const Unit *u, const Site *site);
/* What makes a Python file worth parsing when it holds neither `async` nor
 * `await` (app/check.c reads such a file's words and parses it only if this
 * says it may hold a finding, or another file needs its functions). A file may
 * hold a finding of an enabled rule that also reports outside async contexts
 * (!async_only) only if it calls one of the rule's patterns, and a call that
 * matches `asyncio.Queue.get` is written with both `asyncio` (its import) and
 * `get`: each clause is one or two words the file must all hold. A pattern is
 * a rule parameter or an item of the pack-level `spawners`; one whose type may
 * come from a pack's `returns` (`trio.open_nursery` gives a `trio.Nursery`)
 * also gets the clause of the call that makes the value. */
typedef struct ChkTriggers {
    const char *(*clauses)[2]; /* [1] NULL: one word */
    uint32_t nclauses;
    /* calls of the run's own coroutine functions may be findings (AL201): the
     * names of those functions (and of their re-exports) are triggers too */
    bool project_coroutines;
    /* a pattern no word can stand for (`*.*`): every file must be parsed */
    bool parse_all;
} ChkTriggers;
/* The triggers of the enabled Python rules, allocated in a (the caller's:
 * the env stays immutable). */
void chk_env_triggers(const ChkEnv *env, ChkTriggers *out, Arena *a);
const CheckEngine *chk_registry_find(const char *name);
/* Names of all engines, NULL-terminated. */
const char *const *chk_registry_names(void);

/* The name a call site matches patterns by: its resolved callee (or its text).
 * Pattern matching restricts names rooted at a local binding to suffix patterns
 * (see chk_idx_match), so a parameter named `time` is never the module. */
Str chk_call_name(const Unit *u, const Site *site);

/* Records the file's call edges, limiter use and candidates for the Project
 * (pf must come from project_file_from_unit). Called by chk_run_unit. */
void chk_summarise(const ChkEnv *env, const Unit *u, ProjectFile *pf);
/* A finding at a Project location (no Unit alive any more): the snippet is
 * left NULL for the app to fill. */
Finding *chk_sink_add_loc(FindingSink *s, const Rule *r, const char *path, ProjectLoc loc,
                          const char *function, const char *key, const char *message);

/* Runs the shared call pass (on_call) and every enabled rule's run_unit and
 * summarise for one file. */
void chk_run_unit(const ChkEnv *env, const Unit *u, FindingSink *sink, ProjectFile *pf);
/* Runs every enabled rule's run_project (p->jobs threads; findings in rule order). */
void chk_run_project(const ChkEnv *env, const Project *p, FindingSink *sink);

#endif
