/* Unit tests for the Python light parser (src/lang/python: pyparse_unit and the
 * model it builds) and for the model queries of src/model/model.c. Each test
 * parses a snippet and compares a compact rendering of the Unit (functions,
 * imports, sites with their use, context and flags) with a golden text, in the
 * style of CPython's test_tokenize; hostile inputs assert a diagnostic and that
 * the rest of the file is still modelled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testsupport.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "lang/python/pyparse.h"
#include "model/model.h"
#include "model/types.h"

/* ---- rendering a Unit's model as compact text ------------------------------------- */

static const char *const KIND_NAMES[] = {"CALL", "USE", "WITH", "EXCEPT", "LOOP", "FUNCREF"};
static const char *const FN_KINDS[] = {"module", "def", "lambda", "class"};
static const char *const LOOP_KINDS[] = {"for", "async-for", "while", "comp"};
static const char *const ARG_KINDS[] = {"other", "name", "dotted", "call", "lambda",
                                        "comp",  "lit",  "null",   "addr", "func"};
static const struct {
    uint32_t bit;
    const char *name;
} FLAG_NAMES[] = {
    {SITE_F_ROOT_LOCAL, "local"},   {SITE_F_IN_FINALLY, "finally"},  {SITE_F_IN_EXCEPT, "in-except"},
    {SITE_F_BOUNDED, "bounded"},    {SITE_F_SLEEP_ONLY, "sleep-only"}, {SITE_F_RERAISES, "reraises"},
    {SITE_F_BARE, "bare"},          {SITE_F_STAR, "star"},           {SITE_F_ONCE, "once"},
    {SITE_F_TRUE_COND, "true"},     {SITE_F_INPUT_BOUND, "input"},   {SITE_F_RESOLVED, "resolved"},
    {SITE_F_SELF, "self"},
};

static void put_str(FILE *m, Str s)
{
    fwrite(s.ptr, 1, s.len, m);
}

static void render_flags(FILE *m, uint32_t flags)
{
    bool first = true;
    for (size_t i = 0; i < sizeof FLAG_NAMES / sizeof *FLAG_NAMES; i++) {
        if (!(flags & FLAG_NAMES[i].bit))
            continue;
        fprintf(m, "%s%s", first ? " {" : ",", FLAG_NAMES[i].name);
        first = false;
    }
    if (!first)
        fputc('}', m);
}

static void render_args(FILE *m, const Site *s)
{
    fputs(" (", m);
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (i)
            fputs(", ", m);
        if (a->flags & ARG_STARRED)
            fputc('*', m);
        if (a->flags & ARG_DSTARRED)
            fputs("**", m);
        if (a->keyword.len) {
            put_str(m, a->keyword);
            fputc('=', m);
        }
        fputs(ARG_KINDS[a->kind], m);
        if (a->text.len) {
            fputc(' ', m);
            put_str(m, a->text);
        }
        if (a->resolved.len && !str_eq(a->resolved, a->text)) {
            fputs("->", m);
            put_str(m, a->resolved);
        }
        if (a->site >= 0)
            fprintf(m, " #%d", a->site);
        if (a->func >= 0)
            fprintf(m, " fn%d", a->func);
    }
    fputc(')', m);
}

/* One line per site:
 *   #i KIND line:col text[->resolved] use[(name)][@parent[.index]] ctx... {flags} */
static void render_site(FILE *m, const Unit *u, uint32_t i)
{
    const Site *s = &u->sites[i];
    uint32_t line, col;
    unit_pos(u, s->off, &line, &col);
    fprintf(m, "#%u %s", i, KIND_NAMES[s->kind]);
    if (s->kind == SITE_LOOP)
        fprintf(m, ".%s", LOOP_KINDS[s->loop_kind]);
    if (s->kind == SITE_WITH && s->is_async)
        fputs(".async", m);
    if (s->kind == SITE_LOOP && s->is_async)
        fputs(".async", m);
    fprintf(m, " %u:%u", line, col);
    if (s->func)
        fprintf(m, " fn%d", s->func);
    if (s->text.len) {
        fputc(' ', m);
        put_str(m, s->text);
    }
    if (s->resolved.len && !str_eq(s->resolved, s->text)) {
        fputs("->", m);
        put_str(m, s->resolved);
    }
    if (s->kind == SITE_EXCEPT) {
        fputs(" [", m);
        for (uint32_t t = 0; t < s->ntypes; t++) {
            if (t)
                fputc(',', m);
            put_str(m, s->types[t]);
        }
        fputc(']', m);
        if (s->use_name.len) {
            fputs(" as ", m);
            put_str(m, s->use_name);
        }
    } else if (s->kind == SITE_WITH) {
        if (s->use_name.len) {
            fputs(" as ", m);
            put_str(m, s->use_name);
        }
        if (s->parent >= 0)
            fprintf(m, " @%d", s->parent);
    } else if (s->kind == SITE_LOOP && s->loop_kind != LOOP_COMP) {
        if (s->parent >= 0)
            fprintf(m, " @%d", s->parent);
    } else {
        fprintf(m, " %s", model_use_name(s->use));
        if (s->use_name.len) {
            fputc('(', m);
            put_str(m, s->use_name);
            fputc(')', m);
        }
        if (s->parent >= 0) {
            fprintf(m, "@%d", s->parent);
            if (s->use == USE_ARGUMENT)
                fprintf(m, ".%u", s->arg_index);
        }
    }
    if (s->loop >= 0)
        fprintf(m, " loop=#%d", s->loop);
    if (s->guard >= 0)
        fprintf(m, " guard=#%d", s->guard);
    if (s->handler >= 0)
        fprintf(m, " handler=#%d", s->handler);
    render_flags(m, s->flags);
    if (s->kind == SITE_CALL)
        render_args(m, s);
    fputc('\n', m);
}

static void render_function(FILE *m, const Unit *u, uint32_t f)
{
    const Function *fn = &u->funcs[f];
    fprintf(m, "fn%u %s%s%s ", f, fn->is_async ? "async " : "", FN_KINDS[fn->kind],
            fn->is_generator ? " gen" : "");
    put_str(m, fn->qualname);
    fprintf(m, " parent=%d", fn->parent);
    if (fn->cls >= 0)
        fprintf(m, " cls=%d", fn->cls);
    if (fn->kind == FN_DEF || fn->kind == FN_LAMBDA) {
        fputs(" (", m);
        for (uint32_t p = 0; p < fn->nparams; p++) {
            if (p)
                fputs(", ", m);
            put_str(m, fn->params[p].name);
            if (fn->params[p].annotation.len) {
                fputs(": ", m);
                put_str(m, fn->params[p].annotation);
            }
        }
        fputc(')', m);
    }
    if (fn->nbases) {
        fputs(" bases=", m);
        for (uint32_t b = 0; b < fn->nbases; b++) {
            if (b)
                fputc(',', m);
            put_str(m, fn->bases[b]);
        }
    }
    for (uint32_t d = 0; d < fn->ndecorators; d++) {
        fputs(" @", m);
        put_str(m, fn->decorators[d]);
    }
    fputc('\n', m);
}

static void render_import(FILE *m, const Import *im)
{
    fputs("import ", m);
    put_str(m, im->local);
    fputs(" = ", m);
    put_str(m, im->qualified);
    if (im->level)
        fprintf(m, " level=%u", im->level);
    if (im->func)
        fprintf(m, " fn%d", im->func);
    fputc('\n', m);
}

enum { R_FUNCS = 1, R_SITES = 2, R_IMPORTS = 4 };

/* The model of u as text (malloc'd): functions other than the module, imports, sites. */
static char *render(const Unit *u, unsigned what)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    if (what & R_FUNCS)
        for (uint32_t f = 1; f < u->nfuncs; f++)
            render_function(m, u, f);
    if (what & R_IMPORTS)
        for (uint32_t i = 0; i < u->nimports; i++)
            render_import(m, &u->imports[i]);
    if (what & R_SITES)
        for (uint32_t i = 0; i < u->nsites; i++)
            render_site(m, u, i);
    fclose(m);
    return out;
}

/* ---- fixture ------------------------------------------------------------------------ */

typedef struct Fx {
    Diag diag;
    Unit *u;
    char *text;   /* last rendering */
    char *diags;  /* last printed diagnostics */
    char *src;    /* a generated source (freed after the Unit that borrows it) */
} Fx;

static int setup(void **state)
{
    Fx *f = xcalloc(1, sizeof *f);
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fx *f = *state;
    unit_free(f->u);
    diag_free(&f->diag);
    free(f->text);
    free(f->diags);
    free(f->src);
    xfree(f);
    return 0;
}

/* Parses src (which must outlive the test) as `t.py`. */
static Unit *parse(Fx *f, const char *src)
{
    unit_free(f->u);
    f->u = pyparse_unit("t.py", src, (uint32_t)strlen(src), &f->diag);
    assert_non_null(f->u);
    return f->u;
}

static const char *printed(Fx *f)
{
    free(f->diags);
    f->diags = ts_diag_text(&f->diag);
    return f->diags;
}

/* The rendering matches, and valid snippets parse without a diagnostic. */
static void assert_model(Fx *f, unsigned what, const char *expected)
{
    free(f->text);
    f->text = render(f->u, what);
    assert_string_equal(f->text, expected);
    assert_string_equal(printed(f), "");
    assert_int_equal(f->u->parse_errors, 0);
}

/* The first CALL site whose text is `text`. */
static const Site *call(const Unit *u, const char *text)
{
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_CALL && str_eq_c(u->sites[i].text, text))
            return &u->sites[i];
    fail_msg("no call '%s'", text);
    return NULL;
}

static Str name_of(Unit *u, const char *s)
{
    return strpool_intern(&u->names, str_from(s));
}

