/* C callback registrations (see c_context.h): the registrars tables compiled
 * into a hash of call names and a list of field entries, and the scan of a
 * Unit's call and FUNCREF sites against them. */
#include "c_context.h"

#include <stdlib.h>
#include <string.h>

#include "../base/vec.h"

#define MAX_TABLES 32

struct CctxTable {
    CctxEntry *entries; /* call entries first (sorted by name), then field entries */
    uint32_t ncalls, nfields;
};

static const char *const ENTRY_KEYS[] = {"call", "field",       "arg",     "context",
                                         "via",  "request-arg", "null-cb", NULL};

static bool known_key(const char *k)
{
    for (size_t i = 0; ENTRY_KEYS[i]; i++)
        if (strcmp(ENTRY_KEYS[i], k) == 0)
            return true;
    return false;
}

static const char *scalar(const YNode *map, const char *key)
{
    const YNode *v = ynode_get(map, key);
    return v && v->kind == YNODE_SCALAR ? v->scalar : NULL;
}

/* A non-negative integer (or -1) value; false if present and malformed. */
static bool int_value(const YNode *map, const char *key, int32_t *out, Diag *d)
{
    const YNode *v = ynode_get(map, key);
    if (!v)
        return true;
    char *end = NULL;
    long n = v->kind == YNODE_SCALAR ? strtol(v->scalar, &end, 10) : -2;
    if (v->kind != YNODE_SCALAR || !end || *end || n < -1 || n > 64)
        return ynode_error(d, v, "registrar: '%s' must be an argument index (0-based)", key);
    *out = (int32_t)n;
    return true;
}

static bool read_entry(const YNode *m, Arena *a, Diag *d, CctxEntry *e)
{
    memset(e, 0, sizeof *e);
    e->arg = e->request_arg = -1;
    if (m->kind != YNODE_MAP)
        return ynode_error(d, m, "registrar: expected a map {call, arg, context}");
    for (uint32_t i = 0; i < m->count; i++)
        if (!known_key(m->keys[i]))
            return ynode_error(d, m->key_nodes[i],
                               "registrar: unknown key '%s' (expected call, field, arg, context, "
                               "via, request-arg or null-cb)",
                               m->keys[i]);
    e->call = scalar(m, "call");
    e->field = scalar(m, "field");
    if (!e->call == !e->field)
        return ynode_error(d, m, "registrar: needs exactly one of 'call' or 'field'");
    const char *ctx = scalar(m, "context");
    e->context = ctx ? model_context_parse(ctx) : 0;
    if (!e->context || e->context == CTX_ASYNC)
        return ynode_error(d, ynode_get(m, "context") ? ynode_get(m, "context") : m,
                           "registrar: 'context' must be loop, threadpool or signal");
    if (!int_value(m, "arg", &e->arg, d) || !int_value(m, "request-arg", &e->request_arg, d))
        return false;
    if (e->call && e->arg < 0)
        return ynode_error(d, m, "registrar: a 'call' entry needs 'arg' (the callback index)");
    const char *nc = scalar(m, "null-cb");
    if (nc && strcmp(nc, "sync") != 0)
        return ynode_error(d, ynode_get(m, "null-cb"), "registrar: 'null-cb' can only be 'sync'");
    e->null_sync = nc != NULL;
    e->via = scalar(m, "via");
    if (!e->via)
        e->via = e->call ? e->call : e->field;
    (void)a; /* strings stay in the RuleSet's YNodes, which outlive the table */
    return true;
}

static int cmp_entry(const void *x, const void *y)
{
    const CctxEntry *a = x, *b = y;
    if (!a->call || !b->call)
        return (a->call == NULL) - (b->call == NULL); /* call entries first */
    int c = strcmp(a->call, b->call);
    return c ? c : (a->arg > b->arg) - (a->arg < b->arg);
}

