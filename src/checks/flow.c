/* Local questions about one function, answered from the model and, where the
 * model has nothing to say, from an index of the source's identifiers (see
 * flow.h). */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "params.h"
#include "pysrc.h"

enum {
    WORD_LOAD = 1,   /* read: not an attribute, not an assignment target or keyword */
    WORD_TARGET = 2, /* first on its line and assigned (`x =`, `x: T`, `x +=`, `for x in`) */
    WORD_TOP = 4,    /* on a line without indentation */
};

typedef struct FlowWord {
    uint32_t hash, off, len;
    uint32_t flags;
} FlowWord;

typedef struct FlowDecl {
    int32_t func; /* innermost function holding the statement */
    Str name;
    int kind; /* 1 global, 2 nonlocal */
} FlowDecl;

typedef struct BindCache {
    int32_t f;
    Str name;
    FlowBinding b;
} BindCache;

enum { BIND_CACHE = 64 };

struct FlowCtx {
    const Unit *u;
    FlowWord *words; /* identifier occurrences sorted by (hash, off) */
    uint32_t nwords, capwords;
    uint32_t *uses; /* USE site indices sorted by (hash of the name, index) */
    uint32_t *use_hash;
    uint32_t nuses;
    FlowDecl *decls;
    uint32_t ndecls, capdecls;
    BindCache cache[BIND_CACHE];
    uint32_t ncache, next;
    bool indexed;
};

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* ---- building the index ------------------------------------------------------------- */

static void add_word(FlowCtx *fc, uint32_t off, uint32_t len, uint32_t flags)
{
    if (fc->nwords == fc->capwords) {
        fc->capwords = fc->capwords ? fc->capwords * 2 : 1024;
        fc->words = xrealloc(fc->words, sizeof *fc->words * fc->capwords);
    }
    fc->words[fc->nwords++] =
        (FlowWord){str_hash(str_make(fc->u->src + off, len)), off, len, flags};
}

static uint32_t skip_blanks(const Unit *u, uint32_t p)
{
    while (p < u->len && (u->src[p] == ' ' || u->src[p] == '\t'))
        p++;
    return p;
}

/* The innermost function whose span holds off (functions are in source order). */
static int32_t owner(const Unit *u, uint32_t off)
{
    int32_t best = 0;
    for (uint32_t f = 1; f < u->nfuncs; f++)
        if (u->funcs[f].off <= off && off < u->funcs[f].end)
            best = (int32_t)f;
    return best;
}

/* A `global a, b` / `nonlocal a` statement whose keyword ends at p. */
static uint32_t declaration(FlowCtx *fc, uint32_t kw, uint32_t p, int kind)
{
    const Unit *u = fc->u;
    int32_t f = owner(u, kw);
    while (p < u->len && u->src[p] != '\n' && u->src[p] != ';' && u->src[p] != '#') {
        if (!ident_char(u->src[p])) {
            p++;
            continue;
        }
        uint32_t q = p;
        while (q < u->len && ident_char(u->src[q]))
            q++;
        if (fc->ndecls == fc->capdecls) {
            fc->capdecls = fc->capdecls ? fc->capdecls * 2 : 16;
            fc->decls = xrealloc(fc->decls, sizeof *fc->decls * fc->capdecls);
        }
        fc->decls[fc->ndecls++] = (FlowDecl){f, str_make(u->src + p, q - p), kind};
        p = q;
    }
    return p;
}

/* Flags of the identifier src[p, q): how it is used, from its neighbours. */
static uint32_t classify(const Unit *u, uint32_t p, uint32_t q, uint32_t line, bool after_for)
{
    uint32_t b = p;
    while (b > line && (u->src[b - 1] == ' ' || u->src[b - 1] == '\t'))
        b--;
    bool first = b == line;
    uint32_t flags = skip_blanks(u, line) == line ? WORD_TOP : 0;
    if (b > 0 && u->src[b - 1] == '.')
        return flags; /* attribute */
    uint32_t r = skip_blanks(u, q);
    char c = r < u->len ? u->src[r] : '\n', d = r + 1 < u->len ? u->src[r + 1] : '\n';
    if (after_for && r + 2 <= u->len && memcmp(u->src + r, "in", 2) == 0)
        return flags | WORD_TARGET;
    if (c == '=' && d != '=')
        return flags | (first ? WORD_TARGET : 0);
    if (first && c == ':')
        return flags | WORD_TARGET;
    if (first && d == '=' && strchr("+-*/|&^%@", c))
        return flags | WORD_TARGET | WORD_LOAD;
    return flags | WORD_LOAD;
}

