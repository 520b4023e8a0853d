/* Loading libclang at first use (see clang_dl.h). */
#include "clang_dl.h" /* built with CFRONT_CLANG_DL_IMPL: no redirection here */

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef ASYNCLINT_LIBCLANG_PATH
#define ASYNCLINT_LIBCLANG_PATH "libclang.so"
#endif

static CfrontClang table;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char error[512];

/* The path found at build time first, then the sonames a distribution ships. */
static void *open_library(void)
{
    static const char *const names[] = {ASYNCLINT_LIBCLANG_PATH, "libclang-14.so.1",
                                        "libclang.so.1", "libclang.so"};
    void *h = NULL;
    for (size_t i = 0; !h && i < sizeof names / sizeof *names; i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!h && i == 0)
            snprintf(error, sizeof error, "cannot load libclang (%s): %s", names[i], dlerror());
    }
    return h;
}

static void load(void)
{
    void *h = open_library();
    if (!h)
        return;
    void *sym;
#define CFRONT_CLANG_LOOKUP(f)                                                                     \
    sym = dlsym(h, #f);                                                                           \
    if (!sym) {                                                                                    \
        snprintf(error, sizeof error, "libclang has no %s: %s", #f, dlerror());                   \
        return;                                                                                    \
    }                                                                                              \
    memcpy(&table.f, &sym, sizeof sym);
    CFRONT_CLANG_FUNCTIONS(CFRONT_CLANG_LOOKUP)
#undef CFRONT_CLANG_LOOKUP
    table.loaded = true; /* the library stays loaded for the life of the process */
}

bool cfront_clang_load(Diag *d)
{
    pthread_once(&once, load);
    if (!table.loaded && d)
        diag_report(d, DIAG_ERROR, NULL, 0, 0, "%s; C files are not analysed", error);
    return table.loaded;
}

const CfrontClang *cfront_clang_table(void)
{
    pthread_once(&once, load);
    return &table;
}

bool cfront_clang_available(Diag *d)
{
    return cfront_clang_load(d);
}
