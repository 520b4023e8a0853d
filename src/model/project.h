/* The Project (DESIGN.md 4): the whole run linked together. Units are freed as
 * soon as their file has been checked (memory stays bounded on big trees), so
 * what crosses files is a compact ProjectFile summary per file: its functions,
 * the calls that may reach other functions of the run, the facts engines
 * recorded (direct blocking calls), name aliases (re-exports), C callback
 * registrations, and candidate findings that only the whole run can decide.
 * project_link resolves names across files, builds the call graph and computes
 * the summaries (`blocks` with a chain, contexts for C); after that the Project
 * is read-only and checks may read it from any thread. */
#ifndef LINT_MODEL_PROJECT_H
#define LINT_MODEL_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/str.h"
#include "../base/vec.h"
#include "model.h"

/* A position in a file of the run: 1-based, columns in code points. */
typedef struct ProjectLoc {
    uint32_t line, col, end_line, end_col;
} ProjectLoc;

/* A fact about a function recorded during the per-file pass (e.g. "calls
 * `time.sleep` at 12:5", made by a blocking-call rule). */
typedef struct ProjectFact {
    const void *rule;        /* the Rule that recorded it (opaque here) */
    const char *callee;      /* resolved name of the offending call */
    ProjectLoc loc;
    bool transitive;         /* propagates to callers (blocking-via-helper) */
} ProjectFact;

enum {
    PF_ASYNC = 1u << 0,      /* `async def` */
    PF_GENERATOR = 1u << 1,  /* contains yield */
    PF_LIMITS = 1u << 2,     /* acquires a semaphore/limiter (async with) */
    PF_METHOD = 1u << 3,
    PF_CLASS = 1u << 4,      /* the entry is a class (its bases in `bases`) */
    PF_STATIC = 1u << 5,     /* C: `static` linkage, file-local */
    PF_DEFINED = 1u << 6,    /* C: has a body in this file (not only a declaration) */
    PF_WRAPPED = 1u << 7,    /* an `async def` under a decorator that may change what a
                                call returns (set by AL201's engine, from its
                                transparent-decorators) */
    PF_DEFERRED = 1u << 8,   /* under an offload decorator (`@dask.delayed`,
                                `@sync_to_async`): a call does not run the body
                                where it is made, so its blocking stays there */
};

typedef struct ProjectFunc {
    /* (pointers first, then 32-bit fields: no padding in the ~250,000 a big run keeps) */
    const char *qualname;    /* module-qualified: `pkg.mod.Repo.save`, C: `name` */
    const char *name;        /* last component */
    const char *cls;         /* qualified name of the class for methods, else NULL */
    const char **bases;      /* PF_CLASS: resolved base names (module-qualified if local) */
    Vec(ProjectFact) facts;
    uint32_t flags;          /* PF_* */
    uint32_t line, col;      /* of the name */
    uint32_t nbases;
    /* computed by project_link */
    const char *context_via; /* C: the registrar that gave the first context */
    uint32_t context;        /* C: CTX_* bits from callback registrations */
    int32_t block_fact;      /* blocks directly: index into facts, else -1 */
    int32_t block_call;      /* blocks through a call: index into the file's calls, else -1 */
    uint32_t block_depth;    /* length of the chain to the blocking call */
} ProjectFunc;

/* A call that may reach another function of the run. */
typedef struct ProjectCall {
    /* (laid out without padding: a big run keeps ~750,000 of these) */
    const char *callee;       /* candidate qualified name (`pkg.mod.f`, `pkg.mod.Repo.save`) */
    const char *written;      /* the callee as written (`self.save`), for messages */
    const char *key;          /* normalised text of the call (baseline key), only where a
                                 finding may be made at it (see chk_summarise), else NULL */
    ProjectLoc loc;
    uint32_t caller;          /* index into ProjectFile.funcs */
    /* computed by project_link: the function it reaches, or file == UINT32_MAX */
    uint32_t target_file, target_func;
    uint8_t use;              /* Use: how the result is used */
    uint8_t flags;            /* PC_* */
} ProjectCall;

enum {
    PC_ASYNC_CTX = 1u << 0,      /* made in an async context (Python) */
    PC_UNUSED_BINDING = 1u << 1, /* BOUND to a name never used afterwards */
    PC_ARG = 1u << 2,            /* C: the function is passed as an argument, not called */
    PC_LAZY = 1u << 3,           /* Python: the result is not consumed where the call is made
                                    (bound, returned, stored, dropped, handed to a call that
                                    is no known consumer): a generator function's body does
                                    not run here */
};

/* A C callback registration: `func` is passed to `via` and runs in `context`. */
typedef struct ProjectReg {
    const char *func;
    uint32_t context;        /* CTX_* bit */
    uint32_t caller;         /* index into ProjectFile.funcs: where it is registered */
    const char *via;         /* the registrar (`uv_timer_start`, `sigaction`) */
    ProjectLoc loc;
} ProjectReg;

/* `module.local` names `target` (a re-export: `from .repo import save` in
 * pkg/__init__.py makes `pkg.save` mean `pkg.repo.save`). */
typedef struct ProjectAlias {
    const char *name, *target;
    uint32_t len, hash; /* of name (str_hash): the link indexes aliases without reading them */
} ProjectAlias;

/* A finding an engine could not decide alone: it depends on a function of
 * another file (does the spawned coroutine hold a semaphore?). */
