/* Python light parser: expressions. Operator precedence is flattened (we never
 * evaluate anything); what matters is which calls, comprehensions, lambdas and
 * names appear, how each value is used (pp_set_use by the consumer), and which
 * iterables have a constant size. Every loop here either consumes a token or
 * stops, and recursion is bounded by ps->depth. */
#include "pyparse_int.h"

static Expr none_expr(const Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    return (Expr){.kind = E_NONE, .off = t->start, .end = t->start, .site = -1, .func = -1};
}

static bool is_ident(const PpToken *t)
{
    return t->kind == PYTOK_NAME && (t->kw == PYKW_NONE || t->kw >= PYKW_MATCH);
}

static bool enter(Parser *ps)
{
    if (ps->depth < PYPARSE_MAX_DEPTH) {
        ps->depth++;
        return true;
    }
    if (!ps->bail)
        pp_error(ps, pp_cur(ps), "expression nested too deeply (limit %d)", PYPARSE_MAX_DEPTH);
    ps->bail = true;
    pp_skip_until(ps, PYOP_NONE, PYOP_NONE);
    return false;
}

static void leave(Parser *ps)
{
    ps->depth--;
}

void pp_set_use(Parser *ps, const Expr *e, Use use, Str name, int32_t parent, uint32_t index)
{
    if (e->site < 0 || (e->kind != E_CALL && e->kind != E_COMP && e->kind != E_NAME))
        return;
    Site *s = pp_site(ps, e->site);
    s->use = use;
    s->use_name = name;
    s->parent = parent;
    s->arg_index = index;
}

bool pp_pool_loop(Parser *ps, uint32_t from, const Expr *it)
{
    if (ps->targets.size != from + 1 || ps->targets.contents[from].ptr[0] != '_' ||
        it->kind != E_CALL || it->site < 0)
        return false;
    const Site *s = pp_site(ps, it->site);
    if (!str_eq_c(s->text, "range") || !s->nargs)
        return false;
    for (uint32_t i = 0; i < s->nargs; i++) {
        ArgKind k = s->args[i].kind;
        if (s->args[i].flags || (k != ARG_NAME && k != ARG_DOTTED && k != ARG_LITERAL))
            return false; /* `range(len(xs))`, `range(*bounds)`: sized by something else */
    }
    return true;
}

void pp_skip_until(Parser *ps, PyOp stop1, PyOp stop2)
{
    int depth = 0;
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER || t->kind == PYTOK_INDENT ||
            t->kind == PYTOK_DEDENT)
            return;
        if (t->kind == PYTOK_OP) {
            if (depth == 0 && stop1 != PYOP_NONE && (t->op == stop1 || t->op == stop2))
                return;
            if (t->op == PYOP_LPAR || t->op == PYOP_LSQB || t->op == PYOP_LBRACE)
                depth++;
            else if (t->op == PYOP_RPAR || t->op == PYOP_RSQB || t->op == PYOP_RBRACE)
                depth--;
        }
        pp_advance(ps);
    }
}

/* ---- comprehensions, lambdas, f-strings ----------------------------------------- */

static bool at_comp_for(const Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (t->kind != PYTOK_NAME)
        return false;
    return t->kw == PYKW_FOR || (t->kw == PYKW_ASYNC && pp_peek(ps, 1)->kw == PYKW_FOR);
}

/* Called after the element of a display when `for` follows: the element was
 * parsed before we knew it was inside a loop, so its sites (from `mark` on) are
 * moved into the comprehension's LOOP site. */
