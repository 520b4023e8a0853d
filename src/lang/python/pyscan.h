/* The words of a Python file, without parsing it: every maximal run of
 * identifier bytes ([A-Za-z0-9_] and any byte >= 0x80), in code, strings and
 * comments alike, as a set of 32-bit hashes. The check run reads a file's
 * words to decide whether the file can matter before it parses it (a file with
 * no `async`, `await` or word a rule looks for cannot hold a finding): a word
 * seen in a string or a comment only makes the answer "parse it", never the
 * other way. One pass over the bytes, no allocation per word. */
#ifndef LINT_LANG_PYTHON_PYSCAN_H
#define LINT_LANG_PYTHON_PYSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The hash pyscan gives a word (never 0). */
uint32_t pyscan_hash(const char *s, size_t n);

/* A set of word hashes (open addressing; 0 marks an empty slot). */
typedef struct PyWords {
    uint32_t *slots; /* heap */
    uint32_t cap;    /* a power of two */
    uint32_t n;      /* distinct words */
    bool compact;    /* shrunk by pyscan_compact: no more pyscan_add */
    bool suspect;    /* pyscan_words: the bytes hold a NUL or are not UTF-8 (the tokenizer
                        has something to say about them) */
} PyWords;

/* An empty set (to fill with pyscan_add). */
void pyscan_init(PyWords *w);
/* Adds a hash (from pyscan_hash) to a set that is not compacted. */
void pyscan_add(PyWords *w, uint32_t h);
/* The distinct words of src. Free with pyscan_free. With stop (may be NULL,
 * nstop hashes), the scan ends at the first of those words, and returns
 * true: the set then holds the words up to it. */
bool pyscan_words(PyWords *w, const char *src, size_t len, const uint32_t *stop, uint32_t nstop);
/* Whether the word with hash h is in w. */
bool pyscan_has(const PyWords *w, uint32_t h);
/* Shrinks w's table to a load of 3/4 (for keeping many sets alive). */
void pyscan_compact(PyWords *w);
void pyscan_free(PyWords *w);

#endif
