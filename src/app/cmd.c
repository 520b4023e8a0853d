/* The commands: `check` (set-up around app_check_run: configs, discovery, rule
 * packs, selection, the report), `rule ID`, `rules` and `version`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/file.h"
#include "../base/xalloc.h"
#include "check.h"
#include "frontend.h"

#ifndef ASYNCLINT_VERSION
#define ASYNCLINT_VERSION "0.0.0"
#endif

/* ---- rule packs ------------------------------------------------------------------------ */

static RuleSet *load_rules(const AppOptions *opt, CfgCache *cc, unsigned langs, Diag *d,
                           bool *all_ok)
{
    RuleSet *rs = rules_set_new();
    bool ok = true;
    if (!opt->no_default_rules)
        ok &= rules_load_defaults_for(rs, langs, d);
    for (size_t i = 0; opt->rules && opt->rules[i]; i++)
        ok &= rules_load_path(rs, opt->rules[i], d);
    const char *const *extra = NULL;
    uint32_t n = cc ? cfg_cache_rule_paths(cc, &extra) : 0;
    for (uint32_t i = 0; i < n; i++)
        ok &= rules_load_path(rs, extra[i], d);
    /* A pack with an error is left out whole (the loader adds only valid files);
     * the run goes on with the others and exits 2. */
    *all_ok = ok;
    return rs;
}

static bool valid_selectors(const RuleSet *rs, const char *const *list, const char *opt, Diag *d)
{
    bool ok = true;
    for (size_t i = 0; list && list[i]; i++) {
        if (rules_selector_valid(rs, list[i]))
            continue;
        diag_report(d, DIAG_ERROR, NULL, 0, 0, "%s: '%s' selects no rule (see `asynclint rules`)",
                    opt, list[i]);
        ok = false;
    }
    return ok;
}

/* A rule runs if any config governing a file of the run enables it; findings
 * are then kept per file by that file's own config (app_check_run). */
static void enable_rules(RuleSet *rs, const AppFile *files, uint32_t n, const CfgOverrides *ov)
{
    for (uint32_t r = 0; r < rs->nrules; r++) {
        Rule *rule = rs->rules[r];
        rule->enabled = false;
        if (!rule->engine)
            continue; /* its parameters were rejected */
        const Config *seen = NULL;
        for (uint32_t i = 0; i < n && !rule->enabled; i++) {
            if (files[i].config == seen)
                continue;
            seen = files[i].config;
            rule->enabled = cfg_rule_enabled(seen, ov, rule);
        }
    }
}

/* ---- reporting ---------------------------------------------------------------------------- */

typedef struct ReportCtx {
    const AppOptions *opt;
    RepContext rep;
    Diag *diag;
} ReportCtx;

static bool report(void *ctx, const Finding *items, uint32_t n)
{
    ReportCtx *rc = ctx;
    const AppOptions *opt = rc->opt;
    if (opt->statistics && opt->format == REP_TEXT && !opt->output_file)
        return rep_statistics_write(stdout, items, n, false);
    bool ok = opt->output_file
                  ? rep_write_to_path(opt->output_file, opt->format, items, n, &rc->rep, rc->diag)
                  : rep_write(stdout, opt->format, items, n, &rc->rep);
    if (ok && opt->statistics)
        ok = rep_statistics_write(opt->output_file ? stdout : stderr, items, n, false);
    if (!ok && rc->diag)
        diag_print(rc->diag, stderr);
    fflush(stdout);
    return ok;
}

static bool use_color(const AppOptions *opt)
{
    if (opt->color >= 0)
        return opt->color == 1;
    const char *nc = getenv("NO_COLOR");
    return !opt->output_file && isatty(STDOUT_FILENO) && !(nc && nc[0]);
}

/* ---- check ------------------------------------------------------------------------------------ */

static bool stdin_file(const AppOptions *opt, CfgCache *cc, Arena *a, Diag *d, AppFile *f)
{
    const char *name = opt->stdin_filename ? opt->stdin_filename : "<stdin>.py";
    f->path = app_discover_normalize(a, name);
    f->is_explicit = true;
    if (!app_discover_lang(f->path, true, &f->lang))
        f->lang = LANG_PYTHON;
    return cfg_for_path(cc, f->path, false, d, &f->config);
}

