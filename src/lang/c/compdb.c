/* Compile databases (see compdb.h): loading, per-file flags, discovery. */
#include "compdb.h"

#include <clang-c/CXCompilationDatabase.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../base/xalloc.h"

struct CfrontCompdb {
    CXCompilationDatabase db;
    pthread_mutex_t lock; /* libclang does not promise concurrent queries are safe */
};

void cfront_args_push(CfrontArgs *args, Arena *a, const char *s)
{
    if (args->n == args->cap) {
        int cap = args->cap ? args->cap * 2 : 32;
        const char **v = ARENA_ARRAY(a, const char *, cap);
        if (args->n)
            memcpy(v, args->v, sizeof *v * (size_t)args->n);
        args->v = v;
        args->cap = cap;
    }
    args->v[args->n++] = arena_strdup(a, s);
}

bool cfront_args_has(const CfrontArgs *args, const char *s)
{
    size_t n = strlen(s);
    for (int i = 0; i < args->n; i++)
        if (strncmp(args->v[i], s, n) == 0 && (args->v[i][n] == '\0' || args->v[i][n] == '='))
            return true;
    return false;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

CfrontCompdb *cfront_compdb_open(const char *dir_or_file, Diag *d)
{
    char *dir = xstrdup(dir_or_file);
    if (!is_dir(dir)) {
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
        else
            strcpy(dir, ".");
    }
    char json[4096];
    snprintf(json, sizeof json, "%s/compile_commands.json", dir);
    if (access(json, R_OK) != 0) {
        diag_report(d, DIAG_ERROR, dir_or_file, 0, 0, "no readable compile_commands.json in '%s'",
                    dir);
        xfree(dir);
        return NULL;
    }
    CXCompilationDatabase_Error err = CXCompilationDatabase_NoError;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir, &err);
    if (err != CXCompilationDatabase_NoError || !db) {
        diag_report(d, DIAG_ERROR, json, 0, 0, "cannot load the compile database (invalid JSON?)");
        xfree(dir);
        return NULL;
    }
    xfree(dir);
    CfrontCompdb *cdb = xcalloc(1, sizeof *cdb);
    cdb->db = db;
    pthread_mutex_init(&cdb->lock, NULL);
    return cdb;
}

void cfront_compdb_free(CfrontCompdb *db)
{
    if (!db)
        return;
    clang_CompilationDatabase_dispose(db->db);
    pthread_mutex_destroy(&db->lock);
    xfree(db);
}

/* Flags that take the next argument as their value and must go with it. */
static bool drops_next(const char *s)
{
    static const char *const two[] = {"-o", "-MF", "-MT", "-MQ", "-MJ", "--serialize-diagnostics"};
    for (size_t i = 0; i < sizeof two / sizeof *two; i++)
        if (strcmp(s, two[i]) == 0)
            return true;
    return false;
}

/* Flags that would make libclang write files, stop before parsing or turn
 * warnings into parse errors. */
static bool drops_self(const char *s)
{
    static const char *const one[] = {"-c",           "-S",    "-E",          "-M",
                                      "-MM",          "-MD",   "-MMD",        "-MP",
                                      "-MG",          "-pipe", "-save-temps", "-pedantic-errors",
                                      "-fsyntax-only"};
    for (size_t i = 0; i < sizeof one / sizeof *one; i++)
        if (strcmp(s, one[i]) == 0)
            return true;
    if (strncmp(s, "-Werror", 7) == 0 || strncmp(s, "-o", 2) == 0)
        return true;
    return strncmp(s, "-MF", 3) == 0 || strncmp(s, "-MT", 3) == 0 || strncmp(s, "-MQ", 3) == 0;
}

/* Whether argument `s` names the command's own source file. */
static bool is_source(const char *s, const char *file, const char *dir, const char *abs_path)
{
    if (s[0] == '-')
        return false;
    if (strcmp(s, file) == 0 || strcmp(s, abs_path) == 0)
        return true;
    char joined[PATH_MAX], real[PATH_MAX];
    snprintf(joined, sizeof joined, "%s/%s", dir, s);
    return realpath(s[0] == '/' ? s : joined, real) && strcmp(real, abs_path) == 0;
}

