/* Baselines for adopting asynclint on legacy code (SPEC `--baseline`,
 * `--write-baseline`): a multiset of findings recorded by rule, path and the
 * line-independent key hash (findings.h), never by line number. Filtering a run
 * against it removes as many findings per (rule, path, key) as were recorded and
 * leaves the new ones. This module is the in-memory half; the JSON file format
 * is read and written by report/ (rep_baseline_load / rep_baseline_save). */
#ifndef LINT_FINDINGS_BASELINE_H
#define LINT_FINDINGS_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/vec.h"
#include "../checks/finding.h"
#include "findings.h"

typedef struct BaselineEntry {
    const char *rule;               /* rule id */
    const char *path;               /* finding_norm_path of the display path */
    char key[FINDING_HASH_HEX + 1]; /* finding_key_hash */
    const char *function;           /* informational: enclosing function, "" at module level */
    const char *message;            /* informational: message of the first occurrence */
    uint32_t count;                 /* findings recorded with this (rule, path, key) */
    uint32_t remaining;             /* count not yet matched by baseline_filter */
} BaselineEntry;

typedef struct Baseline {
    Arena arena;                /* owns every string of the entries */
    Vec(BaselineEntry) entries; /* unique (rule, path, key) after baseline_finish */
    bool finished;              /* sorted and merged */
} Baseline;

void baseline_init(Baseline *b);
void baseline_free(Baseline *b);

/* Records `count` findings for (rule, path, key); strings are copied. path is
 * normalised with finding_norm_path. function/message may be NULL. */
void baseline_add(Baseline *b, const char *rule, const char *path, const char *key,
                  const char *function, const char *message, uint32_t count);

/* Records every finding of items[0..n) (after suppression, typically). */
void baseline_add_findings(Baseline *b, const Finding *items, uint32_t n);

/* Sorts entries by path, rule, key and merges repeats (counts add up). Called by
 * baseline_filter and the writer; safe to call more than once. */
void baseline_finish(Baseline *b);

/* Removes from items[0..n) the findings the baseline accounts for (multiset: an
 * entry with count 2 absorbs two matching findings), keeping the order of the
 * others, and returns the new count. *stale (may be NULL) receives how many
 * recorded findings matched nothing in this run (fixed, moved to another file,
 * or edited): the "N baseline entries are stale" note. Call once per run. */
uint32_t baseline_filter(Baseline *b, Finding *items, uint32_t n, uint32_t *stale);

#endif