static int cmp_file(const void *x, const void *y)
{
    return strcmp(((const AppFile *)x)->path, ((const AppFile *)y)->path);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_base(const void *x, const void *y)
{
    return strcmp(base_name(*(const char *const *)x), base_name(*(const char *const *)y));
}

/* Whether context file `path` is one of the checked files: the same name, or
 * the same file on disk (`--stdin-filename /abs/x.py` with `--context .`; the
 * disk is asked only for the checked files of the same base name, found in
 * `by_base`, the checked paths sorted by base name). */
static bool checked_already(const AppDiscovery *disc, const char **by_base, const char *path)
{
    AppFile key = {.path = path};
    if (bsearch(&key, disc->files, disc->count, sizeof *disc->files, cmp_file))
        return true;
    const char **hit = bsearch(&path, by_base, disc->count, sizeof *by_base, cmp_base);
    if (!hit)
        return false;
    while (hit > by_base && cmp_base(hit - 1, &path) == 0)
        hit--;
    char *real = realpath(path, NULL);
    bool same = false;
    for (; real && !same && hit < by_base + disc->count && cmp_base(hit, &path) == 0; hit++) {
        char *other = realpath(*hit, NULL);
        same = other && strcmp(other, real) == 0;
        free(other);
    }
    free(real);
    return same;
}

/* --context: the files of those paths, found as the checked ones are, join
 * the run marked context_only (kept sorted by path, as the run wants them);
 * one that is also checked is taken once, as checked. */
static bool add_context(const AppOptions *opt, const AppDiscoverOptions *dopt, Arena *a, Diag *d,
                        AppDiscovery *disc)
{
    uint32_t n = 0;
    while (opt->context[n])
        n++;
    AppDiscovery ctx = {0};
    bool ok = app_discover(opt->context, n, dopt, a, d, &ctx) && !ctx.usage_errors &&
              !ctx.config_errors;
    const char **by_base = ARENA_ARRAY(a, const char *, disc->count + 1);
    for (uint32_t i = 0; i < disc->count; i++)
        by_base[i] = disc->files[i].path;
    qsort(by_base, disc->count, sizeof *by_base, cmp_base);
    AppFile *all = ARENA_ARRAY(a, AppFile, disc->count + ctx.count + 1);
    memcpy(all, disc->files, sizeof *all * disc->count);
    uint32_t total = disc->count;
    for (uint32_t i = 0; i < ctx.count; i++) {
        if (checked_already(disc, by_base, ctx.files[i].path))
            continue;
        all[total] = ctx.files[i];
        all[total].context_only = true;
        all[total].is_explicit = false;
        total++;
    }
    qsort(all, total, sizeof *all, cmp_file);
    disc->files = all;
    disc->count = total;
    app_packages_free(&ctx.packages);
    return ok;
}

int app_cmd_check(const AppOptions *opt)
{
    Diag d;
    diag_init(&d);
    Arena a;
    arena_init(&a);
    int rc = 0;
    CfgCache *cc = cfg_cache_new();
    RuleSet *rs = NULL;
    ChkEnv *env = NULL;
    bool from_stdin = opt->npaths == 1 && strcmp(opt->paths[0], "-") == 0;
    AppDiscovery disc = {0}; /* (its packages map: freed at the end, empty or not) */
    if (opt->config && !cfg_cache_set_override(cc, opt->config, &d)) {
        rc = 2;
        goto out;
    }
    AppFile one;
    AppDiscoverOptions dopt = {cc, opt->force_exclude, opt->no_gitignore, opt->jobs};
    if (from_stdin) {
        memset(&one, 0, sizeof one);
        if (!stdin_file(opt, cc, &a, &d, &one))
            rc = 2;
        disc.files = &one;
        disc.count = rc ? 0 : 1;
    } else {
        app_discover(opt->paths, opt->npaths, &dopt, &a, &d, &disc);
        if (disc.usage_errors || disc.config_errors)
            rc = 2;
    }
    if (opt->context && disc.count && !add_context(opt, &dopt, &a, &d, &disc))
        rc = 2;
    if (opt->show_files) { /* ruff's --show-files: what discovery and excludes leave */
        for (uint32_t i = 0; i < disc.count; i++)
            if (!disc.files[i].context_only)
                printf("%s\n", disc.files[i].path);
        goto out;
    }
    bool packs_ok = true, env_ok = true;
    unsigned langs = 0;
    for (uint32_t i = 0; i < disc.count; i++)
        langs |= 1u << disc.files[i].lang;
    rs = load_rules(opt, cc, langs, &d, &packs_ok);
    env = chk_env_new_partial(rs, &d, &env_ok);
    if (!packs_ok || !env_ok)
        rc = 2; /* reported; the valid rules still run */
    CfgOverrides ov = {(const char *const *)opt->select, (const char *const *)opt->extend_select,
                       (const char *const *)opt->ignore, opt->no_default_rules};
    if (!cfg_cache_validate(cc, rs, &d) || !valid_selectors(rs, ov.select, "--select", &d) ||
        !valid_selectors(rs, ov.extend_select, "--extend-select", &d) ||
        !valid_selectors(rs, ov.ignore, "--ignore", &d)) {
        rc = 2;
        goto out;
    }
    enable_rules(rs, disc.files, disc.count, &ov);
    ReportCtx rctx = {.opt = opt, .diag = &d};
    rep_context_init(&rctx.rep);
    rctx.rep.rules = rs;
    rctx.rep.diag = &d;
    rctx.rep.tool_version = ASYNCLINT_VERSION;
    rctx.rep.color = use_color(opt);
    rctx.rep.summary = !opt->quiet;
    rctx.rep.execution_successful = rc == 0;
    AppCheckInput in = {.files = disc.files, .nfiles = disc.count,
                        .packages = from_stdin || opt->context ? NULL : &disc.packages,
                        .env = env, .overrides = &ov,
                        .diag = &d, .report = report, .report_ctx = &rctx, .exiting = true};
    char *src = NULL;
    if (from_stdin && disc.count) {
        if (!file_read_stream(stdin, one.path, &src, &in.stdin_len, &d)) {
            rc = 2;
            goto out;
        }
        in.stdin_src = src;
    }
    int run_rc = app_check_run(opt, &in);
    xfree(src);
    rc = rc ? rc : run_rc;
    diag_free(&d);
    goto done;
out:
    diag_print(&d, stderr);
    diag_free(&d);
done:
    app_packages_free(&disc.packages);
    if (env)
        chk_env_free(env);
    if (rs)
        rules_set_free(rs);
    cfg_cache_free(cc);
    arena_free(&a);
    return rc;
}

/* ---- rule / rules / version ------------------------------------------------------------- */

static const char *lang_name(Lang l)
{
    return l == LANG_C ? "c" : "python";
}

static void print_block(const char *title, const char *text)
{
    if (!text || !*text)
        return;
    printf("%s:\n", title);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        printf("    %.*s\n", len, p);
        if (!nl)
            break;
        p = nl + 1;
    }
    printf("\n");
}

