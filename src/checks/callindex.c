/* Call-name pattern index (see callindex.h). Lookup of a name `a.b.c` probes the
 * exact table with `a.b.c`, the prefix table with `a`, `a.b` (and `a.b.c`, so
 * `requests.*` matches nothing but names under requests), and the suffix table
 * with `c`, `b.c`. */
#include "callindex.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

static bool is_pattern_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '*' || (unsigned char)c >= 0x80;
}

static bool parse_text(const YNode *n, const char *s, Arena *a, Diag *d, CallPattern *out)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if (!is_pattern_char(s[i]))
            return ynode_error(d, n, "invalid call pattern '%s': expected a dotted name, "
                                     "`prefix.*` or `*.suffix`", s);
    out->text = s;
    if (len > 2 && s[len - 1] == '*' && s[len - 2] == '.') {
        out->kind = PAT_PREFIX;
        out->key = str_make(s, len - 2);
    } else if (len > 2 && s[0] == '*' && s[1] == '.') {
        out->kind = PAT_SUFFIX;
        out->key = str_make(s + 2, len - 2);
    } else {
        out->kind = PAT_EXACT;
        out->key = str_make(s, len);
    }
    Str k = out->key;
    bool empty_part = !k.len || k.ptr[0] == '.' || k.ptr[k.len - 1] == '.';
    for (uint32_t i = 1; i < k.len && !empty_part; i++)
        empty_part = k.ptr[i] == '.' && k.ptr[i - 1] == '.';
    if (empty_part && str_find(k, '*') < 0) /* ``, `a..b`, `.a`, `a.`: never a name */
        return ynode_error(d, n, "invalid call pattern '%s': expected a dotted name, "
                                 "`prefix.*` or `*.suffix`", s);
    if (str_find(out->key, '*') >= 0)
        return ynode_error(d, n, "invalid call pattern '%s': `*` may only be a whole first or "
                                 "last component", s);
    (void)a;
    return true;
}

bool chk_idx_parse(const YNode *n, Arena *a, Diag *d, CallPattern *out)
{
    memset(out, 0, sizeof *out);
    out->arg = -1;
    if (n->kind == YNODE_SCALAR)
        return parse_text(n, n->scalar, a, d, out);
    if (n->kind != YNODE_MAP)
        return ynode_error(d, n, "expected a call pattern (a string or a map with 'call')");
    const YNode *call = ynode_get(n, "call");
    if (!call || call->kind != YNODE_SCALAR)
        return ynode_error(d, n, "a call pattern map needs 'call: NAME'");
    if (!parse_text(call, call->scalar, a, d, out))
        return false;
    for (uint32_t i = 0; i < n->count; i++) {
        const char *k = n->keys[i];
        const YNode *v = n->items[i];
        if (strcmp(k, "call") == 0)
            continue;
        if (strcmp(k, "arg") == 0) {
            char *end;
            long idx = v->kind == YNODE_SCALAR ? strtol(v->scalar, &end, 10) : -1;
            if (v->kind != YNODE_SCALAR || *end || idx < 0 || idx > 64)
                return ynode_error(d, v, "'arg' must be an argument index from 0 to 64");
            out->arg = (int32_t)idx;
        } else if (strcmp(k, "keyword") == 0) {
            if (v->kind != YNODE_SCALAR || !*v->scalar)
                return ynode_error(d, v, "'keyword' must be a parameter name");
            out->keyword = v->scalar;
        } else if (strcmp(k, "is") == 0) {
            if (!ynode_strings(v, a, d, &out->is, &out->nis))
                return false;
        } else if (strcmp(k, "not") == 0) {
            if (!ynode_strings(v, a, d, &out->is_not, &out->nnot))
                return false;
        } else {
            return ynode_error(d, n->key_nodes[i],
                               "unknown key '%s' in a call pattern (expected call, arg, keyword, "
                               "is, not)", k);
        }
    }
    if ((out->nis || out->nnot) && out->arg < 0)
        return ynode_error(d, n, "'is'/'not' need 'arg' (which argument to test)");
    if (out->keyword && out->arg < 0)
        return ynode_error(d, n, "'keyword' needs 'arg' (the parameter's position)");
    return true;
}

