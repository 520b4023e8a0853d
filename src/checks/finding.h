/* Findings: what checks produce. A check appends to a FindingSink and never
 * prints. Every string of a Finding lives in the sink's arena, so a sink can
 * outlive the Unit it was made from (the Unit's arena is freed right after its
 * checks ran). Sorting, suppression, baselines and reports are later passes. */
#ifndef LINT_CHECKS_FINDING_H
#define LINT_CHECKS_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/vec.h"
#include "../model/model.h"
#include "../rules/rules.h"

/* One step of a call chain (AL109, AL701): the call made at path:line:col. */
typedef struct ChainStep {
    const char *path;
    uint32_t line, col, end_line, end_col; /* 1-based, columns in code points */
    const char *function;                  /* the caller's qualified name */
    const char *callee;                    /* what it calls */
} ChainStep;

/* A safe rewrite of the primary region (SARIF `fixes`). */
typedef struct Fix {
    const char *description;
    uint32_t line, col, end_line, end_col; /* region replaced */
    const char *replacement;
} Fix;

/* Longest source line kept as a finding's snippet, in bytes. */
#define FINDING_MAX_SNIPPET 1000

typedef struct Finding {
    const Rule *rule;
    const char *path;      /* display path */
    uint32_t line, col;    /* 1-based; columns in code points */
    uint32_t end_line, end_col; /* exclusive end column */
    const char *message;
    const char *snippet;   /* text of the primary line (no terminator); NULL when unknown
                              or longer than FINDING_MAX_SNIPPET */
    const char *function;  /* qualified name of the enclosing function, "" at module level */
    const char *key;       /* normalised snippet for baselines/fingerprints (whitespace-free) */
    ChainStep *chain;
    uint32_t nchain;
    Fix *fix;              /* NULL when no safe rewrite exists */
} Finding;

typedef struct FindingSink {
    Arena arena;
    Vec(Finding) items;
} FindingSink;

void chk_sink_init(FindingSink *s);
void chk_sink_free(FindingSink *s);
/* Appends the findings of `from` to `into`, with the memory they point to;
 * `from` is left empty. */
void chk_sink_move(FindingSink *into, FindingSink *from);

/* Appends a finding for the span [off, end) of u. `message` is copied. Returns
 * the finding so the caller can attach a chain or a fix (allocated in s->arena). */
Finding *chk_sink_add(FindingSink *s, const Rule *r, const Unit *u, int32_t func, uint32_t off,
                      uint32_t end, const char *message);

/* The message template of rule r for file u: the rule's `message-trio` or
 * `message-anyio` in a Python file that imports trio or anyio and not asyncio
 * (anyio's when it imports both), when the rule has one; else `message`. */
const char *chk_message(const Rule *r, const Unit *u);

/* Expands a message template: `{callee}`, `{function}`, `{args}`, `{chain_end}`...
 * are looked up in the NULL-terminated key/value array `vars`; unknown
 * placeholders are left as written. Result in the arena. */
char *chk_format(Arena *a, const char *tmpl, const char *const *vars);

/* A message's `{also}`: " (it also reaches `a`, `b` and 2 more)" for the n
 * names (and `more` others not named), or "" when there are none. */
const char *chk_also_text(Arena *a, const char *const *names, uint32_t n, uint32_t more);

#endif
