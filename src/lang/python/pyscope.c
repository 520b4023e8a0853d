/* Python light parser: names. Keeps, per function scope, what each local name
 * was last bound to (an import, a call whose result has a known producer, a
 * constant-size iterable), and per class, the producer of each `self.attr`.
 * Resolution follows Python's scoping (a method does not see its class body's
 * names). The flow is approximate by design: bindings are seen in source order
 * and a later untyped binding never erases a known type (`requests = None` in an
 * ImportError fallback must not hide `import requests`). */
#include <stdlib.h>
#include <string.h>

#include "../../base/xalloc.h"
#include "pyparse_int.h"

/* ---- open-addressing tables keyed on (scope, interned name) ----------------------- */

static uint32_t key_hash(int32_t scope, Str name)
{
    uintptr_t p = (uintptr_t)name.ptr;
    uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uint32_t)scope * 0xC2B2AE3Dull;
    return (uint32_t)(h >> 29);
}

static VarInfo *table_find(const VarTable *t, int32_t scope, Str name)
{
    uint32_t i = key_hash(scope, name) & (t->cap - 1);
    while (t->slots[i].gen == t->gen) {
        if (t->slots[i].func == scope && t->slots[i].name.ptr == name.ptr)
            return &t->slots[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

static void table_free(VarTable *t)
{
    xfree(t->slots);
    memset(t, 0, sizeof *t);
}

/* A new generation: every slot is free (on wrap-around, zeroed). */
static void table_next_gen(VarTable *t)
{
    t->count = 0;
    if (++t->gen == 0) {
        memset(t->slots, 0, sizeof *t->slots * t->room);
        t->gen = 1;
    }
}

/* Doubles the part of the table in use. Within the room already allocated,
 * the live entries are set aside and put back under a new generation: no
 * slot is zeroed. */
static void table_grow(VarTable *t)
{
    uint32_t ncap = t->cap * 2, n = 0;
    VarInfo *live = xmalloc((size_t)t->count * sizeof *live + 1);
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].gen == t->gen)
            live[n++] = t->slots[i];
    if (ncap > t->room) {
        xfree(t->slots);
        t->slots = xcalloc(ncap, sizeof *t->slots);
        t->room = ncap;
        t->gen = 0; /* calloc'ed slots carry generation 0: the next one is 1 */
    }
    table_next_gen(t);
    t->cap = ncap;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = key_hash(live[k].func, live[k].name) & (ncap - 1);
        while (t->slots[j].gen == t->gen)
            j = (j + 1) & (ncap - 1);
        live[k].gen = t->gen;
        t->slots[j] = live[k];
    }
    t->count = n;
    xfree(live);
}

static VarInfo *table_upsert(VarTable *t, int32_t scope, Str name)
{
    VarInfo *v = table_find(t, scope, name);
    if (v)
        return v;
    if ((t->count + 1) * 2 > t->cap)
        table_grow(t);
    uint32_t i = key_hash(scope, name) & (t->cap - 1);
    while (t->slots[i].gen == t->gen)
        i = (i + 1) & (t->cap - 1);
    v = &t->slots[i];
    memset(v, 0, sizeof *v);
    v->func = scope;
    v->gen = t->gen;
    v->name = name;
    t->count++;
    return v;
}

/* Empties t for the next file, which uses the first `cap` slots (a power of
 * two) of the room it keeps: a small file's names stay in a few cache lines
 * whatever a big file grew the room to. */
static void table_reset(VarTable *t, uint32_t cap)
{
    if (!t->slots) {
        t->slots = xcalloc(cap, sizeof *t->slots);
        t->room = cap;
        t->gen = 0; /* calloc'ed slots carry generation 0 */
    }
    table_next_gen(t);
    t->cap = cap < t->room ? cap : t->room;
}

void pp_scope_init(Parser *ps, uint32_t names)
{
    uint32_t cap = 256;
    while (cap < 2 * names && cap < (1u << 24))
        cap *= 2; /* at most half full */
    table_reset(&ps->vars, cap);
    table_reset(&ps->attrs, 64);
}

/* The room a very big file grew goes back to the allocator: a worker keeps
 * what most files need (16,384 slots, 768 KB). */
