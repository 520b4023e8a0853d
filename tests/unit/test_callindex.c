/* Unit tests for the call-pattern index (src/checks/callindex.c): parsing of
 * pattern entries from YAML (exact `a.b`, prefix `a.*`, suffix `*.b`, maps with
 * an argument condition) with exact error positions, matching of each kind,
 * argument conditions on real parsed call sites, and the rule that names rooted
 * at a local binding only match suffix patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testsupport.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/callindex.h"
#include "lang/python/pyparse.h"

typedef struct Fx {
    Arena arena;
    Diag diag;
    CallIndex ix;
    Unit *u;
    char *printed;
    char matched[1024]; /* patterns matched by the last match(), `|`-separated */
} Fx;

static int setup(void **state)
{
    Fx *f = xcalloc(1, sizeof *f);
    arena_init(&f->arena);
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fx *f = *state;
    unit_free(f->u);
    arena_free(&f->arena);
    diag_free(&f->diag);
    free(f->printed);
    xfree(f);
    return 0;
}

static const char *printed(Fx *f)
{
    free(f->printed);
    f->printed = ts_diag_text(&f->diag);
    return f->printed;
}

/* Parses the YAML `entry` (one list item, written as in a pack after `- `) into
 * *out; returns chk_idx_parse's result. */
static bool parse_entry(Fx *f, const char *entry, CallPattern *out)
{
    char *text = arena_printf(&f->arena, "- %s\n", entry);
    YNode *doc = ynode_parse(&f->arena, "p.yaml", text, strlen(text), &f->diag);
    assert_non_null(doc);
    assert_int_equal(doc->kind, YNODE_SEQ);
    return chk_idx_parse(doc->items[0], &f->arena, &f->diag, out);
}

/* Adds a valid entry; `exclude` marks an `exclude:` entry. */
static void add(Fx *f, const char *entry, bool exclude)
{
    CallPattern p;
    if (!parse_entry(f, entry, &p))
        fail_msg("pattern %s: %s", entry, printed(f));
    p.exclude = exclude;
    p.owner = f;
    chk_idx_add(&f->ix, &f->arena, &p);
}

static bool collect(void *ctx, const CallPattern *p)
{
    Fx *f = ctx;
    size_t n = strlen(f->matched);
    snprintf(f->matched + n, sizeof f->matched - n, "%s%s%s", n ? "|" : "", p->exclude ? "!" : "",
             p->text);
    return true;
}

/* The patterns matching name at site (may be NULL), in callback order. */
static const char *match(Fx *f, const char *name, const Site *site)
{
    f->matched[0] = '\0';
    chk_idx_match(&f->ix, str_from(name), f->u, site, collect, f);
    return f->matched;
}

static const Unit *parse_py(Fx *f, const char *src)
{
    unit_free(f->u);
    f->u = pyparse_unit("t.py", src, (uint32_t)strlen(src), &f->diag);
    assert_string_equal(printed(f), "");
    return f->u;
}

/* The n-th CALL site (0-based) of the parsed file. */
static const Site *nth_call(Fx *f, uint32_t n)
{
    for (uint32_t i = 0; i < f->u->nsites; i++)
        if (f->u->sites[i].kind == SITE_CALL && n-- == 0)
            return &f->u->sites[i];
    fail_msg("no call #%u", n);
    return NULL;
}

/* ---- chk_idx_parse ---------------------------------------------------------------------- */

