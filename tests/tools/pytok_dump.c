/* pytok_dump: prints the Python tokenizer's tokens, for the differential test
 * against CPython's tokenize (tests/suites/tokenize_diff.py) and for debugging.
 *
 *   pytok_dump [-t] [-l LIST] [FILE...]   tokens of each file
 *   pytok_dump -b ROUNDS [-l LIST] [FILE...]   tokenizer throughput
 *   pytok_dump -b ROUNDS -p [-l LIST] [FILE...]   tokenizer and parser throughput
 *                                                  (the Python frontend: source -> Unit)
 *
 * Default output, per file: `#FILE path`, then one line per token
 * `TYPE startline,startcol endline,endcol` with columns in code points (what
 * Python's tokenize reports: str indices; a byte that is not valid UTF-8 counts
 * as one). With -t: `TYPE 'text' line:col-line:col` in bytes, the format of the
 * golden tables in tests/unit/test_pytok.c. Diagnostics go to stderr. -b reads
 * every file first, then tokenizes them all ROUNDS times and prints MB/s of
 * CPU time (the best round: other processes on the machine do not count). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/diag.h"
#include "base/file.h"
#include "base/xalloc.h"
#include "lang/python/pyparse.h"
#include "lang/python/pytok.h"

/* Length of the UTF-8 sequence at s (at most n bytes), 1 for an invalid byte. */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                : c >= 0xF0 && c <= 0xF4 ? 3 : 99;
    if (need == 0 || need == 99 || n < need + 1)
        return 1;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 1;
    for (size_t i = 2; i <= need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    return need + 1;
}

/* Code points from a line start to an offset, resumed from the previous call
 * on the same line so that long lines stay linear. */
typedef struct CpCache {
    size_t ls, off;
    unsigned n;
} CpCache;

static unsigned cp_count(CpCache *c, const char *src, size_t ls, size_t to)
{
    size_t i = ls;
    unsigned n = 0;
    if (c->ls == ls && c->off <= to) {
        i = c->off;
        n = c->n;
    }
    for (; i < to; n++)
        i += seq_len((const unsigned char *)src + i, to - i);
    c->ls = ls;
    c->off = i;
    c->n = n;
    return n;
}

static void print_text(FILE *out, const char *s, size_t n)
{
    fputc('\'', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\\' || c == '\'')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('\'', out);
}

static void dump_file(const char *path, const char *src, size_t len, bool golden, Diag *d)
{
    PyTok t;
    CpCache starts = {SIZE_MAX, 0, 0}, ends = {SIZE_MAX, 0, 0};
    pytok_init(&t, src, (uint32_t)len, path, d);
    if (!golden)
        printf("#FILE %s\n", path);
    for (;;) {
        PyToken k = pytok_next(&t);
        if (golden) {
            printf("%s ", pytok_kind_name(k.kind));
            print_text(stdout, src + k.start, k.end - k.start);
            printf(" %u:%u-%u:%u\n", k.line, k.col, k.end_line, k.end_col);
        } else {
            size_t ls = k.start - k.col, els = k.end - k.end_col;
            printf("%s %u,%u %u,%u\n", pytok_kind_name(k.kind), k.line,
                   cp_count(&starts, src, ls, k.start), k.end_line,
                   cp_count(&ends, src, els, k.end));
        }
        if (k.kind == PYTOK_ENDMARKER)
            break;
    }
}

typedef struct Source {
    char *path;
    char *text;
    size_t len;
} Source;

/* Reads one path per line of `list` into *paths (growing *n / *cap). */
static void read_list(const char *list, char ***paths, size_t *n, size_t *cap)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "pytok_dump: cannot open %s\n", list);
        exit(2);
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0])
            continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *paths = xrealloc(*paths, *cap * sizeof **paths);
        }
        (*paths)[(*n)++] = xstrdup(line);
    }
    fclose(f);
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Tokenizes (or, with `parse`, parses into a Unit and frees it) every source
 * `rounds` times; prints bytes, tokens and MB/s of the least disturbed round. */
static void bench(const Source *srcs, size_t n, int rounds, bool parse)
{
    size_t bytes = 0, tokens = 0;
    double best = 1e30;
    PyParser *pp = parse ? pyparse_new(NULL) : NULL; /* as each worker of a run keeps one */
    for (int r = 0; r < rounds; r++) {
        double t0 = now_sec();
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            if (parse) {
                Diag d;
                diag_init(&d);
                Unit *u = pyparse_parse(pp, srcs[i].path, srcs[i].text, (uint32_t)srcs[i].len, &d);
                count += u ? u->nsites : 0;
                unit_free(u);
                diag_free(&d);
                continue;
            }
            PyTok t;
            pytok_init(&t, srcs[i].text, (uint32_t)srcs[i].len, srcs[i].path, NULL);
            /* the parser's entry (no positions), as the run tokenizes */
            while (pytok_core_kind(pytok_next_core(&t)) != PYTOK_ENDMARKER)
                count++;
        }
        double dt = now_sec() - t0;
        best = dt < best ? dt : best;
        tokens = count;
    }
    pyparse_free(pp);
    for (size_t i = 0; i < n; i++)
        bytes += srcs[i].len;
    printf("%s: %zu files, %zu bytes, %zu %s, best of %d: %.3f s, %.1f MB/s\n",
           parse ? "pyparse_bench" : "pytok_bench", n, bytes, tokens, parse ? "sites" : "tokens",
           rounds, best, (double)bytes / best / 1e6);
}

int main(int argc, char **argv)
{
    char **paths = NULL;
    size_t n = 0, cap = 0;
    bool golden = false, parse = false;
    int rounds = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0)
            golden = true;
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            read_list(argv[++i], &paths, &n, &cap);
        else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "-p") == 0)
            parse = true;
        else {
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                paths = xrealloc(paths, cap * sizeof *paths);
            }
            paths[n++] = xstrdup(argv[i]);
        }
    }
    Diag d;
    diag_init(&d);
    Source *srcs = xcalloc(n ? n : 1, sizeof *srcs);
    size_t loaded = 0;
    for (size_t i = 0; i < n; i++) {
        Source *s = &srcs[loaded];
        s->path = paths[i];
        if (file_read_all(paths[i], &s->text, &s->len, &d))
            loaded++;
    }
    if (rounds > 0)
        bench(srcs, loaded, rounds, parse);
    else
        for (size_t i = 0; i < loaded; i++)
            dump_file(srcs[i].path, srcs[i].text, srcs[i].len, golden, &d);
    fflush(stdout);
    diag_print(&d, stderr);
    int rc = d.errors ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        xfree(paths[i]);
    for (size_t i = 0; i < loaded; i++)
        xfree(srcs[i].text);
    xfree(srcs);
    xfree(paths);
    diag_free(&d);
    return rc;
}
