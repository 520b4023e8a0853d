/* Unit tests for the C-only check engines (src/checks/chk_c_*.c): each rule
 * of the C packs in rules/c is bound to its engine and run on small sources
 * parsed by the real C frontend; the findings (rule, line, message) are
 * compared one by one. AL701 needs the linked Project and is covered by the
 * fixtures; here only its parameters are checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testsupport.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/registry.h"
#include "lang/c/cfront.h"
#include "rules/rules.h"

extern const CheckEngine chk_c_null_callback_engine;
extern const CheckEngine chk_c_stack_escape_engine;
extern const CheckEngine chk_c_thread_leak_engine;
extern const CheckEngine chk_c_signal_unsafe_engine;

typedef struct Fixture {
    char dir[64];
    RuleSet *rs;
    CfrontShared *sh;
    CfrontCtx *ctx;
    Diag diag;
    FindingSink sink;
    Unit *u;
} Fixture;

/* The C packs: staged in rules/c until they are embedded, then the defaults. */
static bool load_c_packs(RuleSet *rs, Diag *d)
{
    struct stat st;
    if (stat(ASYNCLINT_SOURCE_DIR "/rules/c", &st) == 0 && S_ISDIR(st.st_mode))
        return rules_load_path(rs, ASYNCLINT_SOURCE_DIR "/rules/c", d);
    return rules_load_defaults(rs, d);
}

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    ts_make_dir(f->dir, sizeof f->dir, "chk-c");
    diag_init(&f->diag);
    chk_sink_init(&f->sink);
    f->rs = rules_set_new();
    if (!load_c_packs(f->rs, &f->diag))
        return -1;
    CfrontOptions opt = {.no_discovery = true};
    f->sh = cfront_shared_new(&opt, &f->diag);
    f->ctx = cfront_ctx_new(f->sh);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    unit_free(f->u);
    cfront_ctx_free(f->ctx);
    cfront_shared_free(f->sh);
    chk_sink_free(&f->sink);
    rules_set_free(f->rs);
    diag_free(&f->diag);
    ts_remove_tree(f->dir);
    xfree(f);
    return 0;
}

static Rule *bind_rule(Fixture *f, const char *id, const CheckEngine *engine)
{
    return ts_bind_rule(f->rs, id, LANG_C, engine, &f->diag);
}

static void run(Fixture *f, const Rule *r, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/t.c", f->dir);
    ts_write_file(NULL, path, text);
    unit_free(f->u);
    f->u = cfront_parse(f->ctx, path, NULL, 0, &f->diag);
    assert_non_null(f->u);
    assert_int_equal(f->u->parse_errors, 0);
    ((const CheckEngine *)r->engine)->run_unit(r, NULL, f->u, &f->sink);
}

/* The findings' lines, in order, as "L1 L2 ..." */
static const char *lines(Fixture *f)
{
    return ts_finding_lines(&f->sink);
}

static void test_chk_c_null_callback_work_without_completion(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL206", &chk_c_null_callback_engine);
    run(f, r,
        "#include <uv.h>\n"
        "static void work(uv_work_t *w) { }\n"
        "static void done(uv_work_t *w, int s) { }\n"
        "void go(uv_loop_t *loop, uv_work_t *a, uv_work_t *b, uv_work_t *c) {\n"
        "    uv_queue_work(loop, a, work, NULL);\n"
        "    uv_queue_work(loop, b, work, done);\n"
        "    uv_queue_work(loop, c, work, 0);\n"
        "}\n");
    assert_string_equal(lines(f), "5 7");
    assert_string_equal(f->sink.items.contents[0].message,
                        "`uv_queue_work` without an after_work_cb in `go`: nobody learns that "
                        "the work finished, failed or was cancelled");
    assert_string_equal(f->sink.items.contents[0].function, "go");
}

static void test_chk_c_stack_escape_requests_and_handles(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL204", &chk_c_stack_escape_engine);
    run(f, r,
        "#include <stdlib.h>\n"
        "#include <uv.h>\n"
        "static void tick(uv_timer_t *t) { }\n"
        "static void wrote(uv_write_t *w, int s) { }\n"
        "static void statted(uv_fs_t *r) { }\n"
        "int ticker(uv_loop_t *loop) {\n"
        "    uv_timer_t t;\n"
        "    uv_timer_init(loop, &t);\n"
        "    uv_timer_start(&t, tick, 1, 1);\n"
        "    return uv_timer_start(&t, tick, 2, 2);\n"
        "}\n"
        "int push(uv_stream_t *s, uv_buf_t *b, int sync) {\n"
        "    uv_write_t reqs[2];\n"
        "    uv_fs_t st;\n"
        "    uv_fs_stat(s->loop, &st, \"/\", NULL);\n"
        "    uv_fs_stat(s->loop, &st, \"/\", statted);\n"
        "    return uv_write(&reqs[1], s, b, 1, wrote);\n"
        "}\n"
        "int runs(uv_loop_t *loop) {\n"
        "    uv_timer_t t;\n"
        "    uv_timer_start(&t, tick, 1, 1);\n"
        "    return uv_run(loop, UV_RUN_DEFAULT);\n"
        "}\n"
        "void heap(uv_stream_t *s, uv_buf_t *b) {\n"
        "    static uv_timer_t st;\n"
        "    uv_timer_start(&st, tick, 1, 1);\n"
        "    uv_write(malloc(sizeof(uv_write_t)), s, b, 1, wrote);\n"
        "}\n"
        "static void finish(uv_loop_t *l) { uv_run(l, UV_RUN_DEFAULT); }\n"
        "int helper_runs(uv_loop_t *l) { uv_timer_t t; uv_timer_start(&t, tick, 1, 1);\n"
        "    finish(l); return 0; }\n"
        "int closes(uv_loop_t *l) { uv_timer_t t; uv_timer_start(&t, tick, 1, 1);\n"
        "    return uv_loop_close(l); }\n");
    assert_string_equal(lines(f), "9 16 17");
    assert_string_equal(
        f->sink.items.contents[0].message,
        "`t` (uv_timer_t) lives on the stack of `ticker` but `uv_timer_start` hands "
        "it to the loop, which uses it after `ticker` returns");
    assert_non_null(strstr(f->sink.items.contents[2].message, "`reqs` (uv_write_t)"));
}

