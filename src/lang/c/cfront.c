/* The C frontend driver (see cfront.h): picks the command line for a file
 * (compile database or defaults), runs one libclang parse, turns clang's
 * diagnostics into a few of our own, walks the AST into a Unit
 * (cfront_walk.c, cfront_expr.c) and releases the translation unit at once. */
#include "cfront.h"

#include <clang-c/Index.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../base/file.h"
#include "../../base/vec.h"
#include "../../base/xalloc.h"
#include "cfront_comments.h"
#include "cfront_walk.h"
#include "compdb.h"

#ifndef ASYNCLINT_CLANG_RESOURCE_DIR
#define ASYNCLINT_CLANG_RESOURCE_DIR ""
#endif

/* Parse errors shown per file; the rest are counted in Unit.parse_errors. */
#define CFRONT_MAX_ERRORS 3

typedef struct DirDb {
    char *dir;        /* directory of an input */
    CfrontCompdb *db; /* database found for it, or NULL */
} DirDb;

typedef struct LoadedDb {
    char *dir; /* directory holding compile_commands.json */
    CfrontCompdb *db;
} LoadedDb;

struct CfrontShared {
    CfrontOptions opt;
    CfrontCompdb *explicit_db;
    pthread_mutex_t lock; /* guards the discovery caches */
    Vec(DirDb) dirs;
    Vec(LoadedDb) loaded;
    Vec(char *) sys_includes; /* default -I dirs found at start-up (GLib) */
};

struct CfrontCtx {
    CfrontShared *sh;
    CXIndex index;
};

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* GLib puts glib.h and glibconfig.h outside the default search path; adding
 * them when installed lets GLib code parse without a compile database. */
static void find_sys_includes(CfrontShared *sh)
{
    if (is_dir("/usr/include/glib-2.0"))
        vec_push(&sh->sys_includes, xstrdup("/usr/include/glib-2.0"));
    glob_t g;
    if (glob("/usr/lib/*/glib-2.0/include", GLOB_NOSORT, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            vec_push(&sh->sys_includes, xstrdup(g.gl_pathv[i]));
        globfree(&g);
    }
    if (is_dir("/usr/lib/glib-2.0/include"))
        vec_push(&sh->sys_includes, xstrdup("/usr/lib/glib-2.0/include"));
}

CfrontShared *cfront_shared_new(const CfrontOptions *opt, Diag *d)
{
    CfrontShared *sh = xcalloc(1, sizeof *sh);
    if (opt)
        sh->opt = *opt;
    if (sh->opt.compdb) {
        sh->explicit_db = cfront_compdb_open(sh->opt.compdb, d);
        if (!sh->explicit_db) {
            xfree(sh);
            return NULL;
        }
    }
    pthread_mutex_init(&sh->lock, NULL);
    vec_init(&sh->dirs);
    vec_init(&sh->loaded);
    vec_init(&sh->sys_includes);
    find_sys_includes(sh);
    return sh;
}

void cfront_shared_free(CfrontShared *sh)
{
    if (!sh)
        return;
    cfront_compdb_free(sh->explicit_db);
    for (uint32_t i = 0; i < sh->dirs.size; i++)
        xfree(sh->dirs.contents[i].dir);
    for (uint32_t i = 0; i < sh->loaded.size; i++) {
        xfree(sh->loaded.contents[i].dir);
        cfront_compdb_free(sh->loaded.contents[i].db);
    }
    for (uint32_t i = 0; i < sh->sys_includes.size; i++)
        xfree(sh->sys_includes.contents[i]);
    vec_free(&sh->dirs);
    vec_free(&sh->loaded);
    vec_free(&sh->sys_includes);
    pthread_mutex_destroy(&sh->lock);
    xfree(sh);
}

CfrontCtx *cfront_ctx_new(CfrontShared *sh)
{
    CfrontCtx *ctx = xcalloc(1, sizeof *ctx);
    ctx->sh = sh;
    /* excludeDeclarationsFromPCH = 0, displayDiagnostics = 0: we report ourselves */
    ctx->index = clang_createIndex(0, 0);
    return ctx;
}

void cfront_ctx_free(CfrontCtx *ctx)
{
    if (!ctx)
        return;
    clang_disposeIndex(ctx->index);
    xfree(ctx);
}

/* ---- command lines -------------------------------------------------------- */

/* The database for an input in directory `dir`: found once per directory. */
static CfrontCompdb *discover(CfrontShared *sh, const char *dir, Diag *d)
{
    pthread_mutex_lock(&sh->lock);
    CfrontCompdb *db = NULL;
    for (uint32_t i = 0; i < sh->dirs.size; i++)
        if (strcmp(sh->dirs.contents[i].dir, dir) == 0) {
            db = sh->dirs.contents[i].db;
            goto done;
        }
    char *found = cfront_compdb_find(dir);
    if (found) {
        for (uint32_t i = 0; i < sh->loaded.size && !db; i++)
            if (strcmp(sh->loaded.contents[i].dir, found) == 0)
                db = sh->loaded.contents[i].db;
        if (!db) {
            db = cfront_compdb_open(found, d); /* a broken one is reported once */
            LoadedDb l = {xstrdup(found), db};
            vec_push(&sh->loaded, l);
        }
        xfree(found);
    }
    DirDb e = {xstrdup(dir), db};
    vec_push(&sh->dirs, e);
done:
    pthread_mutex_unlock(&sh->lock);
    return db;
}

/* The nearest `include/` directory at or above dir (stopping at a
 * repository root), pushed as -I. */
static void push_project_include(CfrontArgs *args, Arena *a, const char *dir)
{
    char cur[PATH_MAX];
    snprintf(cur, sizeof cur, "%s", dir);
    for (int level = 0; level < 8; level++) {
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/include", cur);
        if (is_dir(probe)) {
            cfront_args_push(args, a, arena_printf(a, "-I%s", probe));
            return;
        }
        snprintf(probe, sizeof probe, "%s/.git", cur);
        char *slash = strrchr(cur, '/');
        if (access(probe, F_OK) == 0 || !slash || slash == cur)
            return;
        *slash = '\0';
    }
}

static void default_args(const CfrontShared *sh, const char *abs, const char *dir, Arena *a,
                         CfrontArgs *args)
{
    size_t n = strlen(abs);
    bool header = n > 2 && strcmp(abs + n - 2, ".h") == 0;
    cfront_args_push(args, a, "-x");
    cfront_args_push(args, a, header ? "c-header" : "c");
    cfront_args_push(args, a, "-std=gnu17");
    cfront_args_push(args, a, arena_printf(a, "-I%s", dir));
    push_project_include(args, a, dir);
    for (uint32_t i = 0; i < sh->sys_includes.size; i++)
        cfront_args_push(args, a, arena_printf(a, "-I%s", sh->sys_includes.contents[i]));
}

/* Absolute form of path (resolved when it exists: stdin names need not). */
static char *absolute(Arena *a, const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf))
        return arena_strdup(a, buf);
    if (path[0] == '/')
        return arena_strdup(a, path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return arena_strdup(a, path);
    return arena_printf(a, "%s/%s", cwd, path);
}

