/* Diagnostic sink (see diag.h). */
#include "diag.h"

#include <stdarg.h>

void diag_init(Diag *d)
{
    vec_init(&d->msgs);
    d->errors = 0;
}

void diag_free(Diag *d)
{
    for (uint32_t i = 0; i < d->msgs.size; i++) {
        xfree(d->msgs.contents[i].path);
        xfree(d->msgs.contents[i].text);
    }
    vec_free(&d->msgs);
    d->errors = 0;
}

void diag_report(Diag *d, DiagLevel level, const char *path, uint32_t line, uint32_t col,
                 const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    DiagMsg m = {level, path ? xstrdup(path) : NULL, line, col, xstrdup(buf)};
    vec_push(&d->msgs, m);
    if (level == DIAG_ERROR)
        d->errors++;
}

void diag_move(Diag *dst, Diag *src)
{
    for (uint32_t i = 0; i < src->msgs.size; i++)
        vec_push(&dst->msgs, src->msgs.contents[i]);
    dst->errors += src->errors;
    vec_free(&src->msgs);
    src->errors = 0;
}

const char *diag_level_name(DiagLevel level)
{
    switch (level) {
    case DIAG_NOTE:
        return "note";
    case DIAG_WARNING:
        return "warning";
    case DIAG_ERROR:
        return "error";
    }
    return "error";
}

void diag_print(const Diag *d, FILE *out)
{
    for (uint32_t i = 0; i < d->msgs.size; i++) {
        const DiagMsg *m = &d->msgs.contents[i];
        if (m->path && m->line && m->col)
            fprintf(out, "%s:%u:%u: ", m->path, m->line, m->col);
        else if (m->path && m->line)
            fprintf(out, "%s:%u: ", m->path, m->line);
        else if (m->path)
            fprintf(out, "%s: ", m->path);
        else
            fprintf(out, "asynclint: ");
        fprintf(out, "%s: %s\n", diag_level_name(m->level), m->text);
    }
}
