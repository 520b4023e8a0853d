/* Unit tests for the Project step (src/model/project.c, project_blocks.c) and the
 * per-file summaries (src/checks/summary.c): module names from real directory
 * trees (app_module_name), relative imports, re-exports through __init__.py,
 * methods found through base classes, and the `blocks` summary (shortest chain,
 * cycles, async functions that do not propagate). Files are written to a
 * temporary directory, parsed with the real frontend and summarised with the
 * default packs, exactly as `asynclint check` does. */
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

#include "app/frontend.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/registry.h"
#include "lang/python/pyparse.h"
#include "model/project.h"
#include "rules/rules.h"
#include "testsupport.h"

typedef TsRun Fx;

static int setup(void **state)
{
    *state = ts_run_new("proj");
    return 0;
}

static int teardown(void **state)
{
    ts_run_free(*state);
    return 0;
}

/* Absolute path of `rel` in the tree (arena). */
static const char *path_of(Fx *f, const char *rel)
{
    return arena_printf(&f->arena, "%s/%s", f->dir, rel);
}

/* Writes `text` to rel, creating its directories. */
static void write_file(Fx *f, const char *rel, const char *text)
{
    ts_write_file(f->dir, rel, text);
}

/* The module name of rel, with the tree's directory as the only prefix known. */
static const char *module_of(Fx *f, const char *rel)
{
    const char *m = app_module_name(&f->arena, NULL, path_of(f, rel), LANG_PYTHON);
    return m ? m : "(null)";
}

typedef TsSrc Src;

/* Writes every file, then analyses them as the check driver does (files in
 * path order). */
static void analyse(Fx *f, const Src *files, uint32_t n)
{
    ts_run_analyse(f, files, n, false);
}

static const char *target_name(const Project *p, const ProjectCall *c)
{
    const ProjectFunc *t = project_call_target(p, c);
    return t ? t->qualname : "-";
}

/* Per file: module, aliases, functions with flags and `blocks`, calls with
 * their resolved target. */
static const char *render(Fx *f)
{
    size_t len = 0;
    free(f->text);
    FILE *m = open_memstream(&f->text, &len);
    const Project *p = &f->project;
    for (uint32_t i = 0; i < p->nfiles; i++) {
        const ProjectFile *pf = p->files[i];
        fprintf(m, "%s module=%s%s\n", pf->path, pf->module, pf->is_package ? " package" : "");
        for (uint32_t a = 0; a < pf->aliases.size; a++)
            fprintf(m, "  alias %s = %s\n", pf->aliases.contents[a].name,
                    pf->aliases.contents[a].target);
        for (uint32_t k = 1; k < pf->funcs.size; k++) { /* not the module body */
            const ProjectFunc *fn = &pf->funcs.contents[k];
            fprintf(m, "  fn %s%s%s%s%s%s", fn->qualname, fn->flags & PF_ASYNC ? " async" : "",
                    fn->flags & PF_CLASS ? " class" : "", fn->flags & PF_METHOD ? " method" : "",
                    fn->flags & PF_GENERATOR ? " gen" : "", fn->flags & PF_LIMITS ? " limits" : "");
            for (uint32_t b = 0; b < fn->nbases; b++)
                fprintf(m, "%s%s", b ? "," : " bases=", fn->bases[b]);
            if (fn->block_fact >= 0)
                fprintf(m, " blocks: %s", fn->facts.contents[fn->block_fact].callee);
            if (fn->block_call >= 0)
                fprintf(m, " blocks via %s depth=%u",
                        target_name(p, &pf->calls.contents[fn->block_call]), fn->block_depth);
            fputc('\n', m);
        }
        for (uint32_t c = 0; c < pf->calls.size; c++) {
            const ProjectCall *call = &pf->calls.contents[c];
            fprintf(m, "  call %u:%u %s -> %s => %s%s\n", call->loc.line, call->loc.col,
                    call->written, call->callee, target_name(p, call),
                    call->flags & PC_ASYNC_CTX ? " (async)" : "");
        }
    }
    fclose(m);
    return f->text;
}

