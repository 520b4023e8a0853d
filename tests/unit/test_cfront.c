/* Unit tests for the C frontend (src/lang/c/) and the C registrations
 * (src/checks/c_context.c): small C sources written to a temporary directory
 * are parsed against the real Debian headers (libuv, libevent, libev, GLib),
 * and the resulting model is checked site by site: callee names after macro
 * expansion, argument kinds, uses, loop bounds, function references,
 * comments, compile databases, missing headers and broken code. */
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
#include "checks/c_context.h"
#include "lang/c/cfront.h"
#include "rules/rules.h"

typedef struct Fixture {
    char dir[64]; /* temporary directory of the test's sources */
    CfrontShared *sh;
    CfrontCtx *ctx;
    Diag diag;
    Unit *u;
    char *printed;
} Fixture;

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    ts_make_dir(f->dir, sizeof f->dir, "cfront");
    diag_init(&f->diag);
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
    diag_free(&f->diag);
    free(f->printed);
    ts_remove_tree(f->dir);
    xfree(f);
    return 0;
}

/* The C packs: staged in rules/c until they are embedded, then the defaults. */
static bool load_c_packs(RuleSet *rs, Diag *d)
{
    struct stat st;
    if (stat(ASYNCLINT_SOURCE_DIR "/rules/c", &st) == 0 && S_ISDIR(st.st_mode))
        return rules_load_path(rs, ASYNCLINT_SOURCE_DIR "/rules/c", d);
    return rules_load_defaults(rs, d);
}

static void write_file(const char *path, const char *text)
{
    ts_write_file(NULL, path, text);
}

/* Writes `text` to dir/name and parses it; the Unit stays in f->u. */
static Unit *parse(Fixture *f, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    write_file(path, text);
    unit_free(f->u);
    f->u = cfront_parse(f->ctx, path, NULL, 0, &f->diag);
    assert_non_null(f->u);
    return f->u;
}

static const char *printed(Fixture *f)
{
    free(f->printed);
    f->printed = ts_diag_text(&f->diag);
    return f->printed;
}

/* The n-th (0-based) site of `kind` whose text is `text`. */
static const Site *site(const Unit *u, SiteKind kind, const char *text, int n)
{
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == kind && str_eq_c(u->sites[i].text, text) && n-- == 0)
            return &u->sites[i];
    fail_msg("no %s site #%d named '%s'", kind == SITE_CALL ? "call" : "other", n, text);
    return NULL;
}

static uint32_t count(const Unit *u, SiteKind kind, const char *text)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < u->nsites; i++)
        n += u->sites[i].kind == kind && (!text || str_eq_c(u->sites[i].text, text));
    return n;
}

static const Function *func(const Unit *u, const char *name)
{
    for (uint32_t i = 0; i < u->nfuncs; i++)
        if (str_eq_c(u->funcs[i].name, name))
            return &u->funcs[i];
    fail_msg("no function '%s'", name);
    return NULL;
}

static int32_t func_index(const Unit *u, const char *name)
{
    return (int32_t)(func(u, name) - u->funcs);
}

static void assert_str(Str s, const char *want)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
    assert_string_equal(buf, want);
}

static uint32_t line_of(const Unit *u, const Site *s)
{
    uint32_t line, col;
    unit_pos(u, s->off, &line, &col);
    return line;
}

/* ---- calls after macro expansion ------------------------------------------ */

