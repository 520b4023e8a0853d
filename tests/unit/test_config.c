/* Unit tests for the configuration (src/app/config.c) and its globs
 * (src/app/glob.c): loading and error messages with positions, nearest-wins
 * discovery and its cache, --config, per-file-ignores, rule selection layers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testsupport.h"
#include "app/config.h"
#include "app/glob.h"
#include "base/xalloc.h"

typedef struct Fixture {
    char root[64];
    char oldcwd[4096];
    Arena arena;
    Diag diag;
    char diags[4096];
} Fixture;

/* Writes text at path (relative to the tree, the current directory). */
static void put(const char *path, const char *text)
{
    ts_write_file(NULL, path, text);
}

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    ts_make_dir(f->root, sizeof f->root, "config");
    assert_non_null(getcwd(f->oldcwd, sizeof f->oldcwd));
    assert_int_equal(chdir(f->root), 0);
    arena_init(&f->arena);
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    diag_free(&f->diag);
    arena_free(&f->arena);
    assert_int_equal(chdir(f->oldcwd), 0);
    ts_remove_tree(f->root);
    xfree(f);
    return 0;
}

/* diag_print output of everything reported so far; the sink is emptied. */
static const char *diags(Fixture *f)
{
    FILE *m = fmemopen(f->diags, sizeof f->diags, "w");
    diag_print(&f->diag, m);
    fclose(m);
    diag_free(&f->diag);
    diag_init(&f->diag);
    return f->diags;
}

/* Loads text as `name` and returns the error text ("" when it loaded). */
static const char *load_errors(Fixture *f, const char *name, const char *text, Config **out)
{
    Config *c = NULL;
    bool ok = cfg_load_text(name, text, strlen(text), &f->arena, &f->diag, &c);
    assert_int_equal(ok, c != NULL);
    if (out)
        *out = c;
    return diags(f);
}

static Config *load_ok(Fixture *f, const char *name, const char *text)
{
    Config *c;
    assert_string_equal(load_errors(f, name, text, &c), "");
    assert_non_null(c);
    return c;
}

static Pack embedded_pack = {.name = "python-asyncio", .embedded = true};
static Pack user_pack = {.name = "mine", .embedded = false};

static Rule rule(const char *id, const char *name, bool on_by_default, Pack *pack)
{
    Rule r = {.id = id, .name = name, .default_enabled = on_by_default, .pack = pack};
    return r;
}

/* ---- globs ----------------------------------------------------------------- */

static void test_glob_match_globstar(void **state)
{
    (void)state;
    assert_true(app_glob_match("**/*.py", "a.py"));
    assert_true(app_glob_match("**/*.py", "a/b/c.py"));
    assert_true(app_glob_match("a/**/b", "a/b"));
    assert_true(app_glob_match("a/**/b", "a/x/y/b"));
    assert_false(app_glob_match("a/**/b", "a/x/y/c"));
    assert_false(app_glob_match("*.py", "a/b.py"));
    assert_false(app_glob_match("a/*", "a/b/c"));
    assert_true(app_glob_match("a/*", "a/b"));
    assert_false(app_glob_match("*.py", ".hidden.py")); /* FNM_PERIOD */
    assert_true(app_glob_match(".*.py", ".hidden.py"));
    assert_true(app_glob_match("**", "any/depth/x"));
    assert_true(app_glob_match("te?t_[a-c].py", "test_b.py"));
}

static void test_glob_match_is_not_exponential(void **state)
{
    (void)state;
    char pat[512] = "", path[512] = "";
    for (int i = 0; i < 60; i++)
        strcat(pat, "**/a/");
    strcat(pat, "b");
    for (int i = 0; i < 80; i++)
        strcat(path, "a/");
    strcat(path, "c");
    assert_false(app_glob_match(pat, path)); /* 60 globstars: backtracking would not end */
}

static void test_glob_match_tree(void **state)
{
    (void)state;
    assert_true(app_glob_match_tree("tests", "a/tests/b.py"));
    assert_true(app_glob_match_tree("tests/", "tests"));
    assert_true(app_glob_match_tree("src/gen", "src/gen/x/y.py"));
    assert_false(app_glob_match_tree("src/gen", "lib/src/gen/x.py"));
    assert_true(app_glob_match_tree("/src/gen", "src/gen/x.py"));
    assert_false(app_glob_match_tree("gen", "generated/x.py"));
    assert_true(app_glob_match_tree("*_pb2.py", "deep/er/x_pb2.py"));
    assert_false(app_glob_match_tree("/", "x.py"));
}