/* ---- module names ------------------------------------------------------------------------ */

static void test_app_module_name_packages(void **state)
{
    Fx *f = *state;
    write_file(f, "pkg/__init__.py", "");
    write_file(f, "pkg/sub/__init__.py", "");
    write_file(f, "pkg/sub/mod.py", "");
    write_file(f, "pkg/nopkg/leaf.py", ""); /* a directory without __init__.py */
    write_file(f, "scripts/run.py", "");
    write_file(f, "pkg/stubs.pyi", "");
    assert_string_equal(module_of(f, "pkg/sub/mod.py"), "pkg.sub.mod");
    assert_string_equal(module_of(f, "pkg/sub/__init__.py"), "pkg.sub");
    assert_string_equal(module_of(f, "pkg/__init__.py"), "pkg");
    assert_string_equal(module_of(f, "pkg/nopkg/leaf.py"), "leaf");
    assert_string_equal(module_of(f, "scripts/run.py"), "run");
    assert_string_equal(module_of(f, "pkg/stubs.pyi"), "pkg.stubs");
    assert_null(app_module_name(&f->arena, NULL, path_of(f, "x.c"), LANG_C));
    /* Remembered per directory: the same names, asked twice, in any order,
     * and a directory's answer does not leak into its parent's or a sibling's. */
    static const char *const rels[] = {"pkg/nopkg/leaf.py", "pkg/sub/mod.py", "scripts/run.py",
                                       "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/stubs.pyi"};
    AppPackages pk;
    app_packages_init(&pk, &f->arena);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof rels / sizeof *rels; i++)
            assert_string_equal(app_module_name(&f->arena, &pk, path_of(f, rels[i]), LANG_PYTHON),
                                module_of(f, rels[i]));
    app_packages_free(&pk);
}

/* The package memo grows past its first tables without losing answers. */
static void test_app_module_name_many_dirs(void **state)
{
    Fx *f = *state;
    AppPackages pk;
    app_packages_init(&pk, &f->arena);
    for (int i = 0; i < 600; i++) {
        if (i % 3 == 0)
            write_file(f, arena_printf(&f->arena, "d%d/__init__.py", i), "");
        write_file(f, arena_printf(&f->arena, "d%d/m.py", i), "");
    }
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 600; i++) {
            const char *m = app_module_name(&f->arena, &pk,
                                            path_of(f, arena_printf(&f->arena, "d%d/m.py", i)),
                                            LANG_PYTHON);
            assert_string_equal(m, i % 3 == 0 ? arena_printf(&f->arena, "d%d.m", i) : "m");
        }
    assert_int_equal(pk.dirs.count, 600 + 1); /* each d<i>, and the fixture's own directory */
    app_packages_free(&pk);
}

/* A recorded answer (discovery's, from a listing) is taken without asking the
 * file system: here it contradicts the disk, so the name shows which was used. */
static void test_app_module_name_takes_recorded_answers(void **state)
{
    Fx *f = *state;
    write_file(f, "a/b/m.py", "");
    write_file(f, "a/__init__.py", "");
    AppPackages pk;
    app_packages_init(&pk, &f->arena);
    const char *b = arena_printf(&f->arena, "%s/a/b", f->dir);
    app_packages_put(&pk, b, true); /* no a/b/__init__.py on disk */
    assert_string_equal(app_module_name(&f->arena, &pk, path_of(f, "a/b/m.py"), LANG_PYTHON),
                        "a.b.m");
    app_packages_put(&pk, b, false);
    assert_string_equal(app_module_name(&f->arena, &pk, path_of(f, "a/b/m.py"), LANG_PYTHON),
                        "m");
    /* a, not recorded, was asked of the disk the first time, and remembered */
    assert_int_equal(app_packages_get(&pk, arena_printf(&f->arena, "%s/a", f->dir)), 1);
    app_packages_free(&pk);
}

