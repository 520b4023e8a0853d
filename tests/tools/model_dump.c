/* Debug tool: prints the model the Python frontend builds for each file named
 * on the command line (functions, then sites with their use, loop, guard and
 * resolution). Used by the parser unit tests' authors and for triage. */
#include <stdio.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "lang/python/pyparse.h"

static void dump_site(const Unit *u, uint32_t i)
{
    const Site *s = &u->sites[i];
    static const char *kinds[] = {"CALL", "USE", "WITH", "EXCEPT", "LOOP", "FUNCREF"};
    uint32_t line, col;
    unit_pos(u, s->off, &line, &col);
    printf("  #%u %s %u:%u f=%d loop=%d guard=%d text=%.*s resolved=%.*s use=%s", i, kinds[s->kind],
           line, col, s->func, s->loop, s->guard, (int)s->text.len, s->text.ptr,
           (int)s->resolved.len, s->resolved.ptr, model_use_name(s->use));
    if (s->use_name.len)
        printf("(%.*s)", (int)s->use_name.len, s->use_name.ptr);
    if (s->parent >= 0)
        printf(" parent=%d[%u]", s->parent, s->arg_index);
    printf(" flags=%#x nargs=%u\n", s->flags, s->nargs);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        Diag d;
        diag_init(&d);
        char *buf;
        size_t len;
        if (!file_read_all(argv[i], &buf, &len, &d)) {
            diag_print(&d, stderr);
            diag_free(&d);
            continue;
        }
        Unit *u = pyparse_unit(argv[i], buf, (uint32_t)len, &d);
        printf("# %s\n", argv[i]);
        for (uint32_t f = 0; f < u->nfuncs; f++)
            printf("fn %u %.*s kind=%d async=%d parent=%d cls=%d\n", f, (int)u->funcs[f].qualname.len,
                   u->funcs[f].qualname.ptr, u->funcs[f].kind, u->funcs[f].is_async,
                   u->funcs[f].parent, u->funcs[f].cls);
        for (uint32_t s = 0; s < u->nsites; s++)
            dump_site(u, s);
        diag_print(&d, stderr);
        unit_free(u);
        xfree(buf);
        diag_free(&d);
    }
    return 0;
}
