/* The `sarif` format: a SARIF 2.1.0 log with one run, shaped for GitHub code
 * scanning. Paths are URIs relative to %SRCROOT% (originalUriBaseIds gives the
 * absolute root), regions use 1-based lines and code-point columns
 * (columnKind "unicodeCodePoints") with exclusive end columns, results carry
 * partialFingerprints "asynclint/v1" (findings.h: no line numbers in them),
 * call chains become codeFlows, safe rewrites become fixes, and the Diag's input
 * problems become toolExecutionNotifications of the invocation. */
#include "rep_sarif.h"

#include <string.h>

#include "../findings/findings.h"

#define SARIF_SCHEMA                                                                               \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SARIF_ROOT_ID "%SRCROOT%"
#define SARIF_FINGERPRINT "asynclint/v1"

static json_t *text_obj(const char *text)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", rep_jstr(text));
    return o;
}

json_t *rep_sarif_artifact(SarifState *s, const char *path)
{
    json_t *o = json_object();
    const char *rel =
        s->ctx && s->ctx->absolute_uris ? NULL : rep_rel_path(&s->arena, &s->paths, path);
    if (rel) {
        json_object_set_new(o, "uri", rep_jstr(rep_uri_escape(&s->arena, rel)));
        json_object_set_new(o, "uriBaseId", rep_jstr(SARIF_ROOT_ID));
    } else {
        const char *abs = rep_abs_path(&s->arena, &s->paths, path);
        json_object_set_new(
            o, "uri",
            rep_jstr(arena_printf(&s->arena, "file://%s", rep_uri_escape(&s->arena, abs))));
    }
    return o;
}

/* A region; a zero start line means "unknown" and yields NULL. End positions
 * are clamped so that the region is never inverted. */
static json_t *region_json(uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col)
{
    if (line == 0)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "startLine", rep_jint(line));
    if (col)
        json_object_set_new(o, "startColumn", rep_jint(col));
    if (end_line >= line) {
        json_object_set_new(o, "endLine", rep_jint(end_line));
        if (end_col && col && end_line == line && end_col < col)
            end_col = col;
        if (end_col)
            json_object_set_new(o, "endColumn", rep_jint(end_col));
    }
    return o;
}

static json_t *physical_location(SarifState *s, const char *path, json_t *region)
{
    json_t *pl = json_object();
    json_object_set_new(pl, "artifactLocation", rep_sarif_artifact(s, path));
    if (region)
        json_object_set_new(pl, "region", region);
    json_t *loc = json_object();
    json_object_set_new(loc, "physicalLocation", pl);
    return loc;
}

static json_t *primary_location(SarifState *s, const Finding *f)
{
    json_t *loc = physical_location(
        s, f->path, region_json(f->line ? f->line : 1, f->col, f->end_line, f->end_col));
    if (f->function && *f->function) {
        json_t *ll = json_object();
        json_object_set_new(ll, "fullyQualifiedName", rep_jstr(f->function));
        json_object_set_new(ll, "kind", rep_jstr("function"));
        json_t *arr = json_array();
        json_array_append_new(arr, ll);
        json_object_set_new(loc, "logicalLocations", arr);
    }
    return loc;
}

/* codeFlows: one thread flow whose locations are the chain's calls in order. */
static json_t *code_flows(SarifState *s, const Finding *f)
{
    json_t *locs = json_array();
    for (uint32_t i = 0; i < f->nchain; i++) {
        const ChainStep *c = &f->chain[i];
        json_t *loc =
            physical_location(s, c->path ? c->path : f->path,
                              region_json(c->line ? c->line : 1, c->col, c->end_line, c->end_col));
        const char *fn = c->function && *c->function ? c->function : NULL;
        const char *msg = arena_printf(&s->arena, "calls `%s`%s%s%s", c->callee ? c->callee : "?",
                                       fn ? " in `" : "", fn ? fn : "", fn ? "`" : "");
        json_object_set_new(loc, "message", text_obj(msg));
        json_t *tfl = json_object();
        json_object_set_new(tfl, "location", loc);
        json_object_set_new(tfl, "nestingLevel", rep_jint(i));
        json_array_append_new(locs, tfl);
    }
    json_t *tf = json_object();
    json_object_set_new(tf, "locations", locs);
    json_t *tfs = json_array();
    json_array_append_new(tfs, tf);
    json_t *flow = json_object();
    json_object_set_new(flow, "threadFlows", tfs);
    json_t *flows = json_array();
    json_array_append_new(flows, flow);
    return flows;
}

static json_t *fixes_json(SarifState *s, const Finding *f)
{
    const Fix *x = f->fix;
    json_t *rep = json_object();
    json_object_set_new(
        rep, "deletedRegion",
        region_json(x->line ? x->line : 1, x->col ? x->col : 1, x->end_line, x->end_col));
    json_object_set_new(rep, "insertedContent", text_obj(x->replacement));
    json_t *reps = json_array();
    json_array_append_new(reps, rep);
    json_t *change = json_object();
    json_object_set_new(change, "artifactLocation", rep_sarif_artifact(s, f->path));
    json_object_set_new(change, "replacements", reps);
    json_t *changes = json_array();
    json_array_append_new(changes, change);
    json_t *fix = json_object();
    const char *desc =
        x->description && *x->description
            ? x->description
            : arena_printf(&s->arena, "Replace with `%s`", x->replacement ? x->replacement : "");
    json_object_set_new(fix, "description", text_obj(desc));
    json_object_set_new(fix, "artifactChanges", changes);
    json_t *arr = json_array();
    json_array_append_new(arr, fix);
    return arr;
}