/* Builds prefix + repeat * n + suffix into f->src. */
static const char *repeated(Fx *f, const char *prefix, const char *repeat, uint32_t n,
                            const char *suffix)
{
    size_t lp = strlen(prefix), lr = strlen(repeat), ls = strlen(suffix);
    free(f->src);
    f->src = malloc(lp + lr * n + ls + 1);
    char *p = f->src;
    memcpy(p, prefix, lp);
    p += lp;
    for (uint32_t i = 0; i < n; i++, p += lr)
        memcpy(p, repeat, lr);
    memcpy(p, suffix, ls + 1);
    return f->src;
}

/* ---- golden models -------------------------------------------------------------------- */

/* qualnames follow CPython's __qualname__; methods know their class */
static void test_pyparse_unit_scopes_nested(void **state)
{
    Fx *f = *state;
    parse(f,
          "class Repo:\n"
          "    class Meta:\n"
          "        def m(self): pass\n"
          "    async def save(self):\n"
          "        def helper():\n"
          "            return lambda x: x\n"
          "        return helper\n"
          "    g = lambda self: 0\n"
          "def outer():\n"
          "    class Local:\n"
          "        def run(self): pass\n"
          "    async def inner(): pass\n");
    assert_model(f, R_FUNCS,
                 "fn1 class Repo parent=0\n"
                 "fn2 class Repo.Meta parent=1\n"
                 "fn3 def Repo.Meta.m parent=2 cls=2 (self)\n"
                 "fn4 async def Repo.save parent=1 cls=1 (self)\n"
                 "fn5 def Repo.save.<locals>.helper parent=4 ()\n"
                 "fn6 lambda Repo.save.<locals>.helper.<locals>.<lambda> parent=5 (x)\n"
                 "fn7 lambda Repo.<lambda> parent=1 (self)\n"
                 "fn8 def outer parent=0 ()\n"
                 "fn9 class outer.<locals>.Local parent=8\n"
                 "fn10 def outer.<locals>.Local.run parent=9 cls=9 (self)\n"
                 "fn11 async def outer.<locals>.inner parent=8 ()\n");
}

/* aliases, dotted modules, relative levels, function-level imports */
static void test_pyparse_unit_imports_aliases(void **state)
{
    Fx *f = *state;
    parse(f,
          "import time as t, os.path, json\n"
          "import xml.etree.ElementTree as ET\n"
          "from time import sleep as snooze, monotonic\n"
          "from ..pkg.mod import helper as h\n"
          "from . import sibling\n"
          "from .local import (a,\n"
          "                    b as c,)\n"
          "from ... import far\n"
          "def f():\n"
          "    import requests\n"
          "    from asyncio import sleep\n");
    assert_model(f, R_IMPORTS,
                 "import t = time\n"
                 "import os = os\n"
                 "import json = json\n"
                 "import ET = xml.etree.ElementTree\n"
                 "import snooze = time.sleep\n"
                 "import monotonic = time.monotonic\n"
                 "import h = ..pkg.mod.helper level=2\n"
                 "import sibling = .sibling level=1\n"
                 "import a = .local.a level=1\n"
                 "import c = .local.b level=1\n"
                 "import far = ...far level=3\n"
                 "import requests = requests fn1\n"
                 "import sleep = asyncio.sleep fn1\n");
}

/* aliases, typed locals, self attributes from __init__, annotations */
static void test_pyparse_unit_resolves_through_imports_and_types(void **state)
{
    Fx *f = *state;
    parse(f,
          "import time as t\n"
          "from time import sleep as snooze\n"
          "import requests\n"
          "import httpx\n"
          "from pathlib import Path\n"
          "from typing import Optional\n"
          "\n"
          "class Client:\n"
          "    def __init__(self, http: httpx.AsyncClient):\n"
          "        self.session = requests.Session()\n"
          "        self.http = http\n"
          "        self.name = \"x\"\n"
          "\n"
          "    async def fetch(self, p: Path, q: Optional[httpx.Client], r: httpx.Client | None):\n"
          "        t.sleep(1)\n"
          "        snooze(1)\n"
          "        s = requests.Session()\n"
          "        s.get(\"u\")\n"
          "        self.session.get(\"u\")\n"
          "        await self.http.get(\"u\")\n"
          "        self.fetch2()\n"
          "        self.name.upper()\n"
          "        p.read_text()\n"
          "        q.get(\"u\")\n"
          "        r.post(\"u\")\n"
          "        c: httpx.Client = make()\n"
          "        c.close()\n"
          "\n"
          "    def fetch2(self):\n"
          "        pass\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 class Client parent=0\n"
                 "fn2 def Client.__init__ parent=1 cls=1 (self, http: httpx.AsyncClient)\n"
                 "fn3 async def Client.fetch parent=1 cls=1 (self, p: pathlib.Path, q: httpx.Client, r: httpx.Client)\n"
                 "fn4 def Client.fetch2 parent=1 cls=1 (self)\n"
                 "#0 CALL 10:24 fn2 requests.Session stored(self.session) {resolved} ()\n"
                 "#1 CALL 15:9 fn3 t.sleep->time.sleep discarded {resolved} (lit)\n"
                 "#2 CALL 16:9 fn3 snooze->time.sleep discarded {resolved} (lit)\n"
                 "#3 CALL 17:13 fn3 requests.Session bound(s) {resolved} ()\n"
                 "#4 USE 18:9 fn3 s receiver(get)\n"
                 "#5 CALL 18:9 fn3 s.get->requests.Session.get discarded {resolved} (lit)\n"
                 "#6 CALL 19:9 fn3 self.session.get->requests.Session.get discarded {resolved} (lit)\n"
                 "#7 CALL 20:15 fn3 self.http.get->httpx.AsyncClient.get awaited {resolved} (lit)\n"
                 "#8 CALL 21:9 fn3 self.fetch2->Client.fetch2 discarded {self} ()\n"
                 "#9 CALL 22:9 fn3 self.name.upper->Client.name.upper discarded {self} ()\n"
                 "#10 CALL 23:9 fn3 p.read_text->pathlib.Path.read_text discarded {resolved} ()\n"
                 "#11 CALL 24:9 fn3 q.get->httpx.Client.get discarded {resolved} (lit)\n"
                 "#12 CALL 25:9 fn3 r.post->httpx.Client.post discarded {resolved} (lit)\n"
                 "#13 CALL 26:27 fn3 make bound(c) ()\n"
                 "#14 USE 27:9 fn3 c receiver(close)\n"
                 "#15 CALL 27:9 fn3 c.close->httpx.Client.close discarded {resolved} ()\n");
}

/* An annotation types a parameter when exactly one of its members resolves
 * through an import: `|` operands, Optional/Union arguments, Annotated's first
 * argument; a container's arguments are not members; two candidates, none. */
static void test_pyparse_unit_annotation_members(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio, queue, httpx\n"
          "from pathlib import Path\n"
          "from typing import Annotated, Dict, Optional, Union\n"
          "from sqlalchemy.orm import Session\n"
          "from deps import get_db\n"
          "def f(a: Union[queue.Queue, asyncio.Queue], b: Union[str, Path],\n"
          "      c: Annotated[Session, get_db()], d: Dict[str, httpx.Client],\n"
          "      e: Optional[Union[httpx.Client, None]], g: httpx.Client | httpx.AsyncClient,\n"
          "      h: 'Path', i: Annotated[Optional[Path], Path]):\n"
          "    pass\n");
    assert_model(f, R_FUNCS,
                 "fn1 def f parent=0 (a, b: pathlib.Path, c: sqlalchemy.orm.Session, "
                 "d: typing.Dict, e: httpx.Client, g, h, i: pathlib.Path)\n");
}

/* Value types (the packs' `returns`): a path built from a path is a path, so
 * its methods resolve as the type's, through `/`, attributes, calls, chains
 * and bindings; an untyped or unmapped value keeps the written path, and
 * without types the parse is what it always was. */
/* Parses src into f->u with a type map that gives each of the n keys `type`
 * (its strings in a), expecting no diagnostic. */
static void parse_typed(Fx *f, Arena *a, const char *src, const char *const *keys, size_t n,
                        const char *type)
{
    TypeMap m;
    typemap_init(&m);
    for (size_t i = 0; i < n; i++)
        typemap_put(&m, a, str_from(keys[i]), str_from(type));
    unit_free(f->u);
    f->u = pyparse_unit_typed("t.py", src, (uint32_t)strlen(src), &m, &f->diag);
    assert_string_equal(printed(f), "");
}

static void assert_resolved(const Site *s, const char *text, const char *want)
{
    assert_non_null(s);
    if (!str_eq_c(s->resolved, want))
        fail_msg("%s: resolved '%.*s', want '%s'", text, (int)s->resolved.len, s->resolved.ptr,
                 want);
}

