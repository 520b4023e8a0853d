/* Helpers the unit tests share (see testsupport.h). */
#include "testsupport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/frontend.h"
#include "base/xalloc.h"
#include "lang/python/pyparse.h"

void ts_make_dir(char *buf, size_t n, const char *tag)
{
    int w = snprintf(buf, n, "/tmp/asynclint-%s-XXXXXX", tag);
    assert_true(w > 0 && (size_t)w < n);
    assert_non_null(mkdtemp(buf));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    chmod(path, 0755); /* a directory a test made unreadable */
    return remove(path);
}

void ts_remove_tree(const char *dir)
{
    chmod(dir, 0755);
    assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

void ts_write_file(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    int w = dir ? snprintf(path, sizeof path, "%s/%s", dir, rel)
                : snprintf(path, sizeof path, "%s", rel);
    assert_true(w > 0 && (size_t)w < sizeof path);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

char *ts_diag_text(const Diag *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    diag_print(d, m);
    fclose(m);
    return out;
}

void ts_default_env(RuleSet **rs, ChkEnv **env, Diag *d)
{
    *rs = rules_set_new();
    assert_true(rules_load_defaults(*rs, d));
    rules_apply_selection(*rs, NULL, NULL, NULL);
    *env = chk_env_new(*rs, d);
    assert_non_null(*env);
}

Rule *ts_bind_rule(RuleSet *rs, const char *id, Lang lang, const CheckEngine *engine, Diag *d)
{
    Rule *r = rules_find_lang(rs, id, lang);
    assert_non_null(r);
    assert_string_equal(r->check, engine->name);
    assert_true(engine->bind(r, rs, &rs->arena, d));
    assert_int_equal(d->errors, 0);
    r->engine = engine;
    r->enabled = true;
    return r;
}

const char *ts_finding_lines(const FindingSink *sink)
{
    static char buf[256];
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < sink->items.size && n < sizeof buf - 8; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, i ? " %u" : "%u",
                              sink->items.contents[i].line);
    return buf;
}

TsRun *ts_run_new(const char *tag)
{
    TsRun *r = xcalloc(1, sizeof *r);
    arena_init(&r->arena);
    diag_init(&r->diag);
    ts_make_dir(r->dir, sizeof r->dir, tag);
    ts_default_env(&r->rs, &r->env, &r->diag);
    chk_sink_init(&r->whole);
    project_init(&r->project);
    return r;
}

void ts_run_free(TsRun *r)
{
    project_free(&r->project);
    for (uint32_t i = 0; i < r->nfiles; i++) {
        project_file_free(&r->pfs[i]);
        chk_sink_free(&r->sinks[i]);
    }
    chk_sink_free(&r->whole);
    chk_env_free(r->env);
    rules_set_free(r->rs);
    ts_remove_tree(r->dir);
    diag_free(&r->diag);
    arena_free(&r->arena);
    free(r->text);
    xfree(r);
}

void ts_run_analyse(TsRun *r, const TsSrc *files, uint32_t n, bool whole)
{
    assert_true(n <= TS_MAX_FILES);
    Arena *a = &r->arena;
    const char *roots[TS_MAX_FILES], *modules[TS_MAX_FILES];
    uint32_t nroots = 0;
    for (uint32_t i = 0; i < n; i++) {
        ts_write_file(r->dir, files[i].rel, files[i].text);
        modules[i] = app_module_name(a, NULL, arena_printf(a, "%s/%s", r->dir, files[i].rel), LANG_PYTHON);
        assert_non_null(modules[i]);
        const char *dot = strchr(modules[i], '.');
        const char *root = dot ? arena_strndup(a, modules[i], (size_t)(dot - modules[i]))
                               : modules[i];
        bool seen = !*root;
        for (uint32_t k = 0; k < nroots; k++)
            seen |= strcmp(roots[k], root) == 0;
        if (!seen)
            roots[nroots++] = root;
    }
    chk_env_set_roots(r->env, roots, nroots);
    for (uint32_t i = 0; i < n; i++) {
        ProjectFile *pf = &r->pfs[i];
        project_file_init(pf, files[i].rel, LANG_PYTHON);
        chk_sink_init(&r->sinks[i]);
        r->ptrs[i] = pf;
        r->nfiles++;
        pf->module = arena_strdup(&pf->arena, modules[i]);
        Unit *u = pyparse_unit_typed(files[i].rel, files[i].text,
                                     (uint32_t)strlen(files[i].text),
                                     chk_env_types(r->env, LANG_PYTHON), &r->diag);
        project_file_from_unit(pf, u);
        chk_run_unit(r->env, u, &r->sinks[i], pf);
        unit_free(u);
    }
    assert_int_equal(r->diag.errors, 0);
    project_link(&r->project, r->ptrs, n);
    if (whole)
        chk_run_project(r->env, &r->project, &r->whole);
}
