/* Human and editor formats: `text` (gcc-style line, source line, caret, chain
 * notes, summary), `gcc` (the first line only) and the --statistics table.
 * Source text is printed with control characters replaced, so a hostile file
 * cannot send escape sequences to the user's terminal. */
#include "rep_util.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_CARET "\033[1;32m"

static const char *severity_colour(Severity s)
{
    switch (s) {
    case SEV_NOTE:
        return "\033[1;36m";
    case SEV_WARNING:
        return "\033[1;35m";
    case SEV_ERROR:
        return "\033[1;31m";
    }
    return "\033[1;31m";
}

/* Writes s with C0 controls and DEL shown as '?', keeping tabs when keep_tab. */
static void put_clean(FILE *out, const char *s, bool keep_tab)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool ctl = c < 0x20 || c == 0x7f;
        fputc(ctl && !(keep_tab && c == '\t') ? '?' : c, out);
    }
}

static void put_location(FILE *out, const char *path, uint32_t line, uint32_t col)
{
    put_clean(out, path ? path : "", false);
    if (line)
        fprintf(out, ":%u", line);
    if (line && col)
        fprintf(out, ":%u", col);
    fputc(':', out);
}

/* `path:line:col: severity: message [AL101]` and a newline. */
static void write_first_line(FILE *out, const Finding *f, bool color)
{
    Severity sev = rep_severity(f);
    if (color)
        fputs(ANSI_BOLD, out);
    put_location(out, f->path, f->line, f->col);
    if (color)
        fprintf(out, ANSI_RESET " %s%s:" ANSI_RESET " ", severity_colour(sev),
                rep_severity_name(sev));
    else
        fprintf(out, " %s: ", rep_severity_name(sev));
    put_clean(out, f->message ? f->message : rep_rule_name(f), false);
    if (color)
        fprintf(out, " %s[%s]" ANSI_RESET "\n", severity_colour(sev), rep_rule_id(f));
    else
        fprintf(out, " [%s]\n", rep_rule_id(f));
}

static uint32_t count_code_points(const char *s)
{
    uint32_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Width of the caret run in code points, at least 1: to end_col on the same
 * line, to the end of the line for a multi-line span. */
static uint32_t caret_width(const Finding *f, uint32_t line_len)
{
    uint32_t col = f->col ? f->col : 1;
    uint32_t room = col <= line_len ? line_len - col + 1 : 1;
    uint32_t w = 1;
    if (f->end_line == f->line && f->end_col > col)
        w = f->end_col - col;
    else if (f->end_line > f->line)
        w = room;
    return w < room ? w : room;
}

/* The caret line's indentation: one space per code point before the column,
 * except that tabs are copied so the caret lines up under any tab width. */
static void put_caret_indent(FILE *out, const char *snippet, uint32_t col)
{
    const char *p = snippet;
    for (uint32_t i = 1; i < col; i++) {
        if (*p == '\t')
            fputc('\t', out);
        else
            fputc(' ', out);
        if (*p) /* advance one code point */
            for (p++; ((unsigned char)*p & 0xC0) == 0x80; p++)
                ;
    }
}

static void write_source(FILE *out, const Finding *f, bool color)
{
    if (!f->snippet)
        return;
    char num[16];
    int width = snprintf(num, sizeof num, "%u", f->line);
    if (width < 4)
        width = 4;
    fprintf(out, " %*u | ", width, f->line);
    put_clean(out, f->snippet, true);
    fprintf(out, "\n %*s | ", width, "");
    put_caret_indent(out, f->snippet, f->col ? f->col : 1);
    uint32_t w = caret_width(f, count_code_points(f->snippet));
    if (color)
        fputs(ANSI_CARET, out);
    fputc('^', out);
    for (uint32_t i = 1; i < w; i++)
        fputc('~', out);
    if (color)
        fputs(ANSI_RESET, out);
    fputc('\n', out);
}

static void write_chain(FILE *out, const Finding *f, bool color)
{
    for (uint32_t i = 0; i < f->nchain; i++) {
        const ChainStep *s = &f->chain[i];
        if (color)
            fputs(ANSI_BOLD, out);
        put_location(out, s->path ? s->path : f->path, s->line, s->col);
        if (color)
            fprintf(out, ANSI_RESET " %snote:" ANSI_RESET " calls `", severity_colour(SEV_NOTE));
        else
            fputs(" note: calls `", out);
        put_clean(out, s->callee ? s->callee : "?", false);
        fputc('`', out);
        if (s->function && *s->function) {
            fputs(" in `", out);
            put_clean(out, s->function, false);
            fputc('`', out);
        }
        fputc('\n', out);
    }
}

/* The files the run's error messages name (a syntax error, an unreadable
 * file): each file's messages come together, in file order. */
static uint32_t files_with_errors(const Diag *d)
{
    if (!d || !d->errors)
        return 0;
    uint32_t n = 0;
    const char *last = NULL;
    for (size_t i = 0; i < d->msgs.size; i++) {
        const DiagMsg *m = &d->msgs.contents[i];
        if (m->level != DIAG_ERROR || !m->path)
            continue;
        if (!last || strcmp(last, m->path) != 0)
            n++;
        last = m->path;
    }
    return n;
}

bool rep_text_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx)
{
    bool color = ctx && ctx->color;
    for (uint32_t i = 0; i < n; i++) {
        write_first_line(out, &items[i], color);
        write_source(out, &items[i], color);
        write_chain(out, &items[i], color);
    }
    if (!ctx || ctx->summary) {
        Arena a;
        arena_init(&a);
        uint32_t bad = files_with_errors(ctx ? ctx->diag : NULL);
        if (!bad)
            fprintf(out, "%s\n", rep_summary(&a, items, n));
        else /* not "All checks passed!": part of a file went unchecked */
            fprintf(out, "%s %u file%s had errors (on stderr) and %s checked only in part.\n",
                    n ? rep_summary(&a, items, n) : "No findings, but", bad, bad == 1 ? "" : "s",
                    bad == 1 ? "was" : "were");
        arena_free(&a);
    }
    return !ferror(out);
}