static void test_cfront_parse_macro_callees(void **state)
{
    Fixture *f = *state;
    /* libevent and libev both define EV_READ: one file each, as in real code */
    const Unit *u = parse(f, "libev.c",
                          "#include <ev.h>\n"
                          "static void on_tick(struct ev_loop *l, ev_timer *w, int r) { }\n"
                          "void arm(struct ev_loop *loop) {\n"
                          "    ev_timer t;\n"
                          "    ev_timer_init(&t, on_tick, 1., 0.);\n"
                          "}\n");
    /* ev_timer_init stores the callback into the watcher: a member store. */
    const Site *fr = site(u, SITE_FUNCREF, "on_tick", 0);
    assert_str(fr->field, "cb");
    assert_str(fr->use_name, "ev_timer.cb");
    assert_int_equal(fr->use, USE_STORED);
    assert_int_equal(fr->func, func_index(u, "arm"));
    assert_int_equal(count(u, SITE_CALL, "ev_timer_init"), 0);

    u = parse(f, "macros.c",
              "#include <event2/event.h>\n"
              "#include <glib-object.h>\n"
              "\n"
              "static void on_ev(evutil_socket_t fd, short w, void *a) { }\n"
              "static void on_sig(GObject *o, gpointer d) { }\n"
              "\n"
              "void setup(struct event_base *b, GObject *o) {\n"
              "    struct event *e = evtimer_new(b, on_ev, NULL);\n"
              "    g_signal_connect(o, \"notify\", G_CALLBACK(on_sig), NULL);\n"
              "    (void)e;\n"
              "}\n");
    assert_int_equal(f->diag.msgs.size, 0);
    assert_int_equal(u->parse_errors, 0);
    const Site *ev = site(u, SITE_CALL, "event_new", 0);
    assert_str(ev->resolved, "event_new");
    assert_int_equal(ev->nargs, 5);
    assert_int_equal(ev->args[0].kind, ARG_NAME);
    assert_int_equal(ev->args[3].kind, ARG_FUNC);
    assert_str(ev->args[3].text, "on_ev");
    assert_int_equal(ev->args[4].kind, ARG_NULL);
    assert_int_equal(ev->use, USE_BOUND);
    assert_str(ev->use_name, "e");
    assert_int_equal(line_of(u, ev), 8);
    /* the span is the macro invocation as written */
    assert_memory_equal(u->src + ev->off, "evtimer_new(b, on_ev, NULL)", ev->end - ev->off);
    assert_int_equal(count(u, SITE_CALL, "evtimer_new"), 0);

    const Site *gs = site(u, SITE_CALL, "g_signal_connect_data", 0);
    assert_int_equal(gs->args[2].kind, ARG_FUNC); /* through the G_CALLBACK cast */
    assert_str(gs->args[2].text, "on_sig");
    assert_int_equal(gs->use, USE_DISCARDED);
}

static void test_cfront_parse_function_pointer_calls(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "fp.c",
                          "struct ops { void (*cb)(int); };\n"
                          "void run(struct ops *o, void (*fp)(int)) {\n"
                          "    fp(1);\n"
                          "    (*fp)(2);\n"
                          "    o->cb(3);\n"
                          "}\n");
    const Site *a = site(u, SITE_CALL, "fp", 0);
    assert_int_equal(a->resolved.len, 0);
    site(u, SITE_CALL, "(*fp)", 0);
    const Site *c = site(u, SITE_CALL, "o->cb", 0);
    assert_int_equal(c->resolved.len, 0);
    assert_int_equal(c->args[0].kind, ARG_LITERAL);
}

/* ---- arguments ------------------------------------------------------------ */

