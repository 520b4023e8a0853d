/* libFuzzer harness: the whole Python pipeline of `asynclint check` on fuzzed
 * sources with the default packs, as src/app/check.c runs it: parse -> Unit ->
 * per-file checks -> summary -> suppression directives; then the Project is
 * linked, the whole-run checks run, findings are filtered, sorted, de-duplicated
 * and written in every output format. The input is split at the first line
 * `#---` into two files of one package (pkg/a.py, pkg/b.py) so cross-file
 * resolution and call chains (AL109) are fuzzed too. Checks that every finding
 * has a rule, a message and a 1-based position inside its file, and that the
 * check run's lazy parse would have parsed every file a finding needs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/select.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/registry.h"
#include "findings/findings.h"
#include "findings/suppress.h"
#include "fuzz_common.h"
#include "lang/python/pyparse.h"
#include "report/report.h"

enum { NFILES = 2 };

static RuleSet *g_rules;
static ChkEnv *g_env;
static FILE *g_null;

typedef struct FuzzFile {
    const char *path, *module;
    const char *src;
    uint32_t len;
    FindingSink sink;
    ProjectFile pf;
    SuppFile *supp;
} FuzzFile;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Diag d;
    diag_init(&d);
    g_rules = rules_set_new();
    FUZZ_CHECK(rules_load_defaults(g_rules, &d), "the default packs do not load");
    /* Every rule, the opt-in ones (python-strict) included: `AL` names them all. */
    static const char *const all[] = {"AL", NULL};
    rules_apply_selection(g_rules, all, NULL, NULL);
    uint32_t on = 0;
    for (uint32_t i = 0; i < g_rules->nrules; i++)
        on += g_rules->rules[i]->enabled;
    FUZZ_CHECK(on == g_rules->nrules, "only %u of %u rules enabled", on, g_rules->nrules);
    g_env = chk_env_new(g_rules, &d);
    FUZZ_CHECK(g_env != NULL, "chk_env_new failed on the default packs");
    diag_free(&d);
    g_null = fopen("/dev/null", "w");
    FUZZ_CHECK(g_null != NULL, "cannot open /dev/null");
    return 0;
}

/* Per-file part (check.c analyse_file): parse, check, summarise, directives. */
static void analyse(FuzzFile *f, Diag *d)
{
    chk_sink_init(&f->sink);
    project_file_init(&f->pf, f->path, LANG_PYTHON);
    Unit *u = pyparse_unit_typed(f->path, f->src, f->len, chk_env_types(g_env, LANG_PYTHON), d);
    fuzz_check_unit(u, f->len);
    f->pf.module = f->module;
    project_file_from_unit(&f->pf, u);
    chk_run_unit(g_env, u, &f->sink, &f->pf);
    f->supp = supp_file_build(&f->pf.arena, u);
    unit_free(u);
}

static void check_finding(const Finding *fi, const FuzzFile *files)
{
    FUZZ_CHECK(fi->rule && fi->message && fi->message[0], "finding without rule or message");
    FUZZ_CHECK(fi->line >= 1 && fi->col >= 1, "finding at %u:%u", fi->line, fi->col);
    FUZZ_CHECK(fi->end_line > fi->line || (fi->end_line == fi->line && fi->end_col >= fi->col),
               "finding %u:%u ends before it starts at %u:%u", fi->line, fi->col, fi->end_line,
               fi->end_col);
    bool known = false;
    for (int i = 0; i < NFILES; i++)
        known |= strcmp(fi->path, files[i].path) == 0;
    FUZZ_CHECK(known, "finding in unknown file '%s'", fi->path);
    for (uint32_t k = 0; k < fi->nchain; k++)
        FUZZ_CHECK(fi->chain[k].path && fi->chain[k].line >= 1, "chain step %u", k);
}

/* The check run's choice of files to parse (app/select.c, as check.c drives
 * it) over the same two files: a file it leaves unparsed holds no finding
 * and no step of a finding's chain. */
