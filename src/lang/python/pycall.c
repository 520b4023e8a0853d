/* Python light parser: call expressions. A call becomes a SITE_CALL with its
 * callee (as written and resolved), its arguments (kind, keyword, starred), and
 * each argument's value marked USE_ARGUMENT of this call. Also decides whether
 * the call's result is a constant-size iterable (`range(10)`, `zip(xs[:5], ys)`). */
#include <string.h>

#include "pyparse_int.h"

static bool is_ident(const PpToken *t)
{
    return t->kind == PYTOK_NAME && (t->kw == PYKW_NONE || t->kw >= PYKW_MATCH);
}

static Arg arg_from(const Expr *e)
{
    Arg a;
    memset(&a, 0, sizeof a);
    a.site = -1;
    a.func = -1;
    a.off = e->off;
    a.end = e->end;
    a.flags = e->starred ? ARG_STARRED : 0;
    switch (e->kind) {
    case E_NAME:
    case E_DOTTED:
        a.kind = e->kind == E_NAME ? ARG_NAME : ARG_DOTTED;
        a.text = e->text;
        a.resolved = e->resolved;
        a.ref = (e->from_import ? ARG_REF_IMPORT : 0) | (e->from_self ? ARG_REF_SELF : 0);
        break;
    case E_CALL:
        a.kind = ARG_CALL;
        a.site = e->site;
        a.resolved = e->resolved;
        break;
    case E_LAMBDA:
        a.kind = ARG_LAMBDA;
        a.func = e->func;
        break;
    case E_COMP:
        a.kind = ARG_COMP;
        a.site = e->site;
        break;
    case E_LITERAL:
        a.kind = ARG_LITERAL;
        break;
    case E_NULL:
        a.kind = ARG_NULL;
        break;
    default:
        a.kind = ARG_OTHER;
        break;
    }
    return a;
}

/* What a call of `name` yields as an iterable, by the name alone. Most calls
 * are none of these: the length and first byte settle them before any compare. */
typedef enum { SIZE_NONE, SIZE_RANGE, SIZE_ZIP, SIZE_COUNTED, SIZE_PASSES } SizeKind;

static SizeKind size_kind(Str r)
{
    static const struct { const char *name; SizeKind kind; } fns[] = {
        {"range", SIZE_RANGE}, {"zip", SIZE_ZIP},
        {"itertools.islice", SIZE_COUNTED}, {"itertools.repeat", SIZE_COUNTED},
        /* builtins whose result has as many items as their (first) argument */
        {"enumerate", SIZE_PASSES}, {"sorted", SIZE_PASSES}, {"list", SIZE_PASSES},
        {"tuple", SIZE_PASSES}, {"reversed", SIZE_PASSES}, {"set", SIZE_PASSES},
        {"frozenset", SIZE_PASSES}, {"iter", SIZE_PASSES},
    };
    if (r.len < 3 || r.len > 16 || !strchr("zrielstf", r.ptr[0]))
        return SIZE_NONE;
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
        if (str_eq_c(r, fns[i].name))
            return fns[i].kind;
    return SIZE_NONE;
}

typedef struct ArgFacts {
    uint32_t n;
    bool all_const;
    bool first_bounded;
    bool any_bounded;
} ArgFacts;

static bool call_bounded(const Expr *callee, const ArgFacts *f)
{
    if (callee->kind == E_DOTTED && callee->bounded)
        return f->n == 0; /* `sizes.items()` of a bounded `sizes` (see attribute()) */
    if (callee->kind != E_NAME && callee->kind != E_DOTTED)
        return false;
    switch (size_kind(callee->resolved.len ? callee->resolved : callee->text)) {
    case SIZE_RANGE: return f->all_const;
    case SIZE_ZIP: return f->any_bounded;
    case SIZE_COUNTED: return f->n >= 2;
    case SIZE_PASSES: return f->n >= 1 && f->first_bounded;
    case SIZE_NONE: break;
    }
    return false;
}