static Expr comprehension(Parser *ps, const Expr *elem, uint32_t off, uint32_t mark)
{
    int32_t outer = ps->loop;
    int32_t comp = pp_new_site(ps, SITE_LOOP, off);
    pp_site(ps, comp)->loop_kind = LOOP_COMP;
    for (uint32_t i = mark; i < (uint32_t)comp; i++) {
        Site *s = pp_site(ps, (int32_t)i);
        if (s->loop == outer && s->func == ps->func)
            s->loop = comp;
    }
    pp_set_use(ps, elem, USE_ELEMENT, STR_NULL, comp, 0);
    bool first = true, bounded = false, pooled = false;
    uint32_t clauses = 0, nshadow = 0;
    PpShadow shadow[PP_MAX_SHADOW];
    bool saved_target = ps->in_target;
    while (at_comp_for(ps)) {
        if (pp_accept_kw(ps, PYKW_ASYNC))
            pp_site(ps, comp)->is_async = true;
        pp_advance(ps); /* for */
        uint32_t from = ps->targets.size;
        ps->in_target = true;
        ps->no_in = true;
        pp_exprlist(ps, true);
        ps->in_target = false;
        ps->no_in = false;
        if (!pp_accept_kw(ps, PYKW_IN)) {
            pp_error(ps, pp_cur(ps), "invalid syntax: expected 'in'");
            break;
        }
        ps->loop = first ? outer : comp;
        Expr it = pp_disjunction(ps);
        bool pool = first && pp_pool_loop(ps, from, &it);
        nshadow = pp_shadow_targets(ps, shadow, nshadow);
        pp_flush_targets(ps);
        pp_set_use(ps, &it, USE_ITERATED, STR_NULL, -1, 0);
        if (first) {
            Site *s = pp_site(ps, comp);
            s->text = pp_expr_display(ps, &it);
            s->resolved = it.resolved;
            if (it.from_import && it.names_import)
                s->flags |= SITE_F_RESOLVED; /* (as in a for statement) */
            bounded = it.bounded;
            if (it.bounded)
                s->flags |= SITE_F_BOUNDED;
            if (pool)
                s->flags |= SITE_F_POOL;
            pooled = pool;
        }
        clauses++;
        ps->loop = comp;
        while (pp_accept_kw(ps, PYKW_IF))
            pp_disjunction(ps);
        first = false;
    }
    ps->in_target = saved_target;
    ps->loop = outer;
    pp_unshadow(ps, shadow, nshadow);
    pp_site(ps, comp)->end = pp_prev_end(ps);
    /* one clause over a constant-size iterable yields at most that many items;
     * over `range(n)` with the item unused, n copies: a pool as large as a
     * setting (see pp_pool_loop), which a loop over the list is too */
    return (Expr){.kind = E_COMP, .off = off, .end = pp_prev_end(ps), .site = comp, .func = -1,
                  .bounded = (bounded || pooled) && clauses == 1};
}

Expr pp_genexp(Parser *ps, const Expr *elem, uint32_t off, uint32_t mark)
{
    return comprehension(ps, elem, off, mark);
}

static Expr lambda_expr(Parser *ps)
{
    uint32_t off = pp_cur(ps)->start;
    pp_advance(ps);
    enum { MAX_PARAMS = 32 };
    Param params[MAX_PARAMS];
    uint32_t np = pp_params(ps, PYOP_COLON, params, MAX_PARAMS);
    pp_expect_op(ps, PYOP_COLON, "':'");
    int32_t f = pp_new_function(ps, FN_LAMBDA, STR_LIT("<lambda>"), off);
    Function *fn = vec_at(&ps->funcs, f);
    fn->nparams = np;
    fn->params = pp_copy_array(ps, params, np, sizeof(Param));
    int32_t sf = ps->func, sl = ps->loop, sg = ps->guard, sh = ps->handler;
    uint32_t flags = ps->site_flags;
    bool st = ps->in_target;
    ps->func = f;
    ps->loop = ps->guard = ps->handler = -1;
    ps->site_flags = 0;
    ps->in_target = false;
    for (uint32_t i = 0; i < np; i++)
        pp_bind(ps, params[i].name, NULL);
    Expr body = pp_expr(ps);
    pp_set_use(ps, &body, USE_RETURNED, STR_NULL, -1, 0);
    vec_at(&ps->funcs, f)->end = pp_prev_end(ps);
    ps->func = sf;
    ps->loop = sl;
    ps->guard = sg;
    ps->handler = sh;
    ps->site_flags = flags;
    ps->in_target = st;
    return (Expr){.kind = E_LAMBDA, .off = off, .end = pp_prev_end(ps), .site = -1, .func = f};
}

static void fstring_field(Parser *ps);

static void fstring_spec(Parser *ps)
{
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_FSTRING_MIDDLE) {
            pp_advance(ps);
        } else if (t->kind == PYTOK_OP && t->op == PYOP_LBRACE) {
            pp_advance(ps);
            fstring_field(ps);
        } else {
            return;
        }
    }
}

