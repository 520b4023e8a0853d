/* `asynclint check`: the hallway of DESIGN.md end to end. Discover the files,
 * load the rule packs, analyse every file on the worker pool (parse -> Unit ->
 * per-file checks -> summary; the Unit is freed right there, so memory stays
 * bounded), link the Project and run the whole-run checks, then filter
 * (per-path config, suppressions, baseline), sort and report. Output is
 * identical for any -j: per-file results land in per-index slots and are merged
 * in path order before sorting. */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/file.h"
#include "../base/pool.h"
#include "../base/xalloc.h"
#include "../findings/baseline.h"
#include "../findings/findings.h"
#include "../findings/suppress.h"
#include "frontend.h"
#include "select.h"

typedef struct FileResult {
    FindingSink sink;
    ProjectFile pf;  /* initialised when the file is parsed */
    SuppFile *supp;  /* in pf.arena */
    Diag diag;
    bool parsed;
} FileResult;

typedef struct Analysis {
    const AppFile *files;
    uint32_t nfiles;
    AppPackages *packages;  /* from discovery, or NULL */
    const ChkEnv *env;
    AppFrontends *fronts;
    const char *stdin_src;  /* --stdin-filename: the source of files[stdin_index] */
    size_t stdin_len;
    uint32_t stdin_index;   /* UINT32_MAX: every file is read from disk */
    const char **modules;   /* per file: Python module name, or NULL */
    FileResult *results;
    Project project;
    ProjectFile **pfs;
    FindingSink whole;      /* findings of the whole-run checks */
    Arena *summaries;       /* per worker: the arenas the files' summaries are carved from */
    unsigned nworkers;
    AppSelect *select;      /* which Python files to parse (NULL: --parse-all) */
    const uint32_t *todo;   /* the files of a later round */
    uint32_t *order;        /* the first round's files: the selector's sample first */
    uint32_t order_base;    /* where the current pool_run starts in `order` */
} Analysis;

/* ---- per file (worker threads) -------------------------------------------------------- */

/* File i's bytes: stdin's, or read into *buf (the caller frees it). */
static const char *file_source(Analysis *an, size_t i, char **buf, size_t *len, Diag *d)
{
    *buf = NULL;
    *len = an->stdin_len;
    if (i == an->stdin_index)
        return an->stdin_src;
    return file_read_all(an->files[i].path, buf, len, d) ? *buf : NULL;
}

/* Parses file i and runs the per-file checks; its summary goes to results[i].pf. */
static void parse_file(Analysis *an, size_t i, unsigned worker, const char *src, size_t len)
{
    const AppFile *f = &an->files[i];
    FileResult *r = &an->results[i];
    project_file_init_in(&r->pf, f->path, f->lang, &an->summaries[worker]);
    r->parsed = true;
    Unit *u = app_frontend_parse(an->fronts, worker, f, src, len, &r->diag);
    if (u) {
        if (an->modules[i])
            r->pf.module = arena_strdup(&r->pf.arena, an->modules[i]);
        project_file_from_unit(&r->pf, u);
        chk_run_unit(an->env, u, &r->sink, &r->pf);
        r->supp = supp_file_build(&r->pf.arena, u);
        supp_cut_facts(r->supp, &r->pf, an->env->rs);
        unit_free(u);
        project_file_seal(&r->pf);
    }
}

/* The first round: every file is read; a Python file the selector does not
 * need yet keeps only its words. */
static void analyse_file(void *ctx, size_t k, unsigned worker)
{
    Analysis *an = ctx;
    uint32_t i = an->order[an->order_base + k];
    FileResult *r = &an->results[i];
    chk_sink_init(&r->sink);
    diag_init(&r->diag);
    char *buf;
    size_t len;
    const char *src = file_source(an, i, &buf, &len, &r->diag);
    if (src && (!an->select || an->files[i].lang != LANG_PYTHON ||
                app_select_first(an->select, i, src, len)))
        parse_file(an, i, worker, src, len);
    xfree(buf);
}

/* The later rounds: the files the selector asked for (an->todo). */
static void analyse_later(void *ctx, size_t k, unsigned worker)
{
    Analysis *an = ctx;
    uint32_t i = an->todo[k];
    char *buf;
    size_t len;
    const char *src = file_source(an, i, &buf, &len, &an->results[i].diag);
    if (src)
        parse_file(an, i, worker, src, len);
    xfree(buf);
}

/* Module names of every Python file, and the run's top-level module names: the
 * Project keeps only calls that may reach one of them. */
static void name_modules(Analysis *an, Arena *a)
{
    an->modules = ARENA_ARRAY(a, const char *, an->nfiles ? an->nfiles : 1);
    const char **roots = ARENA_ARRAY(a, const char *, an->nfiles ? an->nfiles : 1);
    uint32_t nroots = 0;
    AppPackages own, *pk = an->packages;
    if (!pk)
        app_packages_init(pk = &own, a);
    for (uint32_t i = 0; i < an->nfiles; i++) {
        const char *m = app_module_name(a, pk, an->files[i].path, an->files[i].lang);
        an->modules[i] = m;
        if (!m || !*m)
            continue;
        const char *dot = strchr(m, '.');
        roots[nroots++] = dot ? arena_strndup(a, m, (size_t)(dot - m)) : m;
    }
    if (pk == &own)
        app_packages_free(&own);
    chk_env_set_roots((ChkEnv *)an->env, roots, nroots); /* a set: repeats are fine */
}