static void test_pyparse_unit_value_types(void **state)
{
    Fx *f = *state;
    static const char src[] =
        "from pathlib import Path\n"
        "import pathlib\n"
        "ROOT = Path(__file__).parent\n"
        "async def a(root: Path, n):\n"
        "    root.parent.read_text()\n"
        "    (root / 'x').open()\n"
        "    (root / 'x' / 'y').read_bytes()\n"
        "    p = root.with_suffix('.b') / 'z'\n"
        "    p.write_text('')\n"
        "    Path.home().joinpath('c').read_text()\n"
        "    pathlib.PosixPath('q').read_text()\n"
        "    (ROOT / 'd').read_text()\n"
        "    (n / 2).read_text()\n"
        "    root.stat().read_text()\n";
    Arena a;
    arena_init(&a);
    const char *const keys[] = {"pathlib.Path.parent", "pathlib.Path.__truediv__",
                                "pathlib.Path.with_suffix", "pathlib.Path.home",
                                "pathlib.Path.joinpath", "pathlib.PosixPath"};
    parse_typed(f, &a, src, keys, sizeof keys / sizeof *keys, "pathlib.Path");
    const char *const want[][2] = {
        {"root.parent.read_text", "pathlib.Path.read_text"},
        {"(root / 'x').open", "pathlib.Path.open"},
        {"(root / 'x' / 'y').read_bytes", "pathlib.Path.read_bytes"},
        {"p.write_text", "pathlib.Path.write_text"},
        {"Path.home().joinpath('c').read_text", "pathlib.Path.read_text"},
        {"pathlib.PosixPath('q').read_text", "pathlib.Path.read_text"},
        {"(ROOT / 'd').read_text", "pathlib.Path.read_text"},
        {"root.stat().read_text", "pathlib.Path.stat.read_text"}, /* not mapped */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const Site *s = NULL; /* the outermost call that starts with the text */
        for (uint32_t k = 0; k < f->u->nsites; k++) {
            const Site *x = &f->u->sites[k];
            if (x->kind == SITE_CALL && (!s || x->end > s->end) &&
                strncmp(f->u->src + x->off, want[i][0], strlen(want[i][0])) == 0)
                s = x;
        }
        assert_resolved(s, want[i][0], want[i][1]);
    }
    /* an untyped left operand: no type */
    for (uint32_t k = 0; k < f->u->nsites; k++) {
        const Site *x = &f->u->sites[k];
        if (x->kind == SITE_CALL && strncmp(f->u->src + x->off, "(n / 2)", 7) == 0)
            assert_false(x->flags & SITE_F_RESOLVED);
    }
    /* without types: the written path */
    unit_free(f->u);
    f->u = pyparse_unit("t.py", src, (uint32_t)strlen(src), &f->diag);
    assert_true(str_eq_c(call(f->u, "root.parent.read_text")->resolved,
                         "pathlib.Path.parent.read_text"));
    arena_free(&a);
}

/* A file opened in binary mode is a buffered binary file: its methods resolve
 * on io.Buffered{Reader,Writer,Random}, not on the text wrapper the opener maps
 * to; a text mode, a mode that is not a literal, or no mode keeps the wrapper. */