/* One `{expr[=][!conv][:spec]}` replacement field (PEP 701); `{` consumed. */
static void fstring_field(Parser *ps)
{
    if (!enter(ps))
        return;
    bool st = ps->in_target;
    ps->in_target = false;
    if (!pp_is_op(ps, PYOP_RBRACE)) {
        Expr e = pp_exprlist(ps, true);
        (void)e; /* formatted: its value is an operand */
    }
    pp_accept_op(ps, PYOP_EQUAL);
    if (pp_accept_op(ps, PYOP_EXCLAMATION) && pp_cur(ps)->kind == PYTOK_NAME)
        pp_advance(ps);
    if (pp_accept_op(ps, PYOP_COLON))
        fstring_spec(ps);
    if (!pp_accept_op(ps, PYOP_RBRACE))
        pp_skip_until(ps, PYOP_RBRACE, PYOP_RBRACE), pp_accept_op(ps, PYOP_RBRACE);
    ps->in_target = st;
    leave(ps);
}

static void fstring(Parser *ps)
{
    pp_advance(ps); /* FSTRING_START */
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_FSTRING_END) {
            pp_advance(ps);
            return;
        }
        if (t->kind == PYTOK_FSTRING_MIDDLE) {
            pp_advance(ps);
        } else if (t->kind == PYTOK_OP && t->op == PYOP_LBRACE) {
            pp_advance(ps);
            fstring_field(ps);
        } else if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER ||
                   t->kind == PYTOK_DEDENT || t->kind == PYTOK_INDENT) {
            return; /* unterminated: the tokenizer reported it */
        } else {
            pp_advance(ps);
        }
    }
}

/* ---- atoms ------------------------------------------------------------------------ */

static Expr star_or_expr(Parser *ps)
{
    if (pp_is_op(ps, PYOP_STAR)) {
        uint32_t off = pp_cur(ps)->start;
        pp_advance(ps);
        Expr e = pp_disjunction(ps);
        e.starred = true;
        e.starred_comp = e.kind == E_COMP;
        e.bounded = false;
        e.off = off;
        return e;
    }
    return pp_expr(ps);
}

static bool closes(const Parser *ps, PyOp close)
{
    const PpToken *t = pp_cur(ps);
    return (t->kind == PYTOK_OP && t->op == close) || t->kind == PYTOK_NEWLINE ||
           t->kind == PYTOK_ENDMARKER || t->kind == PYTOK_INDENT || t->kind == PYTOK_DEDENT;
}

/* [..], (..), {..}: displays, comprehensions, parenthesised expressions. */
static Expr display(Parser *ps, PyOp close)
{
    const PpToken *open = pp_cur(ps);
    uint32_t off = open->start;
    pp_advance(ps);
    Expr lit = {.kind = E_LITERAL, .off = off, .site = -1, .func = -1, .bounded = true};
    if (pp_accept_op(ps, close)) {
        lit.end = pp_prev_end(ps);
        lit.is_const = true;
        return lit;
    }
    if (close == PYOP_RPAR && pp_is_kw(ps, PYKW_YIELD)) {
        Expr y = pp_exprlist(ps, true);
        pp_expect_op(ps, PYOP_RPAR, "')'");
        y.off = off; /* the span takes the parentheses, as below */
        y.end = pp_prev_end(ps);
        return y;
    }
    uint32_t mark = ps->sites.size;
    bool dict = false;
    Expr first, key = none_expr(ps);
    if (close == PYOP_RBRACE && pp_accept_op(ps, PYOP_DOUBLESTAR)) {
        first = pp_disjunction(ps);
        dict = true;
    } else {
        first = star_or_expr(ps);
        if (close == PYOP_RBRACE && pp_accept_op(ps, PYOP_COLON)) {
            pp_set_use(ps, &first, USE_ELEMENT, STR_NULL, -1, 0);
            key = first;
            first = pp_expr(ps);
            dict = true;
        }
    }
    if (at_comp_for(ps)) {
        Expr c = comprehension(ps, &first, off, mark);
        pp_set_use(ps, &key, USE_ELEMENT, STR_NULL, c.site, 0); /* a dict comp's key */
        pp_expect_op(ps, close, close == PYOP_RPAR ? "')'" : close == PYOP_RSQB ? "']'" : "'}'");
        c.end = pp_prev_end(ps);
        pp_site(ps, c.site)->end = c.end;
        return c;
    }
    if (close == PYOP_RPAR && !pp_is_op(ps, PYOP_COMMA)) {
        pp_expect_op(ps, PYOP_RPAR, "')'");
        /* a parenthesised expression keeps its kind and site; its span takes
         * the parentheses (`not (await x)`, `(a) and (b)` are shown whole) */
        first.off = off;
        first.end = pp_prev_end(ps);
        return first;
    }
    pp_set_use(ps, &first, USE_ELEMENT, STR_NULL, -1, 0);
    if (first.starred)
        lit.bounded = false;
    uint32_t base = ps->members.size;
    bool tuple = close == PYOP_RPAR && !dict;
    if (tuple)
        pp_tuple_member(ps, base, &first);
    while (pp_accept_op(ps, PYOP_COMMA)) {
        if (closes(ps, close))
            break;
        Expr e;
        if (dict && pp_accept_op(ps, PYOP_DOUBLESTAR)) {
            e = pp_disjunction(ps);
        } else {
            e = star_or_expr(ps);
            if (dict && pp_accept_op(ps, PYOP_COLON)) {
                pp_set_use(ps, &e, USE_ELEMENT, STR_NULL, -1, 0);
                e = pp_expr(ps);
            }
        }
        pp_set_use(ps, &e, USE_ELEMENT, STR_NULL, -1, 0);
        if (tuple)
            pp_tuple_member(ps, base, &e);
        if (e.starred)
            lit.bounded = false;
    }
    pp_expect_op(ps, close, close == PYOP_RPAR ? "')'" : close == PYOP_RSQB ? "']'" : "'}'");
    lit.end = pp_prev_end(ps);
    if (tuple)
        pp_tuple_end(ps, base, lit.off, lit.end, lit.bounded && !ps->bail);
    return lit;
}