static void analyse(Analysis *an, unsigned jobs)
{
    an->results = xcalloc(an->nfiles ? an->nfiles : 1, sizeof(FileResult));
    unsigned workers = jobs ? jobs : pool_default_threads();
    if (workers > an->nfiles)
        workers = an->nfiles ? an->nfiles : 1; /* as pool_run does */
    an->summaries = xcalloc(workers, sizeof *an->summaries);
    an->nworkers = workers;
    for (unsigned w = 0; w < workers; w++)
        arena_init_sized(&an->summaries[w], 1024 * 1024);
    /* the first round: the selector's sample first, whose files tell it
     * whether choosing can pay (app_select_predict), then the others */
    an->order = xcalloc(an->nfiles ? an->nfiles : 1, sizeof *an->order);
    uint32_t nsample = 0, placed = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < an->nfiles; i++)
            if ((!an->select || app_select_sample(an->select, i)) == (pass == 0))
                an->order[placed++] = i;
        nsample = pass == 0 ? placed : nsample;
    }
    an->order_base = 0;
    pool_run(nsample, workers, analyse_file, an);
    if (an->select)
        app_select_predict(an->select);
    an->order_base = nsample;
    pool_run(an->nfiles - nsample, workers, analyse_file, an);
    xfree(an->order);
    an->order = NULL;
    /* summaries in the order they were made (app_select_next's contract) */
    an->pfs = xcalloc(an->nfiles ? an->nfiles : 1, sizeof *an->pfs);
    uint32_t done = 0;
    for (uint32_t i = 0; i < an->nfiles; i++)
        if (an->results[i].parsed)
            an->pfs[done++] = &an->results[i].pf;
    for (uint32_t n; an->select && (n = app_select_next(an->select, an->pfs, done, &an->todo));) {
        pool_run(n, workers, analyse_later, an);
        for (uint32_t k = 0; k < n; k++)
            an->pfs[done++] = &an->results[an->todo[k]].pf;
    }
    /* the workers' parsers (token buffers, name tables) are not needed again:
     * the link's indexes reuse their memory (a lower peak) */
    app_frontends_free(an->fronts);
    an->fronts = NULL;
    app_select_free(an->select);
    an->select = NULL;
    done = 0; /* the link takes them in path order, as if every file had been parsed */
    for (uint32_t i = 0; i < an->nfiles; i++)
        if (an->results[i].parsed)
            an->pfs[done++] = &an->results[i].pf;
    project_init(&an->project);
    an->project.jobs = workers;
    project_link(&an->project, an->pfs, done);
    chk_sink_init(&an->whole);
    chk_run_project(an->env, &an->project, &an->whole);
}

static void analysis_free(Analysis *an)
{
    chk_sink_free(&an->whole);
    project_free(&an->project);
    for (uint32_t i = 0; i < an->nfiles; i++) {
        chk_sink_free(&an->results[i].sink);
        if (an->results[i].parsed)
            project_file_free(&an->results[i].pf);
        diag_free(&an->results[i].diag);
    }
    xfree(an->results);
    xfree(an->pfs);
    for (unsigned w = 0; an->summaries && w < an->nworkers; w++)
        arena_free(&an->summaries[w]);
    xfree(an->summaries);
}

/* ---- merging and filtering ------------------------------------------------------------------ */

static int cmp_file_path(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const AppFile *)elem)->path);
}

/* Keeps the findings that the governing config enables for their path (and
 * none in a --context file). */
static uint32_t filter_config(const Analysis *an, const CfgOverrides *cli, Finding *items,
                              uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        const AppFile *f = an->nfiles == 1 ? an->files
                                           : bsearch(items[i].path, an->files, an->nfiles,
                                                     sizeof(AppFile), cmp_file_path);
        const Config *c = f ? f->config : NULL;
        if (f && f->context_only)
            continue;
        if (c && (!cfg_rule_enabled(c, cli, items[i].rule) ||
                  cfg_path_ignored(c, items[i].path, items[i].rule)))
            continue;
        items[k++] = items[i];
    }
    return k;
}

/* Whole-run findings are made after their file's Unit is gone: read the source
 * lines they point at (findings are sorted, so each file is read once). */
