/* Unit tests for the engines of rules/python-asyncio-tasks.yaml (dangling-task,
 * task-set, cancellation, busy-wait, resource-leak), the source-line helpers
 * they share (checks/pysrc.h) and their parameter errors. Each rule of the real
 * pack is bound to its engine and run on a small source parsed by the real
 * Python frontend; findings are compared by line and message. The fixtures
 * (fixtures/python/{tasks,cancel,loops,resources}) cover the rules end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testsupport.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/pysrc.h"
#include "checks/registry.h"
#include "lang/python/pyparse.h"
#include "rules/rules.h"

extern const CheckEngine chk_dangling_task_engine;
extern const CheckEngine chk_task_set_engine;
extern const CheckEngine chk_cancellation_engine;
extern const CheckEngine chk_busy_wait_engine;
extern const CheckEngine chk_resource_leak_engine;
extern const CheckEngine chk_unawaited_engine;

typedef struct Fixture {
    RuleSet *rs;
    Diag diag;
    FindingSink sink;
    Unit *u;
} Fixture;

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    diag_init(&f->diag);
    chk_sink_init(&f->sink);
    f->rs = rules_set_new();
    if (!rules_load_path(f->rs, ASYNCLINT_SOURCE_DIR "/rules/python-asyncio-tasks.yaml", &f->diag))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    if (f->u)
        unit_free(f->u);
    chk_sink_free(&f->sink);
    rules_set_free(f->rs);
    diag_free(&f->diag);
    xfree(f);
    return 0;
}

static Rule *bind_rule(Fixture *f, const char *id, const CheckEngine *engine)
{
    return ts_bind_rule(f->rs, id, LANG_PYTHON, engine, &f->diag);
}

/* Parses `text` (kept alive by the caller: a literal) and runs rule r on it. */
static void run(Fixture *f, const Rule *r, const char *text)
{
    if (f->u)
        unit_free(f->u);
    f->u = pyparse_unit("t.py", text, (uint32_t)strlen(text), &f->diag);
    assert_int_equal(f->u->parse_errors, 0);
    ((const CheckEngine *)r->engine)->run_unit(r, NULL, f->u, &f->sink);
}

/* The findings' lines, in order, as "L1 L2 ..." */
static const char *lines(Fixture *f)
{
    return ts_finding_lines(&f->sink);
}

static void test_chk_dangling_task_dropped_and_unused(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL202", &chk_dangling_task_engine);
    run(f, r,
        "import asyncio\n"
        "async def go(loop, cb):\n"
        "    asyncio.create_task(w())\n"       /* 3: dropped */
        "    t = asyncio.ensure_future(w())\n" /* 4: never read */
        "    kept = loop.create_task(w())\n"
        "    asyncio.create_task(w()).add_done_callback(cb)\n" /* 6 */
        "    async with asyncio.TaskGroup() as tg:\n"
        "        tg.create_task(w())\n"
        "    return kept\n");
    assert_string_equal(lines(f), "3 4 6");
    assert_non_null(strstr(f->sink.items.contents[0].message,
                           "task created by `asyncio.create_task` in `go` is discarded"));
    assert_non_null(
        strstr(f->sink.items.contents[1].message, "bound to `t`, which is never used again"));
    assert_non_null(strstr(f->sink.items.contents[2].message, "`add_done_callback`"));
}

static void test_chk_task_set_needs_a_removing_callback(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL203", &chk_task_set_engine);
    run(f, r,
        "import asyncio\n"
        "running = set()\n"
        "safe = set()\n"
        "def spawn(c, local_only):\n"
        "    t = asyncio.create_task(c)\n"
        "    running.add(t)\n" /* 6 */
        "    s = asyncio.create_task(c)\n"
        "    safe.add(s)\n"
        "    s.add_done_callback(safe.discard)\n"
        "    local_only.add(asyncio.create_task(c))\n"
        "class K:\n"
        "    def go(self, c):\n"
        "        self.jobs.append(asyncio.create_task(c))\n" /* 13 */
        "        self.other.add(asyncio.create_task(c))\n"
        "    def prune(self):\n"
        "        self.other.clear()\n");
    assert_string_equal(lines(f), "6 13");
    assert_non_null(strstr(f->sink.items.contents[0].message,
                           "task from `asyncio.create_task` is added to `running` in `spawn`"));
    assert_non_null(
        strstr(f->sink.items.contents[1].message, "add_done_callback(self.jobs.discard)"));
}