static bool all_caps(Str s)
{
    bool letter = false;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c >= 'a' && c <= 'z')
            return false;
        if (c >= 'A' && c <= 'Z')
            letter = true;
    }
    return letter;
}

/* The parse functions of the main chain (pp_expr -> disjunction -> unary ->
 * primary -> atom) fill an Expr the caller owns instead of returning one: a
 * 64-byte struct built field by field and then returned was copied with
 * 16-byte loads that stalled on the narrower stores (store forwarding), at
 * every level, for every operand. */
static void name_atom(Parser *ps, const PpToken *t, Expr *e)
{
    Str name = pp_intern(ps, ps->u->src + t->start, t->end - t->start);
    pp_advance(ps);
    *e = (Expr){.kind = E_NAME, .off = t->start, .end = t->end, .site = -1, .func = -1,
                .text = name};
    const PpToken *n = pp_cur(ps);
    bool trailer = n->kind == PYTOK_OP &&
                   (n->op == PYOP_DOT || n->op == PYOP_LPAR || n->op == PYOP_LSQB);
    if (ps->in_target && !trailer) {
        vec_push(&ps->targets, name); /* a store, bound once the value is parsed */
        return;
    }
    /* Module-level constants by convention (`MAX_WORKERS`) bound iterables too. */
    e->is_const = all_caps(name);
    VarInfo *v = pp_resolve_name(ps, e); /* the binding of name, if any */
    if (v && v->tracked) {
        e->site = pp_new_site(ps, SITE_USE, t->start);
        Site *s = pp_site(ps, e->site);
        s->end = t->end;
        s->text = name;
    }
}