static Arg parse_one_arg(Parser *ps, int32_t site, uint32_t index, uint32_t open_off,
                         ArgFacts *facts)
{
    uint8_t flags = 0;
    Str keyword = STR_NULL;
    if (pp_accept_op(ps, PYOP_STAR))
        flags = ARG_STARRED;
    else if (pp_accept_op(ps, PYOP_DOUBLESTAR))
        flags = ARG_DSTARRED;
    else if (is_ident(pp_cur(ps)) && pp_peek(ps, 1)->kind == PYTOK_OP &&
             pp_peek(ps, 1)->op == PYOP_EQUAL) {
        const PpToken *t = pp_cur(ps);
        keyword = pp_intern(ps, ps->u->src + t->start, t->end - t->start);
        pp_advance(ps);
        pp_advance(ps);
    }
    uint32_t mark = ps->sites.size;
    Expr e = pp_expr(ps);
    if (!flags && !keyword.len && pp_cur(ps)->kind == PYTOK_NAME &&
        (pp_cur(ps)->kw == PYKW_FOR ||
         (pp_cur(ps)->kw == PYKW_ASYNC && pp_peek(ps, 1)->kw == PYKW_FOR))) {
        /* f(x for x in xs): a generator expression as the sole argument */
        e = pp_genexp(ps, &e, open_off, mark);
    }
    if (!keyword.len) {
        if (index == 0)
            facts->first_bounded = e.bounded;
        facts->any_bounded |= e.bounded;
        facts->all_const &= e.is_const;
    }
    pp_set_use(ps, &e, USE_ARGUMENT, keyword, site, index);
    Arg a = arg_from(&e);
    a.flags |= flags;
    a.keyword = keyword;
    return a;
}

/* The address of a datagram connect names a host (`("example.com", 53)`): the
 * connect resolves it first, which waits on DNS. An IP literal or a variable
 * (the local-address idiom's `("8.8.8.8", 80)`) does not. */
static bool connects_to_hostname(const Parser *ps, const Site *s)
{
    if (!s->nargs)
        return false;
    Str a = unit_arg_source(ps->u, &s->args[0]);
    const char *q = a.len ? memchr(a.ptr, '"', a.len) : NULL;
    const char *q1 = a.len ? memchr(a.ptr, '\'', a.len) : NULL;
    if (!q || (q1 && q1 < q))
        q = q1;
    if (!q)
        return false;
    for (const char *p = q + 1; p < a.ptr + a.len && *p != *q; p++)
        if (!strchr("0123456789.:abcdefABCDEF", *p))
            return true;
    return false;
}

/* The binding of the receiver of method call text `t` (`sock.recv`,
 * `self._sock.sendto`): a name's, or an attribute of the enclosing class's
 * `self`; NULL for anything else. */
static VarInfo *receiver(Parser *ps, Str t)
{
    int32_t last = str_rfind(t, '.');
    if (last <= 0)
        return NULL;
    t.len = (uint32_t)last;
    int32_t dot = str_find(t, '.');
    if (dot < 0)
        return pp_var(ps, pp_intern(ps, t.ptr, t.len));
    if (ps->cls < 0 || !ps->self_name.len || str_rfind(t, '.') != dot ||
        (uint32_t)dot != ps->self_name.len || memcmp(t.ptr, ps->self_name.ptr, (uint32_t)dot) != 0)
        return NULL;
    return pp_attr(ps, pp_intern(ps, t.ptr + dot + 1, t.len - (uint32_t)dot - 1));
}

/* `sock.setblocking(False)` (or `settimeout(0)`) marks the local `sock`, or
 * the attribute `self.sock`, non-blocking; a later `sock.recv(n)` on it is
 * SITE_F_NONBLOCKING: it fails at once instead of waiting. Source order
 * stands in for the flow. The connect of a datagram socket (VarInfo.datagram)
 * is non-blocking too, and so is the put of an unbounded queue
 * (VarInfo.unbounded_queue): it never waits for room. */