Unit *cfront_parse(CfrontCtx *ctx, const char *path, const char *src, size_t len, Diag *d)
{
    Arena a;
    arena_init(&a);
    char *abs = absolute(&a, path);
    char *dir = arena_strdup(&a, abs);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    CfrontShared *sh = ctx->sh;
    CfrontCompdb *db = sh->explicit_db;
    if (!db && !sh->opt.no_discovery)
        db = discover(sh, dir, d);
    CfrontArgs args = {0};
    if (!db || !cfront_compdb_args_for(db, abs, &a, &args))
        default_args(sh, abs, dir, &a, &args);
    for (uint32_t i = 0; i < sh->opt.nextra; i++)
        cfront_args_push(&args, &a, sh->opt.extra_args[i]);
    Unit *u = cfront_parse_args(ctx, path, args.v, args.n, src, len, d);
    arena_free(&a);
    return u;
}

/* ---- diagnostics ---------------------------------------------------------- */

typedef struct DiagState {
    uint32_t errors, shown;
    bool missing; /* a header was not found: later errors follow from it */
} DiagState;

/* `'uv.h' file not found` -> uv.h (into buf). */
static bool missing_header(const char *msg, char *buf, size_t cap)
{
    const char *end = strstr(msg, "' file not found");
    if (msg[0] != '\'' || !end || end <= msg + 1)
        return false;
    snprintf(buf, cap, "%.*s", (int)(end - msg - 1), msg + 1);
    return true;
}

static void report_one(Unit *u, CXFile mainf, CXDiagnostic dg, DiagState *st, Diag *d)
{
    CXFile f = NULL;
    unsigned line = 0, col = 0, off = 0;
    clang_getFileLocation(clang_getDiagnosticLocation(dg), &f, &line, &col, &off);
    if (!f) /* driver complaints (unknown GCC flags): not about the code */
        return;
    bool in_main = clang_File_isEqual(f, mainf);
    if (in_main && off <= u->len)
        unit_pos(u, off, &line, &col); /* columns in code points */
    CXString fname = clang_getFileName(f);
    char *where = xstrdup(in_main ? u->path : clang_getCString(fname));
    clang_disposeString(fname);
    CXString msg = clang_getDiagnosticSpelling(dg);
    const char *m = clang_getCString(msg);
    char header[256];
    if (missing_header(m, header, sizeof header)) {
        if (!st->missing)
            diag_report(d, DIAG_NOTE, where, line, col,
                        "header '%s' not found; analysing what parsed (pass -p BUILD_DIR or "
                        "--compile-commands FILE for the project's flags)",
                        header);
        st->missing = true;
    } else {
        st->errors++;
        if (!st->missing && st->shown < CFRONT_MAX_ERRORS) {
            diag_report(d, DIAG_ERROR, where, line, col, "%s", m);
            st->shown++;
        }
    }
    clang_disposeString(msg);
    xfree(where);
}