static void atom(Parser *ps, Expr *e)
{
    const PpToken *t = pp_cur(ps);
    *e = (Expr){.kind = E_LITERAL, .off = t->start, .end = t->end, .site = -1, .func = -1,
                .is_const = true};
    switch (t->kind) {
    case PYTOK_NAME:
        if (t->kw == PYKW_TRUE || t->kw == PYKW_FALSE) {
            pp_advance(ps);
            return;
        }
        if (t->kw == PYKW_NONE_) {
            pp_advance(ps);
            e->kind = E_NULL;
            return;
        }
        if (t->kw == PYKW_LAMBDA) {
            *e = lambda_expr(ps);
            return;
        }
        if (is_ident(t)) {
            name_atom(ps, t, e);
            return;
        }
        break;
    case PYTOK_NUMBER:
        pp_advance(ps);
        return;
    case PYTOK_STRING:
    case PYTOK_FSTRING_START:
        /* implicit concatenation of adjacent literals */
        while (pp_cur(ps)->kind == PYTOK_STRING || pp_cur(ps)->kind == PYTOK_FSTRING_START) {
            if (pp_cur(ps)->kind == PYTOK_STRING)
                pp_advance(ps);
            else
                fstring(ps);
        }
        e->end = pp_prev_end(ps);
        return;
    case PYTOK_OP:
        if (t->op == PYOP_LPAR) {
            *e = display(ps, PYOP_RPAR);
            return;
        }
        if (t->op == PYOP_LSQB) {
            *e = display(ps, PYOP_RSQB);
            return;
        }
        if (t->op == PYOP_LBRACE) {
            *e = display(ps, PYOP_RBRACE);
            return;
        }
        if (t->op == PYOP_ELLIPSIS) {
            pp_advance(ps);
            return;
        }
        break;
    default:
        break;
    }
    char buf[40];
    pp_error(ps, t, "invalid syntax: unexpected %s", pp_tok_desc(ps, t, buf, sizeof buf));
    if (!(t->kind == PYTOK_OP && (t->op == PYOP_RPAR || t->op == PYOP_RSQB || t->op == PYOP_RBRACE)) &&
        t->kind != PYTOK_NEWLINE && t->kind != PYTOK_ENDMARKER && t->kind != PYTOK_INDENT &&
        t->kind != PYTOK_DEDENT)
        pp_advance(ps);
    *e = none_expr(ps);
}

/* `base[...]`, in place of base. */
/* A collection a name holds grows (`d[k] = v`, `xs.append(x)`): the name no
 * longer bounds an iteration, whatever it was bound to (`nodes = {}`). */
static void grows(Parser *ps, const Expr *base)
{
    if (base->kind != E_NAME)
        return;
    VarInfo *v = pp_var(ps, base->text);
    if (v)
        v->bounded = v->is_const = false;
}

static bool is_growing_method(Str attr)
{
    switch (attr.len) {
    case 3:
        return str_eq_c(attr, "add");
    case 6:
        return str_eq_c(attr, "append") || str_eq_c(attr, "extend") || str_eq_c(attr, "insert") ||
               str_eq_c(attr, "update");
    case 10:
        return str_eq_c(attr, "appendleft") || str_eq_c(attr, "extendleft") ||
               str_eq_c(attr, "setdefault");
    default:
        return false;
    }
}

static void subscript(Parser *ps, Expr *e)
{
    uint32_t off = e->off;
    pp_advance(ps); /* [ */
    bool st = ps->in_target;
    if (st)
        grows(ps, e); /* `d[k] = v` */
    ps->in_target = false;
    bool slice = false;
    while (!closes(ps, PYOP_RSQB)) {
        uint32_t start = pp_pos(ps);
        if (!pp_is_op(ps, PYOP_COLON) && !pp_is_op(ps, PYOP_COMMA))
            star_or_expr(ps);
        while (pp_accept_op(ps, PYOP_COLON)) {
            slice = true;
            if (!pp_is_op(ps, PYOP_COLON) && !pp_is_op(ps, PYOP_COMMA) && !closes(ps, PYOP_RSQB))
                pp_expr(ps);
        }
        if (!pp_accept_op(ps, PYOP_COMMA) || pp_pos(ps) == start)
            break;
    }
    pp_expect_op(ps, PYOP_RSQB, "']'");
    ps->in_target = st;
    *e = (Expr){.kind = E_SUBSCRIPT, .off = off, .end = pp_prev_end(ps), .site = -1, .func = -1,
                .bounded = slice};
}

/* `base.attr`, in place of base. */
static bool is_view_method(Str attr)
{
    switch (attr.len) {
    case 4:
        return str_eq_c(attr, "keys") || str_eq_c(attr, "copy");
    case 5:
        return str_eq_c(attr, "items");
    case 6:
        return str_eq_c(attr, "values");
    default:
        return false;
    }
}