/* ---- loading ---------------------------------------------------------------- */

static void test_cfg_load_all_keys(void **state)
{
    Fixture *f = *state;
    put("packs/extra.yaml", "");
    put("build/compile_commands.json", "[]");
    Config *c = load_ok(f, ".asynclint.yaml",
                        "select: [AL1, AL2]\n"
                        "extend-select: AL601\n"
                        "ignore: [blocking-sleep]\n"
                        "per-file-ignores:\n"
                        "  \"tests/**\": [AL101, AL102]\n"
                        "  \"!src/**\": AL2\n"
                        "exclude: [legacy/]\n"
                        "extend-exclude: [\"*_pb2.py\"]\n"
                        "rules: [./packs/extra.yaml]\n"
                        "compile-commands: build\n"
                        "fail-on: warning\n"
                        "no-default-rules: true\n");
    assert_int_equal(c->select.count, 2);
    assert_string_equal(c->select.items[1], "AL2");
    assert_null(c->select.items[2]);
    assert_int_equal(c->select.nodes[1]->col, 15);
    assert_string_equal(c->extend_select.items[0], "AL601");
    assert_int_equal(c->nper_file_ignores, 2);
    assert_string_equal(c->per_file_ignores[1].glob, "src/**");
    assert_true(c->per_file_ignores[1].negated);
    assert_true(c->per_file_ignores[1].anchored);
    assert_int_equal(c->nglobs, 2);
    assert_string_equal(c->globs[0].pat, "legacy");
    assert_false(c->globs[0].anchored);
    assert_string_equal(c->rules.items[0], "packs/extra.yaml");
    assert_string_equal(c->compile_commands, "build");
    assert_int_equal(c->fail_on, SEV_WARNING);
    assert_true(c->no_default_rules);
}

static void test_cfg_load_empty_file_gives_defaults(void **state)
{
    Fixture *f = *state;
    Config *c = load_ok(f, "x/.asynclint.yaml", "# nothing yet\n");
    assert_null(c->select.items);
    assert_int_equal(c->fail_on, SEV_NOTE);
    const char *const *defaults = cfg_default_excludes();
    uint32_t n = 0;
    while (defaults[n])
        n++;
    assert_int_equal(c->nglobs, n);
    assert_string_equal(c->path, "x/.asynclint.yaml");
    /* An empty `select:` is an empty list, not "every rule". */
    c = load_ok(f, "y.yaml", "select:\nextend-select: [AL101]\n");
    assert_non_null(c->select.items);
    assert_int_equal(c->select.count, 0);
}

static void test_cfg_unknown_keys_with_did_you_mean(void **state)
{
    Fixture *f = *state;
    assert_string_equal(load_errors(f, "cfg.yaml",
                                    "select: [AL101]\n"
                                    "per_file_ignores: {}\n"
                                    "  # comment\n"
                                    "frobnicate: 1\n"
                                    "extend-selct: [AL2]\n",
                                    NULL),
                        "cfg.yaml:2:1: error: unknown key 'per_file_ignores' (did you mean "
                        "'per-file-ignores'?)\n"
                        "cfg.yaml:4:1: error: unknown key 'frobnicate' (expected one of: "
                        "select, extend-select, ignore, per-file-ignores, exclude, "
                        "extend-exclude, rules, compile-commands, fail-on, no-default-rules)\n"
                        "cfg.yaml:5:1: error: unknown key 'extend-selct' (did you mean "
                        "'extend-select'?)\n");
}

