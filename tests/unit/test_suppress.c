/* Unit tests for src/findings/suppress.c: noqa (codes, aliases, case), NOLINT
 * variants, skip-file, usage counting and unused directives. Units are built by
 * hand with a tiny comment scanner (the test sources hold no strings), so the
 * tests do not depend on the frontends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "findings/suppress.h"

static const char *al101_aliases[] = {"ASYNC251"};
static const char *al202_aliases[] = {"RUF006"};
static Rule r101 = {.id = "AL101",
                    .name = "blocking-sleep",
                    .aliases = al101_aliases,
                    .naliases = 1,
                    .enabled = true};
static Rule r202 = {.id = "AL202",
                    .name = "dangling-task",
                    .aliases = al202_aliases,
                    .naliases = 1,
                    .enabled = true};
static Rule r301 = {.id = "AL301", .name = "unbounded-gather", .enabled = false};
static Rule *all_rules[] = {&r101, &r202, &r301};
static RuleSet ruleset = {.rules = all_rules, .nrules = 3};

/* Fills u->comments: `#...` (Python) or `//...` and block comments (C). */
static void scan_comments(Unit *u)
{
    Comment *cs = ARENA_ARRAY(&u->arena, Comment, u->len + 1);
    uint32_t n = 0;
    for (uint32_t i = 0; i < u->len; i++) {
        const char *s = u->src;
        bool py = u->lang == LANG_PYTHON && s[i] == '#';
        bool line_c = u->lang == LANG_C && s[i] == '/' && s[i + 1] == '/';
        bool block = u->lang == LANG_C && s[i] == '/' && s[i + 1] == '*';
        if (!py && !line_c && !block)
            continue;
        uint32_t e = i;
        if (block) {
            const char *close = strstr(s + i + 2, "*/");
            e = close ? (uint32_t)(close - s) + 2 : u->len;
        } else {
            while (e < u->len && s[e] != '\n')
                e++;
        }
        uint32_t b = i;
        while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        cs[n].off = i;
        cs[n].len = e - i;
        cs[n].line = lines_line(&u->lines, i);
        cs[n].own_line = b == 0 || s[b - 1] == '\n';
        n++;
        i = e;
    }
    u->comments = cs;
    u->ncomments = n;
}

static Unit *mk_unit(const char *path, Lang lang, const char *src)
{
    Unit *u = unit_new(path, lang, src, (uint32_t)strlen(src));
    scan_comments(u);
    return u;
}

static Finding mk(const char *path, uint32_t line, Rule *r)
{
    Finding f = {0};
    f.rule = r;
    f.path = path;
    f.line = line;
    f.col = 1;
    f.message = "m";
    return f;
}

/* Builds the table from one unit (freed before filtering, as in the real
 * pipeline), filters fs and returns the number kept. */
static uint32_t filter_one(Arena *a, SuppTable *t, const char *path, Lang lang, const char *src,
                           Finding *fs, uint32_t n)
{
    Unit *u = mk_unit(path, lang, src);
    supp_table_init(t);
    supp_table_add(t, supp_file_build(a, u));
    unit_free(u);
    return supp_filter(t, fs, n, NULL);
}

