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

/* Parses one YAML document. On a syntax error reports `file:line:col` to d and
 * returns NULL. Anchors/aliases and tags are rejected (packs are plain data). */
YNode *ynode_parse(Arena *a, const char *file, const char *text, size_t len, Diag *d);
/* The value of key in a MAP node, or NULL. */
const YNode *ynode_get(const YNode *map, const char *key);
/* Reports `file:line:col: error: <msg>` at n. Always returns false. */
bool ynode_error(Diag *d, const YNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reads a list of strings: a SEQ of scalars, or a single scalar as a list of one.
 * Returns false (and reports) on other shapes. Result in the arena. */
bool ynode_strings(const YNode *n, Arena *a, Diag *d, const char ***out, uint32_t *count);

#endif
