/* Line table for a source buffer: byte offset -> 1-based line and 1-based column
 * counted in code points (what editors and SARIF's "unicodeCodePoints" expect).
 * Built once per file in O(n); lookups are a binary search plus a scan of one line. */
#ifndef LINT_BASE_LINES_H
#define LINT_BASE_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct LineTable {
    const char *src;
    uint32_t len;
    uint32_t *starts; /* byte offset of each line's first byte; in the arena */
    uint32_t count;
} LineTable;

/* Lines end at \n, \r\n or a lone \r (Python's universal newlines). */
void lines_build(LineTable *t, Arena *a, const char *src, uint32_t len);
/* 1-based line of byte offset off (clamped to the buffer). */
uint32_t lines_line(const LineTable *t, uint32_t off);
/* 1-based line and code-point column of byte offset off. */
void lines_pos(const LineTable *t, uint32_t off, uint32_t *line, uint32_t *col);
/* The text of 1-based line n without its terminator. */
const char *lines_text(const LineTable *t, uint32_t n, uint32_t *len);

#endif