static void test_cfront_parse_argument_kinds(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "args.c",
                          "#include <stdio.h>\n"
                          "#include <uv.h>\n"
                          "struct conn { uv_timer_t timer; uv_write_t *wr; };\n"
                          "static void on_timer(uv_timer_t *t) { }\n"
                          "static int twice(int x) { return 2 * x; }\n"
                          "void start(uv_loop_t *loop, struct conn *heap, int n) {\n"
                          "    uv_timer_t t;\n"
                          "    struct conn c;\n"
                          "    static uv_timer_t st;\n"
                          "    uv_write_t reqs[4];\n"
                          "    uv_timer_start(&t, on_timer, 0, 0);\n"
                          "    uv_timer_start(&c.timer, &on_timer, 0, 0);\n"
                          "    uv_timer_start(&heap->timer, (uv_timer_cb)on_timer, 0, 0);\n"
                          "    uv_timer_start(&st, 0, 0, (void *)0 == NULL);\n"
                          "    uv_write(&reqs[n], NULL, NULL, 0, NULL);\n"
                          "    fprintf(stderr, \"%d %s\", twice(n), \"x\");\n"
                          "}\n");
    assert_int_equal(u->parse_errors, 0);
    const Site *s0 = site(u, SITE_CALL, "uv_timer_start", 0);
    assert_int_equal(s0->args[0].kind, ARG_ADDR);
    assert_str(s0->args[0].text, "t");
    assert_str(s0->args[0].type, "uv_timer_t");
    assert_int_equal(s0->args[1].kind, ARG_FUNC);
    assert_int_equal(s0->args[2].kind, ARG_LITERAL);

    const Site *s1 = site(u, SITE_CALL, "uv_timer_start", 1);
    assert_int_equal(s1->args[0].kind, ARG_ADDR); /* member of a stack struct */
    assert_str(s1->args[0].text, "c");
    assert_str(s1->args[0].type, "uv_timer_t");
    assert_int_equal(s1->args[1].kind, ARG_FUNC); /* &f */
    assert_str(s1->args[1].text, "on_timer");

    const Site *s2 = site(u, SITE_CALL, "uv_timer_start", 2);
    assert_int_equal(s2->args[0].kind, ARG_OTHER); /* heap, through -> */
    assert_int_equal(s2->args[1].kind, ARG_FUNC);  /* through a cast */

    const Site *s3 = site(u, SITE_CALL, "uv_timer_start", 3);
    assert_int_equal(s3->args[0].kind, ARG_OTHER);   /* static local: not on the stack */
    assert_int_equal(s3->args[1].kind, ARG_NULL);    /* 0 where a pointer is expected */
    assert_int_equal(s3->args[2].kind, ARG_LITERAL); /* 0 for an integer */

    const Site *w = site(u, SITE_CALL, "uv_write", 0);
    assert_int_equal(w->args[0].kind, ARG_ADDR); /* element of a stack array */
    assert_str(w->args[0].type, "uv_write_t");
    assert_int_equal(w->args[1].kind, ARG_NULL);
    assert_str(w->args[1].text, "NULL");

    const Site *p = site(u, SITE_CALL, "fprintf", 0);
    assert_int_equal(p->args[0].kind, ARG_NAME);
    assert_str(p->args[0].text, "stderr");
    assert_str(p->args[0].type, "FILE *");
    assert_int_equal(p->args[1].kind, ARG_LITERAL);
    assert_int_equal(p->args[2].kind, ARG_CALL);
    const Site *tw = site(u, SITE_CALL, "twice", 0);
    assert_int_equal(p->args[2].site, (int32_t)(tw - u->sites));
    assert_int_equal(tw->use, USE_ARGUMENT);
    assert_int_equal(tw->parent, (int32_t)(p - u->sites));
    assert_int_equal(tw->arg_index, 2);
    assert_true(tw > p); /* sites in source order */
}

static void test_cfront_parse_macro_constant_argument_text(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "lock.c",
                          "#include <fcntl.h>\n"
                          "#include <sys/file.h>\n"
                          "void lock(int fd, struct flock *fl) {\n"
                          "    fcntl(fd, F_SETLKW, fl);\n"
                          "    flock(fd, LOCK_EX);\n"
                          "}\n");
    assert_str(site(u, SITE_CALL, "fcntl", 0)->args[1].text, "F_SETLKW");
    assert_str(site(u, SITE_CALL, "flock", 0)->args[1].text, "LOCK_EX");
}

/* ---- how results are used ------------------------------------------------- */

static void test_cfront_parse_uses(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "uses.c",
                          "int g;\n"
                          "struct s { int x; };\n"
                          "int f(void);\n"
                          "void take(int v);\n"
                          "int use(struct s *p, int *q) {\n"
                          "    f();\n"
                          "    int a = f();\n"
                          "    a = f();\n"
                          "    g = f();\n"
                          "    p->x = f();\n"
                          "    *q = f();\n"
                          "    take(f());\n"
                          "    if (f() > a) { (void)f(); }\n"
                          "    return f();\n"
                          "}\n");
    static const Use want[] = {USE_DISCARDED, USE_BOUND,   USE_BOUND,    USE_STORED,
                               USE_STORED,    USE_STORED,  USE_ARGUMENT, USE_OPERAND,
                               USE_DISCARDED, USE_RETURNED};
    assert_int_equal(count(u, SITE_CALL, "f"), 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(site(u, SITE_CALL, "f", i)->use, want[i]);
    assert_str(site(u, SITE_CALL, "f", 1)->use_name, "a");
    assert_str(site(u, SITE_CALL, "f", 3)->use_name, "g");
    assert_str(site(u, SITE_CALL, "f", 4)->use_name, "s.x");
}