static void test_pyparse_unit_binary_files(void **state)
{
    Fx *f = *state;
    static const char src[] =
        "import io, os\n"
        "from pathlib import Path\n"
        "async def a(path, fd, p: Path, mode):\n"
        "    r = open(path, 'rb')\n"
        "    r.read()\n"
        "    w = open(path, mode=\"wb\")\n"
        "    w.write(b'')\n"
        "    u = io.open(path, 'r+b')\n"
        "    u.seek(0)\n"
        "    x = os.fdopen(fd, 'ab')\n"
        "    x.flush()\n"
        "    with p.open('rb') as g:\n"
        "        g.readline()\n"
        "    t = open(path, 'w')\n"
        "    t.writelines([])\n"
        "    v = open(path, mode)\n"
        "    v.readlines()\n"
        "    n = open(path)\n"
        "    n.truncate()\n";
    Arena a;
    arena_init(&a);
    const char *const openers[] = {"open", "io.open", "os.fdopen", "pathlib.Path.open"};
    parse_typed(f, &a, src, openers, sizeof openers / sizeof *openers, "io.TextIOWrapper");
    const char *const want[][2] = {
        {"r.read", "io.BufferedReader.read"},
        {"w.write", "io.BufferedWriter.write"},
        {"u.seek", "io.BufferedRandom.seek"},
        {"x.flush", "io.BufferedWriter.flush"},
        {"g.readline", "io.BufferedReader.readline"},
        {"t.writelines", "io.TextIOWrapper.writelines"},
        {"v.readlines", "io.TextIOWrapper.readlines"},
        {"n.truncate", "io.TextIOWrapper.truncate"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_resolved(call(f->u, want[i][0]), want[i][0], want[i][1]);
    arena_free(&a);
}

/* A block that leaves the loop (break, return, raise) runs once per run of the
 * loop: its sites so far, made directly in that loop, are marked; those after
 * the exit, in another block, in a nested loop or comprehension, are not. */
static void test_pyparse_unit_sites_before_a_loop_exit(void **state)
{
    Fx *f = *state;
    parse(f,
          "def f(xs, ys):\n"
          "    for x in xs:\n"
          "        a(x)\n"
          "        if x:\n"
          "            b(x)\n"
          "            [c(y) for y in ys]\n"
          "            for y in ys:\n"
          "                d(y)\n"
          "            break\n"
          "        e(x)\n"
          "        if x: g(x); return\n"
          "        while x:\n"
          "            h(x)\n"
          "            raise E(x)\n"
          "    k(xs)\n"
          "    break_ = 1\n");
    const char *const once[] = {"b", "g", "E"};
    const char *const not_once[] = {"a", "c", "d", "e", "k"};
    for (size_t i = 0; i < sizeof once / sizeof *once; i++)
        assert_true(call(f->u, once[i])->flags & SITE_F_ONCE);
    for (size_t i = 0; i < sizeof not_once / sizeof *not_once; i++)
        assert_false(call(f->u, not_once[i])->flags & SITE_F_ONCE);
    /* h runs once per run of the while loop: that loop is its own */
    assert_true(call(f->u, "h")->flags & SITE_F_ONCE);
    assert_string_equal(printed(f), "");
}

/* a parameter named `time` is not the module; unbound roots stay module-like */
static void test_pyparse_unit_root_local_for_names_the_file_binds(void **state)
{
    Fx *f = *state;
    parse(f,
          "import time\n"
          "def helper(): pass\n"
          "async def a(time, loop):\n"
          "    time.sleep(1)\n"
          "    loop.run_until_complete(x)\n"
          "    helper()\n"
          "    os.getcwd()\n"
          "async def b():\n"
          "    time.sleep(1)\n");
    assert_model(f, R_SITES,
                 "#0 CALL 4:5 fn2 time.sleep discarded {local} (lit)\n"
                 "#1 CALL 5:5 fn2 loop.run_until_complete discarded {local} (name x)\n"
                 "#2 CALL 6:5 fn2 helper discarded {local} ()\n"
                 "#3 CALL 7:5 fn2 os.getcwd discarded ()\n"
                 "#4 CALL 9:5 fn3 time.sleep discarded {resolved} (lit)\n");
}

/* how each call's value is used */
static void test_pyparse_unit_call_result_uses(void **state)
{
    Fx *f = *state;
    parse(f,
          "async def f(xs):\n"
          "    await g()\n"
          "    x = h()\n"
          "    m(n(1), key=o())\n"
          "    a.b = p()\n"
          "    a[0] = q()\n"
          "    x, y = r()\n"
          "    async with s() as z:\n"
          "        with u():\n"
          "            pass\n"
          "    w().attr\n"
          "    for i in it():\n"
          "        pass\n"
          "    [e1(), e2()]\n"
          "    e3() if c() else e4()\n"
          "    return k()\n");
    assert_model(f, R_SITES,
                 "#0 CALL 2:11 fn1 g awaited ()\n"
                 "#1 CALL 3:9 fn1 h bound(x) ()\n"
                 "#2 CALL 4:5 fn1 m discarded (call->n #3, key=call->o #4)\n"
                 "#3 CALL 4:7 fn1 n argument@2.0 (lit)\n"
                 "#4 CALL 4:17 fn1 o argument(key)@2.1 ()\n"
                 "#5 CALL 5:11 fn1 p stored(a.b) ()\n"
                 "#6 CALL 6:12 fn1 q stored(a[0]) ()\n"
                 "#7 CALL 7:12 fn1 r stored(x, y) ()\n"
                 "#8 CALL 8:16 fn1 s async-context(z) ()\n"
                 "#9 WITH.async 8:16 fn1 s()->s as z @8\n"
                 "#10 CALL 9:14 fn1 u context guard=#9 ()\n"
                 "#11 WITH 9:14 fn1 u()->u @10 guard=#9\n"
                 "#12 CALL 11:5 fn1 w receiver(attr) ()\n"
                 "#13 CALL 12:14 fn1 it iterated ()\n"
                 "#14 LOOP.for 12:5 fn1 it()->it\n"
                 "#15 CALL 14:6 fn1 e1 element ()\n"
                 "#16 CALL 14:12 fn1 e2 element ()\n"
                 "#17 CALL 15:5 fn1 e3 operand ()\n"
                 "#18 CALL 15:13 fn1 c operand ()\n"
                 "#19 CALL 15:22 fn1 e4 operand ()\n"
                 "#20 CALL 16:12 fn1 k returned ()\n");
}

/* yield returns its value, yield from awaits it; both make a generator */
static void test_pyparse_unit_yield_uses(void **state)
{
    Fx *f = *state;
    parse(f,
          "def gen():\n"
          "    yield a()\n"
          "    x = yield\n"
          "    (yield b())\n"
          "    yield from c()\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 def gen gen parent=0 ()\n"
                 "#0 CALL 2:11 fn1 a returned ()\n"
                 "#1 CALL 4:12 fn1 b returned ()\n"
                 "#2 CALL 5:16 fn1 c awaited ()\n");
}

/* names bound from a call or comprehension become USE sites when read */
static void test_pyparse_unit_use_sites_of_tracked_names(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio\n"
          "async def f(xs):\n"
          "    task = asyncio.create_task(work())\n"
          "    other = 1\n"
          "    print(task, other)\n"
          "    task.add_done_callback(cb)\n"
          "    results = [r for r in xs]\n"
          "    return results\n");
    assert_model(f, R_SITES,
                 "#0 CALL 3:12 fn1 asyncio.create_task bound(task) {resolved} (call->work #1)\n"
                 "#1 CALL 3:32 fn1 work argument@0.0 ()\n"
                 "#2 CALL 5:5 fn1 print discarded (name task->asyncio.create_task, name other)\n"
                 "#3 USE 5:11 fn1 task argument@2.0\n"
                 "#4 USE 6:5 fn1 task receiver(add_done_callback)\n"
                 "#5 CALL 6:5 fn1 task.add_done_callback->asyncio.create_task.add_done_callback discarded {resolved} (name cb)\n"
                 "#6 LOOP.comp 7:15 fn1 xs bound(results)\n"
                 "#7 USE 8:12 fn1 results returned\n");
}

/* element sites belong to the LOOP(COMP); the first iterable is outside it */
static void test_pyparse_unit_comprehension_moves_element_sites(void **state)
{
    Fx *f = *state;
    parse(f,
          "async def f(xs, ys):\n"
          "    [g(h(x)) for x in it()]\n"
          "    {k(x): v(x) for x in xs if keep(x) for y in inner(x)}\n"
          "    total = sum(w(x) for x in xs)\n"
          "    [[z(a) for a in row] for row in ys]\n");
    assert_model(f, R_SITES,
                 "#0 CALL 2:6 fn1 g element@2 loop=#2 (call->h #1)\n"
                 "#1 CALL 2:8 fn1 h argument@0.0 loop=#2 (name x)\n"
                 "#2 LOOP.comp 2:5 fn1 it()->it discarded\n"
                 "#3 CALL 2:23 fn1 it iterated ()\n"
                 "#4 CALL 3:6 fn1 k element@6 loop=#6 (name x)\n"
                 "#5 CALL 3:12 fn1 v element@6 loop=#6 (name x)\n"
                 "#6 LOOP.comp 3:5 fn1 xs discarded\n"
                 "#7 CALL 3:32 fn1 keep operand loop=#6 (name x)\n"
                 "#8 CALL 3:49 fn1 inner iterated loop=#6 (name x)\n"
                 "#9 CALL 4:13 fn1 sum bound(total) (comp #11)\n"
                 "#10 CALL 4:17 fn1 w element@11 loop=#11 (name x)\n"
                 "#11 LOOP.comp 4:16 fn1 xs argument@9.0\n"
                 "#12 CALL 5:7 fn1 z element@13 loop=#13 (name a)\n"
                 "#13 LOOP.comp 5:6 fn1 row element@14 loop=#14\n"
                 "#14 LOOP.comp 5:5 fn1 ys discarded\n");
}

/* literals, range of constants, slices, names bound to those, constant-size comprehensions */
static void test_pyparse_unit_bounded_iterables(void **state)
{
    Fx *f = *state;
    parse(f,
          "LIMIT = 10\n"
          "N = [1, 2]\n"
          "async def f(xs, n):\n"
          "    for a in [1, 2, 3]: pass\n"
          "    for a in range(10): pass\n"
          "    for a in range(0, LIMIT, 2): pass\n"
          "    for a in xs[:5]: pass\n"
          "    for a in N: pass\n"
          "    for a in [x for x in (1, 2)]: pass\n"
          "    for a in enumerate({\"k\": 1}): pass\n"
          "    for a in zip(xs, range(3)): pass\n"
          "    for a in 1, 2: pass\n"
          "    for a in range(n): pass\n"
          "    for a in range(len(xs)): pass\n"
          "    for a in [*xs]: pass\n"
          "    for a in [x for x in xs]: pass\n"
          "    for a in [x for x in (1, 2) for y in xs]: pass\n"
          "    for a in xs: pass\n");
    assert_model(f, R_SITES,
                 "#0 LOOP.for 4:5 fn1 [1, 2, 3] {bounded}\n"
                 "#1 CALL 5:14 fn1 range iterated (lit)\n"
                 "#2 LOOP.for 5:5 fn1 range(10)->range {bounded}\n"
                 "#3 CALL 6:14 fn1 range iterated (lit, name LIMIT, lit)\n"
                 "#4 LOOP.for 6:5 fn1 range(0, LIMIT, 2)->range {bounded}\n"
                 "#5 LOOP.for 7:5 fn1 xs[:5] {bounded}\n"
                 "#6 LOOP.for 8:5 fn1 N {bounded}\n"
                 "#7 LOOP.comp 9:14 fn1 (1, 2) iterated {bounded}\n"
                 "#8 LOOP.for 9:5 fn1 [x for x in (1, 2)] {bounded}\n"
                 "#9 CALL 10:14 fn1 enumerate iterated (lit)\n"
                 "#10 LOOP.for 10:5 fn1 enumerate({\"k\": 1})->enumerate {bounded}\n"
                 "#11 CALL 11:14 fn1 zip iterated (name xs, call->range #12)\n"
                 "#12 CALL 11:22 fn1 range argument@11.1 (lit)\n"
                 "#13 LOOP.for 11:5 fn1 zip(xs, range(3))->zip {bounded}\n"
                 "#14 LOOP.for 12:5 fn1 1, 2 {bounded}\n"
                 "#15 CALL 13:14 fn1 range iterated (name n)\n"
                 "#16 LOOP.for 13:5 fn1 range(n)->range\n"
                 "#17 CALL 14:14 fn1 range iterated (call->len #18)\n"
                 "#18 CALL 14:20 fn1 len argument@17.0 (name xs)\n"
                 "#19 LOOP.for 14:5 fn1 range(len(xs))->range\n"
                 "#20 LOOP.for 15:5 fn1 [*xs]\n"
                 "#21 LOOP.comp 16:14 fn1 xs iterated\n"
                 "#22 LOOP.for 16:5 fn1 [x for x in xs]\n"
                 "#23 LOOP.comp 17:14 fn1 (1, 2) iterated {bounded}\n"
                 "#24 LOOP.for 17:5 fn1 [x for x in (1, 2) for y in xs]\n"
                 "#25 LOOP.for 18:5 fn1 xs\n");
}

/* A loop's iterable (and a while loop's condition) as messages show it: one line (a space for each run of
 * blanks, line breaks and comments; none inside brackets), cut after 120
 * bytes at a token with `...`, a single long token at a character. */
static void test_pyparse_unit_iterable_display_is_one_line(void **state)
{
    Fx *f = *state;
    parse(f,
          "def f(src, n):\n"
          "    for a in src.items(\n"
          "        n,   # the count\n"
          "        key=lambda kv: kv[0],\n"
          "    ): pass\n"
          "    for a in src.very_long_method_name_number_one(n).another_long_method_name(n, n, n).a_third_method_name_to_go_past(n, more_arguments_here): pass\n"
          "    for a in \"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
          "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
          "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
          "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\": pass\n"
          /* a parenthesised operand's span takes its parentheses */
          "    for a in (src) or (n): pass\n"
          "    while not (n.done): pass\n"
          /* a line break inside a token, a continued line */
          "    for a in \"\"\"x\ny\"\"\".split() + \\\n        n: pass\n");
    const Unit *u = f->u;
    Str texts[6];
    uint32_t n = 0;
    for (uint32_t i = 0; i < u->nsites && n < 6; i++)
        if (u->sites[i].kind == SITE_LOOP)
            texts[n++] = u->sites[i].text;
    assert_int_equal(n, 6);
    assert_true(str_eq_c(texts[5], "\"\"\"x y\"\"\".split() + n"));
    assert_true(str_eq_c(texts[3], "(src) or (n)"));
    assert_true(str_eq_c(texts[4], "not (n.done)"));
    assert_true(str_eq_c(texts[0], "src.items(n, key=lambda kv: kv[0],)"));
    assert_true(str_eq_c(texts[1], "src.very_long_method_name_number_one(n).another_long_method_name"
                                   "(n, n, n).a_third_method_name_to_go_past(n,..."));
    /* 80 two-byte characters: 119 bytes of the string are a quote and 59 of them */
    assert_int_equal(texts[2].len, 1 + 59 * 2 + 3);
    assert_memory_equal(texts[2].ptr + texts[2].len - 5, "\xc3\xa9...", 5);
}

/* while True / while 1 and a body that is one awaited call */
static void test_pyparse_unit_while_flags(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio\n"
          "async def f(job):\n"
          "    while True:\n"
          "        await asyncio.sleep(1)\n"
          "    while 1:\n"
          "        await asyncio.sleep(1)\n"
          "        tick()\n"
          "    while not job.done():\n"
          "        await asyncio.sleep(0.1)\n"
          "    while job.running: await asyncio.sleep(0)\n"
          "    while job.running: await asyncio.sleep(0); work()\n"
          "    while True:\n"
          "        x = await job.next()\n");
    assert_model(f, R_SITES,
                 "#0 LOOP.while 3:5 fn1 True @1 {sleep-only,true}\n"
                 "#1 CALL 4:15 fn1 asyncio.sleep awaited loop=#0 {resolved} (lit)\n"
                 "#2 LOOP.while 5:5 fn1 1 {true}\n"
                 "#3 CALL 6:15 fn1 asyncio.sleep awaited loop=#2 {resolved} (lit)\n"
                 "#4 CALL 7:9 fn1 tick discarded loop=#2 ()\n"
                 "#5 LOOP.while 8:5 fn1 not job.done() @7 {sleep-only}\n"
                 "#6 CALL 8:15 fn1 job.done operand loop=#5 {local} ()\n"
                 "#7 CALL 9:15 fn1 asyncio.sleep awaited loop=#5 {resolved} (lit)\n"
                 "#8 LOOP.while 10:5 fn1 job.running @9 {sleep-only}\n"
                 "#9 CALL 10:30 fn1 asyncio.sleep awaited loop=#8 {resolved} (lit)\n"
                 "#10 LOOP.while 11:5 fn1 job.running\n"
                 "#11 CALL 11:30 fn1 asyncio.sleep awaited loop=#10 {resolved} (lit)\n"
                 "#12 CALL 11:48 fn1 work discarded loop=#10 ()\n"
                 "#13 LOOP.while 12:5 fn1 True {true}\n"
                 "#14 CALL 13:19 fn1 job.next awaited loop=#13 {local} ()\n");
}