void pp_scope_trim(Parser *ps)
{
    enum { KEEP_SLOTS = 16384 };
    if (ps->vars.room > KEEP_SLOTS)
        table_free(&ps->vars);
    if (ps->attrs.room > KEEP_SLOTS)
        table_free(&ps->attrs);
}

void pp_scope_free(Parser *ps)
{
    table_free(&ps->vars);
    table_free(&ps->attrs);
}

/* ---- bindings ----------------------------------------------------------------------- */

void pp_note_bound(Parser *ps, Str name)
{
    if ((ps->nbound + 1) * 2 > ps->bound_cap) {
        uint32_t cap = ps->bound_cap ? ps->bound_cap * 2 : 256;
        const char **set = xcalloc(cap, sizeof *set);
        for (uint32_t i = 0; i < ps->bound_cap; i++) {
            const char *p = ps->bound_set[i];
            if (!p)
                continue;
            set[unit_ptr_slot(set, cap, p)] = p;
        }
        xfree(ps->bound_set);
        ps->bound_set = set;
        ps->bound_cap = cap;
    }
    uint32_t j = unit_ptr_slot(ps->bound_set, ps->bound_cap, name.ptr);
    if (!ps->bound_set[j]) {
        ps->bound_set[j] = name.ptr;
        ps->nbound++;
    }
}

/* The type a call of a builtin gives (`open(p)`: io.TextIOWrapper, from the
 * packs' `returns`), when the name is no binding of the file's so far; one
 * bound later in the file is caught at its end (pp_finish_scopes). */
static bool builtin_type(Parser *ps, const Expr *call, Str *type)
{
    /* a call's callee as written, for a name no binding typed; the map's
     * filter turns away nearly every callee before the name is read */
    Str name = call->resolved;
    Str t = typemap_get(ps->types, name);
    if (!t.len || str_find(name, '.') >= 0 || pp_var(ps, name))
        return false;
    uint32_t i = 0;
    while (i < ps->ntyped_builtins && !str_eq(ps->typed_builtins[i], name))
        i++;
    if (i == ps->ntyped_builtins) {
        if (i == sizeof ps->typed_builtins / sizeof ps->typed_builtins[0])
            return false; /* more builtins than the packs map: leave the rest untyped */
        ps->typed_builtins[ps->ntyped_builtins++] = name;
    }
    *type = t;
    return true;
}

/* A file opened in binary mode (`open(p, "rb")`, `path.open("wb")`) is a
 * buffered binary file, not the text wrapper the packs map its opener to: its
 * methods are named as what they are (`io.BufferedWriter.write`). */
static Str binary_file(Parser *ps, const Expr *call, Str type)
{
    Str mapped = typemap_get(ps->types, type);
    if (call->site < 0 || !str_eq_c(mapped.len ? mapped : type, "io.TextIOWrapper"))
        return type;
    const Site *s = pp_site(ps, call->site);
    uint32_t pos = str_ends_with(call->resolved, ".open") &&
                           str_find(call->resolved, '.') != str_rfind(call->resolved, '.')
                       ? 0  /* a method (`pathlib.Path.open`): the mode comes first */
                       : 1; /* open(file, mode), io.open, os.fdopen(fd, mode) */
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (a->keyword.len ? !str_eq_c(a->keyword, "mode") : i != pos)
            continue;
        Str m = unit_arg_source(ps->u, a);
        if (m.len < 2 || (m.ptr[0] != '"' && m.ptr[0] != '\'') || m.ptr[m.len - 1] != m.ptr[0])
            return type; /* not a plain string literal */
        bool binary = false, update = false, write = false;
        for (uint32_t k = 1; k + 1 < m.len; k++) {
            binary |= m.ptr[k] == 'b';
            update |= m.ptr[k] == '+';
            write |= m.ptr[k] == 'w' || m.ptr[k] == 'a' || m.ptr[k] == 'x';
        }
        if (!binary)
            return type;
        return update  ? STR_LIT("io.BufferedRandom")
               : write ? STR_LIT("io.BufferedWriter")
                       : STR_LIT("io.BufferedReader");
    }
    return type;
}

/* Whether argument a is an in-memory buffer: `io.BytesIO(...)` or
 * `io.StringIO(...)`, or a name bound to one. */