/* A `src/` layout: the package root is below src, which is no package. */
static void test_app_module_name_src_layout(void **state)
{
    Fx *f = *state;
    write_file(f, "src/proj/__init__.py", "");
    write_file(f, "src/proj/core.py", "");
    write_file(f, "src/tool.py", "");
    assert_string_equal(module_of(f, "src/proj/core.py"), "proj.core");
    assert_string_equal(module_of(f, "src/tool.py"), "tool");
    /* relative paths as given on the command line */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    const char *rel = app_module_name(&f->arena, NULL, "src/proj/core.py", LANG_PYTHON);
    const char *flat = app_module_name(&f->arena, NULL, "src/tool.py", LANG_PYTHON);
    assert_int_equal(chdir(cwd), 0);
    assert_string_equal(rel, "proj.core");
    assert_string_equal(flat, "tool");
}

/* ---- project_absolute ---------------------------------------------------------------------- */

static const char *absolute(ProjectFile *pf, const char *module, bool package, const char *rel)
{
    pf->module = module;
    pf->is_package = package;
    return project_absolute(pf, str_from(rel));
}

static void test_project_absolute_relative_imports(void **state)
{
    (void)state;
    ProjectFile pf;
    project_file_init(&pf, "pkg/sub/mod.py", LANG_PYTHON);
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, ".x"), "pkg.sub.x");
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, ".x.y"), "pkg.sub.x.y");
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, "..x"), "pkg.x");
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, "."), "pkg.sub");
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, "..."), "");
    assert_string_equal(absolute(&pf, "pkg.sub.mod", false, "a.b"), "a.b");
    /* in a package's __init__ the package itself is the first level */
    assert_string_equal(absolute(&pf, "pkg.sub", true, ".x"), "pkg.sub.x");
    assert_string_equal(absolute(&pf, "pkg.sub", true, "..x"), "pkg.x");
    assert_string_equal(absolute(&pf, "pkg", true, ".repo.save"), "pkg.repo.save");
    /* no module name: the relative part alone */
    assert_string_equal(absolute(&pf, NULL, false, ".x"), "x");
    pf.module = NULL;
    project_file_free(&pf);
}

/* ---- project_file_from_unit -------------------------------------------------------------- */

static bool package_path(const char *path)
{
    ProjectFile pf;
    project_file_init(&pf, path, LANG_PYTHON);
    Diag d;
    diag_init(&d);
    Unit *u = pyparse_unit(path, "", 0, &d);
    project_file_from_unit(&pf, u);
    bool pkg = pf.is_package;
    unit_free(u);
    diag_free(&d);
    project_file_free(&pf);
    return pkg;
}

/* Only a file named exactly __init__.py (or .pyi) starts relative imports at
 * its own package (fixed: `my__init__.py` used to count). */
static void test_project_file_from_unit_package_files(void **state)
{
    (void)state;
    assert_true(package_path("pkg/__init__.py"));
    assert_true(package_path("__init__.py"));
    assert_true(package_path("stubs/pkg/__init__.pyi"));
    assert_false(package_path("pkg/my__init__.py"));
    assert_false(package_path("pkg/mod.py"));
}

/* One ProjectFunc per Function, in order, module-qualified, with the name's
 * position, method and class facts, and local bases qualified like the class. */
