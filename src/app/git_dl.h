/* libgit2, loaded on first use, like libclang (src/lang/c/clang_dl.h): linking
 * it costs every process a few milliseconds of dynamic linking (it pulls in
 * Kerberos, TLS and SSH libraries), which an editor linting one file from stdin
 * on every save must not pay. Force-included into discover.c, the only user;
 * each `git_x(...)` call goes through a table filled by dlsym. */
#ifndef LINT_APP_GIT_DL_H
#define LINT_APP_GIT_DL_H

#include <stdbool.h>

#include <git2.h>

#define APP_GIT_FUNCTIONS(X)                                                                       \
    X(git_libgit2_init)                                                                            \
    X(git_libgit2_shutdown)                                                                        \
    X(git_libgit2_opts)                                                                            \
    X(git_repository_open_ext)                                                                     \
    X(git_repository_workdir)                                                                      \
    X(git_repository_free)                                                                         \
    X(git_ignore_path_is_ignored)

typedef struct AppGit {
#define APP_GIT_MEMBER(f) __typeof__(&f) f;
    APP_GIT_FUNCTIONS(APP_GIT_MEMBER)
#undef APP_GIT_MEMBER
    bool loaded;
} AppGit;

/* Loads libgit2 once; false (and *why set) if it cannot be. Thread-safe. */
bool app_git_load(const char **why);
const AppGit *app_git_table(void);

#ifndef APP_GIT_DL_IMPL
#define git_libgit2_init (app_git_table()->git_libgit2_init)
#define git_libgit2_shutdown (app_git_table()->git_libgit2_shutdown)
#define git_libgit2_opts (app_git_table()->git_libgit2_opts)
#define git_repository_open_ext (app_git_table()->git_repository_open_ext)
#define git_repository_workdir (app_git_table()->git_repository_workdir)
#define git_repository_free (app_git_table()->git_repository_free)
#define git_ignore_path_is_ignored (app_git_table()->git_ignore_path_is_ignored)
#endif

#endif