/* Sorts n records of `size` bytes by the uint32_t each starts with, keeping
 * the order of equal keys: records made in source order come out by (key,
 * offset). A byte at a time, least significant first (a comparison sort was
 * the index's main cost on files full of async code); a byte that is the same
 * in every key needs no pass. */
static void sort_by_key(void *items, uint32_t n, size_t size)
{
    if (n < 2)
        return;
    unsigned char *tmp = xmalloc(size * n), *src = items, *dst = tmp;
    uint32_t count[4][256];
    memset(count, 0, sizeof count);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k;
        memcpy(&k, src + i * size, sizeof k);
        for (int d = 0; d < 4; d++)
            count[d][k >> (8 * d) & 0xff]++;
    }
    for (int d = 0; d < 4; d++) {
        uint32_t *c = count[d], sum = 0, first;
        memcpy(&first, src, sizeof first);
        if (c[first >> (8 * d) & 0xff] == n)
            continue; /* every key has this byte */
        for (int v = 0; v < 256; v++) {
            uint32_t x = c[v];
            c[v] = sum;
            sum += x;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k;
            memcpy(&k, src + i * size, sizeof k);
            memcpy(dst + (size_t)c[k >> (8 * d) & 0xff]++ * size, src + i * size, size);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != items)
        memcpy(items, src, size * n);
    xfree(tmp);
}

/* Indexes every identifier outside comments (mentions inside strings count as
 * loads: no finding when in doubt) and every global/nonlocal statement. */
static void index_words(FlowCtx *fc)
{
    const Unit *u = fc->u;
    uint32_t line = 0;
    bool after_for = false;
    for (uint32_t p = 0; p < u->len; p++) {
        char c = u->src[p];
        if (c == '\n') {
            line = p + 1;
            after_for = false;
        } else if (c == '#') {
            while (p + 1 < u->len && u->src[p + 1] != '\n')
                p++;
        } else if (c == '"' || c == '\'') {
            uint32_t end = chk_pysrc_string_end(u, p, u->len);
            for (uint32_t i = p + 1; i < end; i++) {
                if (!ident_char(u->src[i]) || ident_char(u->src[i - 1]))
                    continue;
                uint32_t q = i;
                while (q < end && ident_char(u->src[q]))
                    q++;
                add_word(fc, i, q - i, WORD_LOAD);
                i = q;
            }
            for (uint32_t i = p; i < end && i < u->len; i++)
                if (u->src[i] == '\n')
                    line = i + 1;
            p = end;
        } else if (ident_char(c) && !(c >= '0' && c <= '9') &&
                   (p == 0 || !ident_char(u->src[p - 1]))) {
            uint32_t q = p;
            while (q < u->len && ident_char(u->src[q]))
                q++;
            Str w = str_make(u->src + p, q - p);
            bool stmt = skip_blanks(u, line) == p;
            if (stmt && (str_eq_c(w, "global") || str_eq_c(w, "nonlocal"))) {
                p = declaration(fc, p, q, str_eq_c(w, "global") ? 1 : 2) - 1;
                continue;
            }
            add_word(fc, p, q - p, classify(u, p, q, line, after_for));
            after_for = stmt && str_eq_c(w, "for");
            p = q - 1;
        }
    }
    sort_by_key(fc->words, fc->nwords, sizeof *fc->words); /* made in source order */
}

typedef struct UseKey {
    uint32_t hash, site;
} UseKey;

static void flow_free(void *p)
{
    FlowCtx *fc = p;
    xfree(fc->words);
    xfree(fc->uses);
    xfree(fc->use_hash);
    xfree(fc->decls);
    xfree(fc);
}

