/* Unit tests for the YAML tree (src/rules/ynode.c): shapes and positions
 * (1-based, columns in code points), every rejected construct with its exact
 * `file:line:col: error:` text, the limits, and the small helpers. */
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
#include "rules/ynode.h"

typedef struct Fixture {
    Arena arena;
    Diag diag;
    char *printed; /* diag_print output of the last parse */
} Fixture;

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    arena_init(&f->arena);
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    arena_free(&f->arena);
    diag_free(&f->diag);
    free(f->printed);
    xfree(f);
    return 0;
}

static YNode *parse(Fixture *f, const char *text)
{
    return ynode_parse(&f->arena, "t.yaml", text, strlen(text), &f->diag);
}

/* Everything reported so far, as the user would see it. */
static const char *printed(Fixture *f)
{
    free(f->printed);
    f->printed = ts_diag_text(&f->diag);
    return f->printed;
}

static void test_ynode_parse_shapes_and_positions(void **state)
{
    Fixture *f = *state;
    const YNode *root = parse(f, "pack: demo\n"
                                 "rules:\n"
                                 "  - id: AL1\n"
                                 "    calls: [a.b, \"c\"]\n"
                                 "empty:\n");
    assert_non_null(root);
    assert_int_equal(root->kind, YNODE_MAP);
    assert_int_equal(root->count, 3);
    assert_string_equal(root->keys[0], "pack");
    assert_string_equal(ynode_get(root, "pack")->scalar, "demo");
    const YNode *rules = ynode_get(root, "rules");
    assert_int_equal(rules->kind, YNODE_SEQ);
    assert_int_equal(rules->count, 1);
    const YNode *rule = rules->items[0];
    assert_int_equal(rule->kind, YNODE_MAP);
    assert_int_equal(rule->line, 3);
    assert_int_equal(rule->col, 5);
    const YNode *calls = ynode_get(rule, "calls");
    assert_int_equal(calls->count, 2);
    assert_int_equal(calls->items[1]->line, 4);
    assert_int_equal(calls->items[1]->col, 18);
    assert_string_equal(calls->items[1]->scalar, "c");
    const YNode *key = ynode_get_key(rule, "calls");
    assert_int_equal(key->line, 4);
    assert_int_equal(key->col, 5);
    assert_string_equal(ynode_get(root, "empty")->scalar, "");
    assert_string_equal(root->file, "t.yaml");
    assert_null(ynode_get(root, "missing"));
    assert_null(ynode_get(rules, "pack"));
    assert_int_equal(f->diag.errors, 0);
}

static void test_ynode_parse_columns_count_code_points(void **state)
{
    Fixture *f = *state;
    const YNode *root = parse(f, "name: [\"h\xc3\xa9\xc3\xa9\", \xe2\x82\xac, x]\n");
    assert_non_null(root);
    const YNode *v = ynode_get(root, "name");
    assert_int_equal(v->items[1]->col, 15);
    assert_int_equal(v->items[2]->col, 18);
    assert_string_equal(v->items[1]->scalar, "\xe2\x82\xac");
}

static void test_ynode_parse_syntax_error_reports_problem_mark(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "pack: demo\nrules: [a, b\nlanguage: python\n"));
    assert_string_equal(printed(f),
                        "t.yaml:3:9: error: did not find expected ',' or ']' (while parsing a "
                        "flow sequence started at line 2, column 8)\n");
}

static void test_ynode_parse_bad_indentation(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "rules:\n  - id: AL101\n   name: x\n"));
    assert_string_equal(printed(f),
                        "t.yaml:3:4: error: did not find expected '-' indicator (while parsing a "
                        "block collection started at line 2, column 3)\n");
}

static void test_ynode_parse_rejects_anchor_alias_and_tag(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "a: &base [x]\nb: *base\nc: !!str 1\n"));
    assert_string_equal(printed(f),
                        "t.yaml:1:4: error: anchors are not supported (found '&base'); repeat the "
                        "value instead\n"
                        "t.yaml:2:4: error: aliases are not supported (found '*base'); repeat the "
                        "value instead\n"
                        "t.yaml:3:4: error: tags are not supported (found "
                        "'tag:yaml.org,2002:str'); write a plain value\n");
}

static void test_ynode_parse_rejects_duplicate_and_complex_keys(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "a: 1\nb: 2\na: 3\n? [k]\n: v\n"));
    assert_string_equal(printed(f),
                        "t.yaml:3:1: error: duplicate key 'a' (first given at line 1, column 1)\n"
                        "t.yaml:4:3: error: a mapping key must be a plain string, found a list\n");
}

static void test_ynode_parse_rejects_nul_in_scalar(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "a: \"x\\0y\"\n"));
    assert_string_equal(printed(f),
                        "t.yaml:1:4: error: a NUL character in a string is not supported\n");
}

static void test_ynode_parse_depth_limit(void **state)
{
    Fixture *f = *state;
    char deep[2 * 70 + 1];
    memset(deep, '[', 70);
    memset(deep + 70, ']', 70);
    deep[140] = '\0';
    assert_null(parse(f, deep));
    assert_string_equal(printed(f), "t.yaml:1:65: error: nesting deeper than 64 levels\n");

    char ok[2 * 64 + 1];
    memset(ok, '[', 64);
    memset(ok + 64, ']', 64);
    ok[128] = '\0';
    assert_non_null(parse(f, ok));
    assert_int_equal(f->diag.errors, 1);
}