static void test_supp_noqa_blanket_and_codes(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "time.sleep(1)  # noqa\n"
                      "time.sleep(1)  # noqa: AL101\n"
                      "time.sleep(1)\n";
    Finding fs[] = {mk("a.py", 1, &r101), mk("a.py", 1, &r202), mk("a.py", 2, &r101),
                    mk("a.py", 2, &r202), mk("a.py", 3, &r101)};
    uint32_t n = filter_one(&a, &t, "a.py", LANG_PYTHON, src, fs, 5);
    assert_int_equal(n, 2);
    assert_int_equal(fs[0].line, 2);
    assert_ptr_equal(fs[0].rule, &r202);
    assert_int_equal(fs[1].line, 3);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_noqa_aliases_case_and_embedded(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "x()  # NOQA:asynC251\n"
                      "y()  # noqa: RUF006, E501 because reasons\n"
                      "z()  # type: ignore  # noqa:al202 E501\n";
    Finding fs[] = {mk("a.py", 1, &r101), mk("a.py", 1, &r202), mk("a.py", 2, &r202),
                    mk("a.py", 2, &r101), mk("a.py", 3, &r202)};
    uint32_t n = filter_one(&a, &t, "a.py", LANG_PYTHON, src, fs, 5);
    assert_int_equal(n, 2);
    assert_int_equal(fs[0].line, 1);
    assert_ptr_equal(fs[0].rule, &r202);
    assert_int_equal(fs[1].line, 2);
    assert_ptr_equal(fs[1].rule, &r101);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_noqa_malformed_is_ignored(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "a()  # noqa:\n"
                      "b()  # noqa123\n"
                      "c()  # noqa: , because\n"
                      "d()  # noqafoo\n";
    Finding fs[] = {mk("a.py", 1, &r101), mk("a.py", 2, &r101), mk("a.py", 3, &r101),
                    mk("a.py", 4, &r101)};
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, src, fs, 4), 4);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_skip_file_python_needs_own_line(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    Finding fs[] = {mk("a.py", 1, &r101), mk("a.py", 5, &r202), mk("b.py", 1, &r101)};
    const char *src = "import time\n"
                      "   # Generated code.  Asynclint:  skip-file\n";
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, src, fs, 3), 1);
    assert_string_equal(fs[0].path, "b.py");
    assert_int_equal(t.files.contents[0]->skipped, 2);
    supp_table_free(&t);
    Finding gs[] = {mk("a.py", 1, &r101)};
    const char *trailing = "x = 1  # asynclint: skip-file\n";
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, trailing, gs, 1), 1);
    supp_table_free(&t);
    /* the tag at the comment's first byte, after a colon and a first tag that
     * says something else; a tag cut short is none */
    Finding hs[] = {mk("a.py", 1, &r101)};
    const char *second = "#asynclint: x: ASYNCLINT:skip-file\nimport time\n";
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, second, hs, 1), 0);
    supp_table_free(&t);
    Finding is[] = {mk("a.py", 1, &r101)};
    const char *cut = "# synclint: skip-file\nimport time\n";
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, cut, is, 1), 1);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_nolint_variants(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "sleep(1); // NOLINT\n"                      /* 1 */
                      "sleep(1); // NOLINT(AL101)\n"               /* 2 */
                      "// NOLINTNEXTLINE(blocking-sleep, other)\n" /* 3 */
                      "sleep(1);\n"                                /* 4 */
                      "sleep(1); /* NOLINT(al101) */\n"            /* 5 */
                      "sleep(1); // NOLINT()\n"                    /* 6 */
                      "sleep(1); // NOLINTFOO\n"                   /* 7 */
                      "sleep(1); // NOLINT(AL101\n"                /* 8 */
                      "/* NOLINTBEGIN(AL2*) */\n"                  /* 9 */
                      "task(); sleep(1);\n"                        /* 10 */
                      "// NOLINTEND(AL2*)\n"                       /* 11 */
                      "task();\n";                                 /* 12 */
    Finding fs[] = {mk("m.c", 1, &r202),  mk("m.c", 2, &r101),  mk("m.c", 2, &r202),
                    mk("m.c", 4, &r101),  mk("m.c", 5, &r101),  mk("m.c", 6, &r101),
                    mk("m.c", 7, &r101),  mk("m.c", 8, &r101),  mk("m.c", 10, &r202),
                    mk("m.c", 10, &r101), mk("m.c", 12, &r202), mk("m.c", 3, &r101)};
    uint32_t n = filter_one(&a, &t, "m.c", LANG_C, src, fs, 12);
    uint32_t kept_lines[] = {2, 6, 7, 8, 10, 12, 3};
    assert_int_equal(n, 7);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(fs[i].line, kept_lines[i]);
    assert_ptr_equal(fs[0].rule, &r202); /* NOLINT(AL101) kept AL202 */
    assert_ptr_equal(fs[4].rule, &r101); /* the range covered AL2* only */
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_nolint_in_multiline_block_comment_uses_its_own_line(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "/* header\n"
                      "   NOLINTNEXTLINE(AL101) */\n"
                      "sleep(1);\n"
                      "// asynclint: skip-file is only for own-line comments: this one counts\n";
    Finding fs[] = {mk("m.c", 3, &r101), mk("m.c", 2, &r101)};
    assert_int_equal(filter_one(&a, &t, "m.c", LANG_C, src, fs, 2), 0);
    supp_table_free(&t);
    const char *src2 = "/* header\n"
                       "   NOLINTNEXTLINE(AL101) */\n"
                       "sleep(1);\n";
    Finding gs[] = {mk("m.c", 3, &r101), mk("m.c", 2, &r101)};
    assert_int_equal(filter_one(&a, &t, "m.c", LANG_C, src2, gs, 2), 1);
    assert_int_equal(gs[0].line, 2);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_file_build_returns_null_without_directives(void **state)
{
    Arena a;
    arena_init(&a);
    Unit *u = mk_unit("a.py", LANG_PYTHON, "x = 1  # a plain comment\n");
    assert_null(supp_file_build(&a, u));
    unit_free(u);
    SuppTable t;
    supp_table_init(&t);
    supp_table_add(&t, NULL);
    Finding fs[] = {mk("a.py", 1, &r101)};
    uint32_t dropped = 99;
    assert_int_equal(supp_filter(&t, fs, 1, &dropped), 1);
    assert_int_equal(dropped, 0);
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_only_applies_to_its_own_path(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    supp_table_init(&t);
    Unit *u1 = mk_unit("b.py", LANG_PYTHON, "x()  # noqa\n");
    Unit *u2 = mk_unit("a.py", LANG_PYTHON, "\ny()  # noqa: AL202\n");
    supp_table_add(&t, supp_file_build(&a, u1));
    supp_table_add(&t, supp_file_build(&a, u2));
    unit_free(u1);
    unit_free(u2);
    Finding fs[] = {mk("a.py", 1, &r101), mk("a.py", 2, &r202), mk("b.py", 1, &r101),
                    mk("c.py", 1, &r101)};
    uint32_t dropped;
    assert_int_equal(supp_filter(&t, fs, 4, &dropped), 2);
    assert_int_equal(dropped, 2);
    assert_string_equal(fs[0].path, "a.py");
    assert_int_equal(fs[0].line, 1);
    assert_string_equal(fs[1].path, "c.py");
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_unused_lists_only_our_codes(void **state)
{
    Arena a;
    arena_init(&a);
    SuppTable t;
    const char *src = "a()  # noqa: AL101, E501\n" /* AL101 unused, E501 foreign */
                      "b()  # noqa\n"              /* blanket: never listed */
                      "c()  # noqa: ASYNC251\n"    /* used */
                      "d()  # noqa: AL301\n"       /* rule disabled */
                      "e()  # noqa: RUF006\n";     /* alias of AL202, unused */
    Finding fs[] = {mk("a.py", 3, &r101)};
    assert_int_equal(filter_one(&a, &t, "a.py", LANG_PYTHON, src, fs, 1), 0);
    SuppUnused *list;
    uint32_t n = supp_unused(&t, &ruleset, &a, &list);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].path, "a.py");
    assert_int_equal(list[0].line, 1);
    assert_int_equal(list[0].col, 6);
    assert_string_equal(list[0].code, "AL101");
    assert_int_equal(list[1].line, 5);
    assert_string_equal(list[1].code, "RUF006");
    supp_table_free(&t);
    arena_free(&a);
}

static void test_supp_directive_matches_names_prefixes_and_star(void **state)
{
    SuppCode c1[] = {{"Blocking-Sleep", 0}};
    SuppCode c2[] = {{"al1*", 0}};
    SuppCode c3[] = {{"*", 0}};
    SuppDirective d = {0};
    d.codes = c1, d.ncodes = 1;
    assert_true(supp_directive_matches(&d, &r101));
    assert_false(supp_directive_matches(&d, &r202));
    d.codes = c2;
    assert_true(supp_directive_matches(&d, &r101));
    assert_false(supp_directive_matches(&d, &r202));
    d.codes = c3;
    assert_true(supp_directive_matches(&d, &r202));
    d.ncodes = 0;
    assert_false(supp_directive_matches(&d, &r202));
    d.all = true;
    assert_true(supp_directive_matches(&d, &r202));
}

/* A directive on a helper's blocking call removes the facts it covers (for the
 * fact's own rule or a blocking-via-helper rule), counted as uses; a blanket
 * noqa, skip-file and other rules' codes cut nothing. */
static void test_supp_cut_facts_on_suppressed_lines(void **state)
{
    (void)state;
    Rule r109 = {.id = "AL109", .name = "blocking-via-helper", .check = "blocking-via-helper",
                 .language = LANG_PYTHON, .enabled = true};
    Rule *rules[] = {&r101, &r109};
    RuleSet rs = {.rules = rules, .nrules = 2};
    const char *src = "a()  # noqa: AL101\n"
                      "b()  # noqa: AL109\n"
                      "c()  # noqa: AL202\n"
                      "d()  # noqa\n"
                      "# asynclint: skip-file\n";
    Unit *u = mk_unit("h.py", LANG_PYTHON, src);
    Arena a;
    arena_init(&a);
    SuppFile *sf = supp_file_build(&a, u);
    assert_non_null(sf);
    ProjectFile pf;
    project_file_init(&pf, "h.py", LANG_PYTHON);
    ProjectFunc fn = {.qualname = "h.f", .name = "f"};
    vec_init(&fn.facts);
    for (uint32_t line = 1; line <= 4; line++) {
        ProjectFact fact = {.rule = &r101, .callee = "time.sleep", .loc = {line, 1, line, 4},
                            .transitive = true};
        vec_push(&fn.facts, fact);
    }
    vec_push(&pf.funcs, fn);
    assert_int_equal(supp_cut_facts(sf, &pf, &rs), 2);
    const ProjectFunc *f = &pf.funcs.contents[0];
    assert_int_equal(f->facts.size, 2);
    assert_int_equal(f->facts.contents[0].loc.line, 3);
    assert_int_equal(f->facts.contents[1].loc.line, 4);
    assert_int_equal(sf->dirs[0].used, 1);
    assert_int_equal(sf->dirs[1].used, 1);
    assert_int_equal(sf->dirs[2].used, 0);
    assert_int_equal(sf->dirs[3].used, 0);
    assert_true(sf->skip_file);
    assert_int_equal(sf->skipped, 0);
    assert_int_equal(supp_cut_facts(NULL, &pf, &rs), 0);
    project_file_free(&pf);
    unit_free(u);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supp_noqa_blanket_and_codes),
        cmocka_unit_test(test_supp_noqa_aliases_case_and_embedded),
        cmocka_unit_test(test_supp_noqa_malformed_is_ignored),
        cmocka_unit_test(test_supp_skip_file_python_needs_own_line),
        cmocka_unit_test(test_supp_nolint_variants),
        cmocka_unit_test(test_supp_nolint_in_multiline_block_comment_uses_its_own_line),
        cmocka_unit_test(test_supp_file_build_returns_null_without_directives),
        cmocka_unit_test(test_supp_only_applies_to_its_own_path),
        cmocka_unit_test(test_supp_unused_lists_only_our_codes),
        cmocka_unit_test(test_supp_directive_matches_names_prefixes_and_star),
        cmocka_unit_test(test_supp_cut_facts_on_suppressed_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