static void test_project_file_from_unit_functions(void **state)
{
    Fx *f = *state;
    static const char src[] = "import abc\n"
                              "class Base(abc.ABC):\n"
                              "    def m(self):\n"
                              "        yield 1\n"
                              "class Sub(Base, Unknown):\n"
                              "    async def n(self): pass\n";
    ProjectFile *pf = &f->pfs[f->nfiles++];
    project_file_init(pf, "pkg/mod.py", LANG_PYTHON);
    pf->module = "pkg.mod";
    Unit *u = pyparse_unit("pkg/mod.py", src, sizeof src - 1, &f->diag);
    project_file_from_unit(pf, u);
    assert_int_equal(pf->funcs.size, u->nfuncs);
    unit_free(u);
    const ProjectFunc *fn = pf->funcs.contents;
    assert_string_equal(fn[0].qualname, "pkg.mod");
    assert_string_equal(fn[1].qualname, "pkg.mod.Base");
    assert_int_equal(fn[1].flags, PF_CLASS);
    assert_int_equal(fn[1].nbases, 1);
    assert_string_equal(fn[1].bases[0], "abc.ABC");
    assert_int_equal(fn[1].line, 2);
    assert_int_equal(fn[1].col, 7);
    assert_string_equal(fn[2].qualname, "pkg.mod.Base.m");
    assert_string_equal(fn[2].name, "m");
    assert_string_equal(fn[2].cls, "pkg.mod.Base");
    assert_int_equal(fn[2].flags, PF_METHOD | PF_GENERATOR);
    assert_int_equal(fn[3].nbases, 2);
    assert_string_equal(fn[3].bases[0], "pkg.mod.Base");
    assert_string_equal(fn[3].bases[1], "Unknown");
    assert_int_equal(fn[4].flags, PF_METHOD | PF_ASYNC);
    assert_int_equal(fn[4].block_fact, -1);
    assert_int_equal(fn[4].block_call, -1);
    pf->module = NULL;
}

/* ---- linking ------------------------------------------------------------------------------- */

/* Relative and absolute imports, a re-export through __init__.py, module
 * attributes (`from . import storage; storage.backoff()`), aliases, self. */
static void test_project_link_resolves_imports_and_reexports(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"app/__init__.py", "from .storage import persist\n"},
        {"app/service.py", "from app import persist\n"
                           "from . import storage\n"
                           "from .storage import backoff as wait\n"
                           "import app.storage\n"
                           "async def handle(row):\n"
                           "    persist(row)\n"
                           "    storage.backoff(1)\n"
                           "    wait(2)\n"
                           "    app.storage.pure(3)\n"
                           "    unknown(4)\n"
                           "    print(5)\n"},
        {"app/storage.py", "import time\n"
                           "def persist(row):\n"
                           "    backoff(0)\n"
                           "def backoff(n):\n"
                           "    time.sleep(n)\n"
                           "def pure(x):\n"
                           "    return x\n"},
    };
    analyse(f, files, 3);
    assert_string_equal(render(f),
                        "app/__init__.py module=app package\n"
                        "  alias app.persist = app.storage.persist\n"
                        "app/service.py module=app.service\n"
                        "  alias app.service.persist = app.persist\n"
                        "  alias app.service.storage = app.storage\n"
                        "  alias app.service.wait = app.storage.backoff\n"
                        "  alias app.service.app = app\n"
                        "  fn app.service.handle async\n"
                        "  call 6:5 persist -> app.persist => app.storage.persist (async)\n"
                        "  call 7:5 storage.backoff -> app.storage.backoff => app.storage.backoff (async)\n"
                        "  call 8:5 wait -> app.storage.backoff => app.storage.backoff (async)\n"
                        "  call 9:5 app.storage.pure -> app.storage.pure => app.storage.pure (async)\n"
                        "app/storage.py module=app.storage\n"
                        "  alias app.storage.time = time\n"
                        "  fn app.storage.persist blocks via app.storage.backoff depth=1\n"
                        "  fn app.storage.backoff blocks: time.sleep\n"
                        "  fn app.storage.pure\n"
                        "  call 3:5 backoff -> app.storage.backoff => app.storage.backoff\n");
    ProjectRef r;
    const ProjectFunc *fn = project_lookup(&f->project, "app.persist", &r);
    assert_non_null(fn);
    assert_string_equal(fn->qualname, "app.storage.persist");
    assert_int_equal(r.file, 2);
    assert_string_equal(project_func(&f->project, r)->qualname, "app.storage.persist");
    assert_null(project_lookup(&f->project, "app.nothing", NULL));
    assert_null(project_lookup(&f->project, NULL, NULL));
}

/* A method called on self (or inherited from a base class in another module)
 * is found through the class's bases. */
