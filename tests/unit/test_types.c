/* Unit tests for value types by producer (src/model/types.c, TypeMap) and the
 * pack-level `returns` table that fills it (src/checks/registry.c): lookups by
 * content, overriding, growth with every key still found through the filter,
 * the default pack's path entries, a user pack extending them, and each shape
 * error with its position. End-to-end resolution is in test_pyparse.c
 * (test_pyparse_unit_value_types) and the AL103 fixtures. Also the pack-level
 * `releases` method names (AL301/AL302; fixtures in fanout/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsupport.h"
#include "base/arena.h"
#include "base/diag.h"
#include "checks/registry.h"
#include "model/types.h"
#include "rules/rules.h"

static void assert_type(const TypeMap *m, const char *name, const char *want)
{
    Str t = typemap_get(m, str_from(name));
    if (!want) {
        if (t.ptr)
            fail_msg("%s: type '%.*s', want none", name, (int)t.len, t.ptr);
        return;
    }
    if (!str_eq_c(t, want))
        fail_msg("%s: type '%.*s', want '%s'", name, (int)t.len, t.ptr ? t.ptr : "", want);
}

static void test_typemap_get_put_override(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    TypeMap m;
    typemap_init(&m);
    assert_type(&m, "pathlib.Path.parent", NULL); /* empty */
    assert_null(typemap_get(NULL, str_from("x")).ptr);
    typemap_put(&m, &a, str_from("pathlib.Path.parent"), str_from("pathlib.Path"));
    char key[] = "pathlib.Path.parent"; /* same bytes, another pointer */
    assert_type(&m, key, "pathlib.Path");
    assert_type(&m, "pathlib.Path", NULL);         /* a prefix is another name */
    assert_type(&m, "pathlib.Path.parents", NULL); /* so is a longer one */
    assert_type(&m, "", NULL);
    typemap_put(&m, &a, str_from("pathlib.Path.parent"), str_from("acme.Path"));
    assert_type(&m, "pathlib.Path.parent", "acme.Path"); /* the later entry wins */
    assert_int_equal(m.count, 1);
    typemap_put(&m, &a, STR_NULL, str_from("x")); /* no name: ignored */
    assert_int_equal(m.count, 1);
    arena_free(&a);
}

static void test_typemap_grows_and_filter_keeps_every_key(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    TypeMap m;
    typemap_init(&m);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        char *k = arena_printf(&a, "mod%d.Cls.m%d", i % 37, i);
        char *v = arena_printf(&a, "T%d", i);
        typemap_put(&m, &a, str_from(k), str_from(v));
    }
    assert_int_equal(m.count, N);
    assert_true(m.cap >= 2 * N);
    for (int i = 0; i < N; i++) {
        char k[64], v[32];
        snprintf(k, sizeof k, "mod%d.Cls.m%d", i % 37, i);
        snprintf(v, sizeof v, "T%d", i);
        assert_type(&m, k, v);
        snprintf(k, sizeof k, "mod%d.Cls.n%d", i % 37, i);
        assert_type(&m, k, NULL);
    }
    arena_free(&a);
}

/* ---- the packs' `returns` ----------------------------------------------------------- */

typedef struct Fx {
    RuleSet *rs;
    Diag diag;
    char *printed;
} Fx;

static int setup(void **state)
{
    Fx *f = calloc(1, sizeof *f);
    diag_init(&f->diag);
    f->rs = rules_set_new();
    assert_true(rules_load_defaults(f->rs, &f->diag));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fx *f = *state;
    rules_set_free(f->rs);
    diag_free(&f->diag);
    free(f->printed);
    free(f);
    return 0;
}

static const char *printed(Fx *f)
{
    free(f->printed);
    f->printed = ts_diag_text(&f->diag);
    return f->printed;
}

static void load(Fx *f, const char *file, const char *text)
{
    assert_true(rules_load_text(f->rs, file, text, strlen(text), false, &f->diag));
}

/* The environment of the packs loaded, whose errors must be exactly `want`. */
static ChkEnv *env_with_errors(Fx *f, const char *want)
{
    bool ok = true;
    ChkEnv *env = chk_env_new_partial(f->rs, &f->diag, &ok);
    assert_false(ok);
    assert_non_null(env);
    assert_string_equal(printed(f), want);
    return env;
}

static void test_returns_default_pack_paths_and_files(void **state)
{
    Fx *f = *state;
    ChkEnv *env = chk_env_new(f->rs, &f->diag);
    assert_non_null(env);
    const TypeMap *py = chk_env_types(env, LANG_PYTHON);
    assert_type(py, "pathlib.Path.__truediv__", "pathlib.Path");
    assert_type(py, "pathlib.Path.parent", "pathlib.Path");
    assert_type(py, "pathlib.Path.joinpath", "pathlib.Path");
    assert_type(py, "pathlib.PosixPath", "pathlib.Path");
    assert_type(py, "pathlib.Path.open", "io.TextIOWrapper"); /* a file, not a path */
    assert_type(py, "open", "io.TextIOWrapper");             /* the builtin */
    assert_type(py, "os.fdopen", "io.TextIOWrapper");
    assert_type(py, "pathlib.Path.read_text", NULL);
    assert_int_equal(chk_env_types(env, LANG_C)->count, 0);
    chk_env_free(env);
}