static bool in_memory(Parser *ps, const Arg *a)
{
    Str t = a->kind == ARG_CALL && a->site >= 0 ? pp_site(ps, a->site)->resolved : STR_NULL;
    if (a->kind == ARG_NAME) {
        VarInfo *v = pp_var(ps, pp_intern(ps, a->text.ptr, a->text.len));
        t = v ? v->type : STR_NULL;
    }
    return str_eq_c(t, "io.BytesIO") || str_eq_c(t, "io.StringIO");
}

/* `sqlite3.connect(":memory:")`, a database in the process's memory,
 * `open(os.devnull)`, the null device, and `io.TextIOWrapper(io.BytesIO())`
 * (or a Buffered* on one), a buffer: nothing to wait for behind them. What
 * they return is left untyped, so that its methods are not the blocking
 * driver's or file's (the calls themselves are excluded by the pack, or not
 * listed). */
static bool nothing_behind(Parser *ps, const Expr *call)
{
    Str r = call->resolved;
    if (call->site < 0 || (r.len != 4 && r.len != 7 && r.len != 13 && r.len != 15 &&
                           r.len != 16 && r.len != 17))
        return false; /* (nearly every call: not one of these names) */
    const Site *s = pp_site(ps, call->site);
    if (str_eq_c(r, "io.TextIOWrapper") || str_eq_c(r, "io.BufferedReader") ||
        str_eq_c(r, "io.BufferedWriter") || str_eq_c(r, "io.BufferedRandom"))
        return s->nargs && !s->args[0].keyword.len && in_memory(ps, &s->args[0]);
    bool db = str_eq_c(r, "sqlite3.connect");
    if (!db && !str_eq_c(r, "open") && !str_eq_c(r, "io.open") && !str_eq_c(r, "builtins.open"))
        return false;
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (a->keyword.len ? !str_eq_c(a->keyword, db ? "database" : "file") : i != 0)
            continue;
        Str m = unit_arg_source(ps->u, a);
        return db ? str_eq_c(m, "\":memory:\"") || str_eq_c(m, "':memory:'")
                  : str_eq_c(m, "os.devnull");
    }
    return false;
}

/* The producer a value carries: a call's resolved callee (`httpx.Client`), a
 * typed name, an awaited call or an annotation. */
static bool value_type(Parser *ps, const Expr *v, Str *type, bool *from_import)
{
    if (!v || !v->resolved.len)
        return false;
    switch (v->kind) {
    case E_CALL:
        if (nothing_behind(ps, v))
            return false;
        if (!v->from_import && builtin_type(ps, v, type)) {
            *type = binary_file(ps, v, *type);
            *from_import = true;
            return true;
        }
        if (v->from_import && ps->types) {
            *type = binary_file(ps, v, v->resolved);
            *from_import = true;
            return true;
        }
        break;
    case E_OTHER:
        break;
    case E_NAME:
    case E_DOTTED:
    case E_ATTR:
        if (!v->from_import)
            return false;
        break;
    default:
        return false;
    }
    *type = v->resolved;
    *from_import = v->from_import;
    return true;
}

/* `queue.Queue()` (LifoQueue, PriorityQueue) with no maxsize, or a maxsize of
 * 0 or less: an unbounded queue, whose put never waits (its get still does). */
static bool unbounded_queue(Parser *ps, const Expr *call)
{
    Str r = call->resolved;
    if (call->site < 0 || r.len < 11 || r.len > 19 || memcmp(r.ptr, "queue.", 6) != 0 ||
        !(str_eq_c(r, "queue.Queue") || str_eq_c(r, "queue.LifoQueue") ||
          str_eq_c(r, "queue.PriorityQueue")))
        return false;
    const Site *s = pp_site(ps, call->site);
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (a->keyword.len ? str_eq_c(a->keyword, "maxsize") : i == 0) {
            Str v = unit_arg_source(ps->u, a);
            return str_eq_c(v, "0") || (v.len >= 2 && v.ptr[0] == '-' && v.ptr[1] >= '1' &&
                                        v.ptr[1] <= '9');
        }
    }
    return true;
}

/* `socket.socket(AF_INET, SOCK_DGRAM)` (the type as argument 1 or `type=`): a
 * UDP socket. Its connect only records the default peer (the common way to
 * find the local address), so it waits for nothing. */