CctxTable *chk_cctx_load(const RuleSet *rs, Arena *a, Diag *d)
{
    const YNode *tables[MAX_TABLES];
    uint32_t nt = rules_pack_tables(rs, LANG_C, "registrars", tables, MAX_TABLES);
    if (nt > MAX_TABLES)
        nt = MAX_TABLES;
    Vec(CctxEntry) v;
    vec_init(&v);
    bool ok = true;
    for (uint32_t t = 0; t < nt; t++) {
        if (tables[t]->kind != YNODE_SEQ) {
            ok = ynode_error(d, tables[t], "'registrars' must be a list of maps");
            continue;
        }
        for (uint32_t i = 0; i < tables[t]->count; i++) {
            CctxEntry e;
            if (read_entry(tables[t]->items[i], a, d, &e))
                vec_push(&v, e);
            else
                ok = false;
        }
    }
    CctxTable *tab = NULL;
    if (ok) {
        tab = ARENA_NEW(a, CctxTable);
        tab->entries = ARENA_ARRAY(a, CctxEntry, v.size ? v.size : 1);
        if (v.size)
            memcpy(tab->entries, v.contents, sizeof(CctxEntry) * v.size);
        qsort(tab->entries, v.size, sizeof(CctxEntry), cmp_entry);
        for (uint32_t i = 0; i < v.size; i++)
            *(tab->entries[i].call ? &tab->ncalls : &tab->nfields) += 1;
    }
    vec_free(&v);
    return tab;
}

static int cmp_name(Str name, const char *call)
{
    size_t n = strlen(call);
    int c = memcmp(name.ptr, call, name.len < n ? name.len : n);
    return c ? c : (name.len > n) - (name.len < n);
}

uint32_t chk_cctx_calls(const CctxTable *t, Str callee, const CctxEntry **out, uint32_t max)
{
    if (!t || str_empty(callee))
        return 0;
    uint32_t lo = 0, hi = t->ncalls; /* first entry >= callee */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_name(callee, t->entries[mid].call) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t n = 0;
    for (uint32_t i = lo; i < t->ncalls && cmp_name(callee, t->entries[i].call) == 0; i++)
        if (n < max)
            out[n++] = &t->entries[i];
    return n;
}

static const CctxEntry *field_entry(const CctxTable *t, Str target)
{
    for (uint32_t i = t->ncalls; i < t->ncalls + t->nfields; i++)
        if (str_eq_c(target, t->entries[i].field))
            return &t->entries[i];
    return NULL;
}

/* A local of function f bound to a function (`uv_timer_cb cb = on_tick;`)
 * before site `before`: the function's name, or empty. */
static Str bound_function(const Unit *u, int32_t f, Str var, uint32_t before)
{
    Str found = STR_NULL;
    const Function *fn = &u->funcs[f];
    for (uint32_t i = 0; i < fn->nsites && fn->sites[i] < before; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->kind == SITE_FUNCREF && s->use == USE_BOUND && str_eq(s->use_name, var))
            found = s->text;
    }
    return found;
}

typedef Vec(CctxReg) RegVec;

static void add_reg(RegVec *v, Str func, const CctxEntry *e, int32_t site, uint32_t off)
{
    CctxReg r = {func, e->context, e, site, off};
    vec_push(v, r);
}

static void scan_call(const CctxTable *t, const Unit *u, uint32_t i, RegVec *v)
{
    const Site *s = &u->sites[i];
    const CctxEntry *es[8];
    uint32_t n = chk_cctx_calls(t, s->resolved, es, 8);
    for (uint32_t k = 0; k < n && k < 8; k++) {
        const CctxEntry *e = es[k];
        if ((uint32_t)e->arg >= s->nargs)
            continue;
        const Arg *a = &s->args[e->arg];
        Str fn = STR_NULL;
        if (a->kind == ARG_FUNC)
            fn = a->text;
        else if (a->kind == ARG_NAME && s->func > 0)
            fn = bound_function(u, s->func, a->text, i);
        if (!str_empty(fn))
            add_reg(v, fn, e, (int32_t)i, a->off);
    }
}