static void test_cfront_parse_local_variable_uses(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "threads.c",
                          "#include <pthread.h>\n"
                          "struct w { pthread_t tid; };\n"
                          "static void *run(void *a) { return a; }\n"
                          "pthread_t start(struct w *out) {\n"
                          "    pthread_t t, u, v;\n"
                          "    pthread_create(&t, NULL, run, NULL);\n"
                          "    pthread_create(&u, NULL, run, NULL);\n"
                          "    pthread_create(&v, NULL, run, NULL);\n"
                          "    pthread_join(t, NULL);\n"
                          "    out->tid = u;\n"
                          "    v = u;\n"
                          "    return v;\n"
                          "}\n");
    /* &t handed to pthread_create is an ARG_ADDR, not a read */
    assert_int_equal(site(u, SITE_CALL, "pthread_create", 0)->args[0].kind, ARG_ADDR);
    assert_int_equal(count(u, SITE_USE, "t"), 1);
    const Site *t = site(u, SITE_USE, "t", 0);
    assert_int_equal(t->use, USE_ARGUMENT);
    assert_int_equal(t->parent, (int32_t)(site(u, SITE_CALL, "pthread_join", 0) - u->sites));
    assert_int_equal(site(u, SITE_USE, "u", 0)->use, USE_STORED);
    assert_str(site(u, SITE_USE, "u", 0)->use_name, "w.tid");
    assert_int_equal(site(u, SITE_USE, "u", 1)->use, USE_BOUND);
    assert_int_equal(count(u, SITE_USE, "v"), 1); /* `v = u` writes v */
    assert_int_equal(site(u, SITE_USE, "v", 0)->use, USE_RETURNED);
}

/* ---- loops ---------------------------------------------------------------- */

static uint32_t loop_flags_at(const Unit *u, uint32_t line)
{
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_LOOP && line_of(u, &u->sites[i]) == line)
            return u->sites[i].flags;
    fail_msg("no loop on line %u", line);
    return 0;
}

static void test_cfront_parse_loop_bounds(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "loops.c",
                          "#include <stdlib.h>\n"
                          "#define N_WORKERS 4\n"
                          "enum { SLOTS = 8 };\n"
                          "struct node { struct node *next; };\n"
                          "void work(void);\n"
                          "void loops(int argc, char **argv, struct node *head) {\n"
                          "    int a[16];\n"
                          "    for (int i = 0; i < 4; i++) work();\n"
                          "    for (int i = 0; i < N_WORKERS; i++) work();\n"
                          "    for (int i = 0; i < SLOTS; i++) work();\n"
                          "    for (unsigned i = 0; i < sizeof a / sizeof a[0]; i++) work();\n"
                          "    for (int i = 10; i > 0; i--) work();\n"
                          "    for (int i = 0; i < argc; i++) work();\n"
                          "    for (int i = 0; i < atoi(argv[1]); i++) work();\n"
                          "    int n = argc;\n"
                          "    while (n-- > 0) work();\n"
                          "    for (struct node *p = head; p != NULL; p = p->next) work();\n"
                          "    for (;;) { work(); break; }\n"
                          "    while (1) { work(); break; }\n"
                          "    do { work(); } while (0);\n"
                          "    for (int i = 0; i < argc; i++)\n"
                          "        for (int j = 0; j < 2; j++) work();\n"
                          "}\n");
    for (uint32_t line = 8; line <= 12; line++)
        assert_int_equal(loop_flags_at(u, line), SITE_F_BOUNDED);
    assert_int_equal(loop_flags_at(u, 13), SITE_F_INPUT_BOUND);
    assert_int_equal(loop_flags_at(u, 14), SITE_F_INPUT_BOUND);
    assert_int_equal(loop_flags_at(u, 16), SITE_F_INPUT_BOUND);
    assert_int_equal(loop_flags_at(u, 17), SITE_F_INPUT_BOUND);
    assert_int_equal(loop_flags_at(u, 18), SITE_F_INPUT_BOUND | SITE_F_TRUE_COND);
    assert_int_equal(loop_flags_at(u, 19), SITE_F_INPUT_BOUND | SITE_F_TRUE_COND);
    /* do { } while (0) is a block, not a loop: its call has no loop */
    const Site *w = site(u, SITE_CALL, "work", 11);
    assert_int_equal(line_of(u, w), 20);
    assert_int_equal(w->loop, -1);
    /* nested: the inner loop's site points at the outer one */
    const Site *inner = site(u, SITE_CALL, "work", 12);
    const Site *jloop = &u->sites[inner->loop];
    assert_int_equal(jloop->flags, SITE_F_BOUNDED);
    assert_int_equal(line_of(u, jloop), 22);
    assert_int_equal(u->sites[jloop->loop].flags, SITE_F_INPUT_BOUND);
    /* a call in the condition runs on every iteration */
    assert_int_equal(line_of(u, &u->sites[site(u, SITE_CALL, "atoi", 0)->loop]), 14);
}