static bool datagram_socket(Parser *ps, const Expr *call)
{
    if (call->site < 0 || call->resolved.len != 13 || !str_eq_c(call->resolved, "socket.socket"))
        return false;
    const Site *s = pp_site(ps, call->site);
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (a->keyword.len ? str_eq_c(a->keyword, "type") : i == 1)
            return str_ends_with(unit_arg_source(ps->u, a), "SOCK_DGRAM");
    }
    return false;
}

/* What a binding to `value` (a local or a `self.` attribute) knows of the new
 * object about waiting: not made non-blocking yet; a datagram socket; an
 * unbounded queue (their counts let note_nonblocking skip most calls). */
static void bind_object(Parser *ps, VarInfo *v, const Expr *value)
{
    bool call = value && value->kind == E_CALL;
    v->nonblocking = false;
    v->datagram = call && datagram_socket(ps, value);
    ps->datagram_vars += v->datagram;
    v->unbounded_queue = call && unbounded_queue(ps, value);
    ps->queue_vars += v->unbounded_queue;
}

void pp_bind(Parser *ps, Str name, const Expr *value)
{
    pp_note_bound(ps, name);
    VarInfo *v = table_upsert(&ps->vars, ps->func, name);
    Str type;
    bool imp = false;
    if (value_type(ps, value, &type, &imp)) {
        v->type = type;
        v->from_import = imp;
    }
    v->bounded = value && value->bounded;
    v->is_const = value && value->is_const;
    v->tracked = value && (value->kind == E_CALL || value->kind == E_COMP);
    v->is_class = v->imported = false;
    bind_object(ps, v, value);
}

bool pp_bind_tuple(Parser *ps, const Expr *value)
{
    if ((value->kind == E_TUPLE || value->kind == E_LITERAL) && ps->targets.size >= 2 &&
        ps->last_tuple_n == ps->targets.size && value->off == ps->last_tuple_off &&
        value->end == ps->last_tuple_end) {
        /* `a, b = X(), Y()`: member by member, as `a = X()` and `b = Y()` */
        for (uint32_t i = 0; i < ps->last_tuple_n; i++) {
            Str name = ps->targets.contents[i];
            pp_bind(ps, name, &ps->last_tuple[i]);
            pp_set_use(ps, &ps->last_tuple[i], USE_BOUND, name, -1, 0);
        }
        vec_clear(&ps->targets);
        return true;
    }
    Str producer, tuple;
    bool imp = false;
    if (!ps->types || ps->targets.size < 2 || !value_type(ps, value, &producer, &imp) ||
        !(tuple = typemap_get(ps->types, producer)).len || str_find(tuple, ',') < 0)
        return false;
    Str parts[TYPEMAP_MAX_TUPLE];
    uint32_t n = 0;
    for (Str rest = tuple; n < TYPEMAP_MAX_TUPLE;) {
        int32_t comma = str_find(rest, ',');
        parts[n++] = comma < 0 ? rest : str_make(rest.ptr, (uint32_t)comma);
        if (comma < 0)
            break;
        rest = str_make(rest.ptr + comma + 1, rest.len - (uint32_t)comma - 1);
    }
    if (n != ps->targets.size)
        return false; /* `a, *rest = ...`, nested targets: not one name per member */
    for (uint32_t i = 0; i < n; i++) {
        Expr member = {.kind = E_OTHER, .resolved = parts[i], .from_import = true, .site = -1,
                       .func = -1};
        pp_bind(ps, ps->targets.contents[i], &member);
    }
    vec_clear(&ps->targets);
    return true;
}

void pp_rebind_operator(Parser *ps, Str name)
{
    pp_note_bound(ps, name);
    /* `n += 1`: a counter, not a constant (and a local of the function) */
    table_upsert(&ps->vars, ps->func, name)->is_const = false;
}

void pp_flush_targets(Parser *ps)
{
    for (uint32_t i = 0; i < ps->targets.size; i++)
        pp_bind(ps, ps->targets.contents[i], NULL);
    vec_clear(&ps->targets);
}

uint32_t pp_shadow_targets(Parser *ps, PpShadow *out, uint32_t n)
{
    for (uint32_t i = 0; i < ps->targets.size && n < PP_MAX_SHADOW; i++) {
        Str name = ps->targets.contents[i];
        VarInfo *v = table_find(&ps->vars, ps->func, name);
        out[n].name = name;
        out[n].present = v != NULL;
        if (v)
            out[n].info = *v;
        n++;
    }
    return n;
}

