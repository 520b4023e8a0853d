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

/* The check driver's steps (src/app/check.c) for Python sources given in path
 * order: writes them under dir, names their modules and sets the run's roots,
 * then per file parse -> summary -> per-file checks, then links the Project.
 * pfs and ptrs hold n entries; file i reports into sinks[i] (initialised
 * here), or every file into sinks[0] when one_sink. *nfiles counts the
 * summaries initialised so far, for the caller's teardown. */
void ts_analyse_python(ChkEnv *env, Arena *a, Diag *diag, const char *dir, const TsSrc *files,
                       uint32_t n, ProjectFile *pfs, ProjectFile **ptrs, uint32_t *nfiles,
                       FindingSink *sinks, bool one_sink, Project *project);

#endif
