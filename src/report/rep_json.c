/* The `json` format: one array of finding objects, built with jansson (no
 * hand-written escaping). The schema is documented in docs/json-format.md;
 * keys are written in that order. */
#include "rep_util.h"

#include "../findings/findings.h"

static json_t *chain_json(const Finding *f)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < f->nchain; i++) {
        const ChainStep *s = &f->chain[i];
        json_t *o = json_object();
        json_object_set_new(o, "path", rep_jstr(s->path ? s->path : f->path));
        json_object_set_new(o, "line", rep_jint(s->line));
        json_object_set_new(o, "column", rep_jint(s->col));
        json_object_set_new(o, "function", rep_jstr(s->function));
        json_object_set_new(o, "callee", rep_jstr(s->callee));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *fix_json(const Fix *x)
{
    if (!x)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "description", rep_jstr(x->description));
    json_object_set_new(o, "replacement", rep_jstr(x->replacement));
    json_object_set_new(o, "line", rep_jint(x->line));
    json_object_set_new(o, "column", rep_jint(x->col));
    json_object_set_new(o, "end_line", rep_jint(x->end_line));
    json_object_set_new(o, "end_column", rep_jint(x->end_col));
    return o;
}

static json_t *finding_json(const Finding *f, const char *fingerprint)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule", rep_jstr(rep_rule_id(f)));
    json_object_set_new(o, "name", rep_jstr(rep_rule_name(f)));
    json_object_set_new(o, "severity", rep_jstr(rep_severity_name(rep_severity(f))));
    json_object_set_new(o, "path", rep_jstr(f->path));
    json_object_set_new(o, "line", rep_jint(f->line));
    json_object_set_new(o, "column", rep_jint(f->col));
    json_object_set_new(o, "end_line", rep_jint(f->end_line));
    json_object_set_new(o, "end_column", rep_jint(f->end_col));
    json_object_set_new(o, "message", rep_jstr(f->message));
    json_object_set_new(o, "function", rep_jstr(f->function));
    json_object_set_new(o, "chain", chain_json(f));
    json_object_set_new(o, "fix", fix_json(f->fix));
    json_object_set_new(o, "fingerprint", rep_jstr(fingerprint));
    return o;
}

bool rep_json_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx)
{
    Arena a;
    arena_init(&a);
    char **fps = finding_fingerprints(&a, items, n);
    json_t *arr = json_array();
    for (uint32_t i = 0; i < n; i++)
        json_array_append_new(arr, finding_json(&items[i], fps[i]));
    bool ok = rep_json_dump(out, arr);
    arena_free(&a);
    return ok;
}
