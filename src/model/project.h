/* The Project (DESIGN.md 4): the whole run linked together. Units are freed as
 * soon as their file has been checked (memory stays bounded on big trees), so
 * what crosses files is a compact ProjectFile summary per file: its functions,
 * the calls that may reach other functions of the run, and the facts engines
 * recorded (direct blocking calls, limiter use). project_link resolves names
 * across files, builds the call graph and computes transitive summaries; after
 * that the Project is read-only and checks may read it from any thread. */
#ifndef LINT_MODEL_PROJECT_H
#define LINT_MODEL_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/str.h"
#include "../base/vec.h"
#include "model.h"

/* A fact about a function recorded during the per-file pass (e.g. "calls
 * `time.sleep` at 12:5", made by a blocking-call rule). */
typedef struct ProjectFact {
    const void *rule;        /* the Rule that recorded it (opaque here) */
    const char *callee;      /* resolved name of the offending call */
    uint32_t line, col, end_line, end_col;
} ProjectFact;

enum {
    PF_ASYNC = 1u << 0,      /* `async def` */
    PF_GENERATOR = 1u << 1,  /* contains yield */
    PF_LIMITS = 1u << 2,     /* acquires a semaphore/limiter (async with) */
    PF_METHOD = 1u << 3,
    PF_CLASS = 1u << 4,      /* the entry is a class (its bases in `bases`) */
};

typedef struct ProjectFunc {
    const char *qualname;    /* module-qualified: `pkg.mod.Repo.save`, C: `name` */
    const char *name;        /* last component */
    const char *cls;         /* qualified name of the class for methods, else NULL */
    uint32_t flags;          /* PF_* */
    uint32_t line, col;      /* of the name */
    uint32_t context;        /* C: contexts bitmask from registrars (loop/signal/...) */
    bool is_static;          /* C: `static` linkage, file-local */
    const char **bases;      /* PF_CLASS: resolved base names */
    uint32_t nbases;
    Vec(ProjectFact) facts;
} ProjectFunc;

/* A call that may reach another function of the run. */
typedef struct ProjectCall {
    uint32_t caller;          /* index into ProjectFile.funcs */
    const char *callee;       /* resolved name as far as the file knows (`pkg.mod.f`,
                                 `self.save` qualified to `pkg.mod.Repo.save`) */
    uint32_t line, col, end_line, end_col;
    Use use;                  /* how the result is used */
    uint32_t flags;           /* PC_* */
    const char *snippet_key;  /* normalised text of the call (baseline key) */
} ProjectCall;

enum {
    PC_ASYNC_CTX = 1u << 0,    /* made in an async context */
    PC_UNUSED_BINDING = 1u << 1, /* BOUND to a name never used afterwards */
    PC_UNBOUNDED_LOOP = 1u << 2, /* inside a loop over input-sized data */
    PC_GUARDED = 1u << 3,      /* under a limiter (async with) */
    PC_IN_OFFLOAD = 1u << 4,   /* argument of an offload (runs elsewhere) */
    PC_SPAWNED = 1u << 5,      /* argument of a task-spawning call */
    PC_GATHERED = 1u << 6,     /* collected by gather/wait */
    PC_REGISTERED = 1u << 7,   /* C: passed as a callback (the callee is registered) */
};

/* A C callback registration: `func` is passed to `via` and runs in `context`. */
typedef struct ProjectReg {
    const char *func;
    uint32_t context;        /* CTX_* bit */
    const char *via;         /* the registrar (`uv_timer_start`, `sigaction`) */
    uint32_t line, col;
} ProjectReg;

typedef struct ProjectFile {
    Arena arena;             /* owns everything of this file's summary */
    const char *path;
    const char *module;      /* dotted module name (Python), or NULL */
    Lang lang;
    Vec(ProjectFunc) funcs;
    Vec(ProjectCall) calls;
    /* C: callback registrations found in this file: function name -> context */
    Vec(ProjectReg) regs;
} ProjectFile;

typedef struct ProjectRef {
    uint32_t file, func;
} ProjectRef;

typedef struct Project {
    Arena arena;
    ProjectFile **files;     /* in deterministic (sorted path) order */
    uint32_t nfiles;
    /* name index: qualified name -> function (open addressing) */
    struct ProjectSlot { const char *name; ProjectRef ref; } *slots;
    uint32_t cap;
} Project;

/* An empty summary for `path`; set pf->module (in pf->arena) before
 * project_file_from_unit if the file has a module name. */
void project_file_init(ProjectFile *pf, const char *path, Lang lang);
void project_file_free(ProjectFile *pf);
/* One ProjectFunc per Function of u, in the same order (index i summarises
 * u->funcs[i]), with module-qualified names. Everything is copied into pf->arena. */
void project_file_from_unit(ProjectFile *pf, const Unit *u);

void project_init(Project *p);
void project_free(Project *p);
/* Takes the files (borrowed; caller frees them after project_free) and builds the
 * name index. */
void project_link(Project *p, ProjectFile **files, uint32_t n);
/* Function by qualified name, or NULL. */
const ProjectFunc *project_lookup(const Project *p, const char *qualname, ProjectRef *ref);

#endif