void chk_idx_add(CallIndex *ix, Arena *a, const CallPattern *p)
{
    if (ix->npats == ix->cap) {
        uint32_t cap = ix->cap ? ix->cap * 2 : 64;
        CallPattern *np = ARENA_ARRAY(a, CallPattern, cap);
        if (ix->npats)
            memcpy(np, ix->pats, sizeof(CallPattern) * ix->npats);
        ix->pats = np;
        ix->cap = cap;
    }
    ix->pats[ix->npats++] = *p;
    ix->built = false;
}

/* Names are short: a byte loop beats a memchr call here (once per index and call). */
static Str first_part(Str s)
{
    uint32_t i = 0;
    while (i < s.len && s.ptr[i] != '.')
        i++;
    return str_make(s.ptr, i);
}

/* The filter class of a non-empty key (see CallIndex.root_filter). */
static uint32_t filter_bit(Str s)
{
    return str_shape(s) & (CHK_IDX_FILTER_BITS - 1);
}

static void filter_add(uint64_t *filter, Str s)
{
    uint32_t b = s.len ? filter_bit(s) : 0;
    filter[b / 64] |= 1ull << (b % 64);
}

/* False only if no key of s's class was added (an empty s is class 0). */
static bool filter_may(const uint64_t *filter, Str s)
{
    uint32_t b = s.len ? filter_bit(s) : 0;
    return filter[b / 64] >> (b % 64) & 1;
}

static bool has_root(const CallIndex *ix, Str root)
{
    if (!filter_may(ix->root_filter, root))
        return false;
    for (uint32_t i = str_hash(root) & (ix->nbuckets - 1); ix->roots[i].ptr;
         i = (i + 1) & (ix->nbuckets - 1))
        if (str_eq(ix->roots[i], root))
            return true;
    return false;
}

static void index_roots(CallIndex *ix, Arena *a)
{
    ix->roots = ARENA_ARRAY(a, Str, ix->nbuckets);
    ix->max_suffix_parts = 0;
    memset(ix->root_filter, 0, sizeof ix->root_filter);
    memset(ix->suffix_filter, 0, sizeof ix->suffix_filter);
    for (uint32_t p = 0; p < ix->npats; p++) {
        const CallPattern *pat = &ix->pats[p];
        if (pat->kind == PAT_SUFFIX) {
            filter_add(ix->suffix_filter, pat->key);
            uint32_t parts = 1;
            for (uint32_t k = 0; k < pat->key.len; k++)
                parts += pat->key.ptr[k] == '.';
            if (parts > ix->max_suffix_parts)
                ix->max_suffix_parts = parts;
            continue;
        }
        Str root = first_part(pat->key);
        filter_add(ix->root_filter, root);
        if (has_root(ix, root))
            continue;
        uint32_t i = str_hash(root) & (ix->nbuckets - 1);
        while (ix->roots[i].ptr)
            i = (i + 1) & (ix->nbuckets - 1);
        ix->roots[i] = root;
    }
}

void chk_idx_build(CallIndex *ix, Arena *a)
{
    uint32_t nb = 16;
    while (nb < ix->npats * 2)
        nb *= 2;
    ix->nbuckets = nb;
    for (int k = 0; k < 3; k++) {
        ix->heads[k] = ARENA_ARRAY(a, uint32_t, nb);
        memset(ix->heads[k], 0xff, sizeof(uint32_t) * nb);
    }
    ix->next = ARENA_ARRAY(a, uint32_t, ix->npats ? ix->npats : 1);
    /* insert in reverse so chains list patterns in insertion order */
    for (uint32_t i = ix->npats; i > 0; i--) {
        const CallPattern *p = &ix->pats[i - 1];
        uint32_t b = str_hash(p->key) & (nb - 1);
        ix->next[i - 1] = ix->heads[p->kind][b];
        ix->heads[p->kind][b] = i - 1;
    }
    index_roots(ix, a);
    ix->built = true;
}