/* ---- function references -------------------------------------------------- */

static void test_cfront_parse_funcrefs(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "sig.c",
                          "#include <signal.h>\n"
                          "#include <uv.h>\n"
                          "static void h1(int s) { }\n"
                          "static void h2(int s, siginfo_t *i, void *c) { }\n"
                          "static void tick(uv_timer_t *t) { }\n"
                          "struct ops { int id; void (*on)(int); };\n"
                          "static const struct ops table = { 1, h1 };\n"
                          "static uv_timer_cb cbs[] = { tick };\n"
                          "typedef void (*handler)(int);\n"
                          "handler pick(void) { return h1; }\n"
                          "void install(void) {\n"
                          "    struct sigaction sa = { .sa_handler = h1 };\n"
                          "    struct sigaction sb;\n"
                          "    sb.sa_sigaction = h2;\n"
                          "    handler local = h1;\n"
                          "    sigaction(SIGTERM, &sa, NULL);\n"
                          "    (void)local;\n"
                          "}\n");
    assert_int_equal(u->parse_errors, 0);
    const Site *t = site(u, SITE_FUNCREF, "h1", 0);
    assert_int_equal(t->func, 0); /* file scope initialiser */
    assert_str(t->use_name, "ops.on");
    assert_str(t->field, "on");
    const Site *arr = site(u, SITE_FUNCREF, "tick", 0);
    assert_int_equal(arr->use, USE_ELEMENT);
    assert_str(arr->use_name, "cbs");
    assert_int_equal(site(u, SITE_FUNCREF, "h1", 1)->use, USE_RETURNED);
    const Site *d = site(u, SITE_FUNCREF, "h1", 2);
    assert_int_equal(d->use, USE_STORED);
    assert_str(d->use_name, "sigaction.sa_handler");
    const Site *a = site(u, SITE_FUNCREF, "h2", 0);
    assert_str(a->use_name, "sigaction.sa_sigaction");
    assert_str(a->field, "sa_sigaction");
    const Site *l = site(u, SITE_FUNCREF, "h1", 3);
    assert_int_equal(l->use, USE_BOUND);
    assert_str(l->use_name, "local");
}

/* ---- functions, comments --------------------------------------------------- */

static void test_cfront_parse_functions_and_comments(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "fn.c",
                          "// header comment\n"
                          "static int helper(int a, const char *b);\n"
                          "static int helper(int a, const char *b) { return a; }\n"
                          "int api(void) { return helper(1, \"/* no */ // no\"); } /* tail */\n"
                          "  /* own\n     line */\n"
                          "char c = '\"'; // after a quote\n");
    assert_int_equal(u->nfuncs, 3);
    assert_int_equal(u->funcs[0].kind, FN_MODULE);
    const Function *h = func(u, "helper");
    assert_int_equal(h->kind, FN_DEF);
    assert_int_equal(h->nparams, 2);
    assert_str(h->params[1].name, "b");
    assert_str(h->params[1].annotation, "const char *");
    assert_int_equal(h->ndecorators, 1);
    assert_str(h->decorators[0], "static");
    assert_int_equal(func(u, "api")->ndecorators, 0);
    assert_int_equal(h->parent, 0);
    assert_int_equal(func(u, "api")->nsites, 1);
    assert_int_equal(u->ncomments, 4);
    assert_int_equal(u->comments[0].line, 1);
    assert_true(u->comments[0].own_line);
    assert_memory_equal(u->src + u->comments[1].off, "/* tail */", u->comments[1].len);
    assert_false(u->comments[1].own_line);
    assert_int_equal(u->comments[2].line, 5);
    assert_true(u->comments[2].own_line);
    assert_memory_equal(u->src + u->comments[3].off, "// after a quote", u->comments[3].len);
}

