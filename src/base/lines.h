/* Line table for a source buffer: byte offset -> 1-based line and 1-based column
 * counted in code points (what editors and SARIF's "unicodeCodePoints" expect).
 * Built once per file in O(n); lookups are a binary search plus a scan of one line. */
#ifndef LINT_BASE_LINES_H
#define LINT_BASE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct LineTable {
    const char *src;
    uint32_t len;
    uint32_t *starts; /* byte offset of each line's first byte; in the arena */
    uint32_t count;
    bool ascii;       /* no byte >= 0x80: a column is the byte distance + 1 */
    /* Memo of the last lines_pos answer, so that queries in increasing order on
     * one long line (a minified file, a 50 MB single line) cost the distance
     * from the previous query, not from the line start. A cache only: the
     * table belongs to one thread, like its Unit. */
    uint32_t memo_off, memo_line, memo_col;
    uint32_t hint;    /* 0-based line of the last lines_line answer (a cache too) */
} LineTable;

/* Lines end at \n, \r\n or a lone \r (Python's universal newlines). */
void lines_build(LineTable *t, Arena *a, const char *src, uint32_t len);
/* 1-based line of byte offset off (clamped to the buffer). */
uint32_t lines_line(const LineTable *t, uint32_t off);
/* 1-based line and code-point column of byte offset off. O(log lines) for ASCII
 * files; otherwise also O(distance from the previous query on the same line). */
void lines_pos(const LineTable *t, uint32_t off, uint32_t *line, uint32_t *col);
/* The text of 1-based line n without its terminator. */
const char *lines_text(const LineTable *t, uint32_t n, uint32_t *len);

#endif