static void test_cfg_wrong_types_point_at_the_value(void **state)
{
    Fixture *f = *state;
    static const char *const cases[][2] = {
        {"select: {AL1: x}\n", "c.yaml:1:9: error: 'select' expects a list of strings, found "
                               "a map\n"},
        {"ignore: [AL1, [AL2]]\n", "c.yaml:1:15: error: 'ignore' entries must be strings, "
                                   "found a list\n"},
        {"fail-on: eror\n", "c.yaml:1:10: error: 'fail-on' expects one of error, warning, "
                            "note; found 'eror' (did you mean 'error'?)\n"},
        {"no-default-rules: maybe\n", "c.yaml:1:19: error: expected true or false for "
                                      "'no-default-rules', found 'maybe'\n"},
        {"per-file-ignores: [a]\n", "c.yaml:1:19: error: 'per-file-ignores' expects a map of "
                                    "glob: [rule selectors], found a list\n"},
        {"per-file-ignores:\n  'tests/**': {a: b}\n",
         "c.yaml:2:15: error: 'per-file-ignores' expects a list of strings, found a map\n"},
        {"- select\n", "c.yaml:1:1: error: expected a map of settings at the top level, found "
                       "a list\n"},
        {"rules: [missing-pack.yaml]\n", "c.yaml:1:9: error: 'rules': 'missing-pack.yaml' does "
                                         "not exist (paths are relative to the directory of "
                                         "c.yaml)\n"},
        {"compile-commands: [a]\n", "c.yaml:1:19: error: 'compile-commands' expects a path (a "
                                    "compile_commands.json or the build directory holding "
                                    "it), found a list\n"},
        {"select: [\"\"]\n", "c.yaml:1:10: error: 'select' entries must not be empty\n"},
        {"select: [AL1\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Config *c = (Config *)1;
        const char *got = load_errors(f, "c.yaml", cases[i][0], &c);
        assert_null(c);
        if (cases[i][1])
            assert_string_equal(got, cases[i][1]);
        else
            assert_true(strncmp(got, "c.yaml:", 7) == 0); /* ynode's syntax error */
    }
}

static void test_cfg_paths_resolve_against_the_config_directory(void **state)
{
    Fixture *f = *state;
    put("svc/packs/p.yaml", "");
    Config *c = load_ok(f, "svc/.asynclint.yaml", "rules: [packs/p.yaml, packs]\n");
    assert_string_equal(c->rules.items[0], "svc/packs/p.yaml");
    assert_string_equal(c->rules.items[1], "svc/packs");
    assert_string_equal(c->dir + strlen(c->dir) - 4, "/svc");
    assert_string_equal(load_errors(f, "svc/.asynclint.yaml", "rules: [svc/packs]\n", NULL),
                        "svc/.asynclint.yaml:1:9: error: 'rules': 'svc/svc/packs' does not "
                        "exist (paths are relative to the directory of svc/.asynclint.yaml)\n");
}

/* ---- discovery cache -------------------------------------------------------- */

static void test_cfg_find_nearest_wins_without_merging(void **state)
{
    Fixture *f = *state;
    put(".asynclint.yaml", "ignore: [AL101]\nselect: [AL1]\n");
    put("sub/.asynclint.yaml", "select: [AL2]\n");
    mkdir("sub/deep", 0755);
    CfgCache *cc = cfg_cache_new();
    assert_string_equal(cfg_find(cc, "sub/deep"), "sub/.asynclint.yaml");
    assert_string_equal(cfg_find(cc, "."), ".asynclint.yaml");
    assert_string_equal(cfg_find(cc, "not/created/yet"), ".asynclint.yaml");
    const Config *c;
    assert_true(cfg_for_path(cc, "sub/deep/x.py", false, &f->diag, &c));
    assert_string_equal(c->path, "sub/.asynclint.yaml");
    assert_string_equal(c->select.items[0], "AL2");
    assert_null(c->ignore.items); /* nothing inherited from the parent file */
    assert_true(cfg_for_path(cc, "./x.py", false, &f->diag, &c));
    assert_string_equal(c->path, ".asynclint.yaml");
    assert_true(cfg_for_path(cc, "sub", true, &f->diag, &c));
    assert_string_equal(c->path, "sub/.asynclint.yaml");
    const Config *const *all;
    assert_int_equal(cfg_cache_configs(cc, &all), 2);
    assert_string_equal(all[0]->path, ".asynclint.yaml");
    assert_string_equal(all[1]->path, "sub/.asynclint.yaml");
    cfg_cache_free(cc);
    assert_string_equal(diags(f), "");
}

static void test_cfg_find_remembers_directories(void **state)
{
    Fixture *f = *state;
    put("sub/deep/a.py", "");
    CfgCache *cc = cfg_cache_new();
    const Config *c;
    assert_true(cfg_for_path(cc, "sub/deep/a.py", false, &f->diag, &c));
    assert_null(c->path);
    /* Created after the lookup: the cache answers without looking again. */
    put("sub/.asynclint.yaml", "select: [AL1]\n");
    assert_null(cfg_find(cc, "sub/deep"));
    assert_null(cfg_find(cc, "sub"));
    cfg_cache_free(cc);
    cc = cfg_cache_new();
    assert_string_equal(cfg_find(cc, "sub/deep"), "sub/.asynclint.yaml");
    cfg_cache_free(cc);
}

static void test_cfg_override_wins_everywhere(void **state)
{
    Fixture *f = *state;
    put("sub/.asynclint.yaml", "select: [AL2]\n");
    put("conf/custom.yaml", "select: [AL4]\n");
    CfgCache *cc = cfg_cache_new();
    assert_true(cfg_cache_set_override(cc, "conf/custom.yaml", &f->diag));
    const Config *c;
    assert_true(cfg_for_path(cc, "sub/x.py", false, &f->diag, &c));
    assert_string_equal(c->path, "conf/custom.yaml");
    assert_string_equal(cfg_find(cc, "sub"), "conf/custom.yaml");
    cfg_cache_free(cc);
    cc = cfg_cache_new();
    assert_false(cfg_cache_set_override(cc, "conf/nope.yaml", &f->diag));
    assert_int_equal(cfg_cache_errors(cc), 1);
    cfg_cache_free(cc);
    assert_string_equal(diags(f), "conf/nope.yaml: error: cannot open: No such file or "
                                  "directory\n");
}

static void test_cfg_broken_file_reported_once(void **state)
{
    Fixture *f = *state;
    put("sub/.asynclint.yaml", "fail-on: [x]\n");
    CfgCache *cc = cfg_cache_new();
    const Config *c;
    assert_false(cfg_for_path(cc, "sub/a.py", false, &f->diag, &c));
    assert_non_null(c);
    assert_false(cfg_for_path(cc, "sub/b.py", false, &f->diag, &c));
    assert_int_equal(cfg_cache_errors(cc), 1);
    cfg_cache_free(cc);
    assert_string_equal(diags(f), "sub/.asynclint.yaml:1:10: error: 'fail-on' expects one of "
                                  "error, warning, note; found a list\n");
}

static void test_cfg_rule_paths_deduplicated(void **state)
{
    Fixture *f = *state;
    put("packs/extra.yaml", "");
    put(".asynclint.yaml", "rules: [packs/extra.yaml]\n");
    put("sub/.asynclint.yaml", "rules: [../packs/extra.yaml, ../packs]\n");
    CfgCache *cc = cfg_cache_new();
    const Config *c;
    assert_true(cfg_for_path(cc, "sub/a.py", false, &f->diag, &c));
    assert_true(cfg_for_path(cc, "a.py", false, &f->diag, &c));
    const char *const *paths;
    assert_int_equal(cfg_cache_rule_paths(cc, &paths), 2);
    assert_string_equal(paths[0], "packs/extra.yaml");
    assert_string_equal(paths[1], "sub/../packs");
    cfg_cache_free(cc);
}

static void test_cfg_validate_selectors(void **state)
{
    Fixture *f = *state;
    put("c.yaml", "select: [AL101, blocking-sleap]\n"
                  "per-file-ignores:\n  'x/**': [AL9]\n");
    Rule r1 = rule("AL101", "blocking-sleep", true, &embedded_pack);
    Rule r2 = rule("AL202", "dangling-task", true, &embedded_pack);
    Rule *rules[] = {&r1, &r2};
    RuleSet rs = {.rules = rules, .nrules = 2};
    CfgCache *cc = cfg_cache_new();
    assert_true(cfg_cache_set_override(cc, "c.yaml", &f->diag));
    assert_false(cfg_cache_validate(cc, &rs, &f->diag));
    cfg_cache_free(cc);
    assert_string_equal(diags(f), "c.yaml:1:17: error: 'select': unknown rule selector "
                                  "'blocking-sleap' (did you mean 'blocking-sleep'?)\n"
                                  "c.yaml:3:12: error: 'per-file-ignores': unknown rule "
                                  "selector 'AL9'\n");
}

/* ---- questions ----------------------------------------------------------------- */

static void test_cfg_per_file_ignores_globstar(void **state)
{
    Fixture *f = *state;
    Config *c = load_ok(f, "proj/.asynclint.yaml",
                        "per-file-ignores:\n"
                        "  'tests/**/*.py': [AL101]\n"
                        "  __init__.py: [AL2]\n");
    Rule r101 = rule("AL101", "blocking-sleep", true, &embedded_pack);
    Rule r202 = rule("AL202", "dangling-task", true, &embedded_pack);
    assert_true(cfg_path_ignored(c, "proj/tests/a/b/t.py", &r101));
    assert_true(cfg_path_ignored(c, "./proj/tests/t.py", &r101));
    assert_false(cfg_path_ignored(c, "proj/tests/t.py", &r202));
    assert_false(cfg_path_ignored(c, "proj/src/tests/t.py", &r101)); /* anchored */
    assert_false(cfg_path_ignored(c, "proj/tests/t.pyi", &r101));
    assert_false(cfg_path_ignored(c, "other/tests/t.py", &r101)); /* outside proj */
    assert_true(cfg_path_ignored(c, "proj/pkg/__init__.py", &r202));
    assert_true(cfg_path_ignored(c, "elsewhere/__init__.py", &r202)); /* a base name */
    assert_false(cfg_path_ignored(c, "proj/pkg/__init__.py", &r101));
    c = load_ok(f, "proj/.asynclint.yaml", "per-file-ignores: {'!src/**': [blocking-sleep]}\n");
    assert_true(cfg_path_ignored(c, "proj/scripts/x.py", &r101));
    assert_false(cfg_path_ignored(c, "proj/src/x.py", &r101));
}

static void test_cfg_excludes(void **state)
{
    Fixture *f = *state;
    Config *d = cfg_defaults(&f->arena);
    assert_true(cfg_path_excluded(d, "a/node_modules/x/y.py"));
    assert_false(cfg_path_excluded(d, "a/nodes/x.py"));
    assert_true(cfg_entry_excluded(d, "a/.venv", ".venv"));
    Config *c = load_ok(f, "p/.asynclint.yaml", "extend-exclude: [gen/out, '*.pyi']\n");
    assert_true(cfg_entry_excluded(c, "p/gen/out", "out"));
    assert_false(cfg_entry_excluded(c, "p/x/gen/out", "out"));
    assert_true(cfg_entry_excluded(c, "p/x/a.pyi", "a.pyi"));
    assert_true(cfg_path_excluded(c, "p/gen/out/deep/a.py"));
    assert_true(cfg_path_excluded(c, "p/dist/a.py")); /* defaults still apply */
}

/* Names and `*suffix` patterns are matched without fnmatch: the answers must
 * be fnmatch's (FNM_PERIOD: a leading `*` never matches a leading '.'). */
static void test_cfg_entry_excluded_agrees_with_fnmatch(void **state)
{
    Fixture *f = *state;
    static const char *const pats[] = {"build", ".venv", "*.pyi", "*", "*c", "*_pb2.py",
                                       "x?y", "[ab]*", "a\\*b", "*.p[y]", "**", NULL};
    static const char *const names[] = {"build", "builds", "rebuild", ".venv", "venv", "a.pyi",
                                        ".pyi", ".a.pyi", "pyi", "c", ".c", "abc", "m_pb2.py",
                                        "_pb2.py", "xzy", "xy", "apple", "a*b", "axb", "a.py",
                                        "", NULL};
    for (const char *const *p = pats; *p; p++) {
        Config *c = load_ok(f, "g/.asynclint.yaml",
                            arena_printf(&f->arena, "exclude: ['%s']\n", *p));
        for (const char *const *n = names; *n; n++) {
            bool want = fnmatch(*p, *n, FNM_PERIOD) == 0;
            if (cfg_entry_excluded(c, arena_printf(&f->arena, "g/%s", *n), *n) != want)
                fail_msg("pattern '%s', name '%s': fnmatch says %d", *p, *n, want);
        }
    }
}

static void test_cfg_rule_selection_layers(void **state)
{
    Fixture *f = *state;
    Config *c = load_ok(f, "c.yaml",
                        "select: [AL1]\nextend-select: [AL201]\nignore: [AL102]\n");
    Rule r101 = rule("AL101", "blocking-sleep", true, &embedded_pack);
    Rule r102 = rule("AL102", "blocking-http", true, &embedded_pack);
    Rule r201 = rule("AL201", "unawaited-coroutine", true, &embedded_pack);
    Rule r301 = rule("AL301", "unbounded-gather", true, &embedded_pack);
    Rule r999 = rule("AL999", "strict-only", false, &embedded_pack);
    assert_true(cfg_rule_enabled(c, NULL, &r101));
    assert_false(cfg_rule_enabled(c, NULL, &r102));
    assert_true(cfg_rule_enabled(c, NULL, &r201));
    assert_false(cfg_rule_enabled(c, NULL, &r301));
    /* --select replaces the config's whole selection. */
    const char *const sel3[] = {"AL3", NULL};
    CfgOverrides cli = {.select = sel3};
    assert_true(cfg_rule_enabled(c, &cli, &r301));
    assert_false(cfg_rule_enabled(c, &cli, &r101));
    assert_false(cfg_rule_enabled(c, &cli, &r201));
    /* --extend-select and --ignore add to it. */
    const char *const ext[] = {"blocking-http", NULL}, *const ign[] = {"AL101", NULL};
    CfgOverrides cli2 = {.extend_select = ext, .ignore = ign};
    assert_true(cfg_rule_enabled(c, &cli2, &r102));
    assert_false(cfg_rule_enabled(c, &cli2, &r101));
    /* Off-by-default rules: not through ALL, only when named. */
    Config *all = load_ok(f, "c.yaml", "select: [ALL]\n");
    assert_false(cfg_rule_enabled(all, NULL, &r999));
    assert_true(cfg_rule_enabled(all, NULL, &r101));
    Config *named = load_ok(f, "c.yaml", "extend-select: [AL9]\n");
    assert_true(cfg_rule_enabled(named, NULL, &r999));
    assert_true(cfg_rule_enabled(named, NULL, &r101));
    Config *none = load_ok(f, "c.yaml", "ignore: [ALL]\nextend-select: [AL101]\n");
    assert_false(cfg_rule_enabled(none, NULL, &r101));
}

static void test_cfg_no_default_rules_keeps_user_packs(void **state)
{
    Fixture *f = *state;
    Config *c = load_ok(f, "c.yaml", "no-default-rules: true\n");
    Rule builtin = rule("AL101", "blocking-sleep", true, &embedded_pack);
    Rule mine = rule("ACME1", "acme-client", true, &user_pack);
    assert_false(cfg_rule_enabled(c, NULL, &builtin));
    assert_true(cfg_rule_enabled(c, NULL, &mine));
    Config *d = cfg_defaults(&f->arena);
    CfgOverrides cli = {.no_default_rules = true};
    assert_true(cfg_rule_enabled(d, NULL, &builtin));
    assert_false(cfg_rule_enabled(d, &cli, &builtin));
}

static void test_cfg_fail_on(void **state)
{
    Fixture *f = *state;
    Config *d = cfg_defaults(&f->arena);
    assert_true(cfg_fails(d, SEV_NOTE));
    Config *c = load_ok(f, "c.yaml", "fail-on: warning\n");
    assert_false(cfg_fails(c, SEV_NOTE));
    assert_true(cfg_fails(c, SEV_WARNING));
    assert_true(cfg_fails(c, SEV_ERROR));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_glob_match_globstar),
        T(test_glob_match_is_not_exponential),
        T(test_glob_match_tree),
        T(test_cfg_load_all_keys),
        T(test_cfg_load_empty_file_gives_defaults),
        T(test_cfg_unknown_keys_with_did_you_mean),
        T(test_cfg_wrong_types_point_at_the_value),
        T(test_cfg_paths_resolve_against_the_config_directory),
        T(test_cfg_find_nearest_wins_without_merging),
        T(test_cfg_find_remembers_directories),
        T(test_cfg_override_wins_everywhere),
        T(test_cfg_broken_file_reported_once),
        T(test_cfg_rule_paths_deduplicated),
        T(test_cfg_validate_selectors),
        T(test_cfg_per_file_ignores_globstar),
        T(test_cfg_excludes),
        T(test_cfg_entry_excluded_agrees_with_fnmatch),
        T(test_cfg_rule_selection_layers),
        T(test_cfg_no_default_rules_keeps_user_packs),
        T(test_cfg_fail_on),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