static void attribute(Parser *ps, Expr *e)
{
    pp_advance(ps); /* . */
    const PpToken *t = pp_cur(ps);
    Str attr = pp_intern(ps, ps->u->src + t->start, t->end - t->start);
    pp_advance(ps);
    if (e->site >= 0 && (e->kind == E_NAME || e->kind == E_CALL))
        pp_set_use(ps, e, USE_RECEIVER, attr, -1, 0);
    /* what pp_resolve_attr reads of the base, before e becomes the attribute */
    const Expr base = {.kind = e->kind, .text = e->text, .resolved = e->resolved,
                       .from_import = e->from_import, .from_self = e->from_self,
                       .names_import = e->names_import};
    Str base_text = e->text;
    /* `sizes.items()` of a bounded or constant collection has as many items:
     * the method is marked bounded, and a call of it without arguments is */
    bool view = (e->bounded || e->is_const) && is_view_method(attr);
    if (e->kind == E_NAME && pp_is_op(ps, PYOP_LPAR) && is_growing_method(attr))
        grows(ps, e);
    e->kind = (base.kind == E_NAME || base.kind == E_DOTTED) ? E_DOTTED : E_ATTR;
    e->site = -1;
    e->end = t->end;
    e->bounded = view;
    e->is_const = e->starred = false;
    if (base_text.len + attr.len >= PP_MAX_DOTTED ||
        base.resolved.len + attr.len >= PP_MAX_DOTTED) {
        e->kind = E_ATTR; /* too long to be a name (see PP_MAX_DOTTED) */
        e->text = e->resolved = STR_NULL;
        e->from_import = e->from_self = false;
        return;
    }
    e->text = STR_NULL;
    if (e->kind == E_DOTTED) {
        /* Written without blanks (nearly always), the source bytes of the
         * span are the name: base, '.', attr. */
        uint32_t n = base_text.len + 1 + attr.len;
        e->text = t->end - e->off == n ? str_make(ps->u->src + e->off, n)
                                       : str_join(ps->a, base_text, ".", attr);
    }
    pp_resolve_attr(ps, e, &base, attr);
}

static void primary(Parser *ps, Expr *e)
{
    /* a name (most operands) straight to name_atom: atom's frame serves the
     * displays, lambdas and strings it may have to parse */
    const PpToken *a = pp_cur(ps);
    if (is_ident(a))
        name_atom(ps, a, e);
    else
        atom(ps, e);
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind != PYTOK_OP)
            return;
        if (t->op == PYOP_DOT && pp_peek(ps, 1)->kind == PYTOK_NAME)
            attribute(ps, e);
        else if (t->op == PYOP_LPAR)
            pp_call(ps, e);
        else if (t->op == PYOP_LSQB)
            subscript(ps, e);
        else
            return;
    }
}

/* ---- operators ----------------------------------------------------------------------- */

/* e becomes an opaque value spanning [off, end). */
static void make_other(Expr *e, uint32_t off, uint32_t end)
{
    *e = (Expr){.kind = E_OTHER, .off = off, .end = end, .site = -1, .func = -1};
}

static void unary(Parser *ps, Expr *e)
{
    if (!enter(ps)) {
        *e = none_expr(ps);
        return;
    }
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NAME && t->kw == PYKW_NOT) {
        pp_advance(ps);
        unary(ps, e);
        make_other(e, t->start, e->end);
    } else if (t->kind == PYTOK_OP &&
               (t->op == PYOP_MINUS || t->op == PYOP_PLUS || t->op == PYOP_TILDE)) {
        pp_advance(ps);
        unary(ps, e);
        bool c = e->is_const;
        make_other(e, t->start, e->end);
        e->is_const = c;
    } else if (t->kind == PYTOK_NAME && t->kw == PYKW_AWAIT) {
        pp_advance(ps);
        primary(ps, e);
        pp_set_use(ps, e, USE_AWAITED, STR_NULL, -1, 0);
        /* `x = await f()`: x holds what f produces. Awaiting a name gives what
         * its task or coroutine returns, not the name's own producer: after
         * `t = create_task(f())`, `r = await t` is no task. */
        bool call = e->kind == E_CALL;
        Str resolved = call ? e->resolved : STR_NULL;
        bool from_import = call && e->from_import;
        make_other(e, t->start, e->end);
        e->resolved = resolved;
        e->from_import = from_import;
    } else {
        primary(ps, e);
    }
    if (pp_is_op(ps, PYOP_DOUBLESTAR)) {
        pp_advance(ps);
        Expr rhs;
        unary(ps, &rhs);
        bool c = e->is_const && rhs.is_const;
        make_other(e, e->off, rhs.end);
        e->is_const = c;
    }
    leave(ps);
}