/* types resolved through imports, bare, except*, tuples, as-names, re-raises */
static void test_pyparse_unit_except_handlers(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio\n"
          "from asyncio import CancelledError as CE\n"
          "async def f():\n"
          "    try:\n"
          "        a()\n"
          "    except asyncio.CancelledError:\n"
          "        b()\n"
          "        raise\n"
          "    except (ValueError, CE) as e:\n"
          "        log(e)\n"
          "    except:\n"
          "        pass\n"
          "    finally:\n"
          "        d()\n"
          "    try:\n"
          "        pass\n"
          "    except* OSError as eg:\n"
          "        raise RuntimeError() from eg\n"
          "    try:\n"
          "        pass\n"
          "    except BaseException:\n"
          "        try:\n"
          "            x()\n"
          "        except KeyError:\n"
          "            raise\n"
          "        y()\n");
    assert_model(f, R_SITES,
                 "#0 CALL 5:9 fn1 a discarded ()\n"
                 "#1 EXCEPT 6:5 fn1 [asyncio.CancelledError] {reraises}\n"
                 "#2 CALL 7:9 fn1 b discarded handler=#1 {in-except} ()\n"
                 "#3 EXCEPT 9:5 fn1 [ValueError,asyncio.CancelledError] as e\n"
                 "#4 CALL 10:9 fn1 log discarded handler=#3 {in-except} (name e)\n"
                 "#5 EXCEPT 11:5 fn1 [] {bare}\n"
                 "#6 CALL 14:9 fn1 d discarded {finally} ()\n"
                 "#7 EXCEPT 17:5 fn1 [OSError] as eg {reraises,star}\n"
                 "#8 CALL 18:15 fn1 RuntimeError operand handler=#7 {in-except} ()\n"
                 "#9 EXCEPT 21:5 fn1 [BaseException]\n"
                 "#10 CALL 23:13 fn1 x discarded handler=#9 {in-except} ()\n"
                 "#11 EXCEPT 24:9 fn1 [KeyError] handler=#9 {in-except,reraises}\n"
                 "#12 CALL 26:9 fn1 y discarded handler=#9 {in-except} ()\n");
}

/* each item guards the items after it and the body */
static void test_pyparse_unit_with_items_and_guards(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio\n"
          "async def f(sem, lock):\n"
          "    async with sem, asyncio.timeout(1) as t:\n"
          "        a()\n"
          "    with (open(\"a\") as fa,\n"
          "          open(\"b\") as fb):\n"
          "        b(fa, fb)\n"
          "    async with lock:\n"
          "        async with session.get(u) as resp:\n"
          "            c()\n"
          "    d()\n");
    assert_model(f, R_SITES,
                 "#0 WITH.async 3:16 fn1 sem {local}\n"
                 "#1 CALL 3:21 fn1 asyncio.timeout async-context(t) guard=#0 {resolved} (lit)\n"
                 "#2 WITH.async 3:21 fn1 asyncio.timeout(1)->asyncio.timeout as t @1 guard=#0 {resolved}\n"
                 "#3 CALL 4:9 fn1 a discarded guard=#2 ()\n"
                 "#4 CALL 5:11 fn1 open context(fa) (lit)\n"
                 "#5 WITH 5:11 fn1 open(\"a\")->open as fa @4\n"
                 "#6 CALL 6:11 fn1 open context(fb) guard=#5 (lit)\n"
                 "#7 WITH 6:11 fn1 open(\"b\")->open as fb @6 guard=#5\n"
                 "#8 CALL 7:9 fn1 b discarded guard=#7 (name fa->open, name fb->open)\n"
                 "#9 USE 7:11 fn1 fa argument@8.0 guard=#7\n"
                 "#10 USE 7:15 fn1 fb argument@8.1 guard=#7\n"
                 "#11 WITH.async 8:16 fn1 lock {local}\n"
                 "#12 CALL 9:20 fn1 session.get async-context(resp) guard=#11 (name u)\n"
                 "#13 WITH.async 9:20 fn1 session.get(u)->session.get as resp @12 guard=#11\n"
                 "#14 CALL 10:13 fn1 c discarded guard=#13 ()\n"
                 "#15 CALL 11:5 fn1 d discarded ()\n");
}

/* `with (yield x):` is one parenthesised yield, not parenthesised items
 * (tornado's coroutine style): it parses, and the yielded call is a context */
static void test_pyparse_unit_with_paren_yield(void **state)
{
    Fx *f = *state;
    parse(f,
          "def f(s):\n"
          "    with (yield s.acquire()):\n"
          "        a()\n"
          "    with (yield):\n"
          "        pass\n"
          "    with (yield s.b()) as x, (c()):\n"
          "        pass\n");
    assert_model(f, R_SITES,
                 "#0 CALL 2:17 fn1 s.acquire returned {local} ()\n"
                 "#1 WITH 2:10 fn1 (yield s.acquire())\n"
                 "#2 CALL 3:9 fn1 a discarded guard=#1 ()\n"
                 "#3 WITH 4:10 fn1 (yield)\n"
                 "#4 CALL 6:17 fn1 s.b returned {local} ()\n"
                 "#5 WITH 6:10 fn1 (yield s.b()) as x\n"
                 "#6 CALL 6:31 fn1 c context guard=#5 ()\n"
                 "#7 WITH 6:30 fn1 (c())->c @6 guard=#5\n");
}

/* calls in replacement fields (nested, in format specs) are seen; the text around them is not */
static void test_pyparse_unit_fstring_fields(void **state)
{
    Fx *f = *state;
    parse(f,
          "s = f\"a {g()} b {h(1)!r:>{w()}} time.sleep(1) {{k()}}\"\n"
          "v = f'{\"x\" + f\"{inner()}\"}' \"plain(1)\" rf\"{raw()}\\d\"\n"
          "u = f\"{x=}\"\n");
    assert_model(f, R_SITES,
                 "#0 CALL 1:10 g operand ()\n"
                 "#1 CALL 1:18 h operand (lit)\n"
                 "#2 CALL 1:27 w operand ()\n"
                 "#3 CALL 2:17 inner operand ()\n"
                 "#4 CALL 2:44 raw operand ()\n");
}

/* only the real call remains */
static void test_pyparse_unit_strings_and_comments_are_not_code(void **state)
{
    Fx *f = *state;
    parse(f,
          "import time\n"
          "\"\"\"time.sleep(1) in a docstring\"\"\"\n"
          "s = 'time.sleep(2)'  # time.sleep(3)\n"
          "# time.sleep(4)\n"
          "b = b\"time.sleep(5)\"\n"
          "time.sleep(6)\n");
    assert_model(f, R_SITES,
                 "#0 CALL 6:1 time.sleep discarded {resolved} (lit)\n");
}

/* decorators resolved through imports, calls included */
static void test_pyparse_unit_decorators(void **state)
{
    Fx *f = *state;
    parse(f,
          "import functools\n"
          "from x import deco\n"
          "@functools.lru_cache(maxsize=None)\n"
          "@deco\n"
          "@property\n"
          "def p(): pass\n"
          "@deco.register(\"k\")\n"
          "class C: pass\n");
    assert_model(f, R_FUNCS,
                 "fn1 def p parent=0 () @functools.lru_cache @x.deco @property\n"
                 "fn2 class C parent=0 @x.deco.register\n");
}

/* type parameters are skipped; a type alias's value is never evaluated; `type` stays a name */
static void test_pyparse_unit_pep695_generics(void **state)
{
    Fx *f = *state;
    parse(f,
          "def first[T](xs: list[T]) -> T:\n"
          "    return pick(xs)\n"
          "class Box[T](Base):\n"
          "    pass\n"
          "type Alias[K] = dict[K, never_called()]\n"
          "type = make_type()\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 def first parent=0 (xs)\n"
                 "fn2 class Box parent=0 bases=Base\n"
                 "#0 CALL 2:12 fn1 pick returned (name xs)\n"
                 "#1 CALL 6:8 make_type bound(type) ()\n");
}

/* PEP 646 starred annotations; match subjects that start with `...` or `+`
 * (fixed: both were syntax errors; found on CPython's own test suite). */
static void test_pyparse_unit_pep646_and_match_subjects(void **state)
{
    Fx *f = *state;
    parse(f,
          "def f(*args: *Ts, **kw: int): pass\n"
          "match ...:\n"
          "    case _: a()\n"
          "match +x:\n"
          "    case 1: b()\n"
          "match + x\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 def f parent=0 (args, kw)\n"
                 "#0 CALL 3:13 a discarded ()\n"
                 "#1 CALL 5:13 b discarded ()\n");
}

/* class patterns look like calls but are not; guards and bodies are code */
static void test_pyparse_unit_match_patterns_make_no_calls(void **state)
{
    Fx *f = *state;
    parse(f,
          "match cmd:\n"
          "    case Point(x=0, y=Origin()):\n"
          "        handle()\n"
          "    case [a, *rest] if guard(a):\n"
          "        other()\n"
          "    case {\"k\": Sub(v)}:\n"
          "        pass\n"
          "    case _:\n"
          "        pass\n"
          "match(1)\n"
          "match = 3\n");
    assert_model(f, R_SITES,
                 "#0 CALL 3:9 handle discarded ()\n"
                 "#1 CALL 4:24 guard operand (name a)\n"
                 "#2 CALL 5:9 other discarded ()\n"
                 "#3 CALL 10:1 match discarded {local} (lit)\n");
}

/* the walrus binds its name to the call */
static void test_pyparse_unit_walrus_binds(void **state)
{
    Fx *f = *state;
    parse(f,
          "async def f():\n"
          "    if (n := compute()) > 3:\n"
          "        use(n)\n"
          "    while chunk := await read():\n"
          "        pass\n");
    assert_model(f, R_SITES,
                 "#0 CALL 2:14 fn1 compute bound(n) ()\n"
                 "#1 CALL 3:9 fn1 use discarded (name n->compute)\n"
                 "#2 USE 3:13 fn1 n argument@1.0\n"
                 "#3 LOOP.while 4:5 fn1 chunk := await read()\n"
                 "#4 CALL 4:26 fn1 read awaited loop=#3 ()\n");
}

