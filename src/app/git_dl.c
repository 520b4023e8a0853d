/* Loading libgit2 at first use (see git_dl.h). */
#define APP_GIT_DL_IMPL
#include "git_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef ASYNCLINT_LIBGIT2_PATH
#define ASYNCLINT_LIBGIT2_PATH "libgit2.so"
#endif

static AppGit table;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char error[512];

static void load(void)
{
    static const char *const names[] = {ASYNCLINT_LIBGIT2_PATH, "libgit2.so.1.5", "libgit2.so"};
    void *h = NULL;
    for (size_t i = 0; !h && i < sizeof names / sizeof *names; i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!h && i == 0)
            snprintf(error, sizeof error, "cannot load libgit2 (%s): %s", names[i], dlerror());
    }
    if (!h)
        return;
    void *sym;
#define APP_GIT_LOOKUP(f)                                                                          \
    sym = dlsym(h, #f);                                                                           \
    if (!sym) {                                                                                    \
        snprintf(error, sizeof error, "libgit2 has no %s", #f);                                   \
        return;                                                                                    \
    }                                                                                              \
    memcpy(&table.f, &sym, sizeof sym);
    APP_GIT_FUNCTIONS(APP_GIT_LOOKUP)
#undef APP_GIT_LOOKUP
    table.loaded = true;
}

bool app_git_load(const char **why)
{
    pthread_once(&once, load);
    if (!table.loaded && why)
        *why = error;
    return table.loaded;
}

const AppGit *app_git_table(void)
{
    pthread_once(&once, load);
    return &table;
}