static void test_project_link_methods_through_bases(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"pkg/__init__.py", ""},
        {"pkg/base.py", "import time\n"
                        "class Base:\n"
                        "    def save(self):\n"
                        "        time.sleep(1)\n"
                        "class Mid(Base):\n"
                        "    pass\n"},
        {"pkg/child.py", "from .base import Mid\n"
                         "class Child(Mid):\n"
                         "    async def run(self):\n"
                         "        self.save()\n"
                         "        self.missing()\n"},
    };
    analyse(f, files, 3);
    assert_string_equal(render(f),
                        "pkg/__init__.py module=pkg package\n"
                        "pkg/base.py module=pkg.base\n"
                        "  alias pkg.base.time = time\n"
                        "  fn pkg.base.Base class\n"
                        "  fn pkg.base.Base.save method blocks: time.sleep\n"
                        "  fn pkg.base.Mid class bases=pkg.base.Base\n"
                        "pkg/child.py module=pkg.child\n"
                        "  alias pkg.child.Mid = pkg.base.Mid\n"
                        "  fn pkg.child.Child class bases=pkg.base.Mid\n"
                        "  fn pkg.child.Child.run async method\n"
                        "  call 4:9 self.save -> pkg.child.Child.save => pkg.base.Base.save (async)\n"
                        "  call 5:9 self.missing -> pkg.child.Child.missing => - (async)\n");
}

/* A wide diamond-shaped hierarchy before the base that has the method: each
 * level's four bases share one ancestor. Explored once per path, the dead
 * branch alone takes more than a search's budget (338 lookups), and the method
 * two bases along was never found; each name is now looked up once per search. */
static void test_project_lookup_wide_diamond_within_budget(void **state)
{
    Fx *f = *state;
    char src[2048];
    size_t at = 0;
    at += (size_t)snprintf(src + at, sizeof src - at, "class Dead0:\n    pass\n");
    for (int k = 1; k <= 3; k++) {
        for (char b = 'a'; b <= 'd'; b++)
            at += (size_t)snprintf(src + at, sizeof src - at, "class B%d%c(Dead%d):\n    pass\n",
                                   k, b, k - 1);
        at += (size_t)snprintf(src + at, sizeof src - at,
                               "class Dead%d(B%da, B%db, B%dc, B%dd):\n    pass\n", k, k, k, k, k);
    }
    snprintf(src + at, sizeof src - at,
             "class Real:\n    def ping(self):\n        pass\n"
             "class Top(Dead3, Real):\n    pass\n");
    const Src files[] = {{"m.py", src}};
    analyse(f, files, 1);
    ProjectRef r;
    const ProjectFunc *fn = project_lookup(&f->project, "m.Top.ping", &r);
    assert_non_null(fn);
    assert_string_equal(fn->qualname, "m.Real.ping");
    assert_string_equal(project_func(&f->project, r)->qualname, "m.Real.ping");
    assert_null(project_lookup(&f->project, "m.Top.pong", NULL));
}

/* The chain recorded is the shortest one, cycles terminate, and an async
 * function never passes `blocks` to its callers. */
