/* Local questions about one function, answered from the model and, where the
 * model has nothing to say, from the function's own source lines (see flow.h). */
#include "flow.h"

#include <string.h>

#include "params.h"

static bool ident_char(char c);

Str chk_flow_site_name(const Site *s)
{
    return s->resolved.len ? s->resolved : s->text;
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

/* Whether `name` occurs as a word in src[from, to). */
static bool word_in(const Unit *u, uint32_t from, uint32_t to, Str name)
{
    for (uint32_t p = from; p + name.len <= to; p++) {
        if (memcmp(u->src + p, name.ptr, name.len) != 0)
            continue;
        bool starts = p == 0 || !ident_char(u->src[p - 1]);
        bool ends = p + name.len >= u->len || !ident_char(u->src[p + name.len]);
        if (starts && ends)
            return true;
    }
    return false;
}

/* A loop enclosing `bind` that mentions name before it (its header or the
 * body above the binding): read on the next iteration. The frontend makes USE
 * sites only for loads after a call binding, so these reads have no site. */
static bool read_earlier_in_loop(const Unit *u, const Site *b, Str name)
{
    uint32_t line = b->off; /* the binding's own line holds its target */
    while (line > 0 && u->src[line - 1] != '\n')
        line--;
    for (int32_t l = b->loop, depth = 0; l >= 0 && depth < 1000; l = u->sites[l].loop, depth++)
        if (u->sites[l].kind == SITE_LOOP && u->sites[l].loop_kind != LOOP_COMP &&
            word_in(u, u->sites[l].off, line, name))
            return true;
    return false;
}

/* Loads of `name` in src[from, to): whole-word mentions that are not an
 * attribute (`x.name`), an assignment target or a keyword (`name = ...`). */
static uint32_t text_loads(const Unit *u, uint32_t from, uint32_t to, Str name)
{
    uint32_t n = 0;
    if (to > u->len)
        to = u->len;
    for (uint32_t p = from; p + name.len <= to; p++) {
        if (memcmp(u->src + p, name.ptr, name.len) != 0 || (p > 0 && ident_char(u->src[p - 1])) ||
            (p + name.len < u->len && ident_char(u->src[p + name.len])))
            continue;
        uint32_t b = p;
        while (b > from && (u->src[b - 1] == ' ' || u->src[b - 1] == '\t'))
            b--;
        uint32_t q = p + name.len;
        while (q < to && (u->src[q] == ' ' || u->src[q] == '\t'))
            q++;
        bool attribute = b > 0 && u->src[b - 1] == '.';
        bool target = q < to && u->src[q] == '=' && (q + 1 >= to || u->src[q + 1] != '=');
        if (!attribute && !target)
            n++;
        p += name.len - 1;
    }
    return n;
}

bool chk_flow_read_after(const Unit *u, uint32_t bind, Str name, FlowUseFn fn, void *ctx)
{
    const Site *b = &u->sites[bind];
    const Function *fn_def = &u->funcs[b->func];
    bool unknown = read_earlier_in_loop(u, b, name);
    /* the function's sites and those of its nested functions lie in its span */
    uint32_t first = bind;
    while (first > 0 && u->sites[first - 1].off >= fn_def->off)
        first--;
    bool any = false;
    uint32_t later = 0; /* reads with a site after the binding statement */
    for (uint32_t i = first; i < u->nsites && u->sites[i].off < fn_def->end; i++) {
        const Site *s = &u->sites[i];
        if (s->kind != SITE_USE || !str_eq(s->text, name) || i == bind)
            continue;
        bool read;
        if (s->func == b->func)
            read = i > bind || same_loop(u, b, s);
        else
            read = chk_flow_within(u, s->func, b->func);
        if (!read)
            continue;
        any = true;
        later += s->off >= b->end;
        if (fn && !fn(ctx, u, i))
            return true;
    }
    /* loads the model has no USE site for: after a rebinding to a non-call
     * (`t = None` in another branch), or next iteration of a loop */
    unknown |= text_loads(u, b->end, fn_def->end, name) > later;
    if (unknown && fn)
        fn(ctx, u, FLOW_USE_UNKNOWN);
    return any || unknown;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Whether src[p..end) starts with `word` as a whole word. */
static bool word_at(const char *src, uint32_t p, uint32_t end, const char *word)
{
    size_t n = strlen(word);
    if (p + n > end || memcmp(src + p, word, n) != 0)
        return false;
    if (p > 0 && ident_char(src[p - 1]))
        return false;
    return p + n == end || !ident_char(src[p + n]);
}

/* After `global`/`nonlocal` at p: whether the name list on that line holds name. */
static bool names_list_has(const char *src, uint32_t p, uint32_t end, Str name)
{
    while (p < end && src[p] != '\n' && src[p] != ';' && src[p] != '#') {
        if (ident_char(src[p]) && (p == 0 || !ident_char(src[p - 1]))) {
            uint32_t q = p;
            while (q < end && ident_char(src[q]))
                q++;
            if (q - p == name.len && memcmp(src + p, name.ptr, name.len) == 0)
                return true;
            p = q;
            continue;
        }
        p++;
    }
    return false;
}

/* 1 if function f declares name `global`, 2 if `nonlocal`, else 0. Only
 * statement starts count (line start after indentation, or after `;`/`:`). */
static int declaration(const Unit *u, int32_t f, Str name)
{
    const Function *fn = &u->funcs[f];
    const char *src = u->src;
    uint32_t end = fn->end <= u->len ? fn->end : u->len;
    for (uint32_t p = fn->off; p < end; p++) {
        char c = src[p];
        if (c != 'g' && c != 'n')
            continue;
        int kind = word_at(src, p, end, "global") ? 1 : word_at(src, p, end, "nonlocal") ? 2 : 0;
        if (!kind)
            continue;
        uint32_t b = p;
        while (b > fn->off && (src[b - 1] == ' ' || src[b - 1] == '\t'))
            b--;
        if (b > 0 && src[b - 1] != '\n' && src[b - 1] != ';' && src[b - 1] != ':')
            continue;
        uint32_t q = p + (kind == 1 ? 6 : 8);
        if (names_list_has(src, q, end, name))
            return kind;
    }
    return 0;
}

bool chk_flow_declared_global(const Unit *u, int32_t f, Str name)
{
    return f > 0 && (uint32_t)f < u->nfuncs && declaration(u, f, name) != 0;
}

/* Whether a line of [off, end) assigns `name` as a simple target: `name =`,
 * `name: T =`, `name += ...` or `for name in`. With `top_only`, only lines with
 * no indentation count (module level). */
static bool assigns_in_text(const Unit *u, uint32_t off, uint32_t end, Str name, bool top_only)
{
    const char *src = u->src;
    if (end > u->len)
        end = u->len;
    for (uint32_t p = off; p < end; p++) {
        if (p != 0 && src[p - 1] != '\n')
            continue;
        uint32_t q = p;
        while (q < end && (src[q] == ' ' || src[q] == '\t'))
            q++;
        if (top_only && q != p)
            continue;
        bool is_for = q + 4 < end && memcmp(src + q, "for ", 4) == 0;
        if (is_for)
            for (q += 4; q < end && src[q] == ' ';)
                q++;
        if (q + name.len > end || memcmp(src + q, name.ptr, name.len) != 0 ||
            (q + name.len < end && ident_char(src[q + name.len])))
            continue;
        uint32_t r = q + name.len;
        while (r < end && (src[r] == ' ' || src[r] == '\t'))
            r++;
        if (r >= end)
            continue;
        if (is_for) {
            if (word_at(src, r, end, "in"))
                return true;
            continue;
        }
        if (src[r] == ':' || (src[r] == '=' && (r + 1 >= end || src[r + 1] != '=')) ||
            (r + 1 < end && src[r + 1] == '=' && strchr("+-*/|&^%@", src[r])))
            return true;
    }
    return false;
}

/* Whether function g binds name: a parameter, a site bound to it, or an
 * assignment line in its span. */
static bool binds_locally(const Unit *u, int32_t g, Str name)
{
    const Function *fn = &u->funcs[g];
    for (uint32_t i = 0; i < fn->nparams; i++)
        if (str_eq(fn->params[i].name, name))
            return true;
    for (uint32_t i = 0; i < fn->nsites; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->use == USE_BOUND && str_eq(s->use_name, name))
            return true;
    }
    return assigns_in_text(u, fn->off, fn->end, name, false);
}

FlowBinding chk_flow_binding(const Unit *u, int32_t f, Str name)
{
    if (f < 0 || (uint32_t)f >= u->nfuncs || !name.len)
        return FLOW_BIND_UNKNOWN;
    for (int32_t g = f, depth = 0; g > 0 && depth < 1000; g = u->funcs[g].parent, depth++) {
        if (u->funcs[g].kind == FN_CLASS)
            continue; /* class-body names are not visible in methods */
        int decl = declaration(u, g, name);
        if (decl == 1)
            return FLOW_BIND_GLOBAL;
        if (decl == 2 || binds_locally(u, g, name))
            return FLOW_BIND_LOCAL;
    }
    const Function *mod = &u->funcs[0];
    for (uint32_t i = 0; i < mod->nsites; i++) {
        const Site *s = &u->sites[mod->sites[i]];
        if (s->use == USE_BOUND && str_eq(s->use_name, name))
            return FLOW_BIND_GLOBAL;
    }
    return assigns_in_text(u, 0, u->len, name, true) ? FLOW_BIND_GLOBAL : FLOW_BIND_UNKNOWN;
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

Str chk_flow_text(const Unit *u, uint32_t off, uint32_t end)
{
    if (end > u->len)
        end = u->len;
    while (off < end && (u->src[off] == ' ' || u->src[off] == '\t'))
        off++;
    while (end > off && (u->src[end - 1] == ' ' || u->src[end - 1] == '\t'))
        end--;
    return str_make(u->src + off, end - off);
}

bool chk_flow_patterns(const Rule *r, const char *key, bool required, Arena *a, Diag *d,
                       CallIndex *out)
{
    memset(out, 0, sizeof *out);
    const YNode **items;
    uint32_t n;
    if (!chk_param_items(r, key, a, d, &items, &n))
        return false;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        CallPattern p;
        if (!chk_idx_parse(items[i], a, d, &p)) {
            ok = false;
            continue;
        }
        p.owner = r;
        chk_idx_add(out, a, &p);
    }
    chk_idx_build(out, a);
    if (required && !n)
        ok = ynode_error(d, r->node, "rule '%s': check '%s' needs '%s'", r->id, r->check, key);
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
            ok = ynode_error(d, items[i], "rule '%s': '%s' entries must be plain names "
                             "(a method such as `discard`)", r->id, key);
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