static bool binary_op(const Parser *ps, uint32_t *ntoks)
{
    const PpToken *t = pp_cur(ps);
    *ntoks = 1;
    if (t->kind == PYTOK_OP) {
        switch (t->op) {
        case PYOP_PLUS: case PYOP_MINUS: case PYOP_STAR: case PYOP_SLASH: case PYOP_DOUBLESLASH:
        case PYOP_PERCENT: case PYOP_AT: case PYOP_VBAR: case PYOP_AMPER: case PYOP_CIRCUMFLEX:
        case PYOP_LEFTSHIFT: case PYOP_RIGHTSHIFT: case PYOP_LESS: case PYOP_GREATER:
        case PYOP_EQEQUAL: case PYOP_NOTEQUAL: case PYOP_LESSEQUAL: case PYOP_GREATEREQUAL:
            return true;
        default:
            return false;
        }
    }
    if (t->kind != PYTOK_NAME)
        return false;
    switch ((PyKw)t->kw) {
    case PYKW_AND: case PYKW_OR:
        return true;
    case PYKW_IN:
        return !ps->no_in;
    case PYKW_IS:
        *ntoks = pp_peek(ps, 1)->kw == PYKW_NOT ? 2 : 1;
        return true;
    case PYKW_NOT:
        *ntoks = 2;
        return pp_peek(ps, 1)->kw == PYKW_IN;
    default:
        return false;
    }
}

static void disjunction(Parser *ps, Expr *e)
{
    unary(ps, e);
    uint32_t n;
    while (binary_op(ps, &n)) {
        bool div = pp_is_op(ps, PYOP_SLASH);
        for (uint32_t i = 0; i < n; i++)
            pp_advance(ps);
        Expr rhs;
        unary(ps, &rhs);
        bool c = e->is_const && rhs.is_const, typed = e->from_import;
        Str left = e->resolved;
        make_other(e, e->off, rhs.end);
        e->is_const = c;
        if (div && typed) /* `root / "x"`: a path joined, when root is one */
            pp_resolve_operator(ps, e, left, STR_LIT("__truediv__"));
        if (ps->bail)
            break;
    }
}

Expr pp_disjunction(Parser *ps)
{
    Expr e;
    disjunction(ps, &e);
    return e;
}

/* True if nothing can extend an operand followed by t: a closing bracket, a
 * separator, `=` or the end of the line. */
static bool ends_operand(const PpToken *t)
{
    if (t->kind != PYTOK_OP)
        return t->kind == PYTOK_NEWLINE;
    switch (t->op) {
    case PYOP_RPAR: case PYOP_RSQB: case PYOP_RBRACE: case PYOP_COMMA: case PYOP_COLON:
    case PYOP_EQUAL: case PYOP_SEMI:
        return true;
    default:
        return false;
    }
}

static void expr(Parser *ps, Expr *e)
{
    /* A lone name, number or string (most arguments, elements and values):
     * the atom is the whole expression, without the operator levels. */
    const PpToken *a = pp_cur(ps);
    if ((a->kind == PYTOK_NUMBER || a->kind == PYTOK_STRING ||
         (a->kind == PYTOK_NAME && (is_ident(a) || a->kw == PYKW_TRUE || a->kw == PYKW_FALSE ||
                                    a->kw == PYKW_NONE_))) &&
        ends_operand(pp_peek(ps, 1))) {
        if (is_ident(a))
            name_atom(ps, a, e);
        else
            atom(ps, e);
        return;
    }
    if (!enter(ps)) {
        *e = none_expr(ps);
        return;
    }
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NAME && t->kw == PYKW_LAMBDA) {
        *e = lambda_expr(ps);
    } else if (is_ident(t) && pp_peek(ps, 1)->kind == PYTOK_OP &&
               pp_peek(ps, 1)->op == PYOP_COLONEQUAL) {
        Str name = pp_intern(ps, ps->u->src + t->start, t->end - t->start);
        pp_advance(ps);
        pp_advance(ps);
        expr(ps, e);
        pp_bind(ps, name, e);
        pp_set_use(ps, e, USE_BOUND, name, -1, 0);
        make_other(e, t->start, e->end);
    } else {
        disjunction(ps, e);
        if (pp_is_kw(ps, PYKW_IF) && !ps->bail) {
            pp_advance(ps);
            Expr cond;
            disjunction(ps, &cond);
            if (pp_accept_kw(ps, PYKW_ELSE)) {
                Expr alt;
                expr(ps, &alt);
                make_other(e, e->off, alt.end);
            } else {
                pp_error(ps, pp_cur(ps), "invalid syntax: expected 'else'");
            }
        }
    }
    leave(ps);
}