static void test_project_compute_blocks_shortest_chain_cycles_async(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"m.py", "import time\n"
                 "def leaf():\n"
                 "    time.sleep(1)\n"
                 "def mid():\n"
                 "    leaf()\n"
                 "def top():\n"
                 "    mid()\n"
                 "    leaf()\n"
                 "def ping(n):\n"
                 "    pong(n)\n"
                 "def pong(n):\n"
                 "    ping(n)\n"
                 "    top()\n"
                 "def loop_a():\n"
                 "    loop_b()\n"
                 "def loop_b():\n"
                 "    loop_a()\n"
                 "async def coro():\n"
                 "    leaf()\n"
                 "def calls_coro():\n"
                 "    coro()\n"
                 "async def sleeps():\n"
                 "    time.sleep(1)\n"
                 "def calls_sleeps():\n"
                 "    sleeps()\n"},
    };
    analyse(f, files, 1);
    assert_string_equal(render(f),
                        "m.py module=m\n"
                        "  alias m.time = time\n"
                        "  fn m.leaf blocks: time.sleep\n"
                        "  fn m.mid blocks via m.leaf depth=1\n"
                        "  fn m.top blocks via m.leaf depth=1\n"
                        "  fn m.ping blocks via m.pong depth=3\n"
                        "  fn m.pong blocks via m.top depth=2\n"
                        "  fn m.loop_a\n"
                        "  fn m.loop_b\n"
                        "  fn m.coro async\n"
                        "  fn m.calls_coro\n"
                        "  fn m.sleeps async\n"
                        "  fn m.calls_sleeps\n"
                        "  call 5:5 leaf -> m.leaf => m.leaf\n"
                        "  call 7:5 mid -> m.mid => m.mid\n"
                        "  call 8:5 leaf -> m.leaf => m.leaf\n"
                        "  call 10:5 pong -> m.pong => m.pong\n"
                        "  call 12:5 ping -> m.ping => m.ping\n"
                        "  call 13:5 top -> m.top => m.top\n"
                        "  call 15:5 loop_b -> m.loop_b => m.loop_b\n"
                        "  call 17:5 loop_a -> m.loop_a => m.loop_a\n"
                        "  call 19:5 leaf -> m.leaf => m.leaf (async)\n"
                        "  call 21:5 coro -> m.coro => m.coro\n"
                        "  call 25:5 sleeps -> m.sleeps => m.sleeps\n");
}

/* The reversed call graph is filled in parts of files, one thread each: the
 * chains must come out as with one thread. r reaches blocking code through p
 * and q at the same depth; p's file comes first, so p's edge is met first. */
static void test_project_blocks_same_with_any_jobs(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"a.py", "import time\ndef slow():\n    time.sleep(1)\n"},
        {"b.py", "from a import slow\ndef p():\n    slow()\n"},
        {"c.py", "from a import slow\ndef q():\n    slow()\n    slow()\n"},
        {"d.py", "from c import q\nfrom b import p\ndef r():\n    q()\n    p()\n"
                 "def s():\n    r()\n"},
    };
    analyse(f, files, 4);
    char *one = strdup(render(f));
    assert_non_null(strstr(one, "fn d.r blocks via b.p depth=2\n"));
    assert_non_null(strstr(one, "fn c.q blocks via a.slow depth=1\n"));
    assert_non_null(strstr(one, "fn d.s blocks via d.r depth=3\n"));
    for (unsigned jobs = 2; jobs <= 6; jobs++) {
        project_free(&f->project);
        project_init(&f->project);
        f->project.jobs = jobs;
        for (uint32_t i = 0; i < f->nfiles; i++)
            for (uint32_t k = 0; k < f->pfs[i].funcs.size; k++) {
                ProjectFunc *fn = &f->pfs[i].funcs.contents[k];
                fn->block_fact = fn->block_call = -1;
                fn->block_depth = 0;
            }
        project_link(&f->project, f->ptrs, f->nfiles);
        assert_string_equal(render(f), one);
    }
    free(one);
}

/* Only calls that may reach the run are kept: builtins, modules outside the
 * run and names rooted at parameters are dropped; nested helpers resolve. */
static void test_chk_summarise_keeps_calls_into_the_run(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"a.py", "import os\n"
                 "import b\n"
                 "from b import g as h\n"
                 "def f(obj):\n"
                 "    def inner():\n"
                 "        pass\n"
                 "    inner()\n"
                 "    os.getcwd()\n"
                 "    len(obj)\n"
                 "    obj.method()\n"
                 "    b.g()\n"
                 "    h()\n"
                 "    f(obj)\n"},
        {"b.py", "def g():\n"
                 "    pass\n"},
    };
    analyse(f, files, 2);
    assert_string_equal(render(f),
                        "a.py module=a\n"
                        "  alias a.os = os\n"
                        "  alias a.b = b\n"
                        "  alias a.h = b.g\n"
                        "  fn a.f\n"
                        "  fn a.f.<locals>.inner\n"
                        "  call 7:5 inner -> a.f.<locals>.inner => a.f.<locals>.inner\n"
                        "  call 11:5 b.g -> b.g => b.g\n"
                        "  call 12:5 h -> b.g => b.g\n"
                        "  call 13:5 f -> a.f => a.f\n"
                        "b.py module=b\n"
                        "  fn b.g\n");
}