static void test_cfront_parse_header_and_pasted_functions(void **state)
{
    Fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/queue.h", f->dir);
    write_file(path,
               "static inline int queue_empty(const int *q) { return *q == 0; }\n"
               "#define GEN(name) static int name##_find(int x) { return queue_empty(&x); }\n");
    const Unit *u = parse(f, "pasted.c",
                          "#include <stdio.h>\n"
                          "#include \"queue.h\"\n"
                          "GEN(tree)\n"
                          "int use(void) { return tree_find(1) + queue_empty(NULL); }\n");
    /* the header's inline helper: known, flagged, not walked */
    const Function *q = func(u, "queue_empty");
    assert_int_equal(q->nsites, 0);
    assert_int_equal(q->ndecorators, 2);
    assert_str(q->decorators[0], "header");
    assert_str(q->decorators[1], "static");
    /* a function whose name a macro pastes together is defined in this file */
    const Function *t = func(u, "tree_find");
    assert_int_equal(t->nsites, 1);
    assert_str(t->decorators[0], "static");
    assert_int_equal(site(u, SITE_CALL, "queue_empty", 0)->func, (int32_t)(t - u->funcs));
    /* nothing from system headers */
    for (uint32_t i = 0; i < u->nfuncs; i++)
        assert_false(str_eq_c(u->funcs[i].name, "printf"));
    assert_int_equal(u->nfuncs, 4);
}

/* ---- bad input -------------------------------------------------------------- */

static void test_cfront_parse_missing_header_note(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "nohdr.c",
                          "#include <uv.h>\n"
                          "#include \"acme/not_there.h\"\n"
                          "#include \"also_missing.h\"\n"
                          "static void on_timer(uv_timer_t *t) { acme_flush(t); sleep(1); }\n");
    assert_int_equal(f->diag.msgs.size, 1);
    assert_int_equal(f->diag.errors, 0);
    const char *out = printed(f);
    assert_non_null(strstr(out, "nohdr.c:2:10: note: header 'acme/not_there.h' not found; "
                                "analysing what parsed"));
    assert_non_null(strstr(out, "-p BUILD_DIR"));
    const Site *s = site(u, SITE_CALL, "sleep", 0);
    assert_int_equal(s->func, func_index(u, "on_timer"));
    site(u, SITE_CALL, "acme_flush", 0);
}

static void test_cfront_parse_broken_code(void **state)
{
    Fixture *f = *state;
    const Unit *u = parse(f, "broken.c",
                          "int ok(void) { return 1; }\n"
                          "int bad( { return }\n"
                          "int x = ;\n"
                          "struct { int a b; } s;\n"
                          "int also(void) { undefined_call(); return ok() }\n");
    assert_true(u->parse_errors >= 4);
    uint32_t errors = 0, notes = 0;
    for (uint32_t i = 0; i < f->diag.msgs.size; i++) {
        errors += f->diag.msgs.contents[i].level == DIAG_ERROR;
        notes += f->diag.msgs.contents[i].level == DIAG_NOTE;
    }
    assert_int_equal(errors, 3); /* the first few, then one note with the rest */
    assert_int_equal(notes, 1);
    assert_non_null(strstr(printed(f), "broken.c:2:"));
    func(u, "ok");
}

static void test_cfront_parse_hostile_inputs(void **state)
{
    Fixture *f = *state;
    /* a 20,000-term expression: deeper than the walk's bound */
    size_t n = 20000;
    char *deep = xmalloc(n * 4 + 64);
    char *p = deep + sprintf(deep, "int f(int x) { return x");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "+x");
    strcpy(p, "; }\n");
    const Unit *u = parse(f, "deep.c", deep);
    xfree(deep);
    assert_int_equal(u->nfuncs, 2);

    u = parse(f, "empty.c", "");
    assert_int_equal(u->nfuncs, 1);
    assert_int_equal(u->nsites, 0);

    static const char binary[] = "\x7f"
                                 "ELF\x01\x02\x00\xff\xfe garbage { ( [ \" \n";
    u = parse(f, "binary.c", binary);
    assert_true(u->parse_errors > 0);

    diag_free(&f->diag);
    diag_init(&f->diag);
    assert_null(cfront_parse(f->ctx, "/nonexistent/dir/x.c", NULL, 0, &f->diag));
    assert_non_null(strstr(printed(f), "/nonexistent/dir/x.c: error: cannot read"));
    assert_null(cfront_parse(f->ctx, f->dir, NULL, 0, &f->diag));
    assert_non_null(strstr(printed(f), "not a regular file"));
}

static void test_cfront_parse_source_override(void **state)
{
    Fixture *f = *state;
    static const char src[] = "#include <unistd.h>\nvoid cb(void) { usleep(10); }\n";
    char path[128];
    snprintf(path, sizeof path, "%s/from_stdin.c", f->dir); /* never written */
    Unit *u = cfront_parse(f->ctx, path, src, sizeof src - 1, &f->diag);
    assert_non_null(u);
    assert_ptr_equal(u->src, src);
    assert_int_equal(u->len, sizeof src - 1);
    assert_string_equal(u->path, path);
    assert_int_equal(site(u, SITE_CALL, "usleep", 0)->func, 1);
    unit_free(u);
}

