/* An index of call-name patterns, so that matching a call against every rule's
 * list costs a few hash lookups instead of a scan: exact names (`time.sleep`),
 * prefixes (`requests.*` matches any name under `requests.`) and suffixes
 * (`*.run_in_executor`). Patterns may carry an argument condition (C: `fgets`
 * only when argument 2 is `stdin`). Built once per run in the RuleSet's arena. */
#ifndef LINT_CHECKS_CALLINDEX_H
#define LINT_CHECKS_CALLINDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../base/str.h"
#include "../model/model.h"
#include "../rules/ynode.h"

typedef enum { PAT_EXACT, PAT_PREFIX, PAT_SUFFIX } PatKind;

#define CHK_IDX_FILTER_BITS 4096

typedef struct CallPattern {
    PatKind kind;
    const char *text;       /* the pattern as written, for messages */
    Str key;                /* exact name, prefix (without `.*`) or suffix (without `*.`) */
    const void *owner;      /* the Rule (or NULL for pack tables) */
    bool exclude;           /* an `exclude:` entry: a match vetoes the owner's matches */
    int32_t arg;            /* argument condition index, or -1 */
    const char *keyword;    /* or the argument given as this keyword, if it is (NULL: none) */
    const char **is;        /* argument text must be one of these (NULL: no condition) */
    uint32_t nis;
    const char **is_not;    /* argument text must be none of these */
    uint32_t nnot;
} CallPattern;

typedef struct CallIndex {
    CallPattern *pats;      /* all patterns, in insertion order */
    uint32_t npats;
    uint32_t cap;
    /* hash tables of pattern indices (chained through `next`) per kind */
    uint32_t *heads[3];
    uint32_t *next;
    uint32_t nbuckets;
    /* Fast rejection, since most calls match nothing (`self.x()`, locals): the
     * first components of all exact/prefix patterns, and how many trailing
     * components suffix patterns have at most. */
    Str *roots;             /* open addressing, nbuckets slots */
    uint32_t max_suffix_parts;
    /* Cheaper still, before any hashing: a bit per (first byte, last byte,
     * length) class of the roots and of the suffix keys. A clear bit means no
     * key of that class (most names are rejected here; ~5 million lookups in
     * a run over the stdlib). */
    uint64_t root_filter[CHK_IDX_FILTER_BITS / 64];
    uint64_t suffix_filter[CHK_IDX_FILTER_BITS / 64];
    bool built;
} CallIndex;

/* Parses one `calls:`/`exclude:` entry (a string pattern, or a map
 * {call, arg, is, not}) into *out; reports shape errors to d at the entry. */
bool chk_idx_parse(const YNode *n, Arena *a, Diag *d, CallPattern *out);
void chk_idx_add(CallIndex *ix, Arena *a, const CallPattern *p);
/* Builds the hash tables; call after the last chk_idx_add. */
void chk_idx_build(CallIndex *ix, Arena *a);

typedef bool (*CallMatchFn)(void *ctx, const CallPattern *p);
/* Calls fn for every pattern (of any owner) matching the name `name` and whose
 * argument condition holds for `site` (site may be NULL: conditions then fail).
 * When the site's callee is rooted at a local binding (SITE_F_ROOT_LOCAL), only
 * suffix patterns (`*.run_until_complete`) are tried.
 * Excludes are reported like other patterns; callers apply them. Stops early if
 * fn returns false. */
void chk_idx_match(const CallIndex *ix, Str name, const Unit *u, const Site *site, CallMatchFn fn,
                   void *ctx);
/* The argument pattern p names in site: the one passed as p->keyword if the
 * call names it, else the one at position p->arg (whatever its form); -1 if
 * none (or p names no argument). */
int32_t chk_idx_arg(const CallPattern *p, const Site *site);
/* Whether any pattern matches (argument conditions included). */
bool chk_idx_any(const CallIndex *ix, Str name, const Unit *u, const Site *site);

#endif