void pp_unshadow(Parser *ps, const PpShadow *saved, uint32_t n)
{
    for (uint32_t i = n; i > 0; i--) { /* reverse: the first save of a name wins */
        const PpShadow *s = &saved[i - 1];
        VarInfo *v = table_find(&ps->vars, ps->func, s->name);
        if (!v)
            continue;
        if (s->present) {
            *v = s->info;
        } else { /* unknown before: as if unbound (no type, no USE sites) */
            v->type = STR_NULL;
            v->from_import = v->bounded = v->is_const = v->tracked = v->is_class = false;
            v->imported = false;
        }
    }
}

void pp_bind_global(Parser *ps, Str name)
{
    pp_note_bound(ps, name);
    table_upsert(&ps->vars, 0, name);
}

void pp_add_import(Parser *ps, Str local, Str qualified, uint8_t level)
{
    Import im = {local, qualified, ps->func, level};
    vec_push(&ps->imports, im);
    pp_note_bound(ps, local);
    VarInfo *v = table_upsert(&ps->vars, ps->func, local);
    v->type = qualified;
    v->from_import = v->imported = true;
    v->tracked = false;
    v->bounded = v->is_const = v->is_class = false;
}

/* The binding of the interned `name` that code of function `from` sees
 * (Python's LEGB, builtins aside): in `from`, in the functions that enclose
 * it, or in the module. A class body's names are not seen from its methods. */
static VarInfo *var_seen_from(const Parser *ps, int32_t from, Str name)
{
    for (int32_t f = from; f >= 0 && (uint32_t)f < ps->funcs.size;) {
        const Function *fn = &ps->funcs.contents[f];
        if (f == from || fn->kind != FN_CLASS) {
            VarInfo *v = table_find(&ps->vars, f, name);
            if (v)
                return v;
        }
        f = fn->parent;
    }
    return NULL;
}

VarInfo *pp_var(Parser *ps, Str name)
{
    return var_seen_from(ps, ps->func, name);
}

VarInfo *pp_attr(Parser *ps, Str attr)
{
    return ps->cls < 0 ? NULL : table_find(&ps->attrs, ps->cls, attr);
}

void pp_bind_attr(Parser *ps, Str attr, const Expr *value)
{
    Str type;
    bool imp = false;
    if (ps->cls < 0 || !value_type(ps, value, &type, &imp))
        return;
    VarInfo *v = table_upsert(&ps->attrs, ps->cls, attr);
    v->type = type;
    v->from_import = imp;
    bind_object(ps, v, value);
}

/* ---- resolution --------------------------------------------------------------------- */

VarInfo *pp_resolve_name(Parser *ps, Expr *e)
{
    if (ps->self_name.len && e->text.ptr == ps->self_name.ptr && ps->cls >= 0) {
        e->resolved = vec_at(&ps->funcs, ps->cls)->qualname;
        e->from_self = true;
        return pp_var(ps, e->text);
    }
    VarInfo *v = pp_var(ps, e->text);
    e->resolved = e->text;
    if (!v)
        return NULL;
    if (v->type.len) {
        e->resolved = v->type;
        e->from_import = v->from_import;
    }
    e->names_import = v->imported;
    e->bounded = v->bounded;
    e->is_const |= v->is_const;
    return v;
}

void pp_resolve_attr(Parser *ps, Expr *e, const Expr *base, Str attr)
{
    e->from_import = base->from_import;
    e->from_self = base->from_self;
    e->names_import = base->names_import && (base->kind == E_NAME || base->kind == E_DOTTED);
    if (base->kind == E_NAME && base->from_self && ps->cls >= 0) {
        VarInfo *v = table_find(&ps->attrs, ps->cls, attr);
        if (v && v->type.len) {
            e->resolved = v->type;
            e->from_import = v->from_import;
            e->from_self = false;
            return;
        }
    }
    Str br = base->resolved;
    if (ps->types && base->from_import) {
        Str type = typemap_get(ps->types, br); /* `Path.home()`: a `pathlib.Path` */
        if (type.len)
            br = type;
    }
    if (!br.len)
        e->resolved = STR_NULL;
    else if (e->text.len && br.ptr == base->text.ptr && br.len == base->text.len)
        e->resolved = e->text; /* a name that resolves to itself: the same text */
    else
        e->resolved = str_join(ps->a, br, ".", attr);
}

