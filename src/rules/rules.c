/* Rule pack loading (DESIGN.md "Rule packs"): YAML text -> YNode tree -> Pack and
 * Rules in the RuleSet's arena. This file checks the pack level (pack name,
 * language, known tables), duplicate ids and names across packs, and resolves
 * `extend:` entries; rules_rule.c reads each rule. A file joins the RuleSet only
 * if it is entirely valid; every problem is reported as `file:line:col: error:`. */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/file.h"
#include "../base/xalloc.h"
#include "rules_int.h"

/* Pack-level keys. Besides the header, the tables engines read through
 * rules_pack_tables (their contents are the engines' to validate). */
static const char *const PACK_KEYS[] = {
    "pack",       "language",          "description", "rules",    "extends",
    "offloads",   "coroutines",        "spawners",    "limiters", "resources",
    "registrars", "async_signal_safe", "handle_types", "returns", "releases"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

RuleSet *rules_set_new(void)
{
    RuleSet *rs = xcalloc(1, sizeof *rs);
    arena_init(&rs->arena);
    return rs;
}

void rules_set_free(RuleSet *rs)
{
    if (!rs)
        return;
    xfree(rs->packs);
    xfree(rs->rules);
    arena_free(&rs->arena);
    xfree(rs);
}

void rules_push_ptr(void ***array, uint32_t *count, void *p)
{
    uint32_t n = *count;
    if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))
        *array = xrealloc(*array, sizeof(void *) * (n == 0 ? 8 : (size_t)n * 2));
    (*array)[n] = p;
    *count = n + 1;
}

