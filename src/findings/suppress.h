/* Suppression comments (SPEC "Suppression"), after ruff's noqa design: a pass of
 * its own after the checks, which never know it exists. While a file's Unit is
 * alive, supp_file_build scans its comments once and copies the directives into
 * an arena the caller keeps; after the checks (including the whole-run ones)
 * supp_filter drops the findings they cover and counts what each one suppressed,
 * so unused directives can be listed.
 *
 * Python: `# noqa` (every rule), `# noqa: AL101, ASYNC251` (codes, any case,
 *   separated by commas and/or spaces; a rule's `aliases` count as its codes),
 *   found anywhere in a comment (`# type: ignore  # noqa: AL101`). `# noqa:` with
 *   no valid code is ignored, as ruff does.
 * C: `// NOLINT`, `// NOLINT(AL101, blocking-sleep)`, `// NOLINTNEXTLINE(...)`,
 *   `NOLINTBEGIN(...)` ... `NOLINTEND(...)`, in `//` or block comments (case-
 *   sensitive, like clang-tidy). Entries match an id, a name or an alias in any
 *   case; `*` matches every rule and `AL1*` is a prefix. `NOLINT()` matches none.
 * Both: `asynclint: skip-file` in a comment on its own line drops every finding
 *   of the file.
 * A directive covers the findings whose PRIMARY (start) line is the line where
 * the directive is written (NOLINTNEXTLINE: the next line). For a statement
 * spread over several lines that is its first line: the line of the first token
 * of the offending call (ruff would use the statement's last line). */
#ifndef LINT_FINDINGS_SUPPRESS_H
#define LINT_FINDINGS_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/vec.h"
#include "../checks/finding.h"
#include "../model/model.h"
#include "../model/project.h"
#include "../rules/rules.h"

typedef enum {
    SUPP_NOQA,   /* Python # noqa */
    SUPP_NOLINT, /* C NOLINT: its own line */
    SUPP_NOLINTNEXTLINE,
    SUPP_NOLINTRANGE, /* NOLINTBEGIN .. NOLINTEND */
} SuppKind;

typedef struct SuppCode {
    const char *code; /* as written (`AL101`, `asyncio251`, `bugprone-*`), in the arena */
    uint32_t used;    /* findings this code suppressed */
} SuppCode;

typedef struct SuppDirective {
    SuppKind kind;
    uint32_t line, col;   /* where it is written: 1-based, column in code points */
    uint32_t first, last; /* lines covered, inclusive (UINT32_MAX: to end of file) */
    bool all;             /* no code list: every rule */
    SuppCode *codes;      /* when !all; may be empty (NOLINT()) */
    uint32_t ncodes;
    uint32_t used; /* findings suppressed (all codes together) */
} SuppDirective;

typedef struct SuppFile {
    const char *path;    /* Unit.path, copied: findings are matched on it */
    bool skip_file;      /* `asynclint: skip-file` seen */
    uint32_t skip_line;  /* line of that comment */
    SuppDirective *dirs; /* sorted by `first`, then by position */
    uint32_t ndirs;
    uint32_t *ranges; /* indices into dirs of the NOLINTBEGIN ranges (rare) */
    uint32_t nranges;
    uint32_t skipped; /* findings dropped by skip-file */
} SuppFile;

/* Scans u's comments for directives. Everything the result needs (path, codes,
 * positions) is copied into `a`, so it stays valid after unit_free. Returns NULL
 * when the file has no directive at all (most files). Malformed directives are
 * ignored, never an error. Reads only u: safe on worker threads as long as each
 * thread passes its own arena. */
SuppFile *supp_file_build(Arena *a, const Unit *u);

/* All files' directives of a run, looked up by path. */
typedef struct SuppTable {
    Vec(SuppFile *) files;
    bool sorted;
} SuppTable;

void supp_table_init(SuppTable *t);
/* Frees the table's own array; the SuppFiles stay in their arenas. */
void supp_table_free(SuppTable *t);
/* Adds a file (NULL is ignored). Adding the same path twice keeps both. */
void supp_table_add(SuppTable *t, SuppFile *f);

/* Whether directive d covers rule r (ignoring lines). */
bool supp_directive_matches(const SuppDirective *d, const Rule *r);

/* Removes from items[0..n) every finding covered by a directive of its file
 * (matched on Finding.path == Unit.path), keeping the order of the others.
 * Updates the usage counters. Returns the new count; *suppressed (may be NULL)
 * receives how many were dropped. Not thread-safe: run once, after all checks. */
uint32_t supp_filter(SuppTable *t, Finding *items, uint32_t n, uint32_t *suppressed);

/* A directive on a blocking call inside a helper that names the call's own
 * rule or AL109 (`urlopen(data_uri)  # noqa: AL102`; C `// NOLINT(AL106)`) says
 * the call does not block there: removes the facts pf's functions recorded on
 * lines that such a directive of sf covers, so no chain reaches the event loop
 * through that call. A blanket `# noqa` or `NOLINT` cuts nothing: it is often
 * written for another linter. Run per file, before the Project is linked;
 * counts each cut as a use of its directive. Returns the facts removed. */
uint32_t supp_cut_facts(SuppFile *sf, ProjectFile *pf, const RuleSet *rs);

/* A code of a directive that suppressed nothing. */
typedef struct SuppUnused {
    const char *path;
    uint32_t line, col; /* of the directive */
    const char *code;   /* as written */
} SuppUnused;

/* Lists, after supp_filter, the codes that name an ENABLED rule of rs (id, alias
 * or name) but suppressed nothing: candidates for an "unused suppression"
 * warning. Blanket directives and foreign codes (`E501`, `bugprone-*`) are never
 * listed: other linters own them. Ordered by path, line, column. The array is in
 * `a`; returns its length (*out = NULL when 0). */
uint32_t supp_unused(SuppTable *t, const RuleSet *rs, Arena *a, SuppUnused **out);

#endif
