/* Unit tests for the string map (src/base/str.c, StrMap): lookups by content
 * not by pointer, overwriting, and growth well past the first table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"

static void test_strmap_empty_and_overwrite(void **state)
{
    (void)state;
    StrMap m = {0};
    assert_null(strmap_get(&m, "a")); /* a zeroed map is empty */
    int one = 1, two = 2;
    strmap_put(&m, "a", &one);
    char key[] = "a"; /* same bytes, another pointer */
    void **v = strmap_get(&m, key);
    assert_non_null(v);
    assert_ptr_equal(*v, &one);
    strmap_put(&m, key, &two);
    assert_ptr_equal(*strmap_get(&m, "a"), &two);
    assert_int_equal(m.count, 1);
    assert_null(strmap_get(&m, "b"));
    assert_null(strmap_get(&m, ""));
    strmap_free(&m);
}

static void test_strmap_grows(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    StrMap m = {0};
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        /* values: the keys' own copies, so every answer can be checked */
        const char *k = arena_printf(&a, "dir/%d", i);
        strmap_put(&m, k, (void *)k);
    }
    assert_int_equal(m.count, N);
    for (int i = 0; i < N; i++) {
        char k[32];
        snprintf(k, sizeof k, "dir/%d", i);
        void **v = strmap_get(&m, k);
        assert_non_null(v);
        assert_string_equal((const char *)*v, k);
    }
    assert_null(strmap_get(&m, "dir/5000"));
    strmap_free(&m);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strmap_empty_and_overwrite),
        cmocka_unit_test(test_strmap_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
