/* Unit tests for src/findings/findings.c: total order, de-duplication and
 * line-independent fingerprints. Findings and rules are built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "findings/findings.h"

static Rule rule_a = {.id = "AL101", .name = "blocking-sleep", .severity = SEV_ERROR};
static Rule rule_b = {.id = "AL202", .name = "dangling-task", .severity = SEV_WARNING};

static Finding mk(const char *path, uint32_t line, uint32_t col, Rule *r, const char *msg)
{
    Finding f = {0};
    f.rule = r;
    f.path = path;
    f.line = line;
    f.col = col;
    f.end_line = line;
    f.end_col = col + 5;
    f.message = msg;
    f.function = "main";
    f.snippet = "    time.sleep(1)";
    return f;
}

static void test_finding_sort_orders_by_path_line_col_rule_message(void **state)
{
    Finding fs[] = {
        mk("b.py", 1, 1, &rule_a, "m"), mk("a.py", 9, 1, &rule_a, "m"),
        mk("a.py", 2, 7, &rule_a, "m"), mk("a.py", 2, 3, &rule_b, "m"),
        mk("a.py", 2, 3, &rule_a, "z"), mk("a.py", 2, 3, &rule_a, "b"),
    };
    finding_sort(fs, 6);
    assert_string_equal(fs[0].path, "a.py");
    assert_int_equal(fs[0].line, 2);
    assert_int_equal(fs[0].col, 3);
    assert_string_equal(fs[0].rule->id, "AL101");
    assert_string_equal(fs[0].message, "b");
    assert_string_equal(fs[1].message, "z");
    assert_string_equal(fs[2].rule->id, "AL202");
    assert_int_equal(fs[3].col, 7);
    assert_int_equal(fs[4].line, 9);
    assert_string_equal(fs[5].path, "b.py");
}

static void test_finding_sort_same_result_for_any_input_order(void **state)
{
    Finding a[] = {
        mk("x.py", 3, 1, &rule_a, "m"),
        mk("x.py", 1, 1, &rule_b, "m"),
        mk("w.py", 3, 1, &rule_a, "m"),
        mk("x.py", 1, 1, &rule_a, "m"),
    };
    Finding b[] = {a[3], a[2], a[1], a[0]};
    a[0].function = "zeta"; /* differs only after the main keys */
    b[3].function = "zeta";
    finding_sort(a, 4);
    finding_sort(b, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(finding_cmp(&a[i], &b[i]), 0);
    for (int i = 0; i < 3; i++)
        assert_true(finding_cmp(&a[i], &a[i + 1]) < 0);
}

static void test_finding_cmp_handles_null_strings(void **state)
{
    Finding x = mk("a.py", 1, 1, NULL, NULL), y = mk("a.py", 1, 1, &rule_a, "m");
    x.function = NULL;
    x.snippet = NULL;
    assert_true(finding_cmp(&x, &y) < 0); /* NULL rule sorts first */
    assert_int_equal(finding_cmp(&x, &x), 0);
}

static void test_finding_dedupe_drops_exact_repeats(void **state)
{
    Finding fs[] = {
        mk("a.py", 1, 1, &rule_a, "m"), mk("a.py", 1, 1, &rule_a, "m"),
        mk("a.py", 1, 1, &rule_b, "m"), mk("a.py", 1, 1, &rule_a, "m"),
        mk("a.py", 2, 1, &rule_a, "m"),
    };
    finding_sort(fs, 5);
    uint32_t n = finding_dedupe(fs, 5);
    assert_int_equal(n, 3);
    assert_string_equal(fs[0].rule->id, "AL101");
    assert_int_equal(fs[0].line, 1);
    assert_string_equal(fs[1].rule->id, "AL202");
    assert_int_equal(fs[2].line, 2);
    assert_int_equal(finding_dedupe(fs, 0), 0);
}

static void test_finding_norm_path_strips_dot_slash(void **state)
{
    assert_string_equal(finding_norm_path("./a/b.py"), "a/b.py");
    assert_string_equal(finding_norm_path("././/a.py"), "a.py");
    assert_string_equal(finding_norm_path("../a.py"), "../a.py");
    assert_string_equal(finding_norm_path(NULL), "");
}

static void test_finding_key_hash_survives_line_shift(void **state)
{
    Finding x = mk("a.py", 10, 5, &rule_a, "m");
    Finding y = mk("./a.py", 42, 9, &rule_a, "m");
    y.snippet = "time.sleep( 1 )"; /* re-indented and re-spaced */
    char hx[FINDING_HASH_HEX + 1], hy[FINDING_HASH_HEX + 1];
    finding_key_hash(&x, hx);
    finding_key_hash(&y, hy);
    assert_int_equal(strlen(hx), 16);
    assert_string_equal(hx, hy);
}