void pp_resolve_operator(Parser *ps, Expr *e, Str left, Str dunder)
{
    if (!ps->types || !left.len)
        return;
    Str type = typemap_get(ps->types, left);
    Str base = type.len ? type : left;
    if (base.len + 1 + dunder.len >= PP_MAX_DOTTED)
        return; /* `x / 2 / 2 / ...` of an unmapped type: not a name (see PP_MAX_DOTTED) */
    e->resolved = str_join(ps->a, base, ".", dunder);
    e->from_import = true;
}

enum { WRAP_NONE, WRAP_UNION, WRAP_ANNOTATED, WRAP_NULL };

/* What a name in an annotation wraps: Optional/Union members, Annotated's
 * first argument, or nothing (None). */
static int wrapper_kind(Str r)
{
    if (str_eq_c(r, "typing.Optional") || str_eq_c(r, "typing.Union") ||
        str_eq_c(r, "Optional") || str_eq_c(r, "Union"))
        return WRAP_UNION;
    if (str_eq_c(r, "typing.Annotated") || str_eq_c(r, "typing_extensions.Annotated"))
        return WRAP_ANNOTATED;
    return str_eq_c(r, "None") ? WRAP_NULL : WRAP_NONE;
}

uint32_t pp_token_at(const Parser *ps, uint32_t off)
{
    uint32_t lo = 0, hi = ps->ntoks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ps->toks[mid].start < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* `Optional[httpx.Client]`, `httpx.Client | None`, `Annotated[Session, ...]`:
 * the one type among the annotation's members (its `|` operands, the
 * arguments of Optional/Union, the first of Annotated) that resolves through
 * an import. A container's arguments are not members (`Dict[str, Client]` is
 * a dict), and two such types make no type (`Union[queue.Queue,
 * asyncio.Queue]` may be either: the methods of neither can be assumed). */
static Str scan_annotation(Parser *ps, const Expr *e)
{
    enum { MAX_LEVELS = 16 };
    /* per bracket depth: whether its names are members, and whether only
     * until the first comma (Annotated) */
    bool member[MAX_LEVELS] = {true}, first_only[MAX_LEVELS] = {false};
    uint32_t depth = 0;
    int pending = WRAP_NONE; /* the wrapper named just before a `[` */
    Str found = STR_NULL;
    for (uint32_t i = pp_token_at(ps, e->off); i < ps->ntoks && ps->toks[i].start < e->end; i++) {
        const PpToken *t = &ps->toks[i];
        if (t->kind == PYTOK_OP) {
            if (t->op == PYOP_LSQB || t->op == PYOP_LPAR || t->op == PYOP_LBRACE) {
                bool in = depth < MAX_LEVELS && member[depth] && t->op == PYOP_LSQB &&
                          (pending == WRAP_UNION || pending == WRAP_ANNOTATED);
                if (++depth < MAX_LEVELS) {
                    member[depth] = in;
                    first_only[depth] = in && pending == WRAP_ANNOTATED;
                }
            } else if (t->op == PYOP_RSQB || t->op == PYOP_RPAR || t->op == PYOP_RBRACE) {
                depth -= depth > 0;
            } else if (t->op == PYOP_COMMA && depth < MAX_LEVELS && first_only[depth]) {
                member[depth] = false;
            }
            pending = WRAP_NONE;
            continue;
        }
        if (t->kind != PYTOK_NAME || t->kw != PYKW_NONE ||
            (i > 0 && ps->toks[i - 1].kind == PYTOK_OP && ps->toks[i - 1].op == PYOP_DOT))
            continue;
        Expr n = {.kind = E_NAME, .site = -1, .func = -1,
                  .text = pp_intern(ps, ps->u->src + t->start, t->end - t->start)};
        pp_resolve_name(ps, &n);
        uint32_t j = i + 1;
        while (j + 1 < ps->ntoks && ps->toks[j].kind == PYTOK_OP && ps->toks[j].op == PYOP_DOT &&
               ps->toks[j + 1].kind == PYTOK_NAME && n.resolved.len < PP_MAX_DOTTED) {
            Str attr = pp_intern(ps, ps->u->src + ps->toks[j + 1].start,
                                 ps->toks[j + 1].end - ps->toks[j + 1].start);
            n.resolved = str_join(ps->a, n.resolved, ".", attr);
            j += 2;
        }
        i = j - 1; /* the name's last token */
        pending = WRAP_NONE;
        if (n.resolved.len >= PP_MAX_DOTTED)
            continue; /* not a name (see PP_MAX_DOTTED) */
        int w = wrapper_kind(n.resolved);
        if (w != WRAP_NONE) {
            pending = w;
            continue;
        }
        if (depth >= MAX_LEVELS || !member[depth] || !n.from_import)
            continue;
        if (found.len && !str_eq(found, n.resolved))
            return STR_NULL; /* two types: either may be the value's */
        found = n.resolved;
    }
    return found;
}

