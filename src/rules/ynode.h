/* A YAML document as a small tree with source positions, built by the pack and
 * config loaders with libyaml. Engines read their parameters from YNodes, so an
 * error about any value can point at `file:line:col` of that value. Every node
 * and string lives in the arena given to the loader. */
#ifndef LINT_RULES_YNODE_H
#define LINT_RULES_YNODE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"

typedef enum { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } YNodeKind;

typedef struct YNode YNode;
struct YNode {
    YNodeKind kind;
    const char *file; /* path of the YAML file (or `<embedded>/name.yaml`) */
    uint32_t line, col; /* 1-based */
    const char *scalar; /* SCALAR: the value, NUL-terminated */
    YNode **items;      /* SEQ: elements; MAP: values */
    const char **keys;  /* MAP: keys (same order as items) */
    YNode **key_nodes;  /* MAP: key nodes, for positions of key errors */
    uint32_t count;
};

/* Limits on what the input controls (STYLE.md 4); hitting one is an input error. */
#define YNODE_MAX_BYTES ((size_t)4 * 1024 * 1024) /* size of one YAML file */
#define YNODE_MAX_DEPTH 64u                       /* nested lists/maps */
#define YNODE_MAX_NODES 262144u                   /* nodes in one document */

/* Parses one YAML document. On a syntax error reports `file:line:col` to d and
 * returns NULL. Anchors/aliases and tags are rejected (packs are plain data).
 * Columns count code points; `file` is copied into the arena; an empty stream
 * gives an empty MAP at 1:1. Duplicate map keys, non-scalar keys, NUL characters
 * in scalars, a second document and the limits above are errors too: every error
 * is reported (parsing stops at the first syntax error) and the result is NULL. */
YNode *ynode_parse(Arena *a, const char *file, const char *text, size_t len, Diag *d);
/* The value of key in a MAP node, or NULL. */
const YNode *ynode_get(const YNode *map, const char *key);
/* Reports `file:line:col: error: <msg>` at n. Always returns false. */
bool ynode_error(Diag *d, const YNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reads a list of strings: a SEQ of scalars, or a single scalar as a list of one.
 * Returns false (and reports) on other shapes. Result in the arena. */
bool ynode_strings(const YNode *n, Arena *a, Diag *d, const char ***out, uint32_t *count);

/* The key node of key in a MAP node (for errors about the key itself), or NULL. */
const YNode *ynode_get_key(const YNode *map, const char *key);
/* "a string", "a list" or "a map": for "expected X, found Y" messages. */
const char *ynode_kind_name(const YNode *n);
/* Reads a boolean scalar (true/false, any case). Reports `expected true or false
 * for '<what>'` and returns false otherwise. */
bool ynode_bool(const YNode *n, Diag *d, const char *what, bool *out);
/* Levenshtein distance between two byte strings (capped at 255). */
uint32_t ynode_edit_distance(const char *a, const char *b);
/* The candidate closest to word, if close enough to be a plausible typo (distance
 * at most 1 for words up to 4 bytes, else at most a third of the length); NULL if
 * none. For "did you mean" hints. */
const char *ynode_suggest(const char *word, const char *const *candidates, size_t ncandidates);

#endif