static json_t *result_json(SarifState *s, const Finding *f, const char *fingerprint)
{
    json_t *o = json_object();
    json_object_set_new(o, "ruleId", rep_jstr(rep_rule_id(f)));
    int32_t index = rep_sarif_rule_index(s, f->rule);
    if (index >= 0)
        json_object_set_new(o, "ruleIndex", json_integer(index));
    json_object_set_new(o, "level", rep_jstr(rep_severity_name(rep_severity(f))));
    const char *msg = f->message && *f->message ? f->message : rep_rule_name(f);
    json_object_set_new(o, "message", text_obj(*msg ? msg : rep_rule_id(f)));
    json_t *locs = json_array();
    json_array_append_new(locs, primary_location(s, f));
    json_object_set_new(o, "locations", locs);
    json_t *fp = json_object();
    json_object_set_new(fp, SARIF_FINGERPRINT, rep_jstr(fingerprint));
    json_object_set_new(o, "partialFingerprints", fp);
    if (f->nchain)
        json_object_set_new(o, "codeFlows", code_flows(s, f));
    if (f->fix)
        json_object_set_new(o, "fixes", fixes_json(s, f));
    return o;
}

static json_t *notification_json(SarifState *s, const DiagMsg *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "level", rep_jstr(diag_level_name(m->level)));
    json_object_set_new(o, "message", text_obj(m->text));
    if (m->path && *m->path) {
        json_t *locs = json_array();
        json_array_append_new(locs,
                              physical_location(s, m->path, region_json(m->line, m->col, 0, 0)));
        json_object_set_new(o, "locations", locs);
    }
    return o;
}

static json_t *invocations_json(SarifState *s)
{
    json_t *inv = json_object();
    const RepContext *ctx = s->ctx;
    json_object_set_new(inv, "executionSuccessful",
                        json_boolean(!ctx || ctx->execution_successful));
    json_t *notes = json_array();
    for (uint32_t i = 0; ctx && ctx->diag && i < ctx->diag->msgs.size; i++)
        json_array_append_new(notes, notification_json(s, &ctx->diag->msgs.contents[i]));
    json_object_set_new(inv, "toolExecutionNotifications", notes);
    json_t *arr = json_array();
    json_array_append_new(arr, inv);
    return arr;
}

static json_t *driver_json(SarifState *s)
{
    const RepContext *ctx = s->ctx;
    const char *version = ctx && ctx->tool_version ? ctx->tool_version : "0.0.0";
    json_t *d = json_object();
    json_object_set_new(d, "name", rep_jstr("asynclint"));
    json_object_set_new(d, "version", rep_jstr(version));
    json_object_set_new(d, "semanticVersion", rep_jstr(version));
    if (ctx && ctx->information_uri && *ctx->information_uri)
        json_object_set_new(d, "informationUri", rep_jstr(ctx->information_uri));
    json_object_set_new(d, "rules", rep_sarif_rules_json(s));
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", d);
    return tool;
}

static json_t *run_json(SarifState *s, const Finding *items, uint32_t n)
{
    const RepContext *ctx = s->ctx;
    json_t *run = json_object();
    json_object_set_new(run, "tool", driver_json(s));
    json_t *auto_id = json_object();
    json_object_set_new(auto_id, "id",
                        rep_jstr(ctx && ctx->automation_id ? ctx->automation_id : "asynclint/"));
    json_object_set_new(run, "automationDetails", auto_id);
    json_object_set_new(run, "invocations", invocations_json(s));
    if (!ctx || !ctx->absolute_uris) {
        const char *root = rep_uri_escape(&s->arena, s->paths.root);
        bool slash = root[strlen(root) - 1] == '/';
        json_t *base = json_object();
        json_object_set_new(
            base, "uri", rep_jstr(arena_printf(&s->arena, "file://%s%s", root, slash ? "" : "/")));
        json_t *bases = json_object();
        json_object_set_new(bases, SARIF_ROOT_ID, base);
        json_object_set_new(run, "originalUriBaseIds", bases);
    }
    json_t *results = json_array();
    char **fps = finding_fingerprints(&s->arena, items, n);
    for (uint32_t i = 0; i < n; i++)
        json_array_append_new(results, result_json(s, &items[i], fps[i]));
    json_object_set_new(run, "results", results);
    json_object_set_new(run, "columnKind", rep_jstr("unicodeCodePoints"));
    return run;
}

bool rep_sarif_write(FILE *out, const Finding *items, uint32_t n, const RepContext *ctx)
{
    SarifState s = {.ctx = ctx};
    arena_init(&s.arena);
    rep_paths_init(&s.paths, &s.arena, ctx ? ctx->source_root : NULL);
    rep_sarif_pick_rules(&s, items, n);
    json_t *log = json_object();
    json_object_set_new(log, "$schema", rep_jstr(SARIF_SCHEMA));
    json_object_set_new(log, "version", rep_jstr("2.1.0"));
    json_t *runs = json_array();
    json_array_append_new(runs, run_json(&s, items, n));
    json_object_set_new(log, "runs", runs);
    bool ok = rep_json_dump(out, log);
    arena_free(&s.arena);
    return ok;
}
