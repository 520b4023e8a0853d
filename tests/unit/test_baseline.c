/* Unit tests for the baseline: src/findings/baseline.c (multiset filtering) and
 * src/report/rep_baseline.c (the JSON file). Round trips go through a real file
 * in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "findings/baseline.h"
#include "report/report.h"

static Rule r101 = {.id = "AL101", .name = "blocking-sleep", .severity = SEV_ERROR};
static Rule r202 = {.id = "AL202", .name = "dangling-task", .severity = SEV_WARNING};

typedef struct Tmp {
    char dir[64];
    char path[128];
} Tmp;

static int setup(void **state)
{
    Tmp *t = xcalloc(1, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/asynclint-baseline-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->path, sizeof t->path, "%s/baseline.json", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    Tmp *t = *state;
    unlink(t->path);
    rmdir(t->dir);
    xfree(t);
    return 0;
}

static Finding mk(const char *path, uint32_t line, Rule *r, const char *fn, const char *snippet)
{
    Finding f = {0};
    f.rule = r;
    f.path = path;
    f.line = line;
    f.col = 5;
    f.end_line = line;
    f.end_col = 18;
    f.message = "`time.sleep` blocks the event loop";
    f.function = fn;
    f.snippet = snippet;
    return f;
}

/* Today's findings: two identical sleeps in `fetch`, one task in `main`. */
static void todays(Finding fs[3], uint32_t shift)
{
    fs[0] = mk("app.py", 10 + shift, &r101, "fetch", "    time.sleep(1)");
    fs[1] = mk("app.py", 12 + shift, &r101, "fetch", "    time.sleep(1)");
    fs[2] = mk("app.py", 30 + shift, &r202, "main", "    asyncio.create_task(job())");
}

static void load_ok(Baseline *b, const char *path)
{
    Diag d;
    diag_init(&d);
    assert_true(rep_baseline_load(b, path, &d));
    assert_int_equal(d.msgs.size, 0);
    diag_free(&d);
}

static void test_baseline_roundtrip_survives_line_shift(void **state)
{
    Tmp *t = *state;
    Finding fs[3];
    todays(fs, 0);
    Diag d;
    diag_init(&d);
    assert_true(rep_baseline_save(t->path, fs, 3, &d));
    diag_free(&d);
    Baseline b;
    load_ok(&b, t->path);
    assert_int_equal(b.entries.size, 2); /* the two sleeps share one entry, count 2 */
    todays(fs, 7);                       /* seven lines inserted above */
    fs[0].path = "./app.py";             /* spelled differently on the command line */
    uint32_t stale = 99;
    assert_int_equal(baseline_filter(&b, fs, 3, &stale), 0);
    assert_int_equal(stale, 0);
    baseline_free(&b);
}

static void test_baseline_edited_snippet_is_new_and_old_entry_stale(void **state)
{
    Tmp *t = *state;
    Finding fs[3];
    todays(fs, 0);
    Diag d;
    diag_init(&d);
    assert_true(rep_baseline_save(t->path, fs, 3, &d));
    diag_free(&d);
    Baseline b;
    load_ok(&b, t->path);
    fs[2].snippet = "    asyncio.create_task(other_job())";
    uint32_t stale;
    uint32_t n = baseline_filter(&b, fs, 3, &stale);
    assert_int_equal(n, 1);
    assert_ptr_equal(fs[0].rule, &r202);
    assert_int_equal(stale, 1);
    baseline_free(&b);
}

static void test_baseline_is_a_multiset(void **state)
{
    Baseline b;
    baseline_init(&b);
    Finding fs[3];
    todays(fs, 0);
    baseline_add_findings(&b, fs, 1); /* one sleep recorded */
    uint32_t stale;
    assert_int_equal(baseline_filter(&b, fs, 2, &stale), 1); /* a second one appeared */
    assert_int_equal(fs[0].line, 12);
    assert_int_equal(stale, 0);
    baseline_free(&b);
    baseline_init(&b);
    baseline_add_findings(&b, fs, 0);
    todays(fs, 0);
    baseline_add_findings(&b, fs, 3);
    assert_int_equal(baseline_filter(&b, fs, 1, &stale), 0); /* one sleep fixed, task fixed */
    assert_int_equal(stale, 2);
    baseline_free(&b);
}

static char *slurp(const char *path)
{
    Diag d;
    diag_init(&d);
    char *buf = NULL;
    size_t len;
    assert_true(file_read_all(path, &buf, &len, &d));
    diag_free(&d);
    return buf;
}