Str pp_resolve_annotation(Parser *ps, const Expr *e)
{
    if ((e->kind == E_NAME || e->kind == E_DOTTED) && e->from_import)
        return e->resolved;
    if (e->kind == E_SUBSCRIPT || e->kind == E_OTHER)
        return scan_annotation(ps, e);
    return STR_NULL;
}

/* ---- end of file ------------------------------------------------------------------------ */

/* A builtin that typed a value but that the file binds itself where the
 * value is used (`def open` below the call, a later import) was not the
 * builtin: the calls resolved through its type lose that resolution (with
 * any others of the same type in those scopes: rare, and a missed finding
 * rather than a false one). */
static void untype_shadowed_builtins(Parser *ps)
{
    for (uint32_t b = 0; b < ps->ntyped_builtins; b++) {
        Str name = ps->typed_builtins[b];
        if (!unit_binds(ps->u, name))
            continue;
        Str type = typemap_get(ps->types, name);
        for (uint32_t i = 0; i < ps->sites.size; i++) {
            Site *s = vec_at(&ps->sites, i);
            Str r = s->resolved;
            if ((s->flags & SITE_F_RESOLVED) && r.len > type.len && r.ptr[type.len] == '.' &&
                memcmp(r.ptr, type.ptr, type.len) == 0 && var_seen_from(ps, s->func, name)) {
                s->resolved = STR_NULL;
                s->flags &= ~(uint32_t)SITE_F_RESOLVED;
            }
        }
    }
}

/* A function's loop over a module-level class the file defines below the
 * function (`for r in Region`, `class Region(Enum)` further down) iterates its
 * members, as one defined above does (see classdef): the function runs after
 * the module has bound the class. A local of that name still hides it. */
static void later_class_loop(Parser *ps, Site *s)
{
    if (s->func <= 0 || (s->flags & (SITE_F_BOUNDED | SITE_F_RESOLVED)) || !s->text.len)
        return;
    Str name = strpool_find(&ps->u->names, s->text); /* a name never interned is unbound */
    VarInfo *v = name.ptr ? var_seen_from(ps, s->func, name) : NULL;
    if (v && v->func == 0 && v->is_class)
        s->flags |= SITE_F_BOUNDED;
}

void pp_finish_scopes(Parser *ps)
{
    Unit *u = ps->u;
    u->bound_set = ps->bound_set; /* handed over: unit_free releases it */
    u->bound_cap = ps->bound_cap;
    u->nbound = ps->nbound;
    ps->bound_set = NULL;
    /* A name the file never binds is taken as the module of that name (SPEC.md);
     * one it binds (a def, an assignment, a parameter) is local. */
    untype_shadowed_builtins(ps);
    for (uint32_t i = 0; i < ps->sites.size; i++) {
        Site *s = vec_at(&ps->sites, i);
        if (s->kind == SITE_LOOP) {
            later_class_loop(ps, s);
            continue;
        }
        if ((s->kind != SITE_CALL && s->kind != SITE_WITH) ||
            (s->flags & (SITE_F_RESOLVED | SITE_F_SELF)))
            continue;
        Str r = s->resolved.len ? s->resolved : s->text;
        int32_t dot = str_find(r, '.');
        /* a root never interned was never bound either */
        Str root = strpool_find(&u->names, str_make(r.ptr, dot < 0 ? r.len : (uint32_t)dot));
        if (root.ptr && unit_binds(u, root) && var_seen_from(ps, s->func, root))
            s->flags |= SITE_F_ROOT_LOCAL;
    }
}