FlowCtx *chk_flow_of(const Unit *cu)
{
    Unit *u = (Unit *)cu; /* a lazily built cache: the Unit's owner thread only */
    if (u->check_cache)
        return u->check_cache;
    FlowCtx *fc = xcalloc(1, sizeof *fc);
    fc->u = u;
    u->check_cache = fc;
    u->check_cache_free = flow_free;
    return fc;
}

/* Builds the indexes on the first question (most files never ask one). */
static void ensure_index(FlowCtx *fc)
{
    if (fc->indexed)
        return;
    fc->indexed = true;
    const Unit *u = fc->u;
    index_words(fc);
    uint32_t n = 0;
    for (uint32_t i = 0; i < u->nsites; i++)
        n += u->sites[i].kind == SITE_USE;
    UseKey *keys = xmalloc(sizeof *keys * (n ? n : 1));
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_USE)
            keys[fc->nuses++] = (UseKey){str_hash(u->sites[i].text), i};
    sort_by_key(keys, fc->nuses, sizeof *keys); /* made in site order */
    fc->uses = xmalloc(sizeof *fc->uses * (n ? n : 1));
    fc->use_hash = xmalloc(sizeof *fc->use_hash * (n ? n : 1));
    for (uint32_t i = 0; i < fc->nuses; i++) {
        fc->uses[i] = keys[i].site;
        fc->use_hash[i] = keys[i].hash;
    }
    xfree(keys);
}

const Unit *chk_flow_unit(const FlowCtx *fc)
{
    return fc->u;
}

/* ---- queries ---------------------------------------------------------------------- */

Str chk_flow_site_name(const Site *s)
{
    return s->resolved.len ? s->resolved : s->text;
}

bool chk_flow_matches(const CallIndex *ix, const Unit *u, const Site *s)
{
    return chk_idx_any(ix, chk_flow_site_name(s), u, (s->flags & SITE_F_ROOT_LOCAL) ? NULL : s);
}

bool chk_flow_within(const Unit *u, int32_t inner, int32_t outer)
{
    for (int depth = 0; inner >= 0 && (uint32_t)inner < u->nfuncs && depth < 1000; depth++) {
        if (inner == outer)
            return true;
        inner = u->funcs[inner].parent;
    }
    return false;
}

