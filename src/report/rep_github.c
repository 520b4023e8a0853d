/* The `github` format: GitHub Actions workflow commands, one annotation per
 * finding. Escaping follows the runner's rules: in the message (data) `%`,
 * CR and LF become %25, %0D, %0A; property values additionally escape `:` and
 * `,` (%3A, %2C). GitHub shows only the first few annotations of each level per
 * step, hence the optional summary notice at the end. */
#include "rep_util.h"

static void put_escaped(FILE *out, const char *s, bool property)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '%':
            fputs("%25", out);
            break;
        case '\r':
            fputs("%0D", out);
            break;
        case '\n':
            fputs("%0A", out);
            break;
        case ':':
            fputs(property ? "%3A" : ":", out);
            break;
        case ',':
            fputs(property ? "%2C" : ",", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static const char *command(Severity s)
{
    switch (s) {
    case SEV_NOTE:
        return "notice";
    case SEV_WARNING:
        return "warning";
    case SEV_ERROR:
        return "error";
    }
    return "error";
}

/* The annotation text: the message, then one line per chain step. */
static const char *annotation_text(Arena *a, const Finding *f)
{
    const char *text = f->message ? f->message : rep_rule_name(f);
    for (uint32_t i = 0; i < f->nchain; i++) {
        const ChainStep *s = &f->chain[i];
        const char *fn = s->function && *s->function ? s->function : NULL;
        text = arena_printf(a, "%s\n%s:%u:%u: calls `%s`%s%s%s", text, s->path ? s->path : f->path,
                            s->line, s->col, s->callee ? s->callee : "?", fn ? " in `" : "",
                            fn ? fn : "", fn ? "`" : "");
    }
    return text;
}

static void write_annotation(FILE *out, Arena *a, const RepPaths *paths, const Finding *f)
{
    const char *path = rep_rel_path(a, paths, f->path);
    fprintf(out, "::%s file=", command(rep_severity(f)));
    put_escaped(out, path ? path : f->path, true);
    fprintf(out, ",line=%u", f->line);
    if (f->col)
        fprintf(out, ",col=%u", f->col);
    if (f->end_line >= f->line && f->end_line) {
        fprintf(out, ",endLine=%u", f->end_line);
        if (f->end_col)
            fprintf(out, ",endColumn=%u", f->end_col);
    }
    fputs(",title=", out);
    put_escaped(out, arena_printf(a, "%s %s", rep_rule_id(f), rep_rule_name(f)), true);
    fputs("::", out);
    put_escaped(out, rep_utf8_clean(a, annotation_text(a, f)), false);
    fputc('\n', out);
}

bool rep_github_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx)
{
    Arena a;
    arena_init(&a);
    RepPaths paths;
    rep_paths_init(&paths, &a, ctx ? ctx->source_root : NULL);
    for (uint32_t i = 0; i < n; i++)
        write_annotation(out, &a, &paths, &items[i]);
    if (n > 0 && (!ctx || ctx->summary)) {
        fputs("::notice title=asynclint::", out);
        put_escaped(out, rep_summary(&a, items, n), false);
        fputc('\n', out);
    }
    arena_free(&a);
    return !ferror(out);
}