static void test_finding_key_hash_changes_with_content(void **state)
{
    Finding base = mk("a.py", 10, 5, &rule_a, "m");
    char h0[FINDING_HASH_HEX + 1], h1[FINDING_HASH_HEX + 1];
    finding_key_hash(&base, h0);
    Finding edited = base;
    edited.snippet = "time.sleep(2)";
    finding_key_hash(&edited, h1);
    assert_string_not_equal(h0, h1);
    Finding other_fn = base;
    other_fn.function = "helper";
    finding_key_hash(&other_fn, h1);
    assert_string_not_equal(h0, h1);
    Finding other_rule = base;
    other_rule.rule = &rule_b;
    finding_key_hash(&other_rule, h1);
    assert_string_not_equal(h0, h1);
    Finding other_file = base;
    other_file.path = "b.py";
    finding_key_hash(&other_file, h1);
    assert_string_not_equal(h0, h1);
}

static void test_finding_norm_key_prefers_check_key_and_tolerates_nulls(void **state)
{
    Arena a;
    arena_init(&a);
    Finding f = mk("a.py", 1, 1, &rule_a, "msg");
    f.key = "time.sleep(1)";
    f.snippet = "    x = time.sleep(1)";
    assert_string_equal(finding_norm_key(&a, &f), "AL101\x1f"
                                                  "a.py\x1f"
                                                  "main\x1f"
                                                  "time.sleep(1)");
    f.key = "";
    assert_string_equal(finding_norm_key(&a, &f), "AL101\x1f"
                                                  "a.py\x1f"
                                                  "main\x1f"
                                                  "x=time.sleep(1)");
    f.key = NULL;
    f.snippet = NULL;
    f.function = NULL;
    f.rule = NULL;
    assert_string_equal(finding_norm_key(&a, &f), "\x1f"
                                                  "a.py\x1f\x1f"
                                                  "msg");
    f.message = NULL;
    f.path = NULL;
    assert_string_equal(finding_norm_key(&a, &f), "\x1f\x1f\x1f");
    arena_free(&a);
}

/* Reference FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/). */
static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static void test_finding_key_hash_is_fnv1a64_of_norm_key(void **state)
{
    assert_true(fnv1a64("a") == 0xaf63dc4c8601ec8cull); /* published test vector */
    Arena a;
    arena_init(&a);
    Finding f = mk("./pkg/m\xc3\xa9.py", 4, 2, &rule_b, "msg");
    f.snippet = " \tasyncio.create_task( job() )\r";
    char h[FINDING_HASH_HEX + 1], want[FINDING_HASH_HEX + 1];
    finding_key_hash(&f, h);
    snprintf(want, sizeof want, "%016llx", (unsigned long long)fnv1a64(finding_norm_key(&a, &f)));
    assert_string_equal(h, want);
    arena_free(&a);
}

static void test_finding_fingerprints_number_repeats_in_order(void **state)
{
    Arena a;
    arena_init(&a);
    Finding fs[] = {
        mk("a.py", 3, 5, &rule_a, "m"),
        mk("a.py", 7, 5, &rule_a, "m"), /* same call again, same function */
        mk("a.py", 9, 5, &rule_a, "m"),
    };
    fs[2].function = "other";
    char **fp = finding_fingerprints(&a, fs, 3);
    char h[FINDING_HASH_HEX + 1];
    finding_key_hash(&fs[0], h);
    char want[32];
    snprintf(want, sizeof want, "%s:1", h);
    assert_string_equal(fp[0], want);
    snprintf(want, sizeof want, "%s:2", h);
    assert_string_equal(fp[1], want);
    assert_string_not_equal(fp[2], fp[0]);
    assert_int_equal(fp[2][FINDING_HASH_HEX + 1], '1');
    /* Shifting every line keeps every fingerprint. */
    for (int i = 0; i < 3; i++)
        fs[i].line += 100;
    char **again = finding_fingerprints(&a, fs, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(fp[i], again[i]);
    assert_null(finding_fingerprints(&a, fs, 0));
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finding_sort_orders_by_path_line_col_rule_message),
        cmocka_unit_test(test_finding_sort_same_result_for_any_input_order),
        cmocka_unit_test(test_finding_cmp_handles_null_strings),
        cmocka_unit_test(test_finding_dedupe_drops_exact_repeats),
        cmocka_unit_test(test_finding_norm_path_strips_dot_slash),
        cmocka_unit_test(test_finding_key_hash_survives_line_shift),
        cmocka_unit_test(test_finding_key_hash_changes_with_content),
        cmocka_unit_test(test_finding_norm_key_prefers_check_key_and_tolerates_nulls),
        cmocka_unit_test(test_finding_key_hash_is_fnv1a64_of_norm_key),
        cmocka_unit_test(test_finding_fingerprints_number_repeats_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