static void check_selection(FuzzFile *files, const Finding *items, uint32_t n)
{
    static const char *const modules[NFILES] = {"pkg.a", "pkg.b"};
    AppSelect *s = app_select_new(g_env, modules, NFILES);
    ProjectFile *pfs[NFILES];
    bool parsed[NFILES] = {false};
    uint32_t done = 0;
    for (int pass = 0; pass < 2; pass++) { /* the sample, then the others */
        if (pass == 1)
            app_select_predict(s);
        for (uint32_t i = 0; i < NFILES; i++)
            if (app_select_sample(s, i) == (pass == 0) &&
                app_select_first(s, i, files[i].src, files[i].len)) {
                parsed[i] = true;
                pfs[done++] = &files[i].pf;
            }
    }
    const uint32_t *next;
    for (uint32_t k; (k = app_select_next(s, pfs, done, &next));)
        for (uint32_t j = 0; j < k; j++) {
            FUZZ_CHECK(!parsed[next[j]], "%s taken twice", files[next[j]].path);
            parsed[next[j]] = true;
            pfs[done++] = &files[next[j]].pf;
        }
    app_select_free(s);
    for (uint32_t k = 0; k < n; k++)
        for (int i = 0; i < NFILES; i++) {
            FUZZ_CHECK(parsed[i] || strcmp(items[k].path, files[i].path) != 0,
                       "%s:%u: %s in a file the selection does not parse", items[k].path,
                       items[k].line, items[k].rule->id);
            for (uint32_t c = 0; c < items[k].nchain; c++)
                FUZZ_CHECK(parsed[i] || strcmp(items[k].chain[c].path, files[i].path) != 0,
                           "%s: a chain step of %s:%u in a file the selection does not parse",
                           files[i].path, items[k].path, items[k].line);
        }
}

/* Whole-run part (check.c analyse + app_check_run): link, project checks,
 * suppression, sort, dedupe, every writer. */
static void finish(FuzzFile *files, Diag *d)
{
    ProjectFile *pfs[NFILES];
    for (int i = 0; i < NFILES; i++)
        pfs[i] = &files[i].pf;
    Project p;
    project_init(&p);
    project_link(&p, pfs, NFILES);
    FindingSink whole;
    chk_sink_init(&whole);
    chk_run_project(g_env, &p, &whole);

    Vec(Finding) all;
    vec_init(&all);
    SuppTable supp;
    supp_table_init(&supp);
    for (int i = 0; i < NFILES; i++) {
        for (uint32_t k = 0; k < files[i].sink.items.size; k++)
            vec_push(&all, files[i].sink.items.contents[k]);
        supp_table_add(&supp, files[i].supp);
    }
    for (uint32_t k = 0; k < whole.items.size; k++)
        vec_push(&all, whole.items.contents[k]);
    uint32_t n = supp_filter(&supp, all.contents, all.size, NULL);
    finding_sort(all.contents, n);
    n = finding_dedupe(all.contents, n);
    for (uint32_t k = 0; k < n; k++)
        check_finding(&all.contents[k], files);
    for (uint32_t k = 1; k < n; k++)
        FUZZ_CHECK(finding_cmp(&all.contents[k - 1], &all.contents[k]) < 0,
                   "findings not sorted and unique at %u", k);
    check_selection(files, all.contents, n);

    /* Writers only when there is something to write: with no finding their
     * output does not depend on the input (and SARIF's rule table is costly). */
    RepContext rc;
    rep_context_init(&rc);
    rc.rules = g_rules;
    rc.diag = d;
    for (RepFormat fmt = REP_TEXT; n > 0 && fmt <= REP_SARIF; fmt++)
        FUZZ_CHECK(rep_write(g_null, fmt, all.contents, n, &rc), "writer %s failed",
                   rep_format_name(fmt));

    supp_table_free(&supp);
    vec_free(&all);
    chk_sink_free(&whole);
    project_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX / 8)
        return 0;
    const char *src = (const char *)data;
    const char *cut = memmem(src, size, "\n#---\n", 6);
    size_t first = cut ? (size_t)(cut - src) + 1 : size;
    FuzzFile files[NFILES] = {
        {.path = "pkg/a.py", .module = "pkg.a", .src = src, .len = (uint32_t)first},
        {.path = "pkg/b.py", .module = "pkg.b", .src = src + first,
         .len = (uint32_t)(size - first)},
    };
    Diag d;
    diag_init(&d);
    for (int i = 0; i < NFILES; i++)
        analyse(&files[i], &d);
    finish(files, &d);
    for (int i = 0; i < NFILES; i++) {
        chk_sink_free(&files[i].sink);
        project_file_free(&files[i].pf);
    }
    diag_free(&d);
    return 0;
}