static void test_ynode_parse_hostile_nesting_does_not_crash(void **state)
{
    Fixture *f = *state;
    size_t n = 10000;
    char *deep = xmalloc(n * 2 + 2);
    /* Flow style: 10,000 open brackets, never closed. */
    memset(deep, '[', n);
    deep[n] = '\0';
    assert_null(parse(f, deep));
    /* Block style: `- - - ... x`, 10,000 nested block sequences on one line. */
    for (size_t i = 0; i < n; i++)
        memcpy(deep + i * 2, "- ", 2);
    memcpy(deep + n * 2, "x", 2);
    assert_null(parse(f, deep));
    assert_string_equal(printed(f), "t.yaml:1:65: error: nesting deeper than 64 levels\n"
                                    "t.yaml:1:129: error: nesting deeper than 64 levels\n");
    xfree(deep);
}

static void test_ynode_parse_empty_and_multi_document(void **state)
{
    Fixture *f = *state;
    const YNode *empty = parse(f, "# only a comment\n");
    assert_non_null(empty);
    assert_int_equal(empty->kind, YNODE_MAP);
    assert_int_equal(empty->count, 0);
    assert_int_equal(empty->line, 1);
    assert_int_equal(empty->col, 1);
    assert_null(parse(f, "a: 1\n---\nb: 2\n"));
    assert_string_equal(printed(f),
                        "t.yaml:2:1: error: expected a single YAML document, found a second one\n");
}

static void test_ynode_parse_invalid_utf8(void **state)
{
    Fixture *f = *state;
    assert_null(parse(f, "a: ok\nb: x\xff\n"));
    assert_string_equal(printed(f), "t.yaml:2:5: error: invalid leading UTF-8 octet (byte 0xff)\n");
}

static void test_ynode_parse_size_limit(void **state)
{
    Fixture *f = *state;
    size_t n = YNODE_MAX_BYTES + 1;
    char *big = xmalloc(n + 1);
    memset(big, '#', n);
    big[n] = '\0';
    assert_null(ynode_parse(&f->arena, "big.yaml", big, n, &f->diag));
    assert_string_equal(
        printed(f), "big.yaml: error: file is too large (4194305 bytes; the limit is 4194304)\n");
    xfree(big);
}

static void test_ynode_strings_shapes(void **state)
{
    Fixture *f = *state;
    const YNode *root = parse(f, "one: a.b\nmany: [x, y]\nbad: {k: v}\nmixed: [x, [y]]\n");
    const char **v = NULL;
    uint32_t n = 0;
    assert_true(ynode_strings(ynode_get(root, "one"), &f->arena, &f->diag, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "a.b");
    assert_true(ynode_strings(ynode_get(root, "many"), &f->arena, &f->diag, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[1], "y");
    assert_false(ynode_strings(ynode_get(root, "bad"), &f->arena, &f->diag, &v, &n));
    assert_false(ynode_strings(ynode_get(root, "mixed"), &f->arena, &f->diag, &v, &n));
    assert_string_equal(printed(f), "t.yaml:3:6: error: expected a list of strings, found a map\n"
                                    "t.yaml:4:12: error: expected a string in this list, found a "
                                    "list\n");
}

static void test_ynode_bool_values(void **state)
{
    Fixture *f = *state;
    const YNode *root = parse(f, "a: true\nb: False\nc: maybe\nd: [x]\n");
    bool b = false;
    assert_true(ynode_bool(ynode_get(root, "a"), &f->diag, "a", &b));
    assert_true(b);
    assert_true(ynode_bool(ynode_get(root, "b"), &f->diag, "b", &b));
    assert_false(b);
    assert_false(ynode_bool(ynode_get(root, "c"), &f->diag, "c", &b));
    assert_false(ynode_bool(ynode_get(root, "d"), &f->diag, "d", &b));
    assert_string_equal(printed(f), "t.yaml:3:4: error: expected true or false for 'c', found "
                                    "'maybe'\n"
                                    "t.yaml:4:4: error: expected true or false for 'd', found a "
                                    "list\n");
}

static void test_ynode_error_format(void **state)
{
    Fixture *f = *state;
    const YNode *root = parse(f, "a:\n  - b\n");
    assert_false(ynode_error(&f->diag, ynode_get(root, "a")->items[0], "bad value '%s'", "b"));
    assert_string_equal(printed(f), "t.yaml:2:5: error: bad value 'b'\n");
    assert_string_equal(ynode_kind_name(root), "a map");
}

static void test_ynode_suggest_typos(void **state)
{
    (void)state;
    static const char *const keys[] = {"offloads", "language", "rules", "pack"};
    assert_int_equal(ynode_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(ynode_edit_distance("", "abc"), 3);
    assert_string_equal(ynode_suggest("ofloads", keys, 4), "offloads");
    assert_string_equal(ynode_suggest("langauge", keys, 4), "language");
    assert_string_equal(ynode_suggest("rule", keys, 4), "rules");
    assert_null(ynode_suggest("zzz", keys, 4));
    assert_null(ynode_suggest("colour", keys, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ynode_parse_shapes_and_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_columns_count_code_points, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_syntax_error_reports_problem_mark, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_bad_indentation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_rejects_anchor_alias_and_tag, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_rejects_duplicate_and_complex_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_rejects_nul_in_scalar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_hostile_nesting_does_not_crash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_empty_and_multi_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_parse_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_strings_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_bool_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_error_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ynode_suggest_typos, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