/* star-args, keywords and every argument kind */
static void test_pyparse_unit_star_and_keyword_args(void **state)
{
    Fx *f = *state;
    parse(f,
          "import asyncio\n"
          "async def f(xs, tasks):\n"
          "    await asyncio.gather(*[g(x) for x in xs], return_exceptions=True)\n"
          "    h(*args, **kw)\n"
          "    m(lambda: n(), None, \"s\", 1, a.b, tasks.discard)\n"
          "    o(p=q(), *r())\n"
          "    sum(k(x) for x in xs)\n");
    assert_model(f, R_SITES,
                 "#0 CALL 3:11 fn1 asyncio.gather awaited {resolved} (*comp #2, return_exceptions=lit)\n"
                 "#1 CALL 3:28 fn1 g element@2 loop=#2 (name x)\n"
                 "#2 LOOP.comp 3:27 fn1 xs argument@0.0\n"
                 "#3 CALL 4:5 fn1 h discarded (*name args, **name kw)\n"
                 "#4 CALL 5:5 fn1 m discarded (lambda fn2, null, lit, lit, dotted a.b, dotted tasks.discard)\n"
                 "#5 CALL 5:15 fn2 n returned ()\n"
                 "#6 CALL 6:5 fn1 o discarded (p=call->q #7, *call->r #8)\n"
                 "#7 CALL 6:9 fn1 q argument(p)@6.0 ()\n"
                 "#8 CALL 6:15 fn1 r argument@6.1 ()\n"
                 "#9 CALL 7:5 fn1 sum discarded (comp #11)\n"
                 "#10 CALL 7:9 fn1 k element@11 loop=#11 (name x)\n"
                 "#11 LOOP.comp 7:8 fn1 xs argument@9.0\n");
}

/* bodies on the header's line, semicolons */
static void test_pyparse_unit_one_line_compound_statements(void **state)
{
    Fx *f = *state;
    parse(f,
          "import time\n"
          "class A:\n"
          "    async def m(self): time.sleep(1)\n"
          "    def n(self): return self.m()\n"
          "if x: a(); b()\n"
          "for i in y: f(i)\n"
          "with c() as d: e(d)\n"
          "try: g()\n"
          "except OSError: h()\n"
          "finally: k()\n"
          "x = 1; y = w(); z = v();\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 class A parent=0\n"
                 "fn2 async def A.m parent=1 cls=1 (self)\n"
                 "fn3 def A.n parent=1 cls=1 (self)\n"
                 "#0 CALL 3:24 fn2 time.sleep discarded {resolved} (lit)\n"
                 "#1 CALL 4:25 fn3 self.m->A.m returned {self} ()\n"
                 "#2 CALL 5:7 a discarded ()\n"
                 "#3 CALL 5:12 b discarded ()\n"
                 "#4 LOOP.for 6:1 y\n"
                 "#5 CALL 6:13 f discarded loop=#4 (name i)\n"
                 "#6 CALL 7:6 c context(d) ()\n"
                 "#7 WITH 7:6 c()->c as d @6\n"
                 "#8 CALL 7:16 e discarded guard=#7 (name d->c)\n"
                 "#9 USE 7:18 d argument@8.0 guard=#7\n"
                 "#10 CALL 8:6 g discarded ()\n"
                 "#11 EXCEPT 9:1 [OSError]\n"
                 "#12 CALL 9:17 h discarded handler=#11 {in-except} ()\n"
                 "#13 CALL 10:10 k discarded {finally} ()\n"
                 "#14 CALL 11:12 w bound(y) ()\n"
                 "#15 CALL 11:21 v bound(z) ()\n");
}

/* bases resolved through imports; keywords (metaclass=) are not bases */
/* One PyParser over many files (as each worker of a run keeps one) gives each
 * file the model a fresh parse gives: nothing of the earlier files (names
 * bound, their types, self attributes, tokens, imports) carries over, also
 * after its tables grew on a big file. The names of a new file may be
 * interned at the addresses an earlier file's names had. */
static void test_pyparse_reused_parser_forgets_earlier_files(void **state)
{
    Fx *f = *state;
    /* The same length and the same names interned first: `client` of the
     * second file is where `client` of the first was (checked: the test fails
     * if a new file keeps the old bindings), and its untyped binding must not
     * find the first file's httpx.Client type. */
    const char *typed = "import httpx\n"
                        "client = httpx.Client()\n"
                        "def use():\n"
                        "    client.get('u')\n";
    const char *untyped = "import httpx\n"
                          "client = 0            \n"
                          "def use():\n"
                          "    client.get('u')\n";
    const char *broken = "def f(:\n    client.get(\n";
    /* thousands of distinct names: the name tables and the token buffer grow */
    const char *big = repeated(f, "import os\n", "v_0123456789 = os.getcwd(); w = v_0123456789\n",
                               4000, "");
    char *bigv = strdup(big);
    for (char *p = bigv; (p = strstr(p, "v_0123456789")) != NULL; p += 12) {
        static unsigned n;
        char digits[11];
        snprintf(digits, sizeof digits, "%010u", n++);
        memcpy(p + 2, digits, 10);
    }
    const char *srcs[] = {typed, untyped, bigv, untyped, typed, broken, untyped, bigv, typed};
    enum { N = sizeof srcs / sizeof *srcs };
    char *want[N], *want_diag[N];
    for (size_t i = 0; i < N; i++) {
        Diag d;
        diag_init(&d);
        Unit *u = pyparse_unit("t.py", srcs[i], (uint32_t)strlen(srcs[i]), &d);
        want[i] = render(u, R_FUNCS | R_SITES | R_IMPORTS);
        want_diag[i] = ts_diag_text(&d);
        unit_free(u);
        diag_free(&d);
    }
    /* each Unit freed before the next parse, so that its memory (and the
     * addresses of its interned names) is reused */
    PyParser *pp = pyparse_new(NULL);
    for (size_t i = 0; i < N; i++) {
        Diag d;
        diag_init(&d);
        Unit *u = pyparse_parse(pp, "t.py", srcs[i], (uint32_t)strlen(srcs[i]), &d);
        char *got = render(u, R_FUNCS | R_SITES | R_IMPORTS), *got_diag = ts_diag_text(&d);
        assert_string_equal(got, want[i]);
        assert_string_equal(got_diag, want_diag[i]);
        free(got);
        free(got_diag);
        free(want[i]);
        free(want_diag[i]);
        unit_free(u);
        diag_free(&d);
    }
    pyparse_free(pp);
    free(bigv);
}

/* Short names are looked up in a small table keyed on their bytes (up to 16)
 * before the pool: names of every length up to 17 bytes that differ from
 * each other in one byte, at every position, and more names sharing their
 * first 8 bytes than the table has entries (some must meet in one), each
 * keep their own text, in one file and in the next one through the same
 * parser. */
static void test_pyparse_short_names_differing_in_one_byte(void **state)
{
    (void)state;
    char *src = NULL;
    size_t cap = 0;
    FILE *m = open_memstream(&src, &cap);
    uint32_t calls = 0;
    for (int len = 1; len <= 17; len++) {
        for (int pos = -1; pos < len; pos++) {
            char name[32];
            memset(name, 'a', (size_t)len);
            name[len] = '\0';
            if (pos >= 0)
                name[pos] = 'b';
            fprintf(m, "%s()\n", name);
            calls++;
        }
    }
    for (unsigned i = 0; i < 3000; i++) {
        fprintf(m, "samefirst8_%04x()\n", i);
        calls++;
    }
    fclose(m);
    PyParser *pp = pyparse_new(NULL);
    for (int round = 0; round < 2; round++) {
        Diag d;
        diag_init(&d);
        Unit *u = pyparse_parse(pp, "t.py", src, (uint32_t)strlen(src), &d);
        uint32_t seen = 0;
        for (uint32_t i = 0; i < u->nsites; i++) {
            const Site *s = &u->sites[i];
            if (s->kind != SITE_CALL)
                continue;
            /* the callee as written is the source text at the site */
            assert_true(s->text.len > 0 && s->text.len <= 17);
            assert_memory_equal(s->text.ptr, src + s->off, s->text.len);
            assert_int_equal(src[s->off + s->text.len], '(');
            seen++;
        }
        assert_int_equal(seen, calls);
        assert_int_equal(d.msgs.size, 0);
        unit_free(u);
        diag_free(&d);
    }
    pyparse_free(pp);
    free(src);
}

static void test_pyparse_unit_class_bases(void **state)
{
    Fx *f = *state;
    parse(f,
          "import abc\n"
          "from pkg.base import Base as B\n"
          "class A(B, abc.ABC, metaclass=abc.ABCMeta): pass\n"
          "class C(A, Generic[T]): pass\n"
          "class D: pass\n");
    assert_model(f, R_FUNCS,
                 "fn1 class A parent=0 bases=pkg.base.Base,abc.ABC\n"
                 "fn2 class C parent=0 bases=A\n"
                 "fn3 class D parent=0\n");
}

/* default values and annotations belong to the function that defines */
static void test_pyparse_unit_defaults_run_in_the_enclosing_scope(void **state)
{
    Fx *f = *state;
    parse(f,
          "def outer():\n"
          "    def inner(x=make(), *, y: int = other()):\n"
          "        body()\n"
          "    f = lambda z=dflt(): lam(z)\n");
    assert_model(f, R_FUNCS | R_SITES,
                 "fn1 def outer parent=0 ()\n"
                 "fn2 def outer.<locals>.inner parent=1 (x, y)\n"
                 "fn3 lambda outer.<locals>.<lambda> parent=1 (z)\n"
                 "#0 CALL 2:17 fn1 make operand ()\n"
                 "#1 CALL 2:37 fn1 other operand ()\n"
                 "#2 CALL 3:9 fn2 body discarded ()\n"
                 "#3 CALL 4:18 fn1 dflt operand ()\n"
                 "#4 CALL 4:26 fn3 lam returned (name z)\n");
}

/* yield makes a generator; an async generator is async too */
static void test_pyparse_unit_generators(void **state)
{
    Fx *f = *state;
    parse(f,
          "def gen():\n"
          "    yield 1\n"
          "async def agen():\n"
          "    yield 2\n"
          "async def coro():\n"
          "    def nested():\n"
          "        yield 3\n"
          "    return 4\n");
    assert_model(f, R_FUNCS,
                 "fn1 def gen gen parent=0 ()\n"
                 "fn2 async def gen agen parent=0 ()\n"
                 "fn3 async def coro parent=0 ()\n"
                 "fn4 def gen coro.<locals>.nested parent=3 ()\n");
}