static void note_nonblocking(Parser *ps, int32_t site)
{
    const Site *s = pp_site(ps, site);
    /* nearly every call: one argument or none made non-blocking in the file
     * yet, and a name that ends in neither method (its last bytes settle it) */
    bool sets = false;
    if (s->nargs == 1 && !s->args[0].keyword.len) {
        bool blocking = str_ends_with(s->text, ".setblocking");
        if (blocking || str_ends_with(s->text, ".settimeout")) {
            Str v = unit_arg_source(ps->u, &s->args[0]);
            sets = str_eq_c(v, "0") || (blocking ? str_eq_c(v, "False") : str_eq_c(v, "0.0"));
        }
    }
    if (!sets && !ps->nonblocking_vars && !ps->datagram_vars && !ps->queue_vars)
        return;
    VarInfo *v = receiver(ps, s->text);
    if (!v)
        return;
    if (sets) {
        ps->nonblocking_vars += !v->nonblocking;
        v->nonblocking = true;
    } else if (v->nonblocking || (v->unbounded_queue && str_ends_with(s->text, ".put")) ||
               (v->datagram &&
                (str_ends_with(s->text, ".connect") || str_ends_with(s->text, ".connect_ex")) &&
                !connects_to_hostname(ps, s))) {
        pp_site(ps, site)->flags |= SITE_F_NONBLOCKING;
    }
}

void pp_call(Parser *ps, Expr *e)
{
    const Expr *callee = e; /* read until the call replaces it, at the end */
    const PpToken *open = pp_cur(ps);
    int32_t site = pp_new_site(ps, SITE_CALL, callee->off);
    {
        Site *s = pp_site(ps, site);
        s->text = pp_expr_display(ps, callee);
        s->resolved = callee->resolved;
        if (callee->from_import)
            s->flags |= SITE_F_RESOLVED;
        if (callee->from_self)
            s->flags |= SITE_F_SELF;
        if (callee->site >= 0)
            pp_set_use(ps, callee, USE_OPERAND, STR_NULL, -1, 0);
    }
    uint32_t open_off = open->start;
    pp_advance(ps); /* ( */
    bool st = ps->in_target, ni = ps->no_in;
    ps->in_target = false;
    ps->no_in = false;
    uint32_t base = ps->argbuf.size;
    ArgFacts facts = {0, true, false, false};
    while (!pp_is_op(ps, PYOP_RPAR)) {
        PyTokKind k = pp_cur(ps)->kind;
        if (k == PYTOK_NEWLINE || k == PYTOK_ENDMARKER || k == PYTOK_INDENT || k == PYTOK_DEDENT)
            break;
        uint32_t start = pp_pos(ps);
        Arg a = parse_one_arg(ps, site, facts.n, open_off, &facts);
        vec_push(&ps->argbuf, a);
        facts.n++;
        if (!pp_accept_op(ps, PYOP_COMMA) || pp_pos(ps) == start || ps->bail)
            break;
    }
    pp_expect_op(ps, PYOP_RPAR, "')'");
    ps->in_target = st;
    ps->no_in = ni;
    Site *s = pp_site(ps, site);
    s->nargs = ps->argbuf.size - base;
    /* (no arguments: the scratch may be empty, its contents NULL) */
    s->args = pp_copy_array(ps, s->nargs ? ps->argbuf.contents + base : NULL, s->nargs,
                            sizeof(Arg));
    ps->argbuf.size = base;
    s->end = pp_prev_end(ps);
    if (callee->kind == E_DOTTED)
        note_nonblocking(ps, site);
    bool bounded = call_bounded(callee, &facts);
    *e = (Expr){.kind = E_CALL, .off = callee->off, .end = s->end, .site = site, .func = -1,
                .resolved = callee->resolved, .from_import = callee->from_import,
                .from_self = callee->from_self, .bounded = bounded};
}