/* The source text of argument i of site, trimmed. */
static Str arg_text(const Unit *u, const Site *site, int32_t i)
{
    if (!site || i < 0 || (uint32_t)i >= site->nargs)
        return STR_NULL;
    const Arg *a = &site->args[i];
    return a->text.len ? a->text : unit_arg_source(u, a);
}

static bool in_list(Str s, const char **list, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (str_eq_c(s, list[i]))
            return true;
    return false;
}

int32_t chk_idx_arg(const CallPattern *p, const Site *site)
{
    if (p->keyword)
        for (uint32_t i = 0; i < site->nargs; i++)
            if (str_eq_c(site->args[i].keyword, p->keyword))
                return (int32_t)i;
    return (uint32_t)p->arg < site->nargs ? p->arg : -1;
}

static bool condition_holds(const CallPattern *p, const Unit *u, const Site *site)
{
    if (p->arg < 0)
        return true;
    int32_t i = site ? chk_idx_arg(p, site) : -1;
    if (i < 0)
        return false;
    Str t = arg_text(u, site, i);
    if (p->nis && !in_list(t, p->is, p->nis))
        return false;
    if (p->nnot && in_list(t, p->is_not, p->nnot))
        return false;
    return true;
}

/* Visits the chain of bucket `key` in table `kind`; false if fn asked to stop. */
static bool probe(const CallIndex *ix, PatKind kind, Str key, const Unit *u, const Site *site,
                  CallMatchFn fn, void *ctx)
{
    uint32_t b = str_hash(key) & (ix->nbuckets - 1);
    for (uint32_t i = ix->heads[kind][b]; i != UINT32_MAX; i = ix->next[i]) {
        const CallPattern *p = &ix->pats[i];
        if (!str_eq(p->key, key) || !condition_holds(p, u, site))
            continue;
        if (!fn(ctx, p))
            return false;
    }
    return true;
}

void chk_idx_match(const CallIndex *ix, Str name, const Unit *u, const Site *site, CallMatchFn fn,
                   void *ctx)
{
    if (!ix->built || !ix->npats || !name.len)
        return;
    /* A name rooted at a local binding (a parameter `loop`, a local def) is no
     * module: only `*.method` patterns can match it. */
    bool local = site && (site->flags & SITE_F_ROOT_LOCAL);
    bool rooted = !local && has_root(ix, first_part(name));
    if (rooted && !probe(ix, PAT_EXACT, name, u, site, fn, ctx))
        return;
    for (uint32_t i = 0; rooted && i < name.len; i++)
        if (name.ptr[i] == '.' && !probe(ix, PAT_PREFIX, str_make(name.ptr, i), u, site, fn, ctx))
            return;
    /* suffixes after each of the last max_suffix_parts dots, nearest first */
    const char *end = name.ptr + name.len, *lim = name.ptr;
    for (uint32_t parts = 0; parts < ix->max_suffix_parts; parts++) {
        const char *dot = memrchr(lim, '.', (size_t)(end - lim));
        if (!dot)
            break;
        Str suffix = str_make(dot + 1, (uint32_t)(name.ptr + name.len - dot - 1));
        if (filter_may(ix->suffix_filter, suffix) &&
            !probe(ix, PAT_SUFFIX, suffix, u, site, fn, ctx))
            return;
        end = dot;
    }
}

static bool found(void *ctx, const CallPattern *p)
{
    if (p->exclude)
        return true;
    *(bool *)ctx = true;
    return false;
}

bool chk_idx_any(const CallIndex *ix, Str name, const Unit *u, const Site *site)
{
    bool any = false;
    chk_idx_match(ix, name, u, site, found, &any);
    return any;
}
