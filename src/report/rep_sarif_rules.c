/* SARIF tool.driver.rules: one reportingDescriptor per rule, with what GitHub
 * code scanning shows in its rule help panel: shortDescription (first sentence
 * of the rationale), fullDescription (the rationale), help as text and markdown
 * (rationale + bad/good examples as fenced code), helpUri, the default level and
 * properties (tags, precision, problem.severity). */
#include "rep_sarif.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

static bool rule_named(const Finding *items, uint32_t n, const Rule *r)
{
    for (uint32_t i = 0; i < n; i++)
        if (items[i].rule == r)
            return true;
    return false;
}

static int cmp_rule_id(const void *x, const void *y)
{
    const Rule *a = *(const Rule *const *)x, *b = *(const Rule *const *)y;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

void rep_sarif_pick_rules(SarifState *s, const Finding *items, uint32_t n)
{
    const RuleSet *rs = s->ctx ? s->ctx->rules : NULL;
    uint32_t cap = (rs ? rs->nrules : 0) + n;
    s->rules = ARENA_ARRAY(&s->arena, const Rule *, cap ? cap : 1);
    s->nrules = 0;
    for (uint32_t i = 0; rs && i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        bool named = rule_named(items, n, r);
        if (!r->enabled && !named)
            continue;
        /* One descriptor per id: an id has a Python and a C variant (rules are
         * sorted by id, then language); describe the one the findings use. */
        const Rule *prev = s->nrules ? s->rules[s->nrules - 1] : NULL;
        if (prev && prev->id && r->id && strcmp(prev->id, r->id) == 0) {
            if (named && !rule_named(items, n, prev))
                s->rules[s->nrules - 1] = r;
            continue;
        }
        s->rules[s->nrules++] = r;
    }
    uint32_t extra = s->nrules;
    for (uint32_t i = 0; i < n; i++)
        if (items[i].rule && rep_sarif_rule_index(s, items[i].rule) < 0)
            s->rules[s->nrules++] = items[i].rule;
    if (s->nrules - extra > 1)
        qsort(s->rules + extra, s->nrules - extra, sizeof *s->rules, cmp_rule_id);
}

int32_t rep_sarif_rule_index(const SarifState *s, const Rule *r)
{
    for (uint32_t i = 0; i < s->nrules; i++)
        if (s->rules[i] == r)
            return (int32_t)i;
    for (uint32_t i = 0; r && r->id && i < s->nrules; i++)
        if (s->rules[i]->id && strcmp(s->rules[i]->id, r->id) == 0)
            return (int32_t)i;
    return -1;
}

/* s with surrounding whitespace removed and inner line breaks turned into
 * spaces (YAML folded text may still hold some). */
static char *one_paragraph(Arena *a, const char *s)
{
    while (s && isspace((unsigned char)*s))
        s++;
    char *out = arena_strdup(a, s ? s : "");
    size_t n = strlen(out);
    while (n && isspace((unsigned char)out[n - 1]))
        out[--n] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return out;
}

/* The first sentence of text (up to `.`, `!` or `?` followed by a space). */
static char *first_sentence(Arena *a, const char *text)
{
    char *s = one_paragraph(a, text);
    for (char *p = s; *p; p++) {
        if ((*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || p[1] == '\0')) {
            p[1] = '\0';
            break;
        }
    }
    return s;
}

/* A code fence longer than any backtick run inside the example. */
static char *fence_for(Arena *a, const char *code)
{
    size_t longest = 0, run = 0;
    for (const char *p = code; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    size_t n = longest >= 3 ? longest + 1 : 3;
    char *f = arena_alloc(a, n + 1);
    memset(f, '`', n);
    return f;
}

/* Copy of s without trailing line breaks and spaces. */
static char *rstrip(Arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    size_t n = strlen(out);
    while (n && isspace((unsigned char)out[n - 1]))
        out[--n] = '\0';
    return out;
}

static const char *code_block(Arena *a, const char *title, const char *code, const char *lang)
{
    const char *fence = fence_for(a, code);
    return arena_printf(a, "\n\n**%s**\n\n%s%s\n%s\n%s", title, fence, lang, rstrip(a, code),
                        fence);
}

static const char *aliases_line(Arena *a, const Rule *r, bool markdown)
{
    if (!r->naliases)
        return "";
    const char *list = "";
    for (uint32_t i = 0; i < r->naliases; i++)
        list = arena_printf(a, "%s%s%s%s%s", list, i ? ", " : "", markdown ? "`" : "",
                            r->aliases[i], markdown ? "`" : "");
    return arena_printf(a, "\n\nEquivalent codes honoured in suppression comments: %s.", list);
}

/* help.text: rationale, then the examples under `Bad:` / `Good:`; help.markdown:
 * the same with the examples as fenced code blocks in the rule's language. */
static json_t *help_json(Arena *a, const Rule *r, const char *rationale)
{
    const char *lang = r->language == LANG_C ? "c" : "python";
    const char *text = rationale, *md = rationale;
    if (r->example_bad && *r->example_bad) {
        text = arena_printf(a, "%s\n\nBad:\n%s", text, rstrip(a, r->example_bad));
        md = arena_printf(a, "%s%s", md, code_block(a, "Bad", r->example_bad, lang));
    }
    if (r->example_good && *r->example_good) {
        text = arena_printf(a, "%s\n\nGood:\n%s", text, rstrip(a, r->example_good));
        md = arena_printf(a, "%s%s", md, code_block(a, "Good", r->example_good, lang));
    }
    text = arena_printf(a, "%s%s", text, aliases_line(a, r, false));
    md = arena_printf(a, "%s%s", md, aliases_line(a, r, true));
    json_t *o = json_object();
    json_object_set_new(o, "text", rep_jstr(text));
    json_object_set_new(o, "markdown", rep_jstr(md));
    return o;
}

static json_t *tags_json(const Rule *r)
{
    json_t *tags = json_array();
    const char *lang = r->language == LANG_C ? "c" : "python";
    for (uint32_t i = 0; i < r->ntags; i++) {
        bool seen = false; /* SARIF requires unique tags */
        for (uint32_t j = 0; j < i; j++)
            seen |= strcmp(r->tags[i], r->tags[j]) == 0;
        if (!seen && r->tags[i] && *r->tags[i])
            json_array_append_new(tags, rep_jstr(r->tags[i]));
    }
    bool has_lang = false;
    for (uint32_t i = 0; i < r->ntags; i++)
        has_lang |= r->tags[i] && strcmp(r->tags[i], lang) == 0;
    if (!has_lang)
        json_array_append_new(tags, rep_jstr(lang));
    return tags;
}

static const char *problem_severity(Severity s)
{
    return s == SEV_NOTE ? "recommendation" : rep_severity_name(s);
}

static json_t *text_obj(const char *text)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", rep_jstr(text));
    return o;
}

static const char *help_uri(Arena *a, const RepContext *ctx, const Rule *r)
{
    if (r->help_uri && *r->help_uri)
        return r->help_uri;
    if (!ctx || !ctx->help_uri_base || !*ctx->help_uri_base || !r->id)
        return NULL;
    char *anchor = arena_strdup(a, r->id);
    for (char *p = anchor; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return arena_printf(a, "%s#%s", ctx->help_uri_base, anchor);
}

static json_t *rule_json(SarifState *s, const Rule *r)
{
    Arena *a = &s->arena;
    const char *id = r->id ? r->id : "";
    const char *name = r->name && *r->name ? r->name : id;
    const char *rationale = one_paragraph(a, r->rationale);
    if (!*rationale)
        rationale = name; /* GitHub rejects empty descriptions */
    json_t *o = json_object();
    json_object_set_new(o, "id", rep_jstr(id));
    json_object_set_new(o, "name", rep_jstr(name));
    json_object_set_new(o, "shortDescription", text_obj(first_sentence(a, rationale)));
    json_object_set_new(o, "fullDescription", text_obj(rationale));
    json_object_set_new(o, "help", help_json(a, r, rationale));
    const char *uri = help_uri(a, s->ctx, r);
    if (uri)
        json_object_set_new(o, "helpUri", rep_jstr(uri));
    json_t *conf = json_object();
    json_object_set_new(conf, "level", rep_jstr(rep_severity_name(r->severity)));
    json_object_set_new(o, "defaultConfiguration", conf);
    json_t *props = json_object();
    json_object_set_new(props, "tags", tags_json(r));
    json_object_set_new(props, "precision", rep_jstr(r->precision ? r->precision : "high"));
    json_object_set_new(props, "problem.severity", rep_jstr(problem_severity(r->severity)));
    json_object_set_new(o, "properties", props);
    return o;
}

json_t *rep_sarif_rules_json(SarifState *s)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < s->nrules; i++)
        json_array_append_new(arr, rule_json(s, s->rules[i]));
    return arr;
}