static void test_baseline_file_is_deterministic_and_documented(void **state)
{
    Tmp *t = *state;
    Finding fs[3], rev[3];
    todays(fs, 0);
    rev[0] = fs[2], rev[1] = fs[1], rev[2] = fs[0];
    Diag d;
    diag_init(&d);
    assert_true(rep_baseline_save(t->path, fs, 3, &d));
    char *one = slurp(t->path);
    assert_true(rep_baseline_save(t->path, rev, 3, &d));
    char *two = slurp(t->path);
    assert_string_equal(one, two);
    char k101[FINDING_HASH_HEX + 1], k202[FINDING_HASH_HEX + 1];
    finding_key_hash(&fs[0], k101);
    finding_key_hash(&fs[2], k202);
    char want[1024];
    snprintf(want, sizeof want,
             "{\n  \"version\": 1,\n  \"tool\": \"asynclint\",\n  \"entries\": [\n"
             "    {\n      \"rule\": \"AL101\",\n      \"path\": \"app.py\",\n"
             "      \"function\": \"fetch\",\n      \"key\": \"%s\",\n      \"count\": 2,\n"
             "      \"message\": \"`time.sleep` blocks the event loop\"\n    },\n"
             "    {\n      \"rule\": \"AL202\",\n      \"path\": \"app.py\",\n"
             "      \"function\": \"main\",\n      \"key\": \"%s\",\n      \"count\": 1,\n"
             "      \"message\": \"`time.sleep` blocks the event loop\"\n    }\n  ]\n}\n",
             k101, k202);
    assert_string_equal(one, want);
    xfree(one);
    xfree(two);
    diag_free(&d);
}

/* Writes text to the temp path and expects rep_baseline_load to fail with a
 * diagnostic on that path whose text contains `needle`. */
static void expect_bad(Tmp *t, const char *text, const char *needle, uint32_t line)
{
    FILE *f = fopen(t->path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    Diag d;
    diag_init(&d);
    Baseline b;
    assert_false(rep_baseline_load(&b, t->path, &d));
    assert_int_equal(b.entries.size, 0); /* nothing half-loaded */
    assert_int_equal(d.msgs.size, 1);
    assert_string_equal(d.msgs.contents[0].path, t->path);
    assert_int_equal(d.msgs.contents[0].line, line);
    assert_non_null(strstr(d.msgs.contents[0].text, needle));
    baseline_free(&b);
    diag_free(&d);
}

static void test_baseline_bad_files_are_diagnosed(void **state)
{
    Tmp *t = *state;
    expect_bad(t, "{\n  \"version\": 1,\n  oops\n}", "invalid JSON", 3);
    expect_bad(t, "[]", "expected an object", 0);
    expect_bad(t, "{\"version\": 2, \"entries\": []}", "unsupported version 2", 0);
    expect_bad(t, "{\"version\": 1, \"entries\": [{\"rule\": \"AL101\"}]}", "entry 1", 0);
    const char *zero = "{\"version\": 1, \"entries\": [{\"rule\": \"AL101\", \"path\": \"a.py\","
                       " \"key\": \"0123456789abcdef\", \"count\": 0}]}";
    expect_bad(t, zero, "'count'", 0);
    const char *badkey = "{\"version\": 1, \"entries\": [{\"rule\": \"AL101\", \"path\": \"a.py\","
                         " \"key\": \"xyz\", \"count\": 1}]}";
    expect_bad(t, badkey, "'key'", 0);
    const char *badfn = "{\"version\": 1, \"entries\": [{\"rule\": \"AL101\", \"path\": \"a.py\","
                        " \"key\": \"0123456789abcdef\", \"count\": 1, \"function\": 3}]}";
    expect_bad(t, badfn, "'function'", 0);
    const char *second = "{\"version\": 1, \"entries\": [{\"rule\": \"AL101\", \"path\": \"a.py\","
                         " \"key\": \"0123456789abcdef\", \"count\": 1}, {\"rule\": \"AL1\"}]}";
    expect_bad(t, second, "entry 2", 0);
    unlink(t->path);
    Diag d;
    diag_init(&d);
    Baseline b;
    assert_false(rep_baseline_load(&b, t->path, &d));
    assert_string_equal(d.msgs.contents[0].path, t->path);
    baseline_free(&b);
    diag_free(&d);
}

static void test_baseline_empty_file_roundtrip(void **state)
{
    Tmp *t = *state;
    Diag d;
    diag_init(&d);
    assert_true(rep_baseline_save(t->path, NULL, 0, &d));
    char *text = slurp(t->path);
    assert_string_equal(text,
                        "{\n  \"version\": 1,\n  \"tool\": \"asynclint\",\n  \"entries\": []\n}\n");
    xfree(text);
    Baseline b;
    load_ok(&b, t->path);
    Finding fs[3];
    todays(fs, 0);
    uint32_t stale;
    assert_int_equal(baseline_filter(&b, fs, 3, &stale), 3);
    assert_int_equal(stale, 0);
    baseline_free(&b);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_baseline_roundtrip_survives_line_shift, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_baseline_edited_snippet_is_new_and_old_entry_stale,
                                        setup, teardown),
        cmocka_unit_test(test_baseline_is_a_multiset),
        cmocka_unit_test_setup_teardown(test_baseline_file_is_deterministic_and_documented, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_baseline_bad_files_are_diagnosed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_baseline_empty_file_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