static void test_returns_user_pack_extends(void **state)
{
    Fx *f = *state;
    static const char pack[] = "pack: acme\nlanguage: python\n"
                               "returns:\n"
                               "  acme.fs.root: acme.fs.Dir\n"
                               "  pathlib.Path.parent: acme.Parent\n";
    load(f, "acme.yaml", pack);
    ChkEnv *env = chk_env_new(f->rs, &f->diag);
    assert_non_null(env);
    assert_string_equal(printed(f), "");
    const TypeMap *py = chk_env_types(env, LANG_PYTHON);
    assert_type(py, "acme.fs.root", "acme.fs.Dir");
    assert_type(py, "pathlib.Path.parent", "acme.Parent"); /* loaded after the default */
    assert_type(py, "pathlib.Path.joinpath", "pathlib.Path");
    chk_env_free(env);
}

static void test_returns_errors_with_positions(void **state)
{
    Fx *f = *state;
    static const char list[] = "pack: bad1\nlanguage: python\nreturns:\n  - a.b\n";
    static const char entries[] = "pack: bad2\nlanguage: python\n"
                                  "returns:\n"
                                  "  a.*: x.Y\n"
                                  "  a..b: x.Y\n"
                                  "  ok.name: x.Y\n"
                                  "  c.d: [x.Y]\n"
                                  "  e.f: 'x Y'\n"
                                  "  g.h: x.\n"
                                  "  i.j: [x.Y, 'a b']\n"
                                  "  pair.of: [x.Reader, x.Writer]\n";
    load(f, "bad1.yaml", list);
    load(f, "bad2.yaml", entries);
    ChkEnv *env = env_with_errors(
        f, "bad1.yaml:4:3: error: 'returns' must be a map of NAME: TYPE (found a "
           "list)\n"
           "bad2.yaml:4:3: error: invalid name 'a.*' in 'returns': expected a dotted "
           "name\n"
           "bad2.yaml:5:3: error: invalid name 'a..b' in 'returns': expected a dotted "
           "name\n"
           "bad2.yaml:7:8: error: 'returns' entry 'c.d': the type must be a dotted "
           "name, or a list of them for a tuple (`[asyncio.StreamReader, "
           "asyncio.StreamWriter]`)\n"
           "bad2.yaml:8:8: error: 'returns' entry 'e.f': the type must be a dotted "
           "name, or a list of them for a tuple (`[asyncio.StreamReader, "
           "asyncio.StreamWriter]`)\n"
           "bad2.yaml:9:8: error: 'returns' entry 'g.h': the type must be a dotted "
           "name, or a list of them for a tuple (`[asyncio.StreamReader, "
           "asyncio.StreamWriter]`)\n"
           "bad2.yaml:10:8: error: 'returns' entry 'i.j': the type must be a dotted "
           "name, or a list of them for a tuple (`[asyncio.StreamReader, "
           "asyncio.StreamWriter]`)\n");
    /* the good entries still count */
    assert_type(chk_env_types(env, LANG_PYTHON), "ok.name", "x.Y");
    assert_type(chk_env_types(env, LANG_PYTHON), "c.d", NULL); /* a one-member list */
    assert_type(chk_env_types(env, LANG_PYTHON), "pair.of", "x.Reader,x.Writer"); /* a tuple */
    chk_env_free(env);
}

static void test_releases_default_user_and_errors(void **state)
{
    Fx *f = *state;
    static const char pack[] = "pack: acme\nlanguage: python\n"
                               "releases: [hangup, 'not.a.name', [x], 9lives]\n";
    load(f, "acme.yaml", pack);
    ChkEnv *env = env_with_errors(
        f, "acme.yaml:3:20: error: 'releases' entries must be method names (`close`)\n"
           "acme.yaml:3:34: error: 'releases' entries must be method names (`close`)\n"
           "acme.yaml:3:39: error: 'releases' entries must be method names (`close`)\n");
    assert_true(chk_env_releases(env, LANG_PYTHON, str_from("close")));
    assert_true(chk_env_releases(env, LANG_PYTHON, str_from("wait_closed")));
    assert_true(chk_env_releases(env, LANG_PYTHON, str_from("hangup")));
    assert_false(chk_env_releases(env, LANG_PYTHON, str_from("get")));
    assert_false(chk_env_releases(env, LANG_PYTHON, str_from("clos")));
    assert_false(chk_env_releases(env, LANG_C, str_from("close")));
    chk_env_free(env);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typemap_get_put_override),
        cmocka_unit_test(test_typemap_grows_and_filter_keeps_every_key),
        T(test_returns_default_pack_paths_and_files),
        T(test_returns_user_pack_extends),
        T(test_returns_errors_with_positions),
        T(test_releases_default_user_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
