/* libFuzzer harness: the Python tokenizer alone (pytok.h). Pulls tokens until
 * ENDMARKER and checks what the parser relies on: the tokenizer terminates
 * (at most len*4+100 tokens: every token but INDENT/DEDENT/NEWLINE/ENDMARKER
 * consumes input), every token lies inside the source and tokens never move
 * backwards, lines are 1-based and ENDMARKER is sticky; and pytok_next_core,
 * which the parser takes, gives the same tokens (kind, operator, keyword and
 * span) on a second tokenizer over the same bytes. Also the word scan the
 * check run reads files with (check_scan). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/diag.h"
#include "fuzz_common.h"
#include "lang/python/pyscan.h"
#include "lang/python/pytok.h"
#include "lang/python/pytok_int.h"

static void check_token(const PyToken *tok, const PyToken *prev, uint32_t len)
{
    FUZZ_CHECK(tok->start <= tok->end && tok->end <= len, "token %s [%u,%u) of %u bytes",
               pytok_kind_name(tok->kind), tok->start, tok->end, len);
    FUZZ_CHECK(tok->start >= prev->start, "token %s at %u after a token at %u",
               pytok_kind_name(tok->kind), tok->start, prev->start);
    FUZZ_CHECK(tok->line >= 1 && tok->end_line >= tok->line, "token %s lines %u..%u",
               pytok_kind_name(tok->kind), tok->line, tok->end_line);
    FUZZ_CHECK(tok->line >= prev->line, "token on line %u after line %u", tok->line,
               prev->line);
    if (tok->kind == PYTOK_OP)
        FUZZ_CHECK(tok->op > PYOP_NONE && tok->op < PYOP_COUNT, "operator %u", tok->op);
    if (tok->kind == PYTOK_NAME)
        FUZZ_CHECK(tok->kw < PYKW_COUNT, "keyword %u", tok->kw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool word_byte(uint8_t c)
{
    return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The word scan (pyscan.c, 64 bytes at a time) against a byte-by-byte
 * reference: the same distinct words, the same verdict on NUL bytes and
 * UTF-8, and a compacted set that still holds every word. */
static void check_scan(const uint8_t *data, uint32_t len)
{
    PyWords w, ref;
    pyscan_words(&w, (const char *)data, len, NULL, 0);
    pyscan_init(&ref);
    for (uint32_t i = 0; i < len;) {
        if (!word_byte(data[i])) {
            i++;
            continue;
        }
        uint32_t start = i;
        while (i < len && word_byte(data[i]))
            i++;
        uint32_t h = pyscan_hash((const char *)data + start, i - start);
        FUZZ_CHECK(pyscan_has(&w, h), "word at [%u,%u) missing from the scan", start, i);
        pyscan_add(&ref, h);
    }
    FUZZ_CHECK(w.n == ref.n, "the scan has %u words, the reference %u", w.n, ref.n);
    bool suspect = len && memchr(data, 0, len);
    for (uint32_t i = 0; i < len && !suspect;) {
        uint32_t n = data[i] < 0x80 ? 1 : pytok_utf8_seq(data + i, len - i < 4 ? len - i : 4);
        suspect = n == 0;
        i += n;
    }
    FUZZ_CHECK(w.suspect == suspect, "suspect %d, expected %d", w.suspect, suspect);
    pyscan_compact(&w);
    for (uint32_t k = 0; k < ref.cap; k++)
        FUZZ_CHECK(!ref.slots[k] || pyscan_has(&w, ref.slots[k]), "a word lost by compacting");
    pyscan_free(&w);
    pyscan_free(&ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX / 8)
        return 0;
    uint32_t len = (uint32_t)size;
    Diag d;
    diag_init(&d);
    PyTok t, c;
    pytok_init(&t, (const char *)data, len, "fuzz.py", (size & 1) ? &d : NULL);
    pytok_init(&c, (const char *)data, len, "fuzz.py", NULL);
    uint64_t bound = (uint64_t)len * 4 + 100, n = 0;
    PyToken prev = {.kind = PYTOK_ENDMARKER, .line = 1};
    for (;;) {
        PyToken tok = pytok_next(&t);
        n++;
        FUZZ_CHECK(n <= bound, "more than %llu tokens for %u bytes", (unsigned long long)bound,
                   len);
        check_token(&tok, &prev, len);
        PyTokCore core = pytok_next_core(&c);
        FUZZ_CHECK(pytok_core_kind(core) == tok.kind && pytok_core_op(core) == tok.op &&
                       pytok_core_kw(core) == tok.kw && pytok_core_start(core) == tok.start &&
                       pytok_core_end(core) == tok.end,
                   "pytok_next_core gave %s [%u,%u) where pytok_next gave %s [%u,%u)",
                   pytok_kind_name(pytok_core_kind(core)), pytok_core_start(core),
                   pytok_core_end(core), pytok_kind_name(tok.kind), tok.start, tok.end);
        prev = tok;
        if (tok.kind == PYTOK_ENDMARKER)
            break;
    }
    check_scan(data, len);
    PyToken again = pytok_next(&t);
    FUZZ_CHECK(again.kind == PYTOK_ENDMARKER, "token %s after ENDMARKER",
               pytok_kind_name(again.kind));
    diag_free(&d);
    return 0;
}