/* Options whose value is a path (separate or joined). Relative paths are
 * relative to the command's directory; they are made absolute here because
 * clang's `-working-directory` would chdir the whole process (LLVM 14's real
 * file system), which other threads and relative input paths cannot afford. */
static const char *const PATH_OPTS[] = {
    "-include-pch", "-include",  "-imacros",
    "-isystem",     "-iquote",   "-idirafter",
    "-isysroot",    "--sysroot", "-iwithprefixbefore",
    "-iwithprefix", "-iprefix",  "-I",
    "-F",           "-B",        NULL}; /* longest first where one prefixes another */

static const char *absolute_in(Arena *a, const char *dir, const char *path)
{
    if (path[0] == '/' || path[0] == '\0')
        return path;
    return arena_printf(a, "%s/%s", dir, path);
}

/* If s is a path option, pushes it with an absolute path and returns true;
 * *takes_next is set when the path is the following argument. */
static bool push_path_opt(CfrontArgs *out, Arena *a, const char *dir, const char *s,
                          bool *takes_next)
{
    *takes_next = false;
    for (size_t i = 0; PATH_OPTS[i]; i++) {
        size_t n = strlen(PATH_OPTS[i]);
        if (strncmp(s, PATH_OPTS[i], n) != 0)
            continue;
        if (s[n] == '\0') {
            *takes_next = true;
            cfront_args_push(out, a, s);
            return true;
        }
        const char *v = s + n + (s[n] == '='); /* -I<dir>, --sysroot=<dir> */
        cfront_args_push(out, a,
                         arena_printf(a, "%.*s%s", (int)(v - s), s, absolute_in(a, dir, v)));
        return true;
    }
    return false;
}

static void copy_command(CXCompileCommand cmd, const char *abs_path, Arena *a, CfrontArgs *out)
{
    CXString dirs = clang_CompileCommand_getDirectory(cmd);
    CXString files = clang_CompileCommand_getFilename(cmd);
    char *dir = arena_strdup(a, clang_getCString(dirs));
    char *file = arena_strdup(a, clang_getCString(files));
    clang_disposeString(dirs);
    clang_disposeString(files);
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    bool path_next = false, skip_next = false;
    for (unsigned i = 1; i < n; i++) { /* argv[0] is the compiler */
        CXString cs = clang_CompileCommand_getArg(cmd, i);
        const char *s = clang_getCString(cs);
        bool stop = strcmp(s, "--") == 0; /* only input files follow */
        if (skip_next || stop) {
            skip_next = false;
        } else if (path_next) {
            cfront_args_push(out, a, absolute_in(a, dir, s));
            path_next = false;
        } else if (drops_next(s)) {
            skip_next = true;
        } else if (!push_path_opt(out, a, dir, s, &path_next) && !drops_self(s) &&
                   !is_source(s, file, dir, abs_path)) {
            cfront_args_push(out, a, s);
        }
        clang_disposeString(cs);
        if (stop)
            break;
    }
}

bool cfront_compdb_args_for(CfrontCompdb *db, const char *abs_path, Arena *a, CfrontArgs *out)
{
    pthread_mutex_lock(&db->lock);
    CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db->db, abs_path);
    bool found = cmds && clang_CompileCommands_getSize(cmds) > 0;
    if (found)
        copy_command(clang_CompileCommands_getCommand(cmds, 0), abs_path, a, out);
    if (cmds)
        clang_CompileCommands_dispose(cmds);
    pthread_mutex_unlock(&db->lock);
    return found;
}

char *cfront_compdb_find(const char *abs_dir)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", abs_dir);
    for (;;) {
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/compile_commands.json", dir);
        if (access(probe, R_OK) == 0)
            return xstrdup(dir);
        snprintf(probe, sizeof probe, "%s/build/compile_commands.json", dir);
        if (access(probe, R_OK) == 0) {
            snprintf(probe, sizeof probe, "%s/build", dir);
            return xstrdup(probe);
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return NULL;
        *slash = '\0';
    }
}