/* ---- model details -------------------------------------------------------------------- */

static void test_pyparse_unit_empty_source(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "");
    assert_int_equal(u->nfuncs, 1);
    assert_int_equal(u->funcs[0].kind, FN_MODULE);
    assert_int_equal(u->funcs[0].parent, -1);
    assert_int_equal(u->funcs[0].qualname.len, 0);
    assert_int_equal(u->nsites, 0);
    assert_int_equal(u->nimports, 0);
    assert_int_equal(u->nbound, 0);
    assert_string_equal(printed(f), "");
}

/* Function spans, name offsets and the per-function site index. */
static void test_pyparse_unit_function_spans_and_site_index(void **state)
{
    Fx *f = *state;
    const char *src = "a()\n"
                      "@d\n"
                      "async def g(x):\n"
                      "    b()\n"
                      "    c()\n"
                      "e()\n";
    Unit *u = parse(f, src);
    assert_int_equal(u->nfuncs, 2);
    const Function *g = &u->funcs[1];
    assert_int_equal(g->off, 4);                          /* the decorator's `@` */
    assert_int_equal(g->name_off, strstr(src, "g(") - src);
    /* the body ends with `c()`; the span may run up to the next statement */
    assert_in_range(g->end, strstr(src, "c()") - src + 3, strstr(src, "e()") - src);
    assert_int_equal(u->funcs[0].end, strlen(src));
    assert_int_equal(u->funcs[0].nsites, 2); /* a, e (the decorator calls nothing) */
    assert_int_equal(g->nsites, 2);
    assert_true(str_eq_c(u->sites[g->sites[0]].text, "b"));
    assert_true(str_eq_c(u->sites[g->sites[1]].text, "c"));
}

/* Comments go to the comment table with their line; strings are not comments. */
static void test_pyparse_unit_comment_table(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "x = 1  # trailing\n"
                       "   # own line\n"
                       "s = '# not a comment'\n"
                       "\t#tab\n");
    assert_int_equal(u->ncomments, 3);
    assert_int_equal(u->comments[0].line, 1);
    assert_false(u->comments[0].own_line);
    assert_int_equal(u->comments[0].off, 7);
    assert_int_equal(u->comments[0].len, strlen("# trailing"));
    assert_int_equal(u->comments[1].line, 2);
    assert_true(u->comments[1].own_line);
    assert_int_equal(u->comments[2].line, 4);
    assert_true(u->comments[2].own_line);
}

/* Every binding form counts: import, def, class, parameter, assignment targets,
 * for targets, with/except `as`, walrus, global, match captures, `type X`. */
static void test_unit_binds_every_binding_form(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "import os.path as p\n"
                       "def fn(param, *args, kw=1, **kws): pass\n"
                       "class K: pass\n"
                       "a, (b, c) = 1, (2, 3)\n"
                       "for d in x: pass\n"
                       "with w() as e: pass\n"
                       "try: pass\n"
                       "except E as g: pass\n"
                       "if (h := 1): pass\n"
                       "def q():\n"
                       "    global gl\n"
                       "match m:\n"
                       "    case Point(x=cap): pass\n"
                       "    case Color.RED | [_, *rest]: pass\n"
                       "type Alias = int\n"
                       "aug += 1\n");
    const char *bound[] = {"p", "fn", "param", "args", "kw", "kws", "K", "a", "b", "c",
                           "d", "e", "g", "h", "q", "gl", "cap", "rest", "Alias", "aug"};
    for (size_t i = 0; i < sizeof bound / sizeof *bound; i++)
        if (!unit_binds(u, name_of(u, bound[i])))
            fail_msg("'%s' is not bound", bound[i]);
    const char *free_names[] = {"os", "x", "w", "E", "Point", "m", "int", "path", "Color", "RED", "_"};
    for (size_t i = 0; i < sizeof free_names / sizeof *free_names; i++)
        if (unit_binds(u, name_of(u, free_names[i])))
            fail_msg("'%s' is bound", free_names[i]);
    /* each name once in the set: `aug` and the others are not counted twice */
    uint32_t held = 0;
    for (uint32_t i = 0; i < u->bound_cap; i++)
        held += u->bound_set[i] != NULL;
    assert_int_equal(u->nbound, sizeof bound / sizeof *bound);
    assert_int_equal(held, u->nbound);
}

/* The set grows past its first 256 slots without losing a name, and a name
 * rebound thousands of times is held once. */
static void test_unit_binds_survives_growth(void **state)
{
    Fx *f = *state;
    char *src = malloc(64 * 1024);
    size_t n = 0;
    for (int i = 0; i < 1500; i++)
        n += (size_t)sprintf(src + n, "name_%d = 1\nagain = %d\n", i, i);
    Unit *u = parse(f, src);
    char buf[32];
    for (int i = 0; i < 1500; i++) {
        snprintf(buf, sizeof buf, "name_%d", i);
        if (!unit_binds(u, name_of(u, buf)))
            fail_msg("'%s' is not bound", buf);
    }
    assert_true(unit_binds(u, name_of(u, "again")));
    assert_int_equal(u->nbound, 1501);
    assert_true(u->bound_cap >= 2 * u->nbound);
    unit_free(f->u); /* before its borrowed source */
    f->u = NULL;
    free(src);
}

static void test_unit_is_async_context_only_async_def_bodies(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "async def a():\n"
                       "    def b(): pass\n"
                       "    c = lambda: 0\n"
                       "    class D: pass\n"
                       "def e(): pass\n");
    assert_int_equal(u->nfuncs, 6);
    assert_false(unit_is_async_context(u, 0));
    assert_true(unit_is_async_context(u, 1));
    for (int32_t i = 2; i < 6; i++)
        assert_false(unit_is_async_context(u, i));
    assert_false(unit_is_async_context(u, -1));
    assert_false(unit_is_async_context(u, 6));
}

/* ---- unit_name_used_after --------------------------------------------------------------- */

static bool used_after(Fx *f, const char *src, const char *callee, const char *name)
{
    Unit *u = parse(f, src);
    assert_string_equal(printed(f), "");
    return unit_name_used_after(u, call(u, callee), name_of(u, name));
}

static void test_unit_name_used_after_later_read(void **state)
{
    assert_true(used_after(*state, "async def f():\n"
                                   "    t = make()\n"
                                   "    other()\n"
                                   "    await t\n",
                           "make", "t"));
}

static void test_unit_name_used_after_never_read(void **state)
{
    assert_false(used_after(*state, "async def f():\n"
                                    "    t = make()\n"
                                    "    other()\n",
                            "make", "t"));
}

static void test_unit_name_used_after_read_only_before(void **state)
{
    assert_false(used_after(*state, "async def f():\n"
                                    "    t = first()\n"
                                    "    print(t)\n"
                                    "    t = make()\n",
                            "make", "t"));
}

/* Read earlier in a loop that also encloses the call: read on the next turn. */
static void test_unit_name_used_after_read_earlier_in_same_loop(void **state)
{
    assert_true(used_after(*state, "async def f(xs):\n"
                                   "    t = first()\n"
                                   "    for x in xs:\n"
                                   "        print(t)\n"
                                   "        t = make()\n",
                           "make", "t"));
}

static void test_unit_name_used_after_read_in_nested_function(void **state)
{
    assert_true(used_after(*state, "async def f():\n"
                                   "    t = make()\n"
                                   "    def cb():\n"
                                   "        return t.result()\n"
                                   "    return cb\n",
                           "make", "t"));
}

static void test_unit_name_used_after_read_in_sibling_function(void **state)
{
    assert_false(used_after(*state, "async def f():\n"
                                    "    t = make()\n"
                                    "async def g():\n"
                                    "    t = first()\n"
                                    "    print(t)\n",
                            "make", "t"));
}

/* `self.c = c` reads c (fixed: a USE_STORED read used to be skipped). */
static void test_unit_name_used_after_stored_read(void **state)
{
    assert_true(used_after(*state, "class K:\n"
                                   "    def g(self):\n"
                                   "        c = make()\n"
                                   "        self.c = c\n",
                           "make", "c"));
}

/* ---- syntax errors and limits ----------------------------------------------------------- */

/* A syntax error in one function: reported at path:line:col, and the next
 * function is still modelled. */
static void test_pyparse_unit_error_recovers_next_function(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "async def bad():\n"
                       "    x = 1 +\n"
                       "    y()\n"
                       "async def good():\n"
                       "    time.sleep(1)\n");
    assert_string_equal(printed(f), "t.py:2:12: error: invalid syntax: unexpected end of line\n");
    assert_int_equal(u->parse_errors, 1);
    free(f->text);
    f->text = render(u, R_FUNCS | R_SITES);
    assert_string_equal(f->text, "fn1 async def bad parent=0 ()\n"
                                 "fn2 async def good parent=0 ()\n"
                                 "#0 CALL 3:5 fn1 y discarded ()\n"
                                 "#1 CALL 5:5 fn2 time.sleep discarded (lit)\n");
}

/* Columns count code points, not bytes. */
static void test_pyparse_unit_error_column_in_code_points(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "s = \"\xc3\xa9\xc3\xa9\" +\n"
                       "ok()\n");
    assert_string_equal(printed(f), "t.py:1:11: error: invalid syntax: unexpected end of line\n");
    assert_int_equal(u->nsites, 1);
}

/* A diagnostic is one line even when the offending token spans lines. */
static void test_pyparse_unit_error_token_text_one_line(void **state)
{
    Fx *f = *state;
    parse(f, "x = 1 \"\"\"ab\ncd\"\"\"\n");
    assert_string_equal(printed(f), "t.py:1:7: error: invalid syntax: unexpected '\"\"\"ab...'\n");
}

