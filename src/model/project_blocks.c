/* The `blocks` summary: which functions block, directly (a transitive fact such
 * as "calls time.sleep") or through the functions they call, with the shortest
 * chain. A breadth-first search from the directly blocking functions along
 * reversed call edges: each function is reached once (cycles are harmless) and
 * records the call that leads to blocking code, so a chain is rebuilt by
 * following block_call -> target until a block_fact. Coroutine functions never
 * propagate (calling one only creates a coroutine), nor do generator
 * functions called where their result is not consumed (the call only creates
 * the generator: `g = lines(path)`, `to_thread(list, lines(path))`), nor
 * functions merely passed as arguments (C callbacks; `asyncio.to_thread(helper)` passes
 * helper by reference and records no call at all). */
#include <string.h>

#include "../base/pool.h"
#include "../base/xalloc.h"
#include "project_int.h"

/* The reversed call graph: for every function (by global index: base[file] +
 * index in the file), the calls that reach it, in (file, call) order. Built
 * in two halves around the resolution: the resolving workers count each
 * file's propagating calls per target (project_edges_count); the fill then
 * runs in `nparts` parts of consecutive files, one thread each, every part
 * writing from its own cursors, so that the lists come out in the same order
 * whatever the threads do. */
struct ProjectEdges {
    uint32_t *base;    /* per file: global index of its first function; [nfiles] = total */
    uint32_t total;
    uint32_t nparts;
    uint32_t *first;   /* per part: its first file; [nparts] = nfiles */
    uint32_t *part;    /* per file: its part */
    uint32_t **count;  /* per part and function: its calls reaching the function */
    uint32_t *start;   /* per function: first slot in `calls`; [total] = all */
    ProjectRef *calls; /* (file, call index) of every call that reaches it */
};

typedef struct ProjectEdges Edges;

enum { MAX_PARTS = 4 }; /* each part has a count per function: 1 MB per 250,000 */

static bool propagates(const Project *p, const ProjectFile *pf, const ProjectCall *c)
{
    if (c->target_file == UINT32_MAX || (c->flags & PC_ARG) || !project_call_runs_target(p, c))
        return false;
    const ProjectFunc *caller = &pf->funcs.contents[c->caller];
    return !(caller->flags & PF_ASYNC); /* an async caller is where AL109 reports */
}

void project_edges_begin(Project *p)
{
    Edges *e = xcalloc(1, sizeof *e);
    p->edges = e;
    e->base = xcalloc(p->nfiles + 1, sizeof *e->base);
    uint64_t ncalls = 0;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        e->base[f + 1] = e->base[f] + p->files[f]->funcs.size;
        ncalls += p->files[f]->calls.size;
    }
    e->total = e->base[p->nfiles];
    /* parts of about equal numbers of calls */
    e->nparts = p->jobs < 2 ? 1 : p->jobs < MAX_PARTS ? p->jobs : MAX_PARTS;
    if (e->nparts > p->nfiles)
        e->nparts = p->nfiles ? p->nfiles : 1;
    e->first = xcalloc(e->nparts + 1, sizeof *e->first);
    e->part = xcalloc(p->nfiles ? p->nfiles : 1, sizeof *e->part);
    uint64_t seen = 0;
    uint32_t k = 0;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        while (k + 1 < e->nparts && seen >= ncalls * (k + 1) / e->nparts)
            e->first[++k] = f;
        e->part[f] = k;
        seen += p->files[f]->calls.size;
    }
    for (uint32_t q = k + 1; q <= e->nparts; q++)
        e->first[q] = p->nfiles; /* (parts left empty by a few big files) */
    e->count = xcalloc(e->nparts, sizeof *e->count);
    for (uint32_t q = 0; q < e->nparts; q++)
        e->count[q] = xcalloc(e->total + 1, sizeof **e->count);
}

void project_edges_count(Project *p, uint32_t f)
{
    Edges *e = p->edges;
    const ProjectFile *pf = p->files[f];
    uint32_t *count = e->count[e->part[f]];
    for (uint32_t i = 0; i < pf->calls.size; i++) {
        const ProjectCall *c = &pf->calls.contents[i];
        if (propagates(p, pf, c))
            __atomic_fetch_add(&count[e->base[c->target_file] + c->target_func], 1,
                               __ATOMIC_RELAXED);
    }
}

static void fill_part(void *ctx, size_t q, unsigned worker)
{
    (void)worker;
    const Project *p = ctx;
    Edges *e = p->edges;
    uint32_t *cursor = e->count[q];
    for (uint32_t f = e->first[q]; f < e->first[q + 1]; f++) {
        const ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (propagates(p, pf, c))
                e->calls[cursor[e->base[c->target_file] + c->target_func]++] =
                    (ProjectRef){f, i};
        }
    }
}

/* From the counts: each function's slots, each part's cursors into them (the
 * counts become the cursors), then the parts' calls. */
static void build_edges(Project *p)
{
    Edges *e = p->edges;
    e->start = xcalloc(e->total + 1, sizeof *e->start);
    uint32_t at = 0;
    for (uint32_t g = 0; g < e->total; g++) {
        e->start[g] = at;
        for (uint32_t q = 0; q < e->nparts; q++) {
            uint32_t n = e->count[q][g];
            e->count[q][g] = at;
            at += n;
        }
    }
    e->start[e->total] = at;
    e->calls = xcalloc(at ? at : 1, sizeof *e->calls);
    pool_run(e->nparts, e->nparts, fill_part, p);
}

void project_edges_free(Project *p)
{
    Edges *e = p->edges;
    if (!e)
        return;
    for (uint32_t q = 0; e->count && q < e->nparts; q++)
        xfree(e->count[q]);
    xfree(e->count);
    xfree(e->first);
    xfree(e->part);
    xfree(e->start);
    xfree(e->calls);
    xfree(e->base);
    xfree(e);
    p->edges = NULL;
}

static bool blocks_directly(ProjectFunc *fn)
{
    for (uint32_t i = 0; i < fn->facts.size; i++)
        if (fn->facts.contents[i].transitive) {
            fn->block_fact = (int32_t)i;
            return true;
        }
    return false;
}

void project_compute_blocks(Project *p)
{
    build_edges(p);
    const Edges *ep = p->edges;
    ProjectRef *queue = xcalloc(ep->total ? ep->total : 1, sizeof *queue);
    uint32_t head = 0, tail = 0;
    for (uint32_t f = 0; f < p->nfiles; f++)
        for (uint32_t i = 0; i < p->files[f]->funcs.size; i++) {
            ProjectFunc *fn = &p->files[f]->funcs.contents[i];
            if (!(fn->flags & PF_ASYNC) && blocks_directly(fn))
                queue[tail++] = (ProjectRef){f, i};
        }
    while (head < tail) {
        ProjectRef r = queue[head++];
        const ProjectFunc *callee = project_func(p, r);
        uint32_t g = ep->base[r.file] + r.func;
        for (uint32_t k = ep->start[g]; k < ep->start[g + 1]; k++) {
            ProjectRef cr = ep->calls[k];
            ProjectFile *pf = p->files[cr.file];
            const ProjectCall *c = &pf->calls.contents[cr.func];
            ProjectFunc *caller = &pf->funcs.contents[c->caller];
            if (caller->block_fact >= 0 || caller->block_call >= 0)
                continue;
            caller->block_call = (int32_t)cr.func;
            caller->block_depth = callee->block_depth + 1;
            queue[tail++] = (ProjectRef){cr.file, c->caller};
        }
    }
    xfree(queue);
    project_edges_free(p);
}
