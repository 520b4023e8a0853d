/* Frontend dispatch and module naming (see frontend.h). */
#include "frontend.h"

#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/xalloc.h"
#include "../lang/c/cfront.h"
#include "../lang/c/cfront_load.h"
#include "../lang/python/pyparse.h"

struct AppFrontends {
    CfrontOptions copts;
    const char *extra[4];
    pthread_mutex_t lock;   /* guards the lazy creation of `shared` */
    CfrontShared *shared;
    bool failed;            /* libclang could not be loaded: reported once */
    Diag shared_diag;       /* compile-database problems, reported once */
    CfrontCtx **ctx;        /* per worker */
    PyParser **py;          /* per worker, made at its first Python file */
    const TypeMap *py_types; /* the Python packs' value types (`returns`) */
    unsigned workers;
};

AppFrontends *app_frontends_new(const AppOptions *opt, unsigned workers, const TypeMap *py_types)
{
    AppFrontends *fe = xcalloc(1, sizeof *fe);
    fe->py_types = py_types;
    fe->copts.compdb = opt->compile_commands ? opt->compile_commands : opt->build_dir;
    fe->workers = workers ? workers : 1;
    fe->ctx = xcalloc(fe->workers, sizeof *fe->ctx);
    fe->py = xcalloc(fe->workers, sizeof *fe->py);
    pthread_mutex_init(&fe->lock, NULL);
    diag_init(&fe->shared_diag);
    return fe;
}

void app_frontends_free(AppFrontends *fe)
{
    if (!fe)
        return;
    for (unsigned i = 0; i < fe->workers; i++) {
        if (fe->ctx[i])
            cfront_ctx_free(fe->ctx[i]);
        pyparse_free(fe->py[i]);
    }
    if (fe->shared)
        cfront_shared_free(fe->shared);
    diag_free(&fe->shared_diag);
    pthread_mutex_destroy(&fe->lock);
    xfree(fe->ctx);
    xfree(fe->py);
    xfree(fe);
}

static CfrontCtx *c_context(AppFrontends *fe, unsigned worker, Diag *d)
{
    if (worker >= fe->workers)
        return NULL;
    if (!fe->ctx[worker]) {
        pthread_mutex_lock(&fe->lock);
        if (!fe->shared && !fe->failed) {
            if (cfront_clang_available(d))
                fe->shared = cfront_shared_new(&fe->copts, d);
            fe->failed = !fe->shared;
        }
        pthread_mutex_unlock(&fe->lock);
        if (!fe->shared)
            return NULL;
        fe->ctx[worker] = cfront_ctx_new(fe->shared);
    }
    return fe->ctx[worker];
}

Unit *app_frontend_parse(AppFrontends *fe, unsigned worker, const AppFile *f, const char *src,
                         size_t len, Diag *d)
{
    if (len > UINT32_MAX - 1) {
        diag_report(d, DIAG_ERROR, f->path, 0, 0, "file too large; skipped");
        return NULL;
    }
    if (f->lang == LANG_PYTHON) {
        if (worker >= fe->workers)
            return pyparse_unit_typed(f->path, src, (uint32_t)len, fe->py_types, d);
        if (!fe->py[worker])
            fe->py[worker] = pyparse_new(fe->py_types);
        return pyparse_parse(fe->py[worker], f->path, src, (uint32_t)len, d);
    }
    CfrontCtx *ctx = c_context(fe, worker, d);
    return ctx ? cfront_parse(ctx, f->path, src, len, d) : NULL;
}

/* Does the directory dir[0..n) hold an __init__.py? Asked of the file system
 * once per directory when pk remembers the answers. */
static bool is_package(AppPackages *pk, const char *dir, size_t n)
{
    char buf[4096];
    if (n + 13 >= sizeof buf)
        return false;
    memcpy(buf, dir, n);
    buf[n] = '\0';
    int known = pk ? app_packages_get(pk, buf) : -1;
    if (known >= 0)
        return known;
    memcpy(buf + n, n ? "/__init__.py" : "__init__.py", n ? 13 : 12);
    struct stat st;
    bool package = stat(buf, &st) == 0 && S_ISREG(st.st_mode);
    if (pk)
        app_packages_put(pk, arena_strndup(pk->arena, dir, n), package);
    return package;
}

const char *app_module_name(Arena *a, AppPackages *pk, const char *path, Lang lang)
{
    if (lang != LANG_PYTHON)
        return NULL;
    size_t len = strlen(path);
    size_t stem = len;
    if (len > 3 && strcmp(path + len - 3, ".py") == 0)
        stem = len - 3;
    else if (len > 4 && strcmp(path + len - 4, ".pyi") == 0)
        stem = len - 4;
    /* Walk up while the directory is a package (has __init__.py). */
    size_t start = stem;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t root = start; /* module path begins at path[root] */
    while (root > 0) {
        size_t dir_end = root - 1; /* the '/' before */
        if (dir_end == 0 || !is_package(pk, path, dir_end)) /* `/x.py`: the root is no package */
            break;
        size_t s = dir_end;
        while (s > 0 && path[s - 1] != '/')
            s--;
        root = s;
    }
    if (stem - root >= 4 && strncmp(path + root, "src/", 4) == 0)
        root += 4;
    char *m = arena_strndup(a, path + root, stem - root);
    for (char *p = m; *p; p++)
        if (*p == '/')
            *p = '.';
    size_t ml = strlen(m);
    if (ml >= 9 && strcmp(m + ml - 9, ".__init__") == 0)
        m[ml - 9] = '\0';
    else if (strcmp(m, "__init__") == 0)
        m[0] = '\0';
    return m;
}
