/* Helpers the unit tests share (linked into every tests/unit executable):
 * temporary trees, and the check driver's steps on a set of Python sources.
 * They fail the running cmocka test on any error. */
#ifndef ASYNCLINT_TESTS_SUPPORT_H
#define ASYNCLINT_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "checks/registry.h"
#include "model/project.h"
#include "rules/rules.h"

/* A fresh directory /tmp/asynclint-<tag>-XXXXXX, its path in buf. */
void ts_make_dir(char *buf, size_t n, const char *tag);
/* Removes dir and everything under it (entries a test made unreadable too). */
void ts_remove_tree(const char *dir);
/* Writes text to dir/rel (dir NULL: rel is the path), creating the directories. */
void ts_write_file(const char *dir, const char *rel, const char *text);

/* What diag_print would print for d, as a heap string (free it). */
char *ts_diag_text(const Diag *d);

/* The default packs, every rule enabled, and their check environment. */
void ts_default_env(RuleSet **rs, ChkEnv **env, Diag *d);
/* Binds rule `id` of `lang` to engine (its pack must name that check) and
 * enables it; any problem reported fails the test. */
Rule *ts_bind_rule(RuleSet *rs, const char *id, Lang lang, const CheckEngine *engine, Diag *d);
/* The lines of the sink's findings, in order, as "L1 L2 ..." (a static buffer). */
const char *ts_finding_lines(const FindingSink *sink);

typedef struct TsSrc {
    const char *rel, *text;
} TsSrc;

enum { TS_MAX_FILES = 16 };

/* Python sources in a temporary tree, analysed as `asynclint check` does with
 * the default packs. Tests use the fields directly. */
typedef struct TsRun {
    Arena arena;
    Diag diag;
    char dir[64];                       /* the temporary tree */
    RuleSet *rs;
    ChkEnv *env;
    FindingSink sinks[TS_MAX_FILES];    /* per file, as the check driver keeps them */
    FindingSink whole;                  /* the whole-run checks' findings */
    ProjectFile pfs[TS_MAX_FILES];
    ProjectFile *ptrs[TS_MAX_FILES];
    uint32_t nfiles;
    Project project;
    char *text;                         /* a test's rendering, freed with the run */
} TsRun;

/* A run over a fresh tree /tmp/asynclint-<tag>-XXXXXX. */
TsRun *ts_run_new(const char *tag);
/* Frees everything and removes the tree. */
void ts_run_free(TsRun *r);
/* The check driver's steps (src/app/check.c) for sources given in path order:
 * writes them under the tree, names their modules and sets the run's roots,
 * then per file parse -> summary -> per-file checks, then links the Project;
 * with whole, the whole-run checks too. */
void ts_run_analyse(TsRun *r, const TsSrc *files, uint32_t n, bool whole);

#endif