typedef struct ProjectCand {
    const void *rule;
    uint32_t caller;         /* index into funcs */
    const char *callee;      /* candidate qualified name the decision depends on, or NULL */
    const char *iterable;    /* (fan-out) qualified name the loop iterates, or NULL: a
                                class of the run iterates over its declared members */
    const char *message;     /* final message */
    const char *key;
    ProjectLoc loc;
} ProjectCand;

typedef struct ProjectFile {
    Arena arena;             /* owns everything of this file's summary */
    StrPool names;           /* interned callee names (duplicates are common) */
    const char *path;
    const char *module;      /* dotted module name (Python), or NULL */
    bool is_package;         /* an __init__.py: relative imports start here */
    bool shadowed;           /* (link) defines a name another file defined first: its
                                calls of the name reach its own definition */
    Lang lang;
    Vec(ProjectFunc) funcs;
    Vec(uint32_t) qhash;     /* str_hash of each funcs[i].qualname, computed while the
                                name is in the cache: the link indexes ~250,000
                                functions without reading their names again */
    Vec(ProjectCall) calls;
    Vec(ProjectReg) regs;
    Vec(ProjectAlias) aliases;
    Vec(ProjectCand) cands;
} ProjectFile;

typedef struct ProjectRef {
    uint32_t file, func;
} ProjectRef;

typedef struct ProjectBloom {
    uint64_t *bits;
    uint32_t nbits; /* a power of two, >= 64 */
} ProjectBloom;

typedef struct Project {
    Arena arena;
    ProjectFile **files;     /* in deterministic (sorted path) order */
    uint32_t nfiles;
    /* name index: qualified name -> function (open addressing). A slot is the
     * name's hash and the function's number in `refs` (+1; 0: empty), 8 bytes:
     * a probe compares hashes, and reads the name only on an equal hash. */
    struct ProjectSlot { uint32_t hash, func; } *slots;
    uint32_t cap;
    ProjectRef *refs;        /* the indexed functions, in insertion order */
    uint32_t nrefs;
    /* Two bits per indexed name, in a bit set small enough for the cache: most
     * lookups of a link are misses (a method inherited from outside the run,
     * `re.compile.match`), and the set answers those without touching the
     * table, which is far bigger than the caches. */
    ProjectBloom bloom;
    /* alias index: `pkg.save` -> `pkg.repo.save` (open addressing), with its
     * own bit set: a failed lookup tries every dotted prefix of the name as an
     * alias (12 probes per resolved call over the stdlib, 87% of them misses).
     * A slot is the name's hash and the alias's number in `aliases` (+1; 0:
     * empty), 8 bytes, as in the name index. */
    struct ProjectSlot *aslots;
    uint32_t acap;
    const ProjectAlias **aliases; /* the indexed aliases, in insertion order */
    uint32_t naliases;
    ProjectBloom abloom;
    unsigned jobs;           /* threads project_link may use (0: one); set after project_init */
    struct ProjectEdges *edges; /* during project_link only (project_blocks.c) */
} Project;

/* An empty summary for `path`; set pf->module (in pf->arena) before
 * project_file_from_unit if the file has a module name. */
void project_file_init(ProjectFile *pf, const char *path, Lang lang);
/* The same, with pf->arena carved out of `parent` (arena_init_child): a run
 * keeps thousands of summaries, and one parent arena per worker holds them
 * without a half-empty chunk each. The parent must outlive pf. */
void project_file_init_in(ProjectFile *pf, const char *path, Lang lang, Arena *parent);
void project_file_free(ProjectFile *pf);
/* One ProjectFunc per Function of u, in the same order (index i summarises
 * u->funcs[i]), with module-qualified names, and the module's re-export
 * aliases. Everything is copied into pf->arena. */
void project_file_from_unit(ProjectFile *pf, const Unit *u);
/* `pkg.mod` + `.x.y` relative import text -> absolute, in pf->arena. */
const char *project_absolute(ProjectFile *pf, Str relative);
/* Interns s in pf's arena. */
const char *project_intern(ProjectFile *pf, Str s);
/* Interns x + sep + y + z (sep may be NULL, z empty) without keeping the
 * joined temporary. */
const char *project_intern_join(ProjectFile *pf, Str x, const char *sep, Str y, Str z);
/* Called once the file's summary is complete (before project_link): releases
 * what only building it needed (the intern table) and trims the vectors, so
 * that thousands of summaries held for the whole run stay small. Interning
 * afterwards still works, without deduplication against earlier names. */
void project_file_seal(ProjectFile *pf);

void project_init(Project *p);
void project_free(Project *p);
/* Takes the files (borrowed; caller frees them after project_free), builds the
 * name index, resolves every call to its target, and computes contexts (C
 * registrations) and `blocks` summaries with their chains. */
void project_link(Project *p, ProjectFile **files, uint32_t n);
/* Function by qualified name, following re-export aliases and class bases (a
 * method inherited from a base class of the run). NULL if none. */
const ProjectFunc *project_lookup(const Project *p, const char *qualname, ProjectRef *ref);
/* The function a call reaches, or NULL. */
const ProjectFunc *project_call_target(const Project *p, const ProjectCall *c);
/* Whether the call runs its target's body: not when it only creates a
 * generator (a generator function whose result the call site leaves
 * unconsumed, PC_LAZY), nor when it reaches nothing of the run. */
bool project_call_runs_target(const Project *p, const ProjectCall *c);
const ProjectFunc *project_func(const Project *p, ProjectRef r);

#endif
