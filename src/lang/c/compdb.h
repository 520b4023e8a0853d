/* Compile databases for the C frontend: compile_commands.json through
 * libclang's CXCompilationDatabase (which also infers a command for files the
 * database does not list, such as headers), turned into the flags
 * clang_parseTranslationUnit2 wants: compiler, output, dependency-file and
 * -Werror flags removed, relative include paths made absolute (see compdb.c). */
#ifndef LINT_LANG_C_COMPDB_H
#define LINT_LANG_C_COMPDB_H

#include <stdbool.h>

#include "../../base/arena.h"
#include "../../base/diag.h"

typedef struct CfrontCompdb CfrontCompdb;

/* A command line under construction; strings and array live in an arena. */
typedef struct CfrontArgs {
    const char **v;
    int n, cap;
} CfrontArgs;

void cfront_args_push(CfrontArgs *args, Arena *a, const char *s);
/* Whether an argument equal to `s`, or starting with `s` and '=', is present. */
bool cfront_args_has(const CfrontArgs *args, const char *s);

/* Loads a database from a build directory, or from a compile_commands.json
 * file (its directory is loaded). On failure reports `path: error: ...` to d
 * and returns NULL. Safe to query from several threads (internally locked). */
CfrontCompdb *cfront_compdb_open(const char *dir_or_file, Diag *d);
void cfront_compdb_free(CfrontCompdb *db);

/* Appends the flags of the compile command for `abs_path` (absolute) to out,
 * strings copied into a. Returns false when the database has no command for it. */
bool cfront_compdb_args_for(CfrontCompdb *db, const char *abs_path, Arena *a, CfrontArgs *out);

/* Walks up from directory `abs_dir` looking for DIR/compile_commands.json or
 * DIR/build/compile_commands.json. Returns the directory holding the file
 * (heap string, caller xfrees) or NULL. */
char *cfront_compdb_find(const char *abs_dir);

#endif