/* First occurrence of name with offset >= from in the word index. */
static uint32_t words_from(const FlowCtx *fc, uint32_t hash, uint32_t from)
{
    uint32_t lo = 0, hi = fc->nwords;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const FlowWord *w = &fc->words[mid];
        if (w->hash < hash || (w->hash == hash && w->off < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Occurrences of `name` in src[from, to) having all `flags` (at most `limit`). */
static uint32_t count_words(const FlowCtx *fc, uint32_t from, uint32_t to, Str name, uint32_t flags,
                            uint32_t limit)
{
    uint32_t h = str_hash(name), n = 0;
    for (uint32_t i = words_from(fc, h, from); i < fc->nwords && n < limit; i++) {
        const FlowWord *w = &fc->words[i];
        if (w->hash != h || w->off >= to)
            break;
        if (w->len == name.len && memcmp(fc->u->src + w->off, name.ptr, name.len) == 0 &&
            (w->flags & flags) == flags)
            n++;
    }
    return n;
}

/* Whether loop site `loop` encloses site s (same function). */
static bool inside_loop(const Unit *u, const Site *s, int32_t loop)
{
    for (int32_t l = s->loop, depth = 0; l >= 0 && depth < 1000; l = u->sites[l].loop, depth++)
        if (l == loop)
            return true;
    return false;
}

/* Whether a read at site `use` (same function as `bind`, earlier in the text)
 * happens on a later iteration of a loop enclosing both. */
static bool same_loop(const Unit *u, const Site *bind, const Site *use)
{
    for (int32_t l = bind->loop, depth = 0; l >= 0 && depth < 1000; l = u->sites[l].loop, depth++)
        if (inside_loop(u, use, l))
            return true;
    return false;
}

/* A loop enclosing `bind` that loads name before it (its header or the body
 * above the binding's line): read on the next iteration. */
static bool read_earlier_in_loop(const FlowCtx *fc, const Site *b, Str name)
{
    const Unit *u = fc->u;
    uint32_t line = b->off - chk_pysrc_column(u, b->off);
    for (int32_t l = b->loop, depth = 0; l >= 0 && depth < 1000; l = u->sites[l].loop, depth++)
        if (u->sites[l].kind == SITE_LOOP && u->sites[l].loop_kind != LOOP_COMP &&
            u->sites[l].off < line && count_words(fc, u->sites[l].off, line, name, WORD_LOAD, 1))
            return true;
    return false;
}

/* First USE site of `name` (by hash) whose offset is >= from. */
static uint32_t uses_from(const FlowCtx *fc, uint32_t hash, uint32_t from)
{
    uint32_t lo = 0, hi = fc->nuses;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t mh = fc->use_hash[mid];
        if (mh < hash || (mh == hash && fc->u->sites[fc->uses[mid]].off < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool chk_flow_read_after(FlowCtx *fc, uint32_t bind, Str name, FlowUseFn fn, void *ctx)
{
    ensure_index(fc);
    const Unit *u = fc->u;
    const Site *b = &u->sites[bind];
    const Function *fn_def = &u->funcs[b->func];
    bool unknown = read_earlier_in_loop(fc, b, name);
    uint32_t h = str_hash(name), later = 0;
    bool any = false;
    /* the function's sites and those of its nested functions lie in its span */
    for (uint32_t k = uses_from(fc, h, fn_def->off); k < fc->nuses && fc->use_hash[k] == h; k++) {
        uint32_t i = fc->uses[k];
        const Site *s = &u->sites[i];
        if (s->off >= fn_def->end)
            break;
        if (i == bind || !str_eq(s->text, name))
            continue;
        bool read = s->func == b->func ? i > bind || same_loop(u, b, s)
                                       : chk_flow_within(u, s->func, b->func);
        if (!read)
            continue;
        any = true;
        later += s->off >= b->end;
        if (fn && !fn(ctx, u, i))
            return true;
    }
    /* loads the model has no USE site for (after a rebinding to a non-call) */
    unknown |= count_words(fc, b->end, fn_def->end, name, WORD_LOAD, later + 1) > later;
    if (unknown && fn)
        fn(ctx, u, FLOW_USE_UNKNOWN);
    return any || unknown;
}

bool chk_flow_chained(const Unit *u, const Site *s)
{
    uint32_t line = s->off - chk_pysrc_column(u, s->off), n = 0;
    for (uint32_t p = line; p < s->off; p++) {
        if (u->src[p] != '=')
            continue;
        char prev = p > line ? u->src[p - 1] : ' ', next = p + 1 < u->len ? u->src[p + 1] : ' ';
        if (next == '=') {
            p++; /* `==` */
            continue;
        }
        if (!strchr("!<>=:", prev))
            n++;
    }
    return n >= 2;
}

/* 1 if function f declares name `global`, 2 if `nonlocal`, else 0. */
static int declared(const FlowCtx *fc, int32_t f, Str name)
{
    for (uint32_t i = 0; i < fc->ndecls; i++)
        if (fc->decls[i].func == f && str_eq(fc->decls[i].name, name))
            return fc->decls[i].kind;
    return 0;
}

bool chk_flow_declared_global(FlowCtx *fc, int32_t f, Str name)
{
    ensure_index(fc);
    return f > 0 && declared(fc, f, name) != 0;
}

/* Whether function g binds name: a parameter, a site bound to it, or a line
 * in its span that assigns it. */
static bool binds_locally(const FlowCtx *fc, int32_t g, Str name)
{
    const Unit *u = fc->u;
    const Function *fn = &u->funcs[g];
    for (uint32_t i = 0; i < fn->nparams; i++)
        if (str_eq(fn->params[i].name, name))
            return true;
    for (uint32_t i = 0; i < fn->nsites; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->use == USE_BOUND && str_eq(s->use_name, name))
            return true;
    }
    return count_words(fc, fn->off, fn->end, name, WORD_TARGET, 1) > 0;
}

static FlowBinding binding(const FlowCtx *fc, int32_t f, Str name)
{
    const Unit *u = fc->u;
    for (int32_t g = f, depth = 0; g > 0 && depth < 1000; g = u->funcs[g].parent, depth++) {
        if (u->funcs[g].kind == FN_CLASS)
            continue; /* class-body names are not visible in methods */
        int decl = declared(fc, g, name);
        if (decl == 1)
            return FLOW_BIND_GLOBAL;
        if (decl == 2 || binds_locally(fc, g, name))
            return FLOW_BIND_LOCAL;
    }
    const Function *mod = &u->funcs[0];
    for (uint32_t i = 0; i < mod->nsites; i++) {
        const Site *s = &u->sites[mod->sites[i]];
        if (s->use == USE_BOUND && str_eq(s->use_name, name))
            return FLOW_BIND_GLOBAL;
    }
    return count_words(fc, 0, u->len, name, WORD_TARGET | WORD_TOP, 1) ? FLOW_BIND_GLOBAL
                                                                       : FLOW_BIND_UNKNOWN;
}

FlowBinding chk_flow_binding(FlowCtx *fc, int32_t f, Str name)
{
    if (f < 0 || (uint32_t)f >= fc->u->nfuncs || !name.len)
        return FLOW_BIND_UNKNOWN;
    for (uint32_t i = 0; i < fc->ncache; i++)
        if (fc->cache[i].f == f && str_eq(fc->cache[i].name, name))
            return fc->cache[i].b;
    ensure_index(fc);
    FlowBinding b = binding(fc, f, name);
    fc->cache[fc->next] = (BindCache){f, name, b};
    fc->next = (fc->next + 1) % BIND_CACHE;
    if (fc->ncache < BIND_CACHE)
        fc->ncache++;
    return b;
}

int32_t chk_flow_outer_call(const Unit *u, uint32_t inner)
{
    const Site *in = &u->sites[inner];
    /* the inner call's own arguments come first; the outer call starts where it does */
    for (uint32_t j = inner + 1; j < u->nsites && u->sites[j].off <= in->end; j++) {
        const Site *s = &u->sites[j];
        if (s->kind == SITE_CALL && s->off == in->off && s->text.len > in->text.len &&
            memcmp(s->text.ptr, in->text.ptr, in->text.len) == 0)
            return (int32_t)j;
    }
    return -1;
}

Str chk_flow_last(Str name)
{
    int32_t dot = str_rfind(name, '.');
    return dot < 0 ? name : str_make(name.ptr + dot + 1, name.len - (uint32_t)dot - 1);
}

Str chk_flow_receiver(Str name)
{
    int32_t dot = str_rfind(name, '.');
    return dot < 0 ? STR_NULL : str_make(name.ptr, (uint32_t)dot);
}

bool chk_flow_patterns(const Rule *r, const char *key, bool required, Arena *a, Diag *d,
                       CallIndex *out)
{
    memset(out, 0, sizeof *out);
    bool ok = chk_param_patterns(r, key, false, required, a, d, out);
    chk_idx_build(out, a);
    return ok;
}

bool chk_flow_names(const Rule *r, const char *key, bool required, Arena *a, Diag *d,
                    const char ***out, uint32_t *n)
{
    const YNode **items;
    uint32_t count;
    if (!chk_param_items(r, key, a, d, &items, &count))
        return false;
    const char **names = ARENA_ARRAY(a, const char *, count ? count : 1);
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const char *s = items[i]->kind == YNODE_SCALAR ? items[i]->scalar : NULL;
        bool ident = s && *s && !(*s >= '0' && *s <= '9');
        for (const char *p = s; ident && *p; p++)
            ident = ident_char(*p);
        if (!ident)
            ok = ynode_error(d, items[i],
                             "rule '%s': '%s' entries must be plain names "
                             "(a method such as `discard`)",
                             r->id, key);
        names[i] = s;
    }
    if (required && !count)
        ok = ynode_error(d, r->node, "rule '%s': check '%s' needs '%s'", r->id, r->check, key);
    *out = names;
    *n = count;
    return ok;
}

bool chk_flow_in_names(Str s, const char *const *names, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (str_eq_c(s, names[i]))
            return true;
    return false;
}