static void test_chk_idx_parse_string_kinds(void **state)
{
    Fx *f = *state;
    CallPattern p;
    assert_true(parse_entry(f, "time.sleep", &p));
    assert_int_equal(p.kind, PAT_EXACT);
    assert_true(str_eq_c(p.key, "time.sleep"));
    assert_string_equal(p.text, "time.sleep");
    assert_int_equal(p.arg, -1);
    assert_int_equal(p.nis + p.nnot, 0);
    assert_false(p.exclude);

    assert_true(parse_entry(f, "\"requests.*\"", &p));
    assert_int_equal(p.kind, PAT_PREFIX);
    assert_true(str_eq_c(p.key, "requests"));
    assert_string_equal(p.text, "requests.*");

    assert_true(parse_entry(f, "\"*.run_in_executor\"", &p));
    assert_int_equal(p.kind, PAT_SUFFIX);
    assert_true(str_eq_c(p.key, "run_in_executor"));

    assert_true(parse_entry(f, "open", &p));
    assert_int_equal(p.kind, PAT_EXACT);
    assert_true(str_eq_c(p.key, "open"));
    assert_string_equal(printed(f), "");
}

static void test_chk_idx_parse_map_condition(void **state)
{
    Fx *f = *state;
    CallPattern p;
    assert_true(parse_entry(f, "{call: threading.Lock.acquire, arg: 0, is: [\"False\", \"0\"]}", &p));
    assert_int_equal(p.kind, PAT_EXACT);
    assert_true(str_eq_c(p.key, "threading.Lock.acquire"));
    assert_int_equal(p.arg, 0);
    assert_int_equal(p.nis, 2);
    assert_string_equal(p.is[0], "False");
    assert_string_equal(p.is[1], "0");
    assert_int_equal(p.nnot, 0);

    assert_true(parse_entry(f, "{call: \"*.get\", arg: 64, not: None}", &p));
    assert_int_equal(p.kind, PAT_SUFFIX);
    assert_int_equal(p.arg, 64);
    assert_int_equal(p.nnot, 1);
    assert_string_equal(p.is_not[0], "None");

    assert_true(parse_entry(f, "{call: fgets}", &p)); /* a map with only `call` */
    assert_int_equal(p.arg, -1);
    assert_string_equal(printed(f), "");
}

