/* Format selection and the atomic --output-file path (see report.h). */
#include "rep_util.h"

#include <string.h>

#include "../base/file.h"
#include "../base/xalloc.h"

static const char *const format_names[] = {"text", "gcc", "json", "github", "sarif"};

void rep_context_init(RepContext *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->summary = true;
    ctx->execution_successful = true;
}

bool rep_parse_format(const char *name, RepFormat *out)
{
    for (int i = 0; name && i < (int)(sizeof format_names / sizeof *format_names); i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *out = (RepFormat)i;
            return true;
        }
    }
    return false;
}

const char *rep_format_name(RepFormat fmt)
{
    return (unsigned)fmt < sizeof format_names / sizeof *format_names ? format_names[fmt] : "?";
}

bool rep_write(FILE *out, RepFormat fmt, const Finding *items, uint32_t n, const RepContext *ctx)
{
    switch (fmt) {
    case REP_TEXT:
        return rep_text_write(out, items, n, ctx);
    case REP_GCC:
        return rep_gcc_write(out, items, n, ctx);
    case REP_JSON:
        return rep_json_write(out, items, n, ctx);
    case REP_GITHUB:
        return rep_github_write(out, items, n, ctx);
    case REP_SARIF:
        return rep_sarif_write(out, items, n, ctx);
    }
    return false;
}

bool rep_write_to_path(const char *path, RepFormat fmt, const Finding *items, uint32_t n,
                       const RepContext *ctx, Diag *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: out of memory for the report");
        return false;
    }
    bool ok = rep_write(mem, fmt, items, n, ctx);
    if (fclose(mem) != 0)
        ok = false;
    if (!ok)
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: the report could not be built");
    else
        ok = file_write_atomic(path, buf, len, d);
    xfree(buf); /* malloc-ed by open_memstream; xfree is free */
    return ok;
}
