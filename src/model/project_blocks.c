/* The `blocks` summary: which functions block, directly (a transitive fact such
 * as "calls time.sleep") or through the functions they call, with the shortest
 * chain. A breadth-first search from the directly blocking functions along
 * reversed call edges: each function is reached once (cycles are harmless) and
 * records the call that leads to blocking code, so a chain is rebuilt by
 * following block_call -> target until a block_fact. Coroutine functions never
 * propagate (calling one only creates a coroutine), and neither do functions
 * merely passed as arguments (C callbacks; `asyncio.to_thread(helper)` passes
 * helper by reference and records no call at all). */
#include <string.h>

#include "../base/xalloc.h"
#include "project_int.h"

typedef struct Edges {
    uint32_t *start;   /* per global function index: first slot in `calls` */
    ProjectRef *calls; /* (file, call index) of every call that reaches it */
    uint32_t *base;    /* per file: global index of its first function */
    uint32_t total;
} Edges;

static bool propagates(const ProjectFile *pf, const ProjectCall *c)
{
    if (c->target_file == UINT32_MAX || (c->flags & PC_ARG))
        return false;
    const ProjectFunc *caller = &pf->funcs.contents[c->caller];
    return !(caller->flags & PF_ASYNC); /* an async caller is where AL109 reports */
}

static void build_edges(const Project *p, Edges *e)
{
    e->base = xcalloc(p->nfiles + 1, sizeof *e->base);
    for (uint32_t f = 0; f < p->nfiles; f++)
        e->base[f + 1] = e->base[f] + p->files[f]->funcs.size;
    e->total = e->base[p->nfiles];
    uint32_t *count = xcalloc(e->total + 1, sizeof *count);
    uint32_t ncalls = 0;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (propagates(pf, c)) {
                count[e->base[c->target_file] + c->target_func]++;
                ncalls++;
            }
        }
    }
    e->start = xcalloc(e->total + 1, sizeof *e->start);
    for (uint32_t g = 0; g < e->total; g++)
        e->start[g + 1] = e->start[g] + count[g];
    e->calls = xcalloc(ncalls ? ncalls : 1, sizeof *e->calls);
    memset(count, 0, sizeof *count * (e->total + 1));
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (!propagates(pf, c))
                continue;
            uint32_t g = e->base[c->target_file] + c->target_func;
            e->calls[e->start[g] + count[g]++] = (ProjectRef){f, i};
        }
    }
    xfree(count);
}

static void free_edges(Edges *e)
{
    xfree(e->start);
    xfree(e->calls);
    xfree(e->base);
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
    Edges e;
    build_edges(p, &e);
    ProjectRef *queue = xcalloc(e.total ? e.total : 1, sizeof *queue);
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
        uint32_t g = e.base[r.file] + r.func;
        for (uint32_t k = e.start[g]; k < e.start[g + 1]; k++) {
            ProjectRef cr = e.calls[k];
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
    free_edges(&e);
}