/* Each malformed entry: false, and one error at the offending node. */
static void test_chk_idx_parse_errors_with_positions(void **state)
{
    static const struct {
        const char *entry, *error;
    } cases[] = {
        {"time sleep", "p.yaml:1:3: error: invalid call pattern 'time sleep': expected a dotted "
                       "name, `prefix.*` or `*.suffix`\n"},
        {"\"a(b)\"", "p.yaml:1:3: error: invalid call pattern 'a(b)': expected a dotted name, "
                     "`prefix.*` or `*.suffix`\n"},
        {"\"\"", "p.yaml:1:3: error: invalid call pattern '': expected a dotted name, `prefix.*` "
                 "or `*.suffix`\n"},
        {"a..b", "p.yaml:1:3: error: invalid call pattern 'a..b': expected a dotted name, "
                 "`prefix.*` or `*.suffix`\n"},
        {"\".a\"", "p.yaml:1:3: error: invalid call pattern '.a': expected a dotted name, "
                   "`prefix.*` or `*.suffix`\n"},
        {"\"a..*\"", "p.yaml:1:3: error: invalid call pattern 'a..*': expected a dotted name, "
                     "`prefix.*` or `*.suffix`\n"},
        {"\"*.a.\"", "p.yaml:1:3: error: invalid call pattern '*.a.': expected a dotted name, "
                     "`prefix.*` or `*.suffix`\n"},
        {"\"a.*.b\"", "p.yaml:1:3: error: invalid call pattern 'a.*.b': `*` may only be a whole "
                      "first or last component\n"},
        {"\"*\"", "p.yaml:1:3: error: invalid call pattern '*': `*` may only be a whole first "
                  "or last component\n"},
        {"\"a*\"", "p.yaml:1:3: error: invalid call pattern 'a*': `*` may only be a whole first "
                   "or last component\n"},
        {"\"*.*\"", "p.yaml:1:3: error: invalid call pattern '*.*': `*` may only be a whole "
                    "first or last component\n"},
        {"[a, b]", "p.yaml:1:3: error: expected a call pattern (a string or a map with 'call')\n"},
        {"{arg: 0}", "p.yaml:1:3: error: a call pattern map needs 'call: NAME'\n"},
        {"{call: [a]}", "p.yaml:1:3: error: a call pattern map needs 'call: NAME'\n"},
        {"{call: f, arg: -1}", "p.yaml:1:18: error: 'arg' must be an argument index from 0 to 64\n"},
        {"{call: f, arg: 65}", "p.yaml:1:18: error: 'arg' must be an argument index from 0 to 64\n"},
        {"{call: f, arg: x}", "p.yaml:1:18: error: 'arg' must be an argument index from 0 to 64\n"},
        {"{call: f, arg: [1]}", "p.yaml:1:18: error: 'arg' must be an argument index from 0 to 64\n"},
        {"{call: f, is: [x]}", "p.yaml:1:3: error: 'is'/'not' need 'arg' (which argument to test)\n"},
        {"{call: f, arg: 1, args: 2}", "p.yaml:1:21: error: unknown key 'args' in a call pattern "
                                       "(expected call, arg, keyword, is, not)\n"},
        {"{call: f, keyword: k, is: [x]}", "p.yaml:1:3: error: 'is'/'not' need 'arg' (which "
                                           "argument to test)\n"},
        {"{call: f, keyword: k}", "p.yaml:1:3: error: 'keyword' needs 'arg' (the parameter's "
                                  "position)\n"},
        {"{call: f, arg: 1, keyword: [k]}", "p.yaml:1:30: error: 'keyword' must be a parameter "
                                            "name\n"},
        {"{call: \"a.*.b\", arg: 0}", "p.yaml:1:10: error: invalid call pattern 'a.*.b': `*` may "
                                      "only be a whole first or last component\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Fx *f = *state;
        diag_free(&f->diag);
        diag_init(&f->diag);
        CallPattern p;
        if (parse_entry(f, cases[i].entry, &p))
            fail_msg("'%s' was accepted", cases[i].entry);
        const char *got = printed(f);
        if (strcmp(got, cases[i].error) != 0)
            fail_msg("'%s':\n  got      %s  expected %s", cases[i].entry, got, cases[i].error);
    }
}

/* A shape error inside `is:` comes from ynode_strings, at the bad value. */
static void test_chk_idx_parse_is_not_strings(void **state)
{
    Fx *f = *state;
    CallPattern p;
    assert_false(parse_entry(f, "{call: f, arg: 0, is: {a: 1}}", &p));
    assert_non_null(strstr(printed(f), "p.yaml:1:"));
    assert_true(f->diag.errors >= 1);
}

/* ---- chk_idx_match ---------------------------------------------------------------------- */

static void test_chk_idx_match_exact(void **state)
{
    Fx *f = *state;
    add(f, "time.sleep", false);
    add(f, "open", false);
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "time.sleep", NULL), "time.sleep");
    assert_string_equal(match(f, "open", NULL), "open");
    assert_string_equal(match(f, "time.sleeper", NULL), "");
    assert_string_equal(match(f, "xtime.sleep", NULL), "");
    assert_string_equal(match(f, "time", NULL), "");
    assert_string_equal(match(f, "time.sleep.x", NULL), "");
    assert_string_equal(match(f, "io.open", NULL), "");
}

/* `a.*` matches names under a (any depth), never `a` itself nor `ab.x`. */
static void test_chk_idx_match_prefix(void **state)
{
    Fx *f = *state;
    add(f, "\"requests.*\"", false);
    add(f, "\"os.path.*\"", false);
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "requests.get", NULL), "requests.*");
    assert_string_equal(match(f, "requests.Session.get", NULL), "requests.*");
    assert_string_equal(match(f, "requests", NULL), "");
    assert_string_equal(match(f, "requestsx.get", NULL), "");
    assert_string_equal(match(f, "x.requests.get", NULL), "");
    assert_string_equal(match(f, "os.path.exists", NULL), "os.path.*");
    assert_string_equal(match(f, "os.getcwd", NULL), "");
}