static void test_chk_cancellation_handlers(void **state)
{
    Fixture *f = *state;
    const Rule *r = bind_rule(f, "AL501", &chk_cancellation_engine);
    run(f, r,
        "import asyncio\n"
        "async def go(t):\n"
        "    try:\n"
        "        await t\n"
        "    except asyncio.CancelledError:\n" /* 5: swallowed */
        "        pass\n"
        "    except BaseException:\n" /* sibling of 5: not again */
        "        pass\n"
        "    try:\n"
        "        await t\n"
        "    except BaseException as e:\n" /* 11: replaced */
        "        raise RuntimeError() from e\n"
        "    try:\n"
        "        await t\n"
        "    except BaseException as e:\n"
        "        raise e\n"
        "    try:\n"
        "        t.result()\n"
        "    except asyncio.CancelledError:\n" /* no await point in the try */
        "        pass\n"
        "def sync():\n"
        "    try:\n"
        "        pass\n"
        "    except:\n"
        "        pass\n");
    assert_string_equal(lines(f), "5 11");
    assert_non_null(strstr(f->sink.items.contents[0].message,
                           "`except asyncio.CancelledError` in `go` catches the task's "
                           "cancellation and does not re-raise it"));
    assert_non_null(
        strstr(f->sink.items.contents[1].message, "raises a different exception in its place"));
}

static void test_chk_busy_wait_and_resource_leak(void **state)
{
    Fixture *f = *state;
    const Rule *busy = bind_rule(f, "AL502", &chk_busy_wait_engine);
    run(f, busy,
        "import asyncio\n"
        "async def go(j):\n"
        "    while not j.done:\n" /* 3 */
        "        await asyncio.sleep(1)\n"
        "    while True:\n"
        "        await asyncio.sleep(1)\n"
        /* 7: a condition past 60 bytes is cut between characters (\u00e9: 2 bytes) */
        "    while not j.\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9:\n"
        "        await asyncio.sleep(1)\n");
    assert_string_equal(lines(f), "3 7");
    assert_non_null(strstr(f->sink.items.contents[0].message,
                           "`while not j.done` in `go` polls with `asyncio.sleep`"));
    assert_non_null(strstr(f->sink.items.contents[1].message,
                           "j.\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                           "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                           "\u00e9\u00e9\u00e9\u00e9\u00e9...` in `go`"));
    chk_sink_free(&f->sink);
    chk_sink_init(&f->sink);
    const Rule *leak = bind_rule(f, "AL601", &chk_resource_leak_engine);
    run(f, leak,
        "import aiohttp\n"
        "async def go(u):\n"
        "    s = aiohttp.ClientSession()\n" /* 3 */
        "    await s.get(u)\n"
        "    c = aiohttp.ClientSession()\n"
        "    try:\n"
        "        await c.get(u)\n"
        "    finally:\n"
        "        await c.close()\n"
        "    return aiohttp.ClientSession()\n");
    assert_string_equal(lines(f), "3");
    assert_non_null(strstr(f->sink.items.contents[0].message,
                           "`aiohttp.ClientSession` created in `go` is bound to `s`"));
}

/* Two engines asking about one Unit share its flow index (built once, freed
 * with the Unit), and the index orders thousands of names right: a file with
 * 3,000 module-level names before the function asked about. */
static void test_chk_flow_index_shared_on_a_big_file(void **state)
{
    Fixture *f = *state;
    const Rule *dangling = bind_rule(f, "AL202", &chk_dangling_task_engine);
    const Rule *leak = bind_rule(f, "AL601", &chk_resource_leak_engine);
    size_t cap = 3000 * 40 + 1024, n = 0;
    char *text = xmalloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "import asyncio\nimport aiohttp\n");
    for (int i = 0; i < 3000; i++) /* lines 3..3002 */
        n += (size_t)snprintf(text + n, cap - n, "n%d_%c = '%d t k'\n", i * 7919 % 3001,
                              'a' + i % 26, i);
    snprintf(text + n, cap - n,
             "async def go(u):\n"                      /* 3003 */
             "    t = asyncio.create_task(w())\n"      /* 3004: never read */
             "    k = asyncio.create_task(w())\n"
             "    s = aiohttp.ClientSession()\n"       /* 3006: never closed */
             "    await s.get(u)\n"
             "    print(t.__class__) if False else None\n" /* t read again after all */
             "    return k\n");
    run(f, dangling, text);
    assert_string_equal(lines(f), "");
    ((const CheckEngine *)leak->engine)->run_unit(leak, NULL, f->u, &f->sink); /* same Unit */
    assert_string_equal(lines(f), "3006");
    assert_non_null(f->u->check_cache); /* kept for the next engine, freed with the Unit */
    chk_sink_free(&f->sink);
    chk_sink_init(&f->sink);
    char *read = strstr(text, "    print(t.__class__)"); /* the read becomes `pass` */
    memset(read, ' ', strlen("    print(t.__class__) if False else None"));
    memcpy(read + 4, "pass", 4);
    run(f, dangling, text);
    assert_string_equal(lines(f), "3004");
    unit_free(f->u); /* before the text it borrows */
    f->u = NULL;
    xfree(text);
}