static void test_chk_c_thread_leak_ids_that_escape(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL205", &chk_c_thread_leak_engine);
    run(f, r,
        "#include <pthread.h>\n"
        "struct pool { pthread_t t[2]; };\n"
        "static void *body(void *a) { return a; }\n"
        "void keep(pthread_t t);\n"
        "void leak(void) { pthread_t t; pthread_create(&t, NULL, body, NULL); }\n"
        "void join(void) { pthread_t t; pthread_create(&t, NULL, body, NULL); pthread_join(t, 0); "
        "}\n"
        "void pass(void) { pthread_t t; pthread_create(&t, NULL, body, NULL); keep(t); }\n"
        "void store(struct pool *p) { pthread_t t; pthread_create(&t, 0, body, 0); p->t[0] = t; }\n"
        "void arr(struct pool *p) { pthread_t ts[2]; pthread_create(&ts[0], 0, body, 0);\n"
        "    p->t[1] = ts[0]; }\n"
        "void attr(void) { pthread_t t; pthread_attr_t a; pthread_attr_init(&a);\n"
        "    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);\n"
        "    pthread_create(&t, &a, body, NULL); }\n"
        "void attr_joinable(void) { pthread_t t; pthread_attr_t a; pthread_attr_init(&a);\n"
        "    pthread_create(&t, &a, body, NULL); }\n"
        "void two(void) { pthread_t a, b; pthread_create(&a, 0, body, 0);\n"
        "    pthread_create(&b, 0, body, 0); pthread_detach(a); }\n");
    assert_string_equal(lines(f), "5 15 17");
    assert_string_equal(f->sink.items.contents[2].message,
                        "thread `b` started with `pthread_create` in `two` is never joined, "
                        "detached or stored");
}

static void test_chk_c_engines_reject_bad_parameters(void **state)
{
    Fixture *f = *state;
    static const char pack[] =
        "pack: bad-c\nlanguage: c\nrules:\n"
        "  - {id: X1, name: x-one, check: null-callback, severity: error, message: m,\n"
        "     calls: [uv_queue_work]}\n"
        "  - {id: X2, name: x-two, check: thread-leak, severity: error, message: m,\n"
        "     creates: [{call: pthread_create, arg: -3}], detached-attr: [a]}\n"
        "  - {id: X3, name: x-three, check: stack-escape, severity: error, message: m,\n"
        "     runs-loop: [uv_run], run-loop: [x]}\n";
    assert_true(rules_load_text(f->rs, "bad-c.yaml", pack, sizeof pack - 1, false, &f->diag));
    const struct {
        const char *id;
        const CheckEngine *e;
        const char *want;
    } cases[] = {
        {"X1", &chk_c_null_callback_engine, "bad-c.yaml:5:14: error: rule 'X1': expected a map"},
        {"X2", &chk_c_thread_leak_engine, "'arg' must be an argument index"},
        {"X3", &chk_c_stack_escape_engine, "unknown key 'run-loop'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Diag d;
        diag_init(&d);
        Rule *r = rules_find_lang(f->rs, cases[i].id, LANG_C);
        assert_non_null(r);
        assert_false(cases[i].e->bind(r, f->rs, &f->rs->arena, &d));
        char *out = ts_diag_text(&d);
        assert_non_null(strstr(out, cases[i].want));
        free(out);
        diag_free(&d);
    }
    /* AL701 reads the POSIX list from the packs */
    Rule *sig = rules_find_lang(f->rs, "AL701", LANG_C);
    assert_true(chk_c_signal_unsafe_engine.bind(sig, f->rs, &f->rs->arena, &f->diag));
    assert_int_equal(f->diag.errors, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chk_c_null_callback_work_without_completion, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_chk_c_stack_escape_requests_and_handles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_chk_c_thread_leak_ids_that_escape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chk_c_engines_reject_bad_parameters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
