/* Baseline files: the JSON form of findings/baseline.h. Written sorted, with a
 * version field, so the file diffs cleanly in review; read strictly, so a
 * damaged or foreign file is a configuration error (exit 2), never a silently
 * empty baseline. */
#include "rep_util.h"

#include <string.h>

#include "../base/file.h"
#include "../base/xalloc.h"

#define BASELINE_VERSION 1

static json_t *entry_json(const BaselineEntry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule", rep_jstr(e->rule));
    json_object_set_new(o, "path", rep_jstr(e->path));
    json_object_set_new(o, "function", rep_jstr(e->function));
    json_object_set_new(o, "key", rep_jstr(e->key));
    json_object_set_new(o, "count", rep_jint(e->count));
    if (e->message)
        json_object_set_new(o, "message", rep_jstr(e->message));
    return o;
}

bool rep_baseline_write(FILE *out, Baseline *b)
{
    baseline_finish(b);
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(BASELINE_VERSION));
    json_object_set_new(root, "tool", rep_jstr("asynclint"));
    json_t *arr = json_array();
    for (uint32_t i = 0; i < b->entries.size; i++)
        json_array_append_new(arr, entry_json(&b->entries.contents[i]));
    json_object_set_new(root, "entries", arr);
    return rep_json_dump(out, root);
}

bool rep_baseline_save(const char *path, const Finding *items, uint32_t n, Diag *d)
{
    Baseline b;
    baseline_init(&b);
    baseline_add_findings(&b, items, n);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    bool ok = mem != NULL;
    if (mem) {
        ok = rep_baseline_write(mem, &b);
        ok = fclose(mem) == 0 && ok;
    }
    if (ok)
        ok = file_write_atomic(path, buf, len, d);
    else
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write the baseline");
    xfree(buf); /* malloc-ed by open_memstream; xfree is free */
    baseline_free(&b);
    return ok;
}

static bool is_key(const char *s)
{
    if (strlen(s) != FINDING_HASH_HEX)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* Optional string member: NULL when absent; *bad set when present but not a string. */
static const char *opt_string(json_t *o, const char *name, bool *bad)
{
    json_t *v = json_object_get(o, name);
    if (v && !json_is_string(v))
        *bad = true;
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/* Validates and adds one entry; returns the name of the offending field or NULL. */
static const char *load_entry(Baseline *b, json_t *e)
{
    if (!json_is_object(e))
        return "(entry is not an object)";
    bool bad = false, bad_function = false, bad_message = false;
    const char *rule = opt_string(e, "rule", &bad);
    const char *path = opt_string(e, "path", &bad);
    const char *key = opt_string(e, "key", &bad);
    const char *function = opt_string(e, "function", &bad_function);
    const char *message = opt_string(e, "message", &bad_message);
    json_t *count = json_object_get(e, "count");
    if (!rule || !*rule)
        return "rule";
    if (!path || !*path)
        return "path";
    if (!key || !is_key(key))
        return "key";
    if (!json_is_integer(count) || json_integer_value(count) < 1 ||
        json_integer_value(count) > (json_int_t)UINT32_MAX)
        return "count";
    if (bad_function || bad_message)
        return bad_function ? "function" : "message";
    baseline_add(b, rule, path, key, function, message, (uint32_t)json_integer_value(count));
    return NULL;
}

static bool load_root(Baseline *b, json_t *root, const char *path, Diag *d)
{
    json_t *version = json_object_get(root, "version");
    json_t *entries = json_object_get(root, "entries");
    if (!json_is_object(root) || !json_is_integer(version) || !json_is_array(entries)) {
        diag_report(d, DIAG_ERROR, path, 0, 0,
                    "baseline: expected an object with an integer \"version\" and an "
                    "\"entries\" array (written by --write-baseline)");
        return false;
    }
    if (json_integer_value(version) != BASELINE_VERSION) {
        diag_report(d, DIAG_ERROR, path, 0, 0,
                    "baseline: unsupported version %lld (this asynclint reads version %d)",
                    (long long)json_integer_value(version), BASELINE_VERSION);
        return false;
    }
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const char *field = load_entry(b, json_array_get(entries, i));
        if (field) {
            diag_report(d, DIAG_ERROR, path, 0, 0,
                        "baseline: entry %zu: missing or invalid field '%s'", i + 1, field);
            return false;
        }
    }
    baseline_finish(b);
    return true;
}

static bool load_file(Baseline *b, const char *path, Diag *d)
{
    char *buf;
    size_t len;
    if (!file_read_all(path, &buf, &len, d))
        return false;
    json_error_t err;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    xfree(buf);
    if (!root) {
        diag_report(d, DIAG_ERROR, path, err.line > 0 ? (uint32_t)err.line : 0,
                    err.column > 0 ? (uint32_t)err.column : 0, "baseline: invalid JSON: %s",
                    err.text);
        return false;
    }
    bool ok = load_root(b, root, path, d);
    json_decref(root);
    return ok;
}

bool rep_baseline_load(Baseline *b, const char *path, Diag *d)
{
    baseline_init(b);
    if (load_file(b, path, d))
        return true;
    baseline_free(b); /* nothing half-loaded survives; b is empty and valid */
    baseline_init(b);
    return false;
}