static void test_chk_pysrc_blocks(void **state)
{
    (void)state;
    static const char src[] = "try:\n"
                              "    x = '''\n"
                              "raise\n"
                              "'''  # await\n"
                              "except A:\n"
                              "    if y: raise\n"
                              "    z = 1\n"
                              "except B:\n"
                              "    pass\n";
    Unit *u = unit_new("t.py", LANG_PYTHON, src, sizeof src - 1);
    uint32_t first = (uint32_t)(strstr(src, "except A") - src);
    uint32_t second = (uint32_t)(strstr(src, "except B") - src);
    uint32_t from, to;
    assert_true(chk_pysrc_try_body(u, 0, first, &from, &to));
    assert_int_equal(from, 3);
    assert_int_equal(to, first);
    static const char *const suspends[] = {"await", "raise", NULL};
    assert_false(chk_pysrc_has_word(u, from, to, suspends)); /* only in a string and a comment */
    assert_int_equal(chk_pysrc_block_end(u, first + 9, sizeof src - 1, 0), second);
    assert_int_equal(chk_pysrc_column(u, second), 0);
    unit_free(u);
}

static void test_chk_tasks_engines_reject_bad_parameters(void **state)
{
    Fixture *f = *state;
    static const char pack[] =
        "pack: bad-tasks\nlanguage: python\nrules:\n"
        "  - {id: Y1, name: y-one, check: dangling-task, severity: error, message: m}\n"
        "  - {id: Y2, name: y-two, check: task-set, severity: error, message: m,\n"
        "     spawners: [a.b], adders: [x.add], removers: [discard],\n"
        "     callback-methods: [add_done_callback]}\n"
        "  - {id: Y3, name: y-three, check: cancellation, severity: error, message: m,\n"
        "     cancel-exceptions: [a.B], bare: maybe}\n"
        "  - {id: Y4, name: y-four, check: busy-wait, severity: error, message: m,\n"
        "     sleep: [a.b]}\n"
        "  - {id: Y5, name: y-five, check: resource-leak, severity: error, message: m,\n"
        "     resources: ['a b'], closers: [close]}\n"
        "  - {id: Y6, name: y-six, check: unawaited-coroutine, severity: error, message: m,\n"
        "     callers: [asyncio.to_thread], handed-message: h}\n"
        "  - {id: Y7, name: y-seven, check: unawaited-coroutine, severity: error, message: m,\n"
        "     callers: [{call: asyncio.to_thread, arg: 0}]}\n"
        "  - {id: Y8, name: y-eight, check: unawaited-coroutine, severity: error, message: m,\n"
        "     handed-message: [h]}\n";
    assert_true(rules_load_text(f->rs, "bad.yaml", pack, sizeof pack - 1, false, &f->diag));
    const struct {
        const char *id;
        const CheckEngine *e;
        const char *want;
    } cases[] = {
        {"Y1", &chk_dangling_task_engine, "check 'dangling-task' needs 'spawners'"},
        {"Y2", &chk_task_set_engine, "'adders' entries must be plain names"},
        {"Y3", &chk_cancellation_engine, "'bare' must be true or false"},
        {"Y4", &chk_busy_wait_engine, "sleep"},
        {"Y5", &chk_resource_leak_engine, "invalid call pattern 'a b'"},
        {"Y6", &chk_unawaited_engine, "every 'callers' entry needs 'arg'"},
        {"Y7", &chk_unawaited_engine, "'callers' needs a 'handed-message'"},
        {"Y8", &chk_unawaited_engine, "'handed-message' must be a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Diag d;
        diag_init(&d);
        Rule *r = rules_find_lang(f->rs, cases[i].id, LANG_PYTHON);
        assert_non_null(r);
        assert_false(cases[i].e->bind(r, f->rs, &f->rs->arena, &d));
        char *out = ts_diag_text(&d);
        assert_non_null(strstr(out, cases[i].want));
        assert_non_null(strstr(out, "bad.yaml:"));
        free(out);
        diag_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chk_dangling_task_dropped_and_unused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chk_task_set_needs_a_removing_callback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_chk_cancellation_handlers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chk_busy_wait_and_resource_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chk_flow_index_shared_on_a_big_file, setup,
                                        teardown),
        cmocka_unit_test(test_chk_pysrc_blocks),
        cmocka_unit_test_setup_teardown(test_chk_tasks_engines_reject_bad_parameters, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