/* `*.b` matches any name whose last components are b, never a bare `b`. */
static void test_chk_idx_match_suffix(void **state)
{
    Fx *f = *state;
    add(f, "\"*.run_in_executor\"", false);
    add(f, "\"*.Session.get\"", false);
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "loop.run_in_executor", NULL), "*.run_in_executor");
    assert_string_equal(match(f, "a.b.run_in_executor", NULL), "*.run_in_executor");
    assert_string_equal(match(f, "run_in_executor", NULL), "");
    assert_string_equal(match(f, "loop.xrun_in_executor", NULL), "");
    assert_string_equal(match(f, "requests.Session.get", NULL), "*.Session.get");
    assert_string_equal(match(f, "Session.get", NULL), "");
    assert_string_equal(match(f, "x.MySession.get", NULL), "");
}

/* Every kind that matches is reported: exact first, then prefixes (shortest
 * first), then suffixes (shortest first); excludes are reported too. */
static void test_chk_idx_match_all_kinds_in_order(void **state)
{
    Fx *f = *state;
    add(f, "\"*.get\"", false);
    add(f, "\"a.*\"", false);
    add(f, "a.b.get", false);
    add(f, "\"a.b.*\"", false);
    add(f, "\"*.b.get\"", false);
    add(f, "a.b.get", true);
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "a.b.get", NULL), "a.b.get|!a.b.get|a.*|a.b.*|*.get|*.b.get");
}

static bool stop_at_first(void *ctx, const CallPattern *p)
{
    (*(int *)ctx)++;
    (void)p;
    return false;
}

static void test_chk_idx_match_stops_when_asked(void **state)
{
    Fx *f = *state;
    add(f, "a.b", false);
    add(f, "\"a.*\"", false);
    add(f, "\"*.b\"", false);
    chk_idx_build(&f->ix, &f->arena);
    int calls = 0;
    chk_idx_match(&f->ix, str_from("a.b"), NULL, NULL, stop_at_first, &calls);
    assert_int_equal(calls, 1);
}

static void test_chk_idx_match_unbuilt_empty_or_no_name(void **state)
{
    Fx *f = *state;
    assert_string_equal(match(f, "a.b", NULL), ""); /* no patterns, never built */
    add(f, "a.b", false);
    assert_string_equal(match(f, "a.b", NULL), ""); /* added but not built */
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "a.b", NULL), "a.b");
    assert_string_equal(match(f, "", NULL), "");
    add(f, "c.d", false); /* adding again needs another build */
    assert_string_equal(match(f, "a.b", NULL), "");
    chk_idx_build(&f->ix, &f->arena);
    assert_string_equal(match(f, "c.d", NULL), "c.d");
}

/* Many patterns share buckets: each still matches itself only. */
static void test_chk_idx_match_many_patterns(void **state)
{
    Fx *f = *state;
    enum { N = 2000 };
    for (int i = 0; i < N; i++) {
        char e[64];
        snprintf(e, sizeof e, "mod%d.call%d", i % 37, i);
        add(f, e, false);
    }
    chk_idx_build(&f->ix, &f->arena);
    assert_int_equal(f->ix.npats, N);
    for (int i = 0; i < N; i++) {
        char name[64];
        snprintf(name, sizeof name, "mod%d.call%d", i % 37, i);
        assert_string_equal(match(f, name, NULL), name);
    }
    assert_string_equal(match(f, "mod0.call1", NULL), "");
}

/* The byte-class filters in front of the root and suffix tables never reject a
 * name that has a pattern: prefixes and suffixes of every length (one byte
 * too), multi-part suffixes, non-ASCII bytes. */