static void print_rule(const Rule *r)
{
    printf("%s %s\n\n", r->id, r->name);
    printf("severity: %s    language: %s    pack: %s    check: %s\n", rules_severity_name(r->severity),
           lang_name(r->language), r->pack ? r->pack->name : "?", r->check);
    if (r->naliases) {
        printf("aliases:");
        for (uint32_t i = 0; i < r->naliases; i++)
            printf(" %s", r->aliases[i]);
        printf("\n");
    }
    if (!r->default_enabled)
        printf("off by default: enable with --select %s\n", r->id);
    printf("\nmessage: %s\n", r->message);
    if (r->message_trio)
        printf("message (trio): %s\n", r->message_trio);
    if (r->message_anyio)
        printf("message (anyio): %s\n", r->message_anyio);
    printf("\n");
    print_block("rationale", r->rationale);
    print_block("bad", r->example_bad);
    print_block("good", r->example_good);
    if (r->source)
        printf("source: %s\n", r->source);
}

static RuleSet *rules_for_docs(const AppOptions *opt)
{
    Diag d;
    diag_init(&d);
    bool ok = true;
    RuleSet *rs = load_rules(opt, NULL, (1u << LANG_PYTHON) | (1u << LANG_C), &d, &ok);
    diag_print(&d, stderr);
    diag_free(&d);
    if (!ok) {
        rules_set_free(rs);
        return NULL;
    }
    return rs;
}

int app_cmd_rule(const AppOptions *opt)
{
    RuleSet *rs = rules_for_docs(opt);
    if (!rs)
        return 2;
    int found = 0;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        if (strcasecmp(r->id, opt->rule_id) != 0 && strcmp(r->name, opt->rule_id) != 0)
            continue;
        if (found++)
            printf("\n----\n\n");
        print_rule(r);
    }
    if (!found)
        fprintf(stderr, "asynclint: error: no rule '%s' (see `asynclint rules`)\n", opt->rule_id);
    rules_set_free(rs);
    return found ? 0 : 2;
}

int app_cmd_rules(const AppOptions *opt)
{
    RuleSet *rs = rules_for_docs(opt);
    if (!rs)
        return 2;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        printf("%-6s %-32s %-7s %-7s %-18s%s\n", r->id, r->name, rules_severity_name(r->severity),
               lang_name(r->language), r->pack ? r->pack->name : "?",
               r->default_enabled ? "" : " (off by default)");
    }
    rules_set_free(rs);
    return 0;
}

int app_cmd_version(void)
{
    printf("asynclint %s\n", ASYNCLINT_VERSION);
    return 0;
}