static void report_diagnostics(Unit *u, CXTranslationUnit tu, CXFile mainf, Diag *d)
{
    DiagState st = {0, 0, false};
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic dg = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error)
            report_one(u, mainf, dg, &st, d);
        clang_disposeDiagnostic(dg);
    }
    if (!st.missing && st.errors > st.shown)
        diag_report(d, DIAG_NOTE, u->path, 0, 0, "%u more errors not shown; analysing what parsed",
                    st.errors - st.shown);
    u->parse_errors = st.errors;
}

/* ---- parsing -------------------------------------------------------------- */

static bool readable(const char *path, const char *abs, Diag *d)
{
    struct stat st;
    if (stat(abs, &st) != 0 || access(abs, R_OK) != 0) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "not a regular file");
        return false;
    }
    if ((size_t)st.st_size > FILE_MAX_BYTES) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "file larger than %zu bytes skipped",
                    FILE_MAX_BYTES);
        return false;
    }
    return true;
}

static const unsigned PARSE_FLAGS =
    CXTranslationUnit_KeepGoing | CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;

static CXTranslationUnit run_clang(CfrontCtx *ctx, const char *abs, const char *const *args,
                                   int nargs, const char *src, size_t len, Arena *a)
{
    CfrontArgs all = {0};
    for (int i = 0; i < nargs; i++)
        cfront_args_push(&all, a, args[i]);
    if (!cfront_args_has(&all, "-resource-dir") && ASYNCLINT_CLANG_RESOURCE_DIR[0]) {
        cfront_args_push(&all, a, "-resource-dir");
        cfront_args_push(&all, a, ASYNCLINT_CLANG_RESOURCE_DIR);
    }
    /* We read no warnings, and typo correction after missing headers is slow. */
    cfront_args_push(&all, a, "-w");
    cfront_args_push(&all, a, "-fno-spell-checking");
    struct CXUnsavedFile uf = {abs, src, (unsigned long)len};
    CXTranslationUnit tu = NULL;
    enum CXErrorCode e = clang_parseTranslationUnit2(
        ctx->index, abs, all.v, all.n, src ? &uf : NULL, src ? 1 : 0, PARSE_FLAGS, &tu);
    if (e != CXError_Success && tu) {
        clang_disposeTranslationUnit(tu);
        tu = NULL;
    }
    return tu;
}

static Unit *build_unit(CXTranslationUnit tu, CXFile mainf, const char *path, const char *src,
                        size_t len, Diag *d)
{
    Unit *u = unit_new(path, LANG_C, "", 0);
    if (!src) {
        size_t size = 0;
        const char *buf = clang_getFileContents(tu, mainf, &size);
        char *copy = arena_strndup(&u->arena, buf ? buf : "", buf ? size : 0);
        src = copy;
        len = buf ? size : 0;
    }
    u->src = src;
    u->len = (uint32_t)len;
    lines_build(&u->lines, &u->arena, u->src, u->len);
    report_diagnostics(u, tu, mainf, d);
    CfrontWalk w;
    memset(&w, 0, sizeof w);
    w.u = u;
    w.mainf = mainf;
    cfront_walk_tu(&w, tu);
    cfront_scan_comments(u);
    unit_index_sites(u);
    return u;
}

Unit *cfront_parse_args(CfrontCtx *ctx, const char *path, const char *const *args, int nargs,
                        const char *src, size_t len, Diag *d)
{
    if (src && len > FILE_MAX_BYTES) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "input larger than %zu bytes skipped",
                    FILE_MAX_BYTES);
        return NULL;
    }
    Arena a;
    arena_init(&a);
    char *abs = absolute(&a, path);
    Unit *u = NULL;
    if (!src && !readable(path, abs, d))
        goto done;
    CXTranslationUnit tu = run_clang(ctx, abs, args, nargs, src, len, &a);
    CXFile mainf = tu ? clang_getFile(tu, abs) : NULL;
    if (!tu || !mainf) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "libclang could not parse this file");
        if (tu)
            clang_disposeTranslationUnit(tu);
        goto done;
    }
    u = build_unit(tu, mainf, path, src, len, d);
    clang_disposeTranslationUnit(tu);
done:
    arena_free(&a);
    return u;
}