static void test_chk_idx_match_filters_keep_every_key(void **state)
{
    Fx *f = *state;
    enum { N = 600 };
    char e[80];
    for (int i = 0; i < N; i++) {
        snprintf(e, sizeof e, "%.*s%d.*", i % 23 + 1, "rqstvwxyzabcdefghijklmn", i);
        add(f, e, false);
        snprintf(e, sizeof e, "\"*.%.*s_%d\"", i % 19 + 1, "methodnamesuffixabc", i);
        add(f, e, false);
    }
    add(f, "a.*", false);
    add(f, "\"*.b.c\"", false);
    add(f, "\"\u00e9t\u00e9.*\"", false);
    chk_idx_build(&f->ix, &f->arena);
    for (int i = 0; i < N; i++) {
        char name[80], want[80];
        snprintf(name, sizeof name, "%.*s%d.get", i % 23 + 1, "rqstvwxyzabcdefghijklmn", i);
        snprintf(want, sizeof want, "%.*s%d.*", i % 23 + 1, "rqstvwxyzabcdefghijklmn", i);
        assert_string_equal(match(f, name, NULL), want);
        snprintf(name, sizeof name, "obj.%.*s_%d", i % 19 + 1, "methodnamesuffixabc", i);
        snprintf(want, sizeof want, "*.%.*s_%d", i % 19 + 1, "methodnamesuffixabc", i);
        assert_string_equal(match(f, name, NULL), want);
    }
    assert_string_equal(match(f, "a.x", NULL), "a.*");
    assert_string_equal(match(f, "x.b.c", NULL), "*.b.c");
    assert_string_equal(match(f, "\xc3\xa9t\xc3\xa9.x", NULL), "\xc3\xa9t\xc3\xa9.*");
    assert_string_equal(match(f, "ab.x", NULL), "");
    assert_string_equal(match(f, "x.c", NULL), "");
}

/* A callee rooted at a local binding (a parameter `time`) is no module: only
 * suffix patterns apply to it. */
static void test_chk_idx_match_local_root_only_suffix(void **state)
{
    Fx *f = *state;
    add(f, "time.sleep", false);
    add(f, "\"time.*\"", false);
    add(f, "\"*.sleep\"", false);
    chk_idx_build(&f->ix, &f->arena);
    parse_py(f, "import time\n"
                "def a():\n"
                "    time.sleep(1)\n"
                "def b(time):\n"
                "    time.sleep(1)\n");
    const Site *module = nth_call(f, 0), *local = nth_call(f, 1);
    assert_false(module->flags & SITE_F_ROOT_LOCAL);
    assert_true(local->flags & SITE_F_ROOT_LOCAL);
    assert_string_equal(match(f, "time.sleep", module), "time.sleep|time.*|*.sleep");
    assert_string_equal(match(f, "time.sleep", local), "*.sleep");
    assert_true(chk_idx_any(&f->ix, str_from("time.sleep"), f->u, local));
}

/* {arg, is, not} test the argument's source text at its position (a keyword
 * argument counts at its position); no site or too few arguments: no match. */
