/* Shared helpers of the libFuzzer harnesses (tests/fuzz/fuzz_*.c): a check
 * macro that turns a broken invariant into a crash libFuzzer records, and a
 * validator for the model a frontend builds (every index in range, every span
 * inside the source, every Str readable). Header-only so each harness stays
 * one translation unit plus the project libraries. */
#ifndef LINT_TESTS_FUZZ_COMMON_H
#define LINT_TESTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model.h"

/* A violated invariant is a bug: print it and abort, which libFuzzer reports as
 * a crash and saves the input for. */
#define FUZZ_CHECK(cond, ...)                                              \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "fuzz invariant failed (%s:%d): %s: ", __FILE__, \
                    __LINE__, #cond);                                      \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* Where fuzz_touch_str leaves its sum, so the reads are not optimised away. */
static volatile unsigned fuzz_touched;

/* Reads every byte of s so AddressSanitizer sees a dangling or short view. */
static inline void fuzz_touch_str(Str s)
{
    FUZZ_CHECK(s.ptr || s.len == 0, "Str with NULL bytes and length %u", s.len);
    unsigned h = 0;
    for (uint32_t i = 0; i < s.len; i++)
        h += (unsigned char)s.ptr[i];
    fuzz_touched += h;
}

static inline void fuzz_check_span(const Unit *u, uint32_t off, uint32_t end, const char *what)
{
    FUZZ_CHECK(off <= end && end <= u->len, "%s span [%u,%u) outside source of %u bytes", what,
               off, end, u->len);
    uint32_t line, col;
    unit_pos(u, off, &line, &col);
    FUZZ_CHECK(line >= 1 && col >= 1, "%s at %u: line %u col %u", what, off, line, col);
}

static inline void fuzz_check_functions(const Unit *u)
{
    FUZZ_CHECK(u->nfuncs >= 1 && u->funcs[0].kind == FN_MODULE, "function 0 is not the module");
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        const Function *f = &u->funcs[i];
        FUZZ_CHECK(f->parent >= -1 && f->parent < (int32_t)u->nfuncs, "func %u parent %d", i,
                   f->parent);
        FUZZ_CHECK(f->cls >= -1 && f->cls < (int32_t)u->nfuncs, "func %u cls %d", i, f->cls);
        fuzz_check_span(u, f->off, f->end, "function");
        FUZZ_CHECK(f->name_off <= u->len, "func %u name_off %u", i, f->name_off);
        fuzz_touch_str(f->name);
        fuzz_touch_str(f->qualname);
        for (uint32_t k = 0; k < f->nparams; k++)
        {
            fuzz_touch_str(f->params[k].name);
            fuzz_touch_str(f->params[k].annotation);
        }
        for (uint32_t k = 0; k < f->nbases; k++)
            fuzz_touch_str(f->bases[k]);
        for (uint32_t k = 0; k < f->ndecorators; k++)
            fuzz_touch_str(f->decorators[k]);
        for (uint32_t k = 0; k < f->nsites; k++) {
            FUZZ_CHECK(f->sites[k] < u->nsites, "func %u site index %u", i, f->sites[k]);
            FUZZ_CHECK(u->sites[f->sites[k]].func == (int32_t)i, "func %u lists a foreign site",
                       i);
        }
    }
}

static inline void fuzz_check_site(const Unit *u, uint32_t i)
{
    const Site *s = &u->sites[i];
    int32_t ns = (int32_t)u->nsites;
    FUZZ_CHECK(s->func >= 0 && s->func < (int32_t)u->nfuncs, "site %u func %d", i, s->func);
    FUZZ_CHECK(s->loop >= -1 && s->loop < ns, "site %u loop %d", i, s->loop);
    FUZZ_CHECK(s->guard >= -1 && s->guard < ns, "site %u guard %d", i, s->guard);
    FUZZ_CHECK(s->handler >= -1 && s->handler < ns, "site %u handler %d", i, s->handler);
    FUZZ_CHECK(s->parent >= -1 && s->parent < ns, "site %u parent %d", i, s->parent);
    fuzz_check_span(u, s->off, s->end, "site");
    fuzz_touch_str(s->text);
    fuzz_touch_str(s->resolved);
    fuzz_touch_str(s->use_name);
    fuzz_touch_str(s->field);
    for (uint32_t k = 0; k < s->ntypes; k++)
        fuzz_touch_str(s->types[k]);
    for (uint32_t k = 0; k < s->nargs; k++) {
        const Arg *a = &s->args[k];
        FUZZ_CHECK(a->site >= -1 && a->site < ns, "site %u arg %u site %d", i, k, a->site);
        FUZZ_CHECK(a->func >= -1 && a->func < (int32_t)u->nfuncs, "site %u arg %u func %d", i,
                   k, a->func);
        fuzz_check_span(u, a->off, a->end, "argument");
        fuzz_touch_str(a->keyword);
        fuzz_touch_str(a->text);
        fuzz_touch_str(a->resolved);
        fuzz_touch_str(a->type);
    }
}

/* Validates everything a frontend promised about the Unit (model.h). */
static inline void fuzz_check_unit(const Unit *u, uint32_t len)
{
    FUZZ_CHECK(u != NULL, "frontend returned NULL");
    FUZZ_CHECK(u->len == len, "unit length %u, source %u", u->len, len);
    fuzz_check_functions(u);
    for (uint32_t i = 0; i < u->nsites; i++)
        fuzz_check_site(u, i);
    for (uint32_t i = 0; i < u->nimports; i++) {
        const Import *im = &u->imports[i];
        FUZZ_CHECK(im->func >= 0 && im->func < (int32_t)u->nfuncs, "import %u func %d", i,
                   im->func);
        fuzz_touch_str(im->local);
        fuzz_touch_str(im->qualified);
    }
    for (uint32_t i = 0; i < u->ncomments; i++) {
        const Comment *c = &u->comments[i];
        FUZZ_CHECK(c->off <= u->len && c->len <= u->len - c->off, "comment %u [%u+%u)", i,
                   c->off, c->len);
    }
    uint32_t held = 0;
    for (uint32_t i = 0; u->bound_set && i < u->bound_cap; i++)
        if (u->bound_set[i]) { /* interned: NUL-terminated */
            held++;
            fuzz_touch_str(str_from(u->bound_set[i]));
            FUZZ_CHECK(unit_binds(u, str_from(u->bound_set[i])), "bound slot %u not found", i);
        }
    FUZZ_CHECK(held == u->nbound, "bound set holds %u names, nbound %u", held, u->nbound);
}

#endif
