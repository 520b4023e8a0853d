/* libFuzzer harness: the Python parser and model builder (pyparse.h). Parses
 * the input into a Unit and validates it with fuzz_check_unit (indices in
 * range, spans inside the source, strings readable); checks the error cap and
 * that every diagnostic names the file with a 1-based position. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/diag.h"
#include "fuzz_common.h"
#include "lang/python/pyparse.h"
#include "lang/python/pyscan.h"

/* Every message is `fuzz.py[:line:col]: ...` with a non-empty text. */
void fuzz_check_diag(const Diag *d, const char *path);

void fuzz_check_diag(const Diag *d, const char *path)
{
    for (uint32_t i = 0; i < d->msgs.size; i++) {
        const DiagMsg *m = &d->msgs.contents[i];
        FUZZ_CHECK(m->path && strcmp(m->path, path) == 0, "diagnostic %u names '%s'", i,
                   m->path ? m->path : "(null)");
        FUZZ_CHECK(m->text && m->text[0], "diagnostic %u has no text", i);
        FUZZ_CHECK(m->col == 0 || m->line >= 1, "diagnostic %u at %u:%u", i, m->line, m->col);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the check run relies on to skip a file (app/select.h): a source whose
 * words hold neither `async` nor `await` has no async context. */
static void check_no_async_without_the_words(const Unit *u, const uint8_t *data, size_t size)
{
    PyWords w;
    uint32_t stop[2] = {pyscan_hash("async", 5), pyscan_hash("await", 5)};
    bool words = pyscan_words(&w, (const char *)data, size, stop, 2);
    pyscan_free(&w);
    for (uint32_t i = 0; !words && i < u->nfuncs; i++)
        FUZZ_CHECK(!unit_is_async_context(u, (int32_t)i),
                   "function %u is an async context, but the scan saw no async/await", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX / 8)
        return 0;
    Diag d;
    diag_init(&d);
    /* one parser for every input, as a worker keeps one for its files: the
     * buffers and tables an input grew serve the next */
    static PyParser *pp;
    if (!pp)
        pp = pyparse_new(NULL);
    Unit *u = pyparse_parse(pp, "fuzz.py", (const char *)data, (uint32_t)size, &d);
    fuzz_check_unit(u, (uint32_t)size);
    check_no_async_without_the_words(u, data, size);
    FUZZ_CHECK(u->lang == LANG_PYTHON, "unit language %d", (int)u->lang);
    unit_free(u);
    fuzz_check_diag(&d, "fuzz.py");
    diag_free(&d);
    return 0;
}