Expr pp_expr(Parser *ps)
{
    Expr e;
    expr(ps, &e);
    return e;
}

static bool ends_exprlist(const Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER || t->kind == PYTOK_INDENT ||
        t->kind == PYTOK_DEDENT || t->kind == PYTOK_FSTRING_MIDDLE || t->kind == PYTOK_FSTRING_END)
        return true;
    if (t->kind == PYTOK_NAME)
        return t->kw == PYKW_IN || t->kw == PYKW_FOR || t->kw == PYKW_IF;
    if (t->kind != PYTOK_OP)
        return false;
    switch (t->op) {
    case PYOP_RPAR: case PYOP_RSQB: case PYOP_RBRACE: case PYOP_EQUAL: case PYOP_COLON:
    case PYOP_SEMI: case PYOP_EXCLAMATION:
        return true;
    default:
        return t->op >= PYOP_PLUSEQUAL && t->op <= PYOP_DOUBLESTAREQUAL;
    }
}

static Expr yield_expr(Parser *ps)
{
    uint32_t off = pp_cur(ps)->start;
    pp_advance(ps);
    vec_at(&ps->funcs, ps->func)->is_generator = true;
    Expr e = {.kind = E_OTHER, .off = off, .end = pp_prev_end(ps), .site = -1, .func = -1};
    if (pp_accept_kw(ps, PYKW_FROM)) {
        Expr v = pp_expr(ps);
        pp_set_use(ps, &v, USE_AWAITED, STR_NULL, -1, 0);
        e.end = v.end;
    } else if (!ends_exprlist(ps)) {
        Expr v = pp_exprlist(ps, true);
        pp_set_use(ps, &v, USE_RETURNED, STR_NULL, -1, 0);
        e.end = v.end;
    }
    return e;
}

void pp_tuple_member(Parser *ps, uint32_t base, const Expr *e)
{
    if (ps->members.size - base < PP_TUPLE_MEMBERS)
        vec_push(&ps->members, *e);
}

void pp_tuple_end(Parser *ps, uint32_t base, uint32_t off, uint32_t end, bool pairable)
{
    uint32_t n = ps->members.size - base;
    ps->last_tuple_n = pairable && n < PP_TUPLE_MEMBERS ? n : 0;
    ps->last_tuple_off = off;
    ps->last_tuple_end = end;
    if (ps->last_tuple_n)
        memcpy(ps->last_tuple, ps->members.contents + base, sizeof(Expr) * n);
    ps->members.size = base;
}

Expr pp_exprlist(Parser *ps, bool allow_star)
{
    if (pp_is_kw(ps, PYKW_YIELD))
        return yield_expr(ps);
    Expr first = allow_star ? star_or_expr(ps) : pp_expr(ps);
    if (!pp_is_op(ps, PYOP_COMMA))
        return first;
    Expr tup = {.kind = E_TUPLE, .off = first.off, .site = -1, .func = -1, .bounded = true};
    pp_set_use(ps, &first, USE_ELEMENT, STR_NULL, -1, 0);
    uint32_t base = ps->members.size;
    pp_tuple_member(ps, base, &first);
    bool starred = first.starred;
    while (pp_accept_op(ps, PYOP_COMMA)) {
        if (ends_exprlist(ps))
            break;
        uint32_t start = pp_pos(ps);
        Expr e = allow_star ? star_or_expr(ps) : pp_expr(ps);
        pp_set_use(ps, &e, USE_ELEMENT, STR_NULL, -1, 0);
        pp_tuple_member(ps, base, &e);
        if (e.starred)
            tup.bounded = false;
        starred |= e.starred;
        if (pp_pos(ps) == start || ps->bail)
            break;
    }
    tup.end = pp_prev_end(ps);
    pp_tuple_end(ps, base, tup.off, tup.end, !starred && !ps->bail);
    return tup;
}
