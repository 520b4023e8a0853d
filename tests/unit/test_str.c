/* Unit tests for the string map (src/base/str.c, StrMap): lookups by content
 * not by pointer, overwriting, and growth well past the first table; and for
 * strpool_find, the read-only lookup in an intern pool, and strpool_reserve. */
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

static void test_strpool_find(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    StrPool p = {0};
    assert_null(strpool_find(&p, str_from("x")).ptr); /* a zeroed pool is empty */
    strpool_init_sized(&p, &a, 8);
    char buf[16];
    for (int i = 0; i < 100; i++) { /* past several rehashes */
        snprintf(buf, sizeof buf, "mod%d", i);
        strpool_intern(&p, str_from(buf));
    }
    Str in = strpool_intern(&p, str_from("mod7"));
    Str found = strpool_find(&p, str_make("mod7.sub", 4)); /* a prefix, not NUL-ended */
    assert_ptr_equal(found.ptr, in.ptr);
    assert_int_equal(found.len, 4);
    assert_null(strpool_find(&p, str_from("mod100")).ptr);
    assert_null(strpool_find(&p, str_make("mod7", 3)).ptr); /* `mod`: never interned */
    assert_null(strpool_find(&p, STR_NULL).ptr);
    uint32_t count = p.count;
    strpool_find(&p, str_from("other"));
    assert_int_equal(p.count, count); /* finding adds nothing */
    strpool_free(&p);
    arena_free(&a);
}

/* Reserving keeps what the pool holds, and n strings then fit without the
 * table moving again; a smaller reservation changes nothing. */
static void test_strpool_reserve(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    StrPool p;
    strpool_init_sized(&p, &a, 8);
    Str held = strpool_intern(&p, str_from("held"));
    strpool_reserve(&p, 300);
    assert_true(p.cap >= 602);
    assert_ptr_equal(strpool_find(&p, str_from("held")).ptr, held.ptr);
    const StrPoolSlot *slots = p.slots;
    char buf[16];
    for (int i = 0; i < 299; i++) {
        snprintf(buf, sizeof buf, "n%d", i);
        strpool_intern(&p, str_from(buf));
    }
    assert_ptr_equal(p.slots, slots); /* no rehash */
    assert_int_equal(p.count, 300);
    uint32_t cap = p.cap;
    strpool_reserve(&p, 10);
    assert_int_equal(p.cap, cap);
    assert_ptr_equal(strpool_intern(&p, str_from("n42")).ptr, strpool_find(&p, str_from("n42")).ptr);
    strpool_free(&p);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strmap_empty_and_overwrite),
        cmocka_unit_test(test_strmap_grows),
        cmocka_unit_test(test_strpool_find),
        cmocka_unit_test(test_strpool_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