/* A function named inside a registrar's callback argument without being the
 * argument itself (`uv_close(h, closing ? on_close : NULL)`). */
static void scan_funcref(const CctxTable *t, const Unit *u, uint32_t i, RegVec *v)
{
    const Site *s = &u->sites[i];
    const CctxEntry *e = str_empty(s->use_name) ? NULL : field_entry(t, s->use_name);
    if (e && (s->use == USE_STORED || s->use == USE_ELEMENT)) {
        add_reg(v, s->text, e, (int32_t)i, s->off);
        return;
    }
    if (s->use != USE_ARGUMENT || s->parent < 0)
        return;
    const Site *call = &u->sites[s->parent];
    const CctxEntry *es[8];
    uint32_t n = chk_cctx_calls(t, call->resolved, es, 8);
    for (uint32_t k = 0; k < n && k < 8; k++)
        if ((uint32_t)es[k]->arg == s->arg_index)
            add_reg(v, s->text, es[k], (int32_t)i, s->off);
}

uint32_t chk_cctx_find(const CctxTable *t, const Unit *u, Arena *a, CctxReg **out)
{
    *out = NULL;
    if (!t || u->lang != LANG_C)
        return 0;
    RegVec v;
    vec_init(&v);
    for (uint32_t i = 0; i < u->nsites; i++) {
        if (u->sites[i].kind == SITE_CALL)
            scan_call(t, u, i, &v);
        else if (u->sites[i].kind == SITE_FUNCREF)
            scan_funcref(t, u, i, &v);
    }
    uint32_t n = v.size;
    if (n) {
        *out = ARENA_ARRAY(a, CctxReg, n);
        memcpy(*out, v.contents, sizeof(CctxReg) * n);
    }
    vec_free(&v);
    return n;
}

void chk_cctx_fill(const CctxTable *t, const Unit *u, ProjectFile *pf)
{
    Arena scratch;
    arena_init(&scratch);
    CctxReg *regs;
    uint32_t n = chk_cctx_find(t, u, &scratch, &regs);
    for (uint32_t i = 0; i < n; i++) {
        ProjectReg r;
        memset(&r, 0, sizeof r);
        r.func = str_dup(&pf->arena, regs[i].func);
        r.context = regs[i].context;
        r.caller = (uint32_t)u->sites[regs[i].site].func;
        r.via = arena_strdup(&pf->arena, regs[i].entry->via);
        unit_pos(u, regs[i].off, &r.loc.line, &r.loc.col);
        unit_pos(u, regs[i].off + (uint32_t)regs[i].func.len, &r.loc.end_line, &r.loc.end_col);
        vec_push(&pf->regs, r);
    }
    arena_free(&scratch);
}

bool chk_cctx_call_arg(const Rule *r, const YNode *n, Diag *d, const char **call, int32_t *arg)
{
    const char *c = n->kind == YNODE_MAP ? scalar(n, "call") : NULL;
    *arg = -1;
    if (!c || n->count != 2 || !ynode_get(n, "arg"))
        return ynode_error(d, n, "rule '%s': expected a map {call: NAME, arg: INDEX}", r->id);
    *call = c;
    if (!int_value(n, "arg", arg, d))
        return false;
    return *arg >= 0 || ynode_error(d, ynode_get(n, "arg"), "rule '%s': 'arg' must be >= 0", r->id);
}

Str chk_cctx_callee(const Site *s)
{
    return s->kind == SITE_CALL ? s->resolved : STR_NULL;
}

bool chk_cctx_in_list(Str name, const char *const *list, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t k = strlen(list[i]);
        if (k && list[i][k - 1] == '*') {
            if (name.len >= k - 1 && memcmp(name.ptr, list[i], k - 1) == 0)
                return true;
        } else if (str_eq_c(name, list[i])) {
            return true;
        }
    }
    return false;
}
