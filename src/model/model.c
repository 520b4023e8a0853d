/* Unit lifecycle and small queries over the model (see model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

Unit *unit_new(const char *path, Lang lang, const char *src, uint32_t len)
{
    Unit *u = xcalloc(1, sizeof *u);
    arena_init(&u->arena);
    strpool_init(&u->names, &u->arena);
    u->path = arena_strdup(&u->arena, path);
    u->lang = lang;
    u->src = src;
    u->len = len;
    lines_build(&u->lines, &u->arena, src, len);
    return u;
}

void unit_free(Unit *u)
{
    if (!u)
        return;
    strpool_free(&u->names);
    arena_free(&u->arena);
    xfree(u);
}

void unit_index_sites(Unit *u)
{
    uint32_t *count = xcalloc(u->nfuncs ? u->nfuncs : 1, sizeof *count);
    for (uint32_t i = 0; i < u->nsites; i++)
        count[u->sites[i].func]++;
    for (uint32_t f = 0; f < u->nfuncs; f++) {
        u->funcs[f].sites = ARENA_ARRAY(&u->arena, uint32_t, count[f]);
        u->funcs[f].nsites = 0;
    }
    for (uint32_t i = 0; i < u->nsites; i++) {
        Function *fn = &u->funcs[u->sites[i].func];
        fn->sites[fn->nsites++] = i;
    }
    xfree(count);
}

void unit_pos(const Unit *u, uint32_t off, uint32_t *line, uint32_t *col)
{
    lines_pos(&u->lines, off, line, col);
}

static int cmp_ptr(const void *a, const void *b)
{
    const char *x = ((const Str *)a)->ptr, *y = ((const Str *)b)->ptr;
    return (x > y) - (x < y);
}

bool unit_binds(const Unit *u, Str name)
{
    if (!u->nbound)
        return false;
    return bsearch(&name, u->bound_names, u->nbound, sizeof(Str), cmp_ptr) != NULL;
}

bool unit_is_async_context(const Unit *u, int32_t f)
{
    if (f < 0 || (uint32_t)f >= u->nfuncs)
        return false;
    const Function *fn = &u->funcs[f];
    return fn->kind == FN_DEF && fn->is_async;
}

const char *model_use_name(Use use)
{
    static const char *const names[] = {
        "discarded", "awaited",       "bound",    "returned", "argument", "stored",
        "context",   "async-context", "receiver", "element",  "iterated", "operand",
    };
    return (unsigned)use < sizeof names / sizeof *names ? names[use] : "?";
}

uint32_t model_context_parse(const char *name)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } ctx[] = {{"async", CTX_ASYNC}, {"loop", CTX_LOOP}, {"threadpool", CTX_THREADPOOL},
               {"signal", CTX_SIGNAL}};
    for (size_t i = 0; i < sizeof ctx / sizeof *ctx; i++)
        if (strcmp(ctx[i].name, name) == 0)
            return ctx[i].bit;
    return 0;
}
