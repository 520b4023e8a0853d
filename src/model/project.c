/* The Project: per-file summaries and their linking (see project.h). */
#include "project.h"

#include <string.h>

#include "../base/xalloc.h"

void project_file_init(ProjectFile *pf, const char *path, Lang lang)
{
    memset(pf, 0, sizeof *pf);
    arena_init(&pf->arena);
    pf->path = arena_strdup(&pf->arena, path);
    pf->lang = lang;
    vec_init(&pf->funcs);
    vec_init(&pf->calls);
    vec_init(&pf->regs);
}

void project_file_free(ProjectFile *pf)
{
    for (uint32_t i = 0; i < pf->funcs.size; i++)
        vec_free(&pf->funcs.contents[i].facts);
    vec_free(&pf->funcs);
    vec_free(&pf->calls);
    vec_free(&pf->regs);
    arena_free(&pf->arena);
}

/* `pkg.mod` + `Class.method`, or the function name alone for C / no module. */
static const char *qualify(ProjectFile *pf, Str qualname)
{
    if (!pf->module || !pf->module[0])
        return str_dup(&pf->arena, qualname);
    if (!qualname.len)
        return pf->module;
    return arena_printf(&pf->arena, "%s.%.*s", pf->module, (int)qualname.len, qualname.ptr);
}

void project_file_from_unit(ProjectFile *pf, const Unit *u)
{
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        const Function *fn = &u->funcs[i];
        ProjectFunc f;
        memset(&f, 0, sizeof f);
        f.qualname = qualify(pf, fn->qualname);
        f.name = str_dup(&pf->arena, fn->name);
        if (fn->is_async)
            f.flags |= PF_ASYNC;
        if (fn->is_generator)
            f.flags |= PF_GENERATOR;
        if (fn->cls >= 0) {
            f.flags |= PF_METHOD;
            f.cls = qualify(pf, u->funcs[fn->cls].qualname);
        }
        if (fn->kind == FN_CLASS) {
            f.flags |= PF_CLASS;
            f.nbases = fn->nbases;
            f.bases = ARENA_ARRAY(&pf->arena, const char *, fn->nbases ? fn->nbases : 1);
            for (uint32_t b = 0; b < fn->nbases; b++)
                f.bases[b] = str_dup(&pf->arena, fn->bases[b]);
        }
        unit_pos(u, fn->name_off, &f.line, &f.col);
        vec_init(&f.facts);
        vec_push(&pf->funcs, f);
    }
}

void project_init(Project *p)
{
    memset(p, 0, sizeof *p);
    arena_init(&p->arena);
}

void project_free(Project *p)
{
    xfree(p->slots);
    arena_free(&p->arena);
    memset(p, 0, sizeof *p);
}

static uint32_t name_hash(const char *s)
{
    return str_hash(str_from(s));
}

static void index_insert(Project *p, const char *name, ProjectRef ref)
{
    uint32_t i = name_hash(name) & (p->cap - 1);
    while (p->slots[i].name) {
        if (strcmp(p->slots[i].name, name) == 0)
            return; /* first definition wins (deterministic: files are sorted) */
        i = (i + 1) & (p->cap - 1);
    }
    p->slots[i].name = name;
    p->slots[i].ref = ref;
}

void project_link(Project *p, ProjectFile **files, uint32_t n)
{
    p->files = files;
    p->nfiles = n;
    uint32_t total = 0;
    for (uint32_t f = 0; f < n; f++)
        total += files[f]->funcs.size;
    p->cap = 64;
    while (p->cap < total * 2 + 1)
        p->cap *= 2;
    p->slots = xcalloc(p->cap, sizeof *p->slots);
    for (uint32_t f = 0; f < n; f++)
        for (uint32_t i = 0; i < files[f]->funcs.size; i++)
            index_insert(p, files[f]->funcs.contents[i].qualname, (ProjectRef){f, i});
}

const ProjectFunc *project_lookup(const Project *p, const char *qualname, ProjectRef *ref)
{
    if (!p->cap)
        return NULL;
    uint32_t i = name_hash(qualname) & (p->cap - 1);
    while (p->slots[i].name) {
        if (strcmp(p->slots[i].name, qualname) == 0) {
            if (ref)
                *ref = p->slots[i].ref;
            return &p->files[p->slots[i].ref.file]->funcs.contents[p->slots[i].ref.func];
        }
        i = (i + 1) & (p->cap - 1);
    }
    return NULL;
}