/* ---- compile databases -------------------------------------------------------- */

static void make_project(const Fixture *f)
{
    char path[256];
    snprintf(path, sizeof path, "%s/src", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/inc", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/build", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/inc/cfg.h", f->dir);
    write_file(path, "#ifdef USE_DNS\n#define LOOKUP(h) gethostbyname(h)\n#else\n"
                     "#define LOOKUP(h) local_lookup(h)\n#endif\n");
    snprintf(path, sizeof path, "%s/src/main.c", f->dir);
    write_file(path, "#include <netdb.h>\n#include \"cfg.h\"\n"
                     "void *local_lookup(const char *h);\n"
                     "void resolve(void) { LOOKUP(\"example.org\"); }\n");
    char json[1024];
    snprintf(json, sizeof json,
             "[{\"directory\": \"%s/build\", \"file\": \"../src/main.c\",\n"
             "  \"command\": \"cc -I../inc -DUSE_DNS -Werror -MD -MF main.d -c ../src/main.c -o "
             "main.o\"}]\n",
             f->dir);
    snprintf(path, sizeof path, "%s/build/compile_commands.json", f->dir);
    write_file(path, json);
}

static void test_cfront_compdb_flags_and_discovery(void **state)
{
    Fixture *f = *state;
    make_project(f);
    char src[256], build[256];
    snprintf(src, sizeof src, "%s/src/main.c", f->dir);
    snprintf(build, sizeof build, "%s/build", f->dir);

    /* without flags the include dir is unknown: a note, and no call */
    Unit *u = cfront_parse(f->ctx, src, NULL, 0, &f->diag);
    assert_non_null(strstr(printed(f), "header 'cfg.h' not found"));
    unit_free(u);

    /* discovered: walking up from src/ finds build/compile_commands.json */
    CfrontOptions disc = {0};
    CfrontShared *sh = cfront_shared_new(&disc, &f->diag);
    CfrontCtx *ctx = cfront_ctx_new(sh);
    diag_free(&f->diag);
    diag_init(&f->diag);
    u = cfront_parse(ctx, src, NULL, 0, &f->diag);
    assert_int_equal(f->diag.msgs.size, 0);
    assert_int_equal(count(u, SITE_CALL, "gethostbyname"), 1);
    unit_free(u);
    cfront_ctx_free(ctx);
    cfront_shared_free(sh);

    /* explicit: -p BUILD_DIR and --compile-commands FILE */
    char json[300];
    snprintf(json, sizeof json, "%s/compile_commands.json", build);
    const char *paths[] = {build, json};
    for (int i = 0; i < 2; i++) {
        CfrontOptions o = {.compdb = paths[i], .no_discovery = true};
        sh = cfront_shared_new(&o, &f->diag);
        assert_non_null(sh);
        ctx = cfront_ctx_new(sh);
        u = cfront_parse(ctx, src, NULL, 0, &f->diag);
        assert_int_equal(count(u, SITE_CALL, "gethostbyname"), 1);
        assert_int_equal(f->diag.msgs.size, 0);
        unit_free(u);
        cfront_ctx_free(ctx);
        cfront_shared_free(sh);
    }

    /* a directory without a database is a usage error */
    CfrontOptions bad = {.compdb = f->dir};
    assert_null(cfront_shared_new(&bad, &f->diag));
    assert_non_null(strstr(printed(f), "no readable compile_commands.json"));
}

/* ---- registrations (c_context) ------------------------------------------------- */

static void test_cctx_find_registrations(void **state)
{
    Fixture *f = *state;
    RuleSet *rs = rules_set_new();
    assert_true(load_c_packs(rs, &f->diag));
    assert_int_equal(f->diag.errors, 0);
    CctxTable *t = chk_cctx_load(rs, &rs->arena, &f->diag);
    assert_non_null(t);
    const Unit *u = parse(f, "regs.c",
                          "#include <signal.h>\n"
                          "#include <pthread.h>\n"
                          "#include <uv.h>\n"
                          "#include <ev.h>\n"
                          "static void on_timer(uv_timer_t *t) { }\n"
                          "static void on_int(int s) { }\n"
                          "static void on_term(int s) { }\n"
                          "static void *worker(void *a) { return a; }\n"
                          "static void work(uv_work_t *w) { }\n"
                          "static void done(uv_work_t *w, int st) { }\n"
                          "static void on_io(struct ev_loop *l, ev_io *w, int r) { }\n"
                          "void setup(uv_loop_t *loop, uv_timer_t *t, uv_work_t *w) {\n"
                          "    uv_timer_cb cb = on_timer;\n"
                          "    uv_timer_start(t, cb, 1, 1);\n"
                          "    signal(SIGINT, on_int);\n"
                          "    struct sigaction sa = { .sa_handler = on_term };\n"
                          "    sigaction(SIGTERM, &sa, NULL);\n"
                          "    pthread_t th;\n"
                          "    pthread_create(&th, NULL, worker, NULL);\n"
                          "    uv_queue_work(loop, w, work, done);\n"
                          "    ev_io io;\n"
                          "    ev_io_init(&io, on_io, 0, EV_READ);\n"
                          "}\n");
    CctxReg *regs;
    uint32_t n = chk_cctx_find(t, u, &rs->arena, &regs);
    static const struct {
        const char *func, *via;
        uint32_t ctx;
    } want[] = {
        {"on_timer", "uv_timer_start", CTX_LOOP},  {"on_int", "signal", CTX_SIGNAL},
        {"on_term", "sigaction", CTX_SIGNAL},      {"worker", "pthread_create", CTX_THREADPOOL},
        {"work", "uv_queue_work", CTX_THREADPOOL}, {"done", "uv_queue_work", CTX_LOOP},
        {"on_io", "ev_io_init", CTX_LOOP},
    };
    assert_int_equal(n, sizeof want / sizeof *want);
    for (uint32_t i = 0; i < n; i++) {
        assert_str(regs[i].func, want[i].func);
        assert_string_equal(regs[i].entry->via, want[i].via);
        assert_int_equal(regs[i].context, want[i].ctx);
    }

    const CctxEntry *es[8];
    assert_int_equal(chk_cctx_calls(t, STR_LIT("bufferevent_setcb"), es, 8), 3);
    assert_int_equal(chk_cctx_calls(t, STR_LIT("uv_fs_open"), es, 8), 1);
    assert_true(es[0]->null_sync);
    assert_int_equal(es[0]->request_arg, 1);
    assert_int_equal(chk_cctx_calls(t, STR_LIT("uv_fs_ope"), es, 8), 0);

    ProjectFile pf;
    project_file_init(&pf, u->path, LANG_C);
    chk_cctx_fill(t, u, &pf);
    assert_int_equal(pf.regs.size, n);
    assert_string_equal(pf.regs.contents[1].func, "on_int");
    assert_int_equal(pf.regs.contents[1].loc.line, 15);
    project_file_free(&pf);
    rules_set_free(rs);
}

static void test_cctx_load_rejects_bad_entries(void **state)
{
    Fixture *f = *state;
    RuleSet *rs = rules_set_new();
    static const char pack[] = "pack: bad\nlanguage: c\nregistrars:\n"
                               "  - {call: f, context: loop}\n"
                               "  - {call: g, arg: 1, context: async}\n"
                               "  - {field: x.y, call: h, arg: 0, context: loop}\n"
                               "  - {call: k, arg: one, context: loop, colour: red}\n";
    assert_true(rules_load_text(rs, "bad.yaml", pack, sizeof pack - 1, false, &f->diag));
    assert_null(chk_cctx_load(rs, &rs->arena, &f->diag));
    const char *out = printed(f);
    assert_non_null(strstr(out, "bad.yaml:4:5: error: registrar: a 'call' entry needs 'arg'"));
    assert_non_null(strstr(out, "bad.yaml:5:32: error: registrar: 'context' must be loop"));
    assert_non_null(strstr(out, "bad.yaml:6:5: error: registrar: needs exactly one of"));
    assert_non_null(strstr(out, "unknown key 'colour'"));
    rules_set_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cfront_parse_macro_callees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_function_pointer_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_argument_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_macro_constant_argument_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_uses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_local_variable_uses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_loop_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_funcrefs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_functions_and_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_header_and_pasted_functions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_missing_header_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_broken_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_hostile_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_parse_source_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfront_compdb_flags_and_discovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cctx_find_registrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cctx_load_rejects_bad_entries, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