static void fill_snippets(const Analysis *an, Finding *items, uint32_t n, Arena *a)
{
    const char *path = NULL;
    LineTable lt = {0};
    char *buf = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (items[i].snippet)
            continue;
        if (!path || strcmp(path, items[i].path) != 0) {
            xfree(buf);
            buf = NULL;
            path = items[i].path;
            size_t len = an->stdin_len;
            const char *src = an->stdin_index < an->nfiles &&
                                      strcmp(path, an->files[an->stdin_index].path) == 0
                                  ? an->stdin_src
                                  : NULL;
            Diag quiet;
            diag_init(&quiet);
            if (!src && file_read_all(path, &buf, &len, &quiet))
                src = buf;
            diag_free(&quiet);
            lt = (LineTable){0};
            if (src && len < UINT32_MAX)
                lines_build(&lt, a, src, (uint32_t)len);
        }
        uint32_t len = 0;
        const char *text = lt.count ? lines_text(&lt, items[i].line, &len) : NULL;
        if (text && len <= FINDING_MAX_SNIPPET)
            items[i].snippet = arena_strndup(a, text, len);
    }
    xfree(buf);
}

typedef Vec(Finding) FindingVec;

static void append(FindingVec *all, const FindingSink *s)
{
    vec_reserve(all, all->size + s->items.size);
    for (uint32_t i = 0; i < s->items.size; i++)
        vec_push(all, s->items.contents[i]);
}

/* Applies --baseline: drops findings it lists and notes the stale entries. */
static uint32_t apply_baseline(const AppOptions *opt, Finding *items, uint32_t n, Diag *d,
                               bool *ok)
{
    if (!opt->baseline)
        return n;
    Baseline b;
    if (!rep_baseline_load(&b, opt->baseline, d)) {
        *ok = false;
        return n;
    }
    uint32_t stale = 0;
    n = baseline_filter(&b, items, n, &stale);
    if (stale && !opt->quiet)
        diag_report(d, DIAG_NOTE, opt->baseline, 0, 0,
                    "%u baseline entr%s no longer match any finding (rewrite it with "
                    "--write-baseline)", stale, stale == 1 ? "y" : "ies");
    baseline_free(&b);
    return n;
}

static bool fails(const AppCheckInput *in, const Finding *items, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const AppFile *f = bsearch(items[i].path, in->files, in->nfiles, sizeof(AppFile),
                                   cmp_file_path);
        const Config *c = f ? f->config : NULL;
        if (!c || cfg_fails(c, items[i].rule->severity))
            return true;
    }
    return false;
}

int app_check_run(const AppOptions *opt, const AppCheckInput *in)
{
    Analysis an = {.files = in->files, .nfiles = in->nfiles, .packages = in->packages,
                   .env = in->env,
                   .stdin_src = in->stdin_src, .stdin_len = in->stdin_len,
                   .stdin_index = UINT32_MAX};
    for (uint32_t i = 0; in->stdin_src && i < in->nfiles; i++)
        if (!in->files[i].context_only) {
            an.stdin_index = i;
            break;
        }
    Arena scratch;
    arena_init(&scratch);
    name_modules(&an, &scratch);
    an.fronts = app_frontends_new(opt, opt->jobs ? opt->jobs : pool_default_threads(),
                                  chk_env_types(in->env, LANG_PYTHON));
    if (!opt->parse_all)
        an.select = app_select_new(in->env, an.modules, an.nfiles);
    analyse(&an, opt->jobs);

    FindingVec all;
    vec_init(&all);
    SuppTable supp;
    supp_table_init(&supp);
    for (uint32_t i = 0; i < an.nfiles; i++) {
        if (an.files[i].context_only)
            continue; /* read for what crosses files: its own problems are not asked for */
        diag_move(in->diag, &an.results[i].diag);
        append(&all, &an.results[i].sink);
        supp_table_add(&supp, an.results[i].supp);
    }
    append(&all, &an.whole);
    uint32_t n = filter_config(&an, in->overrides, all.contents, all.size);
    uint32_t suppressed = 0;
    n = supp_filter(&supp, all.contents, n, &suppressed);
    finding_sort(all.contents, n);
    n = finding_dedupe(all.contents, n);
    fill_snippets(&an, all.contents, n, &scratch);

    int rc = 0;
    bool ok = true;
    if (opt->write_baseline) {
        ok = rep_baseline_save(opt->write_baseline, all.contents, n, in->diag);
        if (ok && !opt->quiet)
            fprintf(stderr, "asynclint: wrote %u finding%s to baseline %s\n", n, n == 1 ? "" : "s",
                    opt->write_baseline);
    } else {
        n = apply_baseline(opt, all.contents, n, in->diag, &ok);
    }
    diag_print(in->diag, stderr);
    if (!ok)
        rc = 2;
    else if (!opt->write_baseline && !in->report(in->report_ctx, all.contents, n))
        rc = 3;
    else if (!opt->write_baseline && !opt->exit_zero && fails(in, all.contents, n))
        rc = 1;

    if (in->exiting && !APP_FREE_AT_EXIT) {
        fflush(NULL); /* the report is out before the caller returns to exit */
        return rc;
    }
    supp_table_free(&supp);
    vec_free(&all);
    analysis_free(&an);
    arena_free(&scratch);
    return rc;
}
