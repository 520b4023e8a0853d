/* File discovery, the first stage of the pipeline (DESIGN.md "discover"): turns
 * the command line's paths into a sorted, de-duplicated list of files with
 * their language and governing config. Directories are walked recursively,
 * honouring the default and configured excludes and, inside a git work tree,
 * .gitignore (through libgit2, so nested files, negations, info/exclude and
 * core.excludesFile behave exactly as in git). Rules: docs/config.md. */
#ifndef LINT_APP_DISCOVER_H
#define LINT_APP_DISCOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../base/str.h"
#include "../model/model.h"
#include "config.h"

/* Deeper directories are not walked (a note says so): bounds the recursion
 * whatever the file system holds. */
#define APP_DISCOVER_MAX_DEPTH 256

typedef struct AppFile {
    const char *path;      /* display path: as given, normalised (`x.py`, not `./x.py`) */
    Lang lang;
    bool is_explicit;      /* named on the command line (a `.h` is then analysed too) */
    bool context_only;     /* from --context: analysed, never reported */
    const Config *config;  /* governing config; never NULL; owned by the CfgCache */
} AppFile;

typedef struct AppDiscoverOptions {
    CfgCache *configs;     /* required: config lookup, with the --config override if any */
    bool force_exclude;    /* apply exclude and .gitignore to explicit paths too (for
                              pre-commit, which passes every staged file) */
    bool no_gitignore;     /* do not consult .gitignore at all */
    unsigned threads;      /* threads that may list directories (0: one per core) */
} AppDiscoverOptions;

/* Which directories hold an __init__.py (are Python packages), remembered.
 * The walk records every directory it lists, from the listing itself; naming
 * a run's modules (app_module_name) asks about each file's ancestors and goes
 * to the file system only for those the walk did not list (above the paths
 * given, or an __init__.py that is a symbolic link). */
typedef struct AppPackages {
    Arena *arena; /* the directory names */
    StrMap dirs;
} AppPackages;

void app_packages_init(AppPackages *pk, Arena *a);
void app_packages_free(AppPackages *pk);
/* Records whether directory `dir` (kept: an arena string) is a package. */
void app_packages_put(AppPackages *pk, const char *dir, bool package);
/* 1: dir is a package, 0: it is not, -1: not known. */
int app_packages_get(const AppPackages *pk, const char *dir);

typedef struct AppDiscovery {
    AppFile *files;        /* sorted by path bytes, no duplicates; in the caller's arena */
    uint32_t count;
    uint32_t usage_errors; /* explicit paths that are missing, of an unsupported type or
                              not a regular file/directory: exit code 2 */
    uint32_t io_errors;    /* directories that could not be read while walking */
    uint32_t config_errors;/* broken .asynclint.yaml files met (their files are skipped) */
    AppPackages packages;  /* the walked directories; app_packages_free() them */
} AppDiscovery;

/* Expands paths (npaths == 0 means "."); "-" is not special here (the CLI
 * handles stdin). Every problem is reported to d as `path: error: ...` (or a
 * note for a symlink loop or the depth limit) and the walk goes on with the
 * rest. Paths and the array live in a. Returns true when no usage or config
 * error was met (io errors do not make it false). */
bool app_discover(const char *const *paths, uint32_t npaths, const AppDiscoverOptions *opt,
                  Arena *a, Diag *d, AppDiscovery *out);

/* Language of a file by extension: `.py`/`.pyi` are Python, `.c` is C, and `.h`
 * is C only when is_explicit (headers are otherwise analysed through the
 * translation units that include them). False for anything else. Use it for
 * --stdin-filename names too (explicit). */
bool app_discover_lang(const char *path, bool is_explicit, Lang *out);

/* A path as displayed: leading `./` removed, `//` and `/./` collapsed, trailing
 * `/` dropped; `..` kept; "" and "./" become ".". Result in a. */
const char *app_discover_normalize(Arena *a, const char *path);

#endif