/* After PYPARSE_MAX_ERRORS diagnostics a note says the rest are not shown; every
 * error is still counted and the file is still modelled. */
static void test_pyparse_unit_max_errors(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "a = 1 +\n"
                       "b = 1 +\n"
                       "c = 1 +\n"
                       "d = 1 +\n"
                       "e = 1 +\n"
                       "g = 1 +\n"
                       "h = 1 +\n"
                       "ok()\n");
    assert_int_equal(PYPARSE_MAX_ERRORS, 5);
    assert_string_equal(printed(f), "t.py:1:8: error: invalid syntax: unexpected end of line\n"
                                    "t.py:2:8: error: invalid syntax: unexpected end of line\n"
                                    "t.py:3:8: error: invalid syntax: unexpected end of line\n"
                                    "t.py:4:8: error: invalid syntax: unexpected end of line\n"
                                    "t.py:5:8: error: invalid syntax: unexpected end of line\n"
                                    "t.py:5:8: note: too many syntax errors; further ones in this "
                                    "file are not shown\n");
    assert_int_equal(u->parse_errors, 7);
    assert_int_equal(f->diag.errors, 5);
    assert_int_equal(u->nsites, 1);
    assert_true(str_eq_c(u->sites[0].text, "ok"));
}

/* An expected `:` that is missing: the header is reported, the body still parsed. */
static void test_pyparse_unit_error_missing_colon(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "def f()\n"
                       "    a()\n"
                       "b()\n");
    assert_string_equal(printed(f), "t.py:1:8: error: invalid syntax: expected ':', found end of line\n");
    assert_int_equal(u->nfuncs, 2);
    assert_int_equal(call(u, "a")->func, 1);
    assert_int_equal(call(u, "b")->func, 0);
}

/* `from x import` needs a name (or one `*`). */
static void test_pyparse_unit_error_empty_from_import(void **state)
{
    Fx *f = *state;
    Unit *u = parse(f, "from . import\n"
                       "from y import *\n"
                       "from w import a, *\n"
                       "ok()\n");
    assert_string_equal(printed(f), "t.py:1:14: error: invalid syntax: expected a name to import\n"
                                    "t.py:3:18: error: invalid syntax: unexpected '*'\n");
    assert_int_equal(u->nimports, 1);
    assert_true(str_eq_c(u->imports[0].qualified, "w.a"));
    assert_int_equal(u->nsites, 1);
}

/* 100 000 nested brackets: the tokenizer's bracket limit, then the parser's
 * depth limit; no crash, and the next line is modelled. */
static void test_pyparse_unit_deep_parens_diagnosed(void **state)
{
    Fx *f = *state;
    repeated(f, "x = ", "(", 100000, "1\nok()\n");
    Unit *u = parse(f, f->src);
    assert_non_null(strstr(printed(f), "t.py:1:"));
    assert_true(f->diag.errors >= 1);
    assert_true(u->parse_errors >= 1);
}

/* 100 000 `not`: recursion stops at PYPARSE_MAX_DEPTH with one diagnostic. */
static void test_pyparse_unit_deep_not_diagnosed(void **state)
{
    Fx *f = *state;
    repeated(f, "x = ", "not ", 100000, "1\nok()\n");
    Unit *u = parse(f, f->src);
    assert_string_equal(printed(f),
                        "t.py:1:3997: error: expression nested too deeply (limit 1000)\n");
    assert_int_equal(u->parse_errors, 1);
    assert_int_equal(u->nsites, 1);
    assert_true(str_eq_c(u->sites[0].text, "ok"));
}

/* Unary operators, `**`, lambdas and conditional expressions nest without
 * brackets: 100 000 of them stop at PYPARSE_MAX_DEPTH with one diagnostic. */
static void test_pyparse_unit_deep_expressions_diagnosed(void **state)
{
    const char *reps[] = {"-", "a ** ", "lambda: ", "1 if 1 else ", "~"};
    Fx *f = *state;
    for (size_t i = 0; i < sizeof reps / sizeof *reps; i++) {
        diag_free(&f->diag);
        diag_init(&f->diag);
        Unit *u = parse(f, repeated(f, "x = ", reps[i], 100000, "1\nok()\n"));
        const char *d = printed(f);
        if (!strstr(d, "error: expression nested too deeply (limit 1000)\n") ||
            strncmp(d, "t.py:1:", 7) != 0 || f->diag.errors != 1)
            fail_msg("'%s' * 100000: %s", reps[i], d);
        assert_int_equal(u->parse_errors, 1);
        assert_true(str_eq_c(u->sites[u->nsites - 1].text, "ok"));
    }
}

/* 100 levels of brackets and calls are ordinary code. */
static void test_pyparse_unit_nested_brackets_accepted(void **state)
{
    static const struct {
        const char *open, *close;
    } reps[] = {{"f(", ")"}, {"[", "]"}, {"(", ")"}, {"{", "}"}, {"-(", ")"}};
    Fx *f = *state;
    for (size_t i = 0; i < sizeof reps / sizeof *reps; i++) {
        char src[1024];
        int n = snprintf(src, sizeof src, "x = ");
        for (int k = 0; k < 100; k++)
            n += snprintf(src + n, sizeof src - (size_t)n, "%s", reps[i].open);
        n += snprintf(src + n, sizeof src - (size_t)n, "1");
        for (int k = 0; k < 100; k++)
            n += snprintf(src + n, sizeof src - (size_t)n, "%s", reps[i].close);
        snprintf(src + n, sizeof src - (size_t)n, "\nok()\n");
        free(f->src);
        f->src = strdup(src);
        Unit *u = parse(f, f->src);
        if (*printed(f))
            fail_msg("100 x '%s': %s", reps[i].open, f->diags);
        assert_true(str_eq_c(u->sites[u->nsites - 1].text, "ok"));
    }
}

/* A 100 000-long attribute chain stays linear (fixed: each `.a` copied the
 * whole path) and stops being a name past PP_MAX_DOTTED bytes. */
static void test_pyparse_unit_long_attribute_chain(void **state)
{
    Fx *f = *state;
    repeated(f, "import a\nx = a", ".a", 100000, "()\nok()\n");
    Unit *u = parse(f, f->src);
    assert_string_equal(printed(f), "");
    assert_int_equal(u->nsites, 2);
    assert_int_equal(u->sites[0].resolved.len, 0);
    assert_int_equal(u->sites[0].use, USE_BOUND);
    assert_true(str_eq_c(u->sites[1].text, "ok"));
    repeated(f, "import a\nx = a.b()", ".c()", 20000, "\nok()\n");
    u = parse(f, f->src);
    assert_int_equal(u->nsites, 20002);
    assert_int_equal(u->sites[20000].resolved.len, 0);
    assert_true(str_eq_c(u->sites[0].resolved, "a.b"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_pyparse_unit_scopes_nested),
        T(test_pyparse_unit_imports_aliases),
        T(test_pyparse_unit_resolves_through_imports_and_types),
        T(test_pyparse_unit_annotation_members),
        T(test_pyparse_unit_value_types),
        T(test_pyparse_unit_binary_files),
        T(test_pyparse_unit_sites_before_a_loop_exit),
        T(test_pyparse_unit_root_local_for_names_the_file_binds),
        T(test_pyparse_unit_call_result_uses),
        T(test_pyparse_unit_yield_uses),
        T(test_pyparse_unit_use_sites_of_tracked_names),
        T(test_pyparse_unit_comprehension_moves_element_sites),
        T(test_pyparse_unit_bounded_iterables),
        T(test_pyparse_unit_iterable_display_is_one_line),
    T(test_pyparse_unit_while_flags),
        T(test_pyparse_unit_except_handlers),
        T(test_pyparse_unit_with_items_and_guards),
        T(test_pyparse_unit_with_paren_yield),
        T(test_pyparse_unit_fstring_fields),
        T(test_pyparse_unit_strings_and_comments_are_not_code),
        T(test_pyparse_unit_decorators),
        T(test_pyparse_unit_pep695_generics),
        T(test_pyparse_unit_match_patterns_make_no_calls),
        T(test_pyparse_unit_pep646_and_match_subjects),
        T(test_pyparse_unit_walrus_binds),
        T(test_pyparse_unit_star_and_keyword_args),
        T(test_pyparse_unit_one_line_compound_statements),
        T(test_pyparse_unit_class_bases),
        T(test_pyparse_reused_parser_forgets_earlier_files),
        T(test_pyparse_short_names_differing_in_one_byte),
        T(test_pyparse_unit_defaults_run_in_the_enclosing_scope),
        T(test_pyparse_unit_generators),
        T(test_pyparse_unit_empty_source),
        T(test_pyparse_unit_function_spans_and_site_index),
        T(test_pyparse_unit_comment_table),
        T(test_unit_binds_every_binding_form),
        T(test_unit_binds_survives_growth),
        T(test_unit_is_async_context_only_async_def_bodies),
        T(test_unit_name_used_after_later_read),
        T(test_unit_name_used_after_never_read),
        T(test_unit_name_used_after_read_only_before),
        T(test_unit_name_used_after_read_earlier_in_same_loop),
        T(test_unit_name_used_after_read_in_nested_function),
        T(test_unit_name_used_after_read_in_sibling_function),
        T(test_unit_name_used_after_stored_read),
        T(test_pyparse_unit_error_recovers_next_function),
        T(test_pyparse_unit_error_column_in_code_points),
        T(test_pyparse_unit_error_token_text_one_line),
        T(test_pyparse_unit_max_errors),
        T(test_pyparse_unit_error_missing_colon),
        T(test_pyparse_unit_error_empty_from_import),
        T(test_pyparse_unit_deep_parens_diagnosed),
        T(test_pyparse_unit_deep_not_diagnosed),
        T(test_pyparse_unit_deep_expressions_diagnosed),
        T(test_pyparse_unit_nested_brackets_accepted),
        T(test_pyparse_unit_long_attribute_chain),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