/* A limiter held with `async with` marks its function (PF_LIMITS); a name of
 * unknown type gets the benefit of the doubt, a call result does not. */
static void test_chk_summarise_limits(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"l.py", "import asyncio\n"
                 "SEM = asyncio.Semaphore(3)\n"
                 "async def known():\n"
                 "    sem = asyncio.Semaphore(2)\n"
                 "    async with sem:\n"
                 "        pass\n"
                 "async def unknown(lock):\n"
                 "    async with lock:\n"
                 "        pass\n"
                 "async def session(client):\n"
                 "    async with client.get('u'):\n"
                 "        pass\n"
                 "async def timeout():\n"
                 "    async with asyncio.timeout(1):\n"
                 "        pass\n"},
    };
    analyse(f, files, 1);
    assert_string_equal(render(f),
                        "l.py module=l\n"
                        "  alias l.asyncio = asyncio\n"
                        "  fn l.known async limits\n"
                        "  fn l.unknown async limits\n"
                        "  fn l.session async\n"
                        "  fn l.timeout async\n");
}

/* chk_site_key against a byte-by-byte reference: the call's text without
 * blanks, line breaks and backslashes, at most 256 bytes kept, on calls whose
 * text has those at every position of an 8-byte word, other control bytes,
 * UTF-8, and more than 256 bytes to keep. */
static void test_chk_site_key_against_reference(void **state)
{
    (void)state;
    char src[8192];
    size_t at = 0;
    static const char *const pieces[] = {"a", " ", "\t", "\\\n", "\f", "bc", "(x)", ",", "\x01",
                                         "\xc3\xa9", "  ", "defgh", "[1, 2]", "\v"};
    srand(7);
    for (int call = 0; call < 60; call++) {
        at += (size_t)snprintf(src + at, sizeof src - at, "f%d(", call);
        int n = call == 59 ? 400 : rand() % 40;
        for (int k = 0; k < n; k++) {
            const char *piece = pieces[rand() % (int)(sizeof pieces / sizeof *pieces)];
            at += (size_t)snprintf(src + at, sizeof src - at, "%s", piece);
        }
        at += (size_t)snprintf(src + at, sizeof src - at, ")\n");
    }
    Diag d;
    diag_init(&d);
    Unit *u = pyparse_unit("k.py", src, (uint32_t)at, &d);
    ProjectFile pf;
    project_file_init(&pf, "k.py", LANG_PYTHON);
    uint32_t ncalls = 0;
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        if (s->kind != SITE_CALL)
            continue;
        ncalls++;
        char want[257];
        uint32_t n = 0;
        for (uint32_t b = s->off; b < s->end && n < 256; b++) {
            char c = src[b];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\\' && c != '\f')
                want[n++] = c;
        }
        want[n] = '\0';
        assert_string_equal(chk_site_key(&pf, u, s), want);
    }
    assert_true(ncalls >= 60); /* (and the calls in their arguments: `a(x)`) */
    project_file_free(&pf);
    unit_free(u);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_app_module_name_packages),
        T(test_app_module_name_many_dirs),
        T(test_app_module_name_takes_recorded_answers),
        T(test_app_module_name_src_layout),
        T(test_project_absolute_relative_imports),
        T(test_project_file_from_unit_package_files),
        T(test_project_file_from_unit_functions),
        T(test_project_link_resolves_imports_and_reexports),
        T(test_project_link_methods_through_bases),
        T(test_project_lookup_wide_diamond_within_budget),
        T(test_project_blocks_same_with_any_jobs),
        T(test_project_compute_blocks_shortest_chain_cycles_async),
        T(test_chk_summarise_keeps_calls_into_the_run),
        T(test_chk_summarise_limits),
        T(test_chk_site_key_against_reference),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