static void test_chk_idx_match_argument_conditions(void **state)
{
    Fx *f = *state;
    add(f, "{call: lock.acquire, arg: 0, is: [\"False\", \"0\"]}", false);
    add(f, "{call: q.put, arg: 1, is: [\"False\"]}", false);
    add(f, "{call: fgets, arg: 2, is: [stdin, sys.stdin]}", false);
    add(f, "{call: wait, arg: 0, not: [\"None\", \"0\"]}", false);
    chk_idx_build(&f->ix, &f->arena);
    parse_py(f, "lock.acquire(False)\n"          /* 0 */
                "lock.acquire(blocking=False)\n" /* 1 */
                "lock.acquire()\n"               /* 2 */
                "lock.acquire( 0 )\n"            /* 3 */
                "lock.acquire(True)\n"           /* 4 */
                "q.put(item, False)\n"           /* 5 */
                "q.put(False)\n"                 /* 6 */
                "fgets(buf, n, stdin)\n"         /* 7 */
                "fgets(buf, n, sys.stdin)\n"     /* 8 */
                "fgets(buf, n, fp)\n"            /* 9 */
                "wait(5)\n"                      /* 10 */
                "wait(None)\n"                   /* 11 */
                "wait()\n");                     /* 12 */
    static const char *const expected[] = {
        "lock.acquire", "lock.acquire", "", "lock.acquire", "", "q.put", "", "fgets", "fgets", "",
        "wait", "", "",
    };
    for (uint32_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        const Site *s = nth_call(f, i);
        const char *got = match(f, str_dup(&f->arena, s->text), s);
        if (strcmp(got, expected[i]) != 0)
            fail_msg("call #%u (%.*s): matched '%s', expected '%s'", i, (int)s->text.len,
                     s->text.ptr, got, expected[i]);
    }
    assert_string_equal(match(f, "lock.acquire", NULL), ""); /* no site: conditions fail */
}

/* {arg, keyword}: the argument passed as `keyword=` when the call names it,
 * else the one at position arg, whatever its form. */
static void test_chk_idx_match_keyword_conditions(void **state)
{
    Fx *f = *state;
    add(f, "{call: gai, arg: 5, keyword: flags, is: [NUMERIC]}", false);
    chk_idx_build(&f->ix, &f->arena);
    parse_py(f, "gai(h, 0, 0, 0, 0, NUMERIC)\n"       /* 0: positional */
                "gai(h, 0, flags=NUMERIC)\n"          /* 1: keyword, early */
                "gai(h, 0, 0, 0, 0, flags=NUMERIC)\n" /* 2: keyword, at its position */
                "gai(h, 0, flags=PASSIVE)\n"          /* 3 */
                "gai(h, 0, type=NUMERIC)\n"           /* 4: another keyword */
                "gai(h, 0, 0, 0, 0, 0, NUMERIC)\n"    /* 5: the text one place on */
                "gai(h, 0)\n");                       /* 6 */
    static const char *const expected[] = {"gai", "gai", "gai", "", "", "", ""};
    for (uint32_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        const Site *s = nth_call(f, i);
        const char *got = match(f, str_dup(&f->arena, s->text), s);
        if (strcmp(got, expected[i]) != 0)
            fail_msg("call #%u: matched '%s', expected '%s'", i, got, expected[i]);
    }
}

/* chk_idx_any: a match of an `exclude:` entry alone is no match. */
static void test_chk_idx_any_ignores_excludes(void **state)
{
    Fx *f = *state;
    add(f, "a.b", true);
    add(f, "\"*.c\"", false);
    chk_idx_build(&f->ix, &f->arena);
    assert_false(chk_idx_any(&f->ix, str_from("a.b"), NULL, NULL));
    assert_true(chk_idx_any(&f->ix, str_from("x.c"), NULL, NULL));
    assert_false(chk_idx_any(&f->ix, str_from("c"), NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_chk_idx_parse_string_kinds),
        T(test_chk_idx_parse_map_condition),
        T(test_chk_idx_parse_errors_with_positions),
        T(test_chk_idx_parse_is_not_strings),
        T(test_chk_idx_match_exact),
        T(test_chk_idx_match_prefix),
        T(test_chk_idx_match_suffix),
        T(test_chk_idx_match_all_kinds_in_order),
        T(test_chk_idx_match_stops_when_asked),
        T(test_chk_idx_match_unbuilt_empty_or_no_name),
        T(test_chk_idx_match_many_patterns),
        T(test_chk_idx_match_filters_keep_every_key),
        T(test_chk_idx_match_local_root_only_suffix),
        T(test_chk_idx_match_argument_conditions),
        T(test_chk_idx_match_keyword_conditions),
        T(test_chk_idx_any_ignores_excludes),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
