/* Reading Python block structure from the source lines, for the questions the
 * model does not answer: where an `except` handler's body ends, where the
 * `try` body of a handler starts, which `raise` statements a body holds,
 * whether a block has an `await`. Indentation decides blocks, as in Python;
 * comments and string literals (also triple-quoted ones spanning lines at any
 * indentation) are skipped. Every function only reads Unit.src and stays
 * inside the bounds it is given. Offsets are bytes. */
#ifndef LINT_CHECKS_PYSRC_H
#define LINT_CHECKS_PYSRC_H

#include <stdbool.h>
#include <stdint.h>

#include "../model/model.h"

/* Byte column of off within its line. */
uint32_t chk_pysrc_column(const Unit *u, uint32_t off);
/* The offset of the last quote of the string literal opening at src[at]
 * (single-line literals end at the line end if unterminated), at most `end`. */
uint32_t chk_pysrc_string_end(const Unit *u, uint32_t at, uint32_t end);
/* The start of the first code line in (from, to) indented no deeper than col,
 * or `to`: where a block whose header sits at column col and ends at `from`
 * ends. */
uint32_t chk_pysrc_block_end(const Unit *u, uint32_t from, uint32_t to, uint32_t col);
/* For the first `except` of a try statement (at offset first_except): the body
 * of its `try:` as [*from, *to), found by reading forward from scan_from (the
 * start of the enclosing function) for the last `try` line at the `except`'s
 * column. False when there is none (the caller must then assume anything
 * about the body). */
bool chk_pysrc_try_body(const Unit *u, uint32_t scan_from, uint32_t first_except, uint32_t *from,
                        uint32_t *to);
/* Whether src[from, to) holds one of the NULL-terminated keywords as a whole
 * word, outside comments and strings. */
bool chk_pysrc_has_word(const Unit *u, uint32_t from, uint32_t to, const char *const *words);
/* Calls fn(ctx, at) for every occurrence of `word` in src[from, to) that starts
 * a statement (first on its line, or after `:` / `;`), outside comments and
 * strings; stops when fn returns false. */
typedef bool (*PySrcWordFn)(void *ctx, uint32_t at);
void chk_pysrc_each_statement(const Unit *u, uint32_t from, uint32_t to, const char *word,
                              PySrcWordFn fn, void *ctx);
/* Whether c can be part of a dotted Python name. */
bool chk_pysrc_name_char(char c);

#endif
