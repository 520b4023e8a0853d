/* One rule of a pack: reads and checks the metadata every rule has (id, name,
 * check, severity, message, rationale, example...) and keeps the rule map itself
 * as the engine's parameters, which chk_registry_bind validates later. Also reads
 * `extend:` entries, which add parameters to a rule of another pack. */
#include <ctype.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

static const char *const META_KEYS[] = {
    "id",      "name",    "check",  "severity", "message",   "fix",      "rationale",
    "example", "aliases", "source", "tags",     "precision", "help-uri", "enabled-by-default",
    "extend",  "message-trio", "message-anyio", NULL};

static const char *const REQUIRED[] = {"id", "name", "check", "severity", "message"};
static const char *const SEVERITIES[] = {"error", "warning", "note"};
static const char *const PRECISIONS[] = {"very-high", "high", "medium", "low"};
static const char *const EXAMPLE_KEYS[] = {"bad", "good"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

bool rules_is_meta_key(const char *key)
{
    for (size_t i = 0; META_KEYS[i]; i++)
        if (strcmp(META_KEYS[i], key) == 0)
            return true;
    return false;
}

const char *const *rules_meta_keys(void)
{
    return META_KEYS;
}

/* The reader of one rule map: `label` names the rule in messages (`rule
 * 'AL101'`, or `rule #3` before its id is known). */
typedef struct RuleReader {
    RulesLoader *L;
    const YNode *map;
    const char *label;
} RuleReader;

static void fail(RuleReader *R, const YNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(RuleReader *R, const YNode *at, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ynode_error(R->L->d, at, "%s: %s", R->label, msg);
    R->L->ok = false;
}

/* A string value (non-empty). */
static bool value_string(RuleReader *R, const char *key, const YNode *v, const char **out)
{
    if (v->kind != YNODE_SCALAR) {
        fail(R, v, "expected a string for '%s', found %s", key, ynode_kind_name(v));
        return false;
    }
    if (v->scalar[0] == '\0') {
        fail(R, v, "'%s' is empty", key);
        return false;
    }
    *out = v->scalar;
    return true;
}

/* A list of strings (a single string counts as a list of one). */
static bool value_strings(RuleReader *R, const char *key, const YNode *v, const char ***out,
                          uint32_t *count)
{
    if (v->kind == YNODE_MAP) {
        fail(R, v, "expected a list of strings for '%s', found %s", key, ynode_kind_name(v));
        return false;
    }
    for (uint32_t i = 0; v->kind == YNODE_SEQ && i < v->count; i++) {
        if (v->items[i]->kind != YNODE_SCALAR) {
            fail(R, v->items[i], "expected a string in '%s', found %s", key,
                 ynode_kind_name(v->items[i]));
            return false;
        }
    }
    return ynode_strings(v, &R->L->rs->arena, R->L->d, out, count);
}

/* A value from a closed set, with a "did you mean" when it looks like a typo. */
static bool value_choice(RuleReader *R, const char *key, const YNode *v, const char *const *set,
                         size_t n, const char *expected, const char **out)
{
    if (!value_string(R, key, v, out))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(set[i], *out) == 0)
            return true;
    const char *hint = ynode_suggest(*out, set, n);
    if (hint)
        fail(R, v, "unknown %s '%s' (did you mean '%s'?)", key, *out, hint);
    else
        fail(R, v, "unknown %s '%s' (expected %s)", key, *out, expected);
    *out = NULL;
    return false;
}

static bool is_kebab(const char *s)
{
    if (!islower((unsigned char)s[0]))
        return false;
    for (const char *p = s; *p; p++) {
        bool alnum = islower((unsigned char)*p) || isdigit((unsigned char)*p);
        if (!alnum && !(*p == '-' && p[1] != '\0' && p[1] != '-'))
            return false;
    }
    return true;
}

bool rules_id_valid(const char *id, bool embedded)
{
    if (embedded)
        return strlen(id) == 5 && id[0] == 'A' && id[1] == 'L' && isdigit((unsigned char)id[2]) &&
               isdigit((unsigned char)id[3]) && isdigit((unsigned char)id[4]);
    size_t i = 0;
    while (isupper((unsigned char)id[i]))
        i++;
    if (i == 0 || !isdigit((unsigned char)id[i]))
        return false;
    while (isdigit((unsigned char)id[i]))
        i++;
    return id[i] == '\0';
}

static bool value_id(RuleReader *R, Rule *r, const YNode *v)
{
    bool embedded = R->L->pack->embedded;
    if (!value_string(R, "id", v, &r->id))
        return false;
    if (rules_id_valid(r->id, embedded))
        return true;
    fail(R, v, "invalid id '%s' (expected %s, e.g. AL101)", r->id,
         embedded ? "AL and three digits" : "capital letters then digits");
    return false;
}

static bool value_name(RuleReader *R, Rule *r, const YNode *v)
{
    if (!value_string(R, "name", v, &r->name))
        return false;
    if (is_kebab(r->name))
        return true;
    fail(R, v, "invalid name '%s' (expected kebab-case, e.g. blocking-sleep)", r->name);
    return false;
}

static bool value_example(RuleReader *R, Rule *r, const YNode *ex)
{
    if (ex->kind != YNODE_MAP) {
        fail(R, ex, "expected a map with 'bad' and 'good' for 'example', found %s",
             ynode_kind_name(ex));
        return false;
    }
    bool ok = true;
    for (uint32_t i = 0; i < ex->count; i++) {
        const char *key = ex->keys[i];
        if (strcmp(key, "bad") == 0) {
            ok &= value_string(R, "example.bad", ex->items[i], &r->example_bad);
        } else if (strcmp(key, "good") == 0) {
            ok &= value_string(R, "example.good", ex->items[i], &r->example_good);
        } else {
            const char *hint = ynode_suggest(key, EXAMPLE_KEYS, COUNT(EXAMPLE_KEYS));
            if (hint)
                fail(R, ex->key_nodes[i], "unknown key '%s' in 'example' (did you mean '%s'?)", key,
                     hint);
            else
                fail(R, ex->key_nodes[i], "unknown key '%s' in 'example' (expected bad or good)",
                     key);
            ok = false;
        }
    }
    return ok;
}

static bool value_bool(RuleReader *R, const char *key, const YNode *v, bool *out)
{
    if (v->kind == YNODE_SCALAR && strcasecmp(v->scalar, "true") == 0) {
        *out = true;
        return true;
    }
    if (v->kind == YNODE_SCALAR && strcasecmp(v->scalar, "false") == 0) {
        *out = false;
        return true;
    }
    if (v->kind == YNODE_SCALAR)
        fail(R, v, "expected true or false for '%s', found '%s'", key, v->scalar);
    else
        fail(R, v, "expected true or false for '%s', found %s", key, ynode_kind_name(v));
    return false;
}

/* Metadata fields that are plain strings, by their place in Rule. */
static const struct {
    const char *key;
    size_t offset;
} STRING_FIELDS[] = {
    {"check", offsetof(Rule, check)},   {"message", offsetof(Rule, message)},
    {"message-trio", offsetof(Rule, message_trio)},
    {"message-anyio", offsetof(Rule, message_anyio)},
    {"fix", offsetof(Rule, fix)},       {"rationale", offsetof(Rule, rationale)},
    {"source", offsetof(Rule, source)}, {"help-uri", offsetof(Rule, help_uri)},
};

/* Reads one key of the rule map. Keys that are not metadata are engine
 * parameters: kept in rule->node, checked later by the engine. */
static bool read_field(RuleReader *R, Rule *r, const char *key, const YNode *v)
{
    for (size_t i = 0; i < COUNT(STRING_FIELDS); i++)
        if (strcmp(key, STRING_FIELDS[i].key) == 0)
            return value_string(R, key, v, (const char **)((char *)r + STRING_FIELDS[i].offset));
    if (strcmp(key, "id") == 0)
        return value_id(R, r, v);
    if (strcmp(key, "name") == 0)
        return value_name(R, r, v);
    if (strcmp(key, "example") == 0)
        return value_example(R, r, v);
    if (strcmp(key, "aliases") == 0)
        return value_strings(R, key, v, &r->aliases, &r->naliases);
    if (strcmp(key, "tags") == 0)
        return value_strings(R, key, v, &r->tags, &r->ntags);
    if (strcmp(key, "precision") == 0)
        return value_choice(R, key, v, PRECISIONS, COUNT(PRECISIONS),
                            "very-high, high, medium or low", &r->precision);
    if (strcmp(key, "enabled-by-default") == 0)
        return value_bool(R, key, v, &r->default_enabled);
    if (strcmp(key, "severity") == 0) {
        const char *sev = NULL;
        if (!value_choice(R, key, v, SEVERITIES, COUNT(SEVERITIES), "error, warning or note", &sev))
            return false;
        return rules_parse_severity(sev, &r->severity);
    }
    return true;
}

Rule *rules_read_rule(RulesLoader *L, const YNode *n, uint32_t idx)
{
    RuleReader R = {L, n, arena_printf(&L->rs->arena, "rule #%u", idx)};
    if (n->kind != YNODE_MAP) {
        fail(&R, n, "expected a map, found %s", ynode_kind_name(n));
        return NULL;
    }
    if (ynode_get(n, "extend")) {
        rules_read_extension(L, n);
        return NULL;
    }
    const YNode *id = ynode_get(n, "id");
    if (id && id->kind == YNODE_SCALAR && rules_id_valid(id->scalar, L->pack->embedded))
        R.label = arena_printf(&L->rs->arena, "rule '%s'", id->scalar);
    /* Missing keys first (they point at the map's start), then each key in
     * source order, so the messages come out in file order. */
    bool ok = true;
    for (size_t i = 0; i < COUNT(REQUIRED); i++) {
        if (!ynode_get(n, REQUIRED[i])) {
            fail(&R, n, "missing required key '%s'", REQUIRED[i]);
            ok = false;
        }
    }
    Rule *r = ARENA_NEW(&L->rs->arena, Rule);
    r->default_enabled = true;
    for (uint32_t i = 0; i < n->count; i++)
        ok &= read_field(&R, r, n->keys[i], n->items[i]);
    if (!ok)
        return NULL;
    r->pack = L->pack;
    r->language = L->pack->language;
    r->node = n;
    return r;
}

void rules_read_extension(RulesLoader *L, const YNode *n)
{
    RuleReader R = {L, n, "extension"};
    const char *target = NULL;
    if (!value_string(&R, "extend", ynode_get(n, "extend"), &target))
        return;
    R.label = arena_printf(&L->rs->arena, "extension of '%s'", target);
    bool ok = true;
    for (uint32_t i = 0; i < n->count; i++) {
        if (strcmp(n->keys[i], "extend") == 0 || !rules_is_meta_key(n->keys[i]))
            continue;
        fail(&R, n->key_nodes[i],
             "'%s' cannot be set by 'extend' (only engine parameters such as 'calls' can be "
             "added to a rule)",
             n->keys[i]);
        ok = false;
    }
    if (!ok)
        return;
    RulesPending p = {n, ynode_get(n, "extend"), L->pack, true};
    vec_push(&L->pending, p);
}