static void loader_error(RulesLoader *L, const YNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void loader_error(RulesLoader *L, const YNode *at, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ynode_error(L->d, at, "%s", msg);
    L->ok = false;
}

static bool is_pack_key(const char *key)
{
    for (size_t i = 0; i < COUNT(PACK_KEYS); i++)
        if (strcmp(PACK_KEYS[i], key) == 0)
            return true;
    return false;
}

static void unknown_pack_key(RulesLoader *L, const YNode *key_node, const char *key)
{
    const char *hint = ynode_suggest(key, PACK_KEYS, COUNT(PACK_KEYS));
    if (hint)
        loader_error(L, key_node, "unknown pack key '%s' (did you mean '%s'?)", key, hint);
    else
        loader_error(L, key_node,
                     "unknown pack key '%s' (expected pack, language, rules or a table such as "
                     "offloads)",
                     key);
}

/* A pack-level string; NULL after reporting if it is not a non-empty string. */
static const char *pack_string(RulesLoader *L, const char *key, const YNode *v)
{
    if (v->kind != YNODE_SCALAR || v->scalar[0] == '\0') {
        loader_error(L, v, "expected a non-empty string for '%s', found %s", key,
                     v->kind == YNODE_SCALAR ? "an empty one" : ynode_kind_name(v));
        return NULL;
    }
    return v->scalar;
}

static bool parse_language(const char *s, Lang *out)
{
    if (strcmp(s, "python") == 0)
        *out = LANG_PYTHON;
    else if (strcmp(s, "c") == 0)
        *out = LANG_C;
    else
        return false;
    return true;
}

static void read_pack_name(RulesLoader *L, const YNode *v)
{
    Pack *p = L->pack;
    p->name = pack_string(L, "pack", v);
    for (uint32_t i = 0; p->name && i < L->rs->npacks; i++) {
        const Pack *q = L->rs->packs[i];
        if (strcmp(q->name, p->name) == 0)
            loader_error(L, v, "pack '%s' is already loaded from %s", p->name, q->file);
    }
}

static void read_language(RulesLoader *L, const YNode *v)
{
    const char *lang = pack_string(L, "language", v);
    if (lang && !parse_language(lang, &L->pack->language))
        loader_error(L, v, "unknown language '%s' (expected python or c)", lang);
}

static void read_rules(RulesLoader *L, const YNode *list);
static void read_extends(RulesLoader *L, const YNode *list);

/* The top-level map, key by key in source order (so messages come out in file
 * order). The language is read first: rules take it from their pack. */
static void read_pack(RulesLoader *L, const YNode *root)
{
    const YNode *lang = ynode_get(root, "language");
    if (lang && lang->kind == YNODE_SCALAR)
        parse_language(lang->scalar, &L->pack->language);
    static const char *const required[] = {"pack", "language"};
    for (size_t i = 0; i < COUNT(required); i++)
        if (!ynode_get(root, required[i]))
            loader_error(L, root, "missing required pack key '%s'", required[i]);
    for (uint32_t i = 0; i < root->count; i++) {
        const char *key = root->keys[i];
        const YNode *v = root->items[i];
        if (strcmp(key, "pack") == 0)
            read_pack_name(L, v);
        else if (strcmp(key, "language") == 0)
            read_language(L, v);
        else if (strcmp(key, "description") == 0)
            pack_string(L, key, v);
        else if (strcmp(key, "rules") == 0)
            read_rules(L, v);
        else if (strcmp(key, "extends") == 0)
            read_extends(L, v);
        else if (!is_pack_key(key))
            unknown_pack_key(L, root->key_nodes[i], key);
    }
}

static const char *lang_name(Lang lang)
{
    return lang == LANG_C ? "c" : "python";
}

/* The i-th rule known so far: the RuleSet's, then this file's. */
static const Rule *known_rule(const RulesLoader *L, uint32_t i)
{
    return i < L->rs->nrules ? L->rs->rules[i] : L->rules.contents[i - L->rs->nrules];
}

/* Ids and names are unique per language. Across languages a rule id keeps one
 * name and a name one id: AL101 is blocking-sleep in the Python and C packs. */
static bool identity_clash(RulesLoader *L, const Rule *r, const Rule *q)
{
    bool same_lang = q->language == r->language;
    bool same_id = strcmp(q->id, r->id) == 0, same_name = strcmp(q->name, r->name) == 0;
    const YNode *qid = ynode_get(q->node, "id"), *qname = ynode_get(q->node, "name");
    if (same_id && same_lang)
        loader_error(L, ynode_get(r->node, "id"),
                     "duplicate rule id '%s' (first defined at %s:%u:%u)", r->id, qid->file,
                     qid->line, qid->col);
    else if (same_name && same_lang)
        loader_error(L, ynode_get(r->node, "name"),
                     "duplicate rule name '%s' (already used by %s at %s:%u:%u)", r->name, q->id,
                     qname->file, qname->line, qname->col);
    else if (same_id && !same_name)
        loader_error(L, ynode_get(r->node, "name"),
                     "rule '%s' is named '%s' in its %s variant (%s:%u:%u); an id keeps one name "
                     "in every language",
                     r->id, q->name, lang_name(q->language), qname->file, qname->line, qname->col);
    else if (same_name && !same_id)
        loader_error(L, ynode_get(r->node, "name"),
                     "rule name '%s' belongs to %s in its %s variant (%s:%u:%u); a name keeps one "
                     "id in every language",
                     r->name, q->id, lang_name(q->language), qname->file, qname->line, qname->col);
    else
        return false;
    return true;
}

static void add_rule(RulesLoader *L, Rule *r)
{
    for (uint32_t i = 0; i < L->rs->nrules + L->rules.size; i++)
        if (identity_clash(L, r, known_rule(L, i)))
            return;
    vec_push(&L->rules, r);
}

/* `rules:`: rule maps, and extensions written among them. */
static void read_rules(RulesLoader *L, const YNode *list)
{
    if (list->kind != YNODE_SEQ) {
        loader_error(L, list, "expected a list for 'rules', found %s", ynode_kind_name(list));
        return;
    }
    for (uint32_t i = 0; i < list->count; i++) {
        Rule *r = rules_read_rule(L, list->items[i], i + 1);
        if (r)
            add_rule(L, r);
    }
}

/* `extends:`: extensions only. */
static void read_extends(RulesLoader *L, const YNode *list)
{
    if (list->kind != YNODE_SEQ) {
        loader_error(L, list, "expected a list for 'extends', found %s", ynode_kind_name(list));
        return;
    }
    for (uint32_t i = 0; i < list->count; i++) {
        const YNode *e = list->items[i];
        if (e->kind != YNODE_MAP || !ynode_get(e, "extend"))
            loader_error(L, e, "expected a map with 'extend: <rule id>' in 'extends', found %s",
                         e->kind == YNODE_MAP ? "a map without it" : ynode_kind_name(e));
        else
            rules_read_extension(L, e);
    }
}

/* Moves a valid file's pack and rules into the RuleSet. */
static void commit_file(RulesLoader *L)
{
    rules_push_ptr((void ***)&L->rs->packs, &L->rs->npacks, L->pack);
    for (uint32_t i = 0; i < L->rules.size; i++)
        rules_push_ptr((void ***)&L->rs->rules, &L->rs->nrules, L->rules.contents[i]);
    rules_sort(L->rs);
}

static bool load_file(RuleSet *rs, const char *file, const char *text, size_t len, bool embedded,
                      Diag *d, RulesPendingVec *pending)
{
    const YNode *root = ynode_parse(&rs->arena, file, text, len, d);
    if (!root)
        return false;
    RulesLoader L = {rs, d, ARENA_NEW(&rs->arena, Pack), true, {0}, {0}};
    L.pack->file = root->file;
    L.pack->root = root;
    L.pack->embedded = embedded;
    if (root->kind != YNODE_MAP) {
        loader_error(&L, root, "expected a map at the top of the pack, found %s",
                     ynode_kind_name(root));
        return false;
    }
    read_pack(&L, root);
    if (L.ok)
        commit_file(&L);
    /* Extensions of a broken file are still checked for their target, but
     * never attached. */
    for (uint32_t i = 0; i < L.pending.size; i++) {
        L.pending.contents[i].attach = L.ok;
        vec_push(pending, L.pending.contents[i]);
    }
    vec_free(&L.rules);
    vec_free(&L.pending);
    return L.ok;
}

static void attach_extension(Rule *r, const YNode *entry, Arena *a)
{
    const YNode **v = ARENA_ARRAY(a, const YNode *, r->nextends + 1);
    if (r->nextends)
        memcpy(v, r->extends, sizeof(const YNode *) * r->nextends);
    v[r->nextends++] = entry;
    r->extends = v;
}

/* Attaches every queued extension to its target rule. */
static bool resolve_pending(RuleSet *rs, RulesPendingVec *pending, Diag *d)
{
    bool ok = true;
    for (uint32_t i = 0; i < pending->size; i++) {
        const RulesPending *p = &pending->contents[i];
        const char *id = p->target->scalar;
        Rule *r = rules_find_lang(rs, id, p->pack->language);
        const Rule *other = r ? NULL : rules_find(rs, id);
        if (!r && !other) {
            ok = ynode_error(d, p->target,
                             "extend: unknown rule '%s' (no pack loaded so far defines it)", id);
        } else if (!r) {
            ok = ynode_error(d, p->target, "extend: rule '%s' has no %s variant (only %s)", id,
                             lang_name(p->pack->language), lang_name(other->language));
        } else if (p->attach) {
            attach_extension(r, p->entry, &rs->arena);
        }
    }
    vec_free(pending);
    return ok;
}

bool rules_load_text(RuleSet *rs, const char *file, const char *text, size_t len, bool embedded,
                     Diag *d)
{
    RulesPendingVec pending;
    vec_init(&pending);
    bool ok = load_file(rs, file, text, len, embedded, d, &pending);
    return resolve_pending(rs, &pending, d) && ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_pack_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
                              (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

static bool load_one_path(RuleSet *rs, const char *path, Diag *d, RulesPendingVec *pending)
{
    char *text = NULL;
    size_t len = 0;
    if (!file_read_all(path, &text, &len, d))
        return false;
    bool ok = load_file(rs, path, text, len, false, d, pending);
    xfree(text);
    return ok;
}

/* Every *.yaml / *.yml file directly in dir, in byte order of their names. */
static bool load_dir(RuleSet *rs, const char *dir, DIR *h, Diag *d, RulesPendingVec *pending)
{
    Vec(char *) names;
    vec_init(&names);
    for (struct dirent *e = readdir(h); e; e = readdir(h))
        if (is_pack_name(e->d_name))
            vec_push(&names, xstrdup(e->d_name));
    if (names.size)
        qsort(names.contents, names.size, sizeof(char *), compare_names);
    bool ok = true;
    size_t dl = strlen(dir);
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    for (uint32_t i = 0; i < names.size; i++) {
        char *path = arena_printf(&rs->arena, "%s%s%s", dir, sep, names.contents[i]);
        ok &= load_one_path(rs, path, d, pending);
        xfree(names.contents[i]);
    }
    if (names.size == 0) {
        diag_report(d, DIAG_ERROR, dir, 0, 0, "no rule packs (*.yaml, *.yml) in this directory");
        ok = false;
    }
    vec_free(&names);
    return ok;
}

bool rules_load_path(RuleSet *rs, const char *path, Diag *d)
{
    RulesPendingVec pending;
    vec_init(&pending);
    struct stat st;
    bool ok;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *h = opendir(path);
        if (!h) {
            diag_report(d, DIAG_ERROR, path, 0, 0, "cannot open directory: %s", strerror(errno));
            return false;
        }
        ok = load_dir(rs, path, h, d, &pending);
        closedir(h);
    } else {
        ok = load_one_path(rs, path, d, &pending);
    }
    return resolve_pending(rs, &pending, d) && ok;
}

bool rules_load_defaults(RuleSet *rs, Diag *d)
{
    return rules_load_defaults_for(rs, (1u << LANG_PYTHON) | (1u << LANG_C), d);
}

static unsigned pack_lang_bit(const EmbeddedPack *e)
{
    if (e->language && strcmp(e->language, "c") == 0)
        return 1u << LANG_C;
    if (e->language && strcmp(e->language, "python") == 0)
        return 1u << LANG_PYTHON;
    return ~0u; /* unknown at build time: always load (the loader reports it) */
}

bool rules_load_defaults_for(RuleSet *rs, unsigned langs, Diag *d)
{
    RulesPendingVec pending;
    vec_init(&pending);
    bool ok = true;
    for (uint32_t i = 0; i < rules_embedded_count; i++) {
        const EmbeddedPack *e = &rules_embedded[i];
        if (!(pack_lang_bit(e) & langs))
            continue;
        char *file = arena_printf(&rs->arena, "<embedded>/%s", e->name);
        ok &= load_file(rs, file, e->text, e->len, true, d, &pending);
    }
    return resolve_pending(rs, &pending, d) && ok;
}