bool rep_gcc_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx)
{
    for (uint32_t i = 0; i < n; i++)
        write_first_line(out, &items[i], false);
    return !ferror(out);
}

typedef struct StatRow {
    const Rule *rule;
    const char *id, *name;
    uint32_t count;
} StatRow;

static int cmp_row(const void *x, const void *y)
{
    const StatRow *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* One row per distinct rule id, sorted most frequent first. Caller frees. */
static StatRow *collect_rows(const Finding *items, uint32_t n, uint32_t *nrows)
{
    StatRow *rows = xmalloc(sizeof *rows * (n ? n : 1));
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *id = rep_rule_id(&items[i]);
        uint32_t j = 0;
        while (j < k && strcmp(rows[j].id, id) != 0)
            j++;
        if (j == k)
            rows[k++] = (StatRow){items[i].rule, id, rep_rule_name(&items[i]), 0};
        rows[j].count++;
    }
    if (k > 1)
        qsort(rows, k, sizeof *rows, cmp_row);
    *nrows = k;
    return rows;
}

static bool write_stats_json(FILE *out, const StatRow *rows, uint32_t k)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < k; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "code", rep_jstr(rows[i].id));
        json_object_set_new(o, "name", rep_jstr(rows[i].name));
        json_object_set_new(o, "count", rep_jint(rows[i].count));
        json_array_append_new(arr, o);
    }
    return rep_json_dump(out, arr);
}

bool rep_statistics_write(FILE *out, const Finding *items, uint32_t n, bool json)
{
    uint32_t k;
    StatRow *rows = collect_rows(items, n, &k);
    if (json) {
        bool ok = write_stats_json(out, rows, k);
        xfree(rows);
        return ok;
    }
    int wcount = 1, wid = 1;
    for (uint32_t i = 0; i < k; i++) {
        char buf[16];
        int w = snprintf(buf, sizeof buf, "%u", rows[i].count);
        wcount = w > wcount ? w : wcount;
        wid = (int)strlen(rows[i].id) > wid ? (int)strlen(rows[i].id) : wid;
    }
    for (uint32_t i = 0; i < k; i++)
        fprintf(out, "%*u\t%-*s\t%s\n", wcount, rows[i].count, wid, rows[i].id, rows[i].name);
    xfree(rows);
    return !ferror(out);
}
