/* Python light parser: control-flow statements — if, while, for, try/except,
 * with, match. These create the LOOP, WITH and EXCEPT sites and set the
 * enclosing-loop / guard / handler context of every site in their bodies. */
#include "pyparse_int.h"

static bool is_ident(const PpToken *t)
{
    return t->kind == PYTOK_NAME && (t->kw == PYKW_NONE || t->kw >= PYKW_MATCH);
}

static void else_block(Parser *ps)
{
    if (pp_accept_kw(ps, PYKW_ELSE))
        pp_block(ps);
}

static void if_stmt(Parser *ps)
{
    pp_advance(ps);
    pp_expr(ps);
    pp_block(ps);
    while (pp_accept_kw(ps, PYKW_ELIF)) {
        pp_expr(ps);
        pp_block(ps);
    }
    else_block(ps);
}

/* The body of `while` is exactly one `await call(...)` statement: return that call. */
static int32_t sole_awaited_call(Parser *ps, uint32_t first_site, uint32_t body_tok)
{
    /* body_tok is past the end when the header did not parse (`while x` at EOF) */
    uint32_t i = body_tok;
    if (i < ps->ntoks && ps->toks[i].kind == PYTOK_NEWLINE)
        i++;
    if (i < ps->ntoks && ps->toks[i].kind == PYTOK_INDENT)
        i++;
    if (i >= ps->ntoks || ps->toks[i].kind != PYTOK_NAME || ps->toks[i].kw != PYKW_AWAIT)
        return -1;
    /* the statement after it must end the block: no further statement after a
     * `;` on its line (`await sleep(1); work()`), nor on the lines below */
    while (i < ps->ntoks && ps->toks[i].kind != PYTOK_NEWLINE && ps->toks[i].kind != PYTOK_ENDMARKER) {
        const PpToken *k = &ps->toks[i];
        if (k->kind == PYTOK_OP && k->op == PYOP_SEMI && i + 1 < ps->ntoks &&
            ps->toks[i + 1].kind != PYTOK_NEWLINE)
            return -1;
        i++;
    }
    if (i + 1 < ps->ntoks && ps->toks[i + 1].kind != PYTOK_DEDENT &&
        ps->toks[i + 1].kind != PYTOK_ENDMARKER && &ps->toks[i + 1] != pp_cur(ps))
        return -1;
    for (uint32_t s = first_site; s < ps->sites.size; s++) {
        Site *site = pp_site(ps, (int32_t)s);
        if (site->kind == SITE_CALL && site->use == USE_AWAITED && site->parent < 0)
            return (int32_t)s;
    }
    return -1;
}

static void while_stmt(Parser *ps)
{
    const PpToken *kw = pp_cur(ps);
    pp_advance(ps);
    int32_t outer = ps->loop;
    int32_t loop = pp_new_site(ps, SITE_LOOP, kw->start);
    pp_site(ps, loop)->loop_kind = LOOP_WHILE;
    ps->loop = loop;
    const PpToken *c = pp_cur(ps);
    Expr cond = pp_expr(ps);
    bool true_cond = (c->kind == PYTOK_NAME && c->kw == PYKW_TRUE) ||
                     (c->kind == PYTOK_NUMBER && c->end - c->start == 1 &&
                      ps->u->src[c->start] == '1');
    if (true_cond && cond.end == c->end)
        pp_site(ps, loop)->flags |= SITE_F_TRUE_COND;
    pp_site(ps, loop)->text = pp_expr_display(ps, &cond);
    pp_site(ps, loop)->end = cond.end;
    uint32_t first_site = ps->sites.size;
    uint32_t body_tok = pp_pos(ps) + 1; /* after ':' */
    pp_block(ps);
    int32_t call = sole_awaited_call(ps, first_site, body_tok);
    if (call >= 0) {
        pp_site(ps, loop)->flags |= SITE_F_SLEEP_ONLY;
        pp_site(ps, loop)->parent = call;
    }
    ps->loop = outer;
    else_block(ps);
}

static void for_stmt(Parser *ps, bool is_async, uint32_t off)
{
    pp_advance(ps); /* for */
    uint32_t from = ps->targets.size;
    ps->in_target = true;
    ps->no_in = true;
    pp_exprlist(ps, true);
    ps->in_target = false;
    ps->no_in = false;
    if (!pp_accept_kw(ps, PYKW_IN)) {
        pp_error(ps, pp_cur(ps), "invalid syntax: expected 'in'");
        pp_skip_until(ps, PYOP_COLON, PYOP_COLON);
    }
    Expr it = pp_exprlist(ps, true);
    bool pool = pp_pool_loop(ps, from, &it);
    pp_flush_targets(ps);
    pp_set_use(ps, &it, USE_ITERATED, STR_NULL, -1, 0);
    int32_t loop = pp_new_site(ps, SITE_LOOP, off);
    Site *s = pp_site(ps, loop);
    if (pool)
        s->flags |= SITE_F_POOL;
    s->loop_kind = is_async ? LOOP_ASYNC_FOR : LOOP_FOR;
    s->end = it.end;
    s->text = pp_expr_display(ps, &it);
    s->resolved = it.resolved;
    if (it.from_import && it.names_import)
        s->flags |= SITE_F_RESOLVED; /* (not a local typed from an import: an instance) */
    if (it.bounded)
        s->flags |= SITE_F_BOUNDED;
    int32_t outer = ps->loop;
    ps->loop = loop;
    pp_block(ps);
    ps->loop = outer;
    else_block(ps);
}

/* Whether an exception type says the guarded code is non-blocking I/O: it
 * handles the error a non-blocking socket or fd raises instead of waiting. */
static bool is_would_block(Str t)
{
    return str_eq_c(t, "BlockingIOError") || str_eq_c(t, "ssl.SSLWantReadError") ||
           str_eq_c(t, "ssl.SSLWantWriteError");
}

/* The calls of a try body [first, end) made in the current function. */
static void mark_nonblocking(Parser *ps, uint32_t first, uint32_t end)
{
    for (uint32_t i = first; i < end; i++) {
        Site *s = pp_site(ps, (int32_t)i);
        if (s->kind == SITE_CALL && s->func == ps->func)
            s->flags |= SITE_F_NONBLOCKING;
    }
}

/* except [*] [types [as name]] : block, after a try body whose sites are
 * [body_first, body_end). */
static void except_clause(Parser *ps, uint32_t body_first, uint32_t body_end)
{
    const PpToken *kw = pp_cur(ps);
    pp_advance(ps);
    int32_t h = pp_new_site(ps, SITE_EXCEPT, kw->start);
    if (pp_accept_op(ps, PYOP_STAR))
        pp_site(ps, h)->flags |= SITE_F_STAR;
    enum { MAX_TYPES = 32 };
    Str types[MAX_TYPES];
    uint32_t nt = 0;
    if (pp_is_op(ps, PYOP_COLON)) {
        pp_site(ps, h)->flags |= SITE_F_BARE;
    } else {
        bool paren = pp_accept_op(ps, PYOP_LPAR);
        do {
            if (paren && pp_is_op(ps, PYOP_RPAR))
                break;
            bool starred = pp_accept_op(ps, PYOP_STAR); /* except (A, *MORE): */
            Expr e = starred ? pp_disjunction(ps) : pp_expr(ps);
            Str t = e.resolved.len ? e.resolved : e.text;
            if (t.len && nt < MAX_TYPES)
                types[nt++] = t;
        } while (pp_accept_op(ps, PYOP_COMMA));
        if (paren)
            pp_expect_op(ps, PYOP_RPAR, "')'");
        if (pp_accept_kw(ps, PYKW_AS) && is_ident(pp_cur(ps))) {
            Str n = pp_tok_str(ps, pp_cur(ps));
            n = pp_intern(ps, n.ptr, n.len);
            pp_site(ps, h)->use_name = n;
            pp_bind(ps, n, NULL);
            pp_advance(ps);
        }
    }
    for (uint32_t i = 0; i < nt; i++)
        if (is_would_block(types[i])) {
            mark_nonblocking(ps, body_first, body_end);
            break;
        }
    Site *s = pp_site(ps, h);
    s->ntypes = nt;
    s->types = pp_copy_array(ps, types, nt, sizeof(Str));
    s->end = pp_prev_end(ps);
    int32_t outer = ps->handler;
    uint32_t flags = ps->site_flags;
    ps->handler = h;
    ps->site_flags |= SITE_F_IN_EXCEPT;
    pp_block(ps);
    ps->handler = outer;
    ps->site_flags = flags;
}

static void try_stmt(Parser *ps)
{
    pp_advance(ps);
    uint32_t first = ps->sites.size;
    pp_block(ps);
    uint32_t end = ps->sites.size;
    while (pp_is_kw(ps, PYKW_EXCEPT))
        except_clause(ps, first, end);
    else_block(ps);
    if (pp_accept_kw(ps, PYKW_FINALLY)) {
        uint32_t flags = ps->site_flags;
        ps->site_flags |= SITE_F_IN_FINALLY;
        pp_block(ps);
        ps->site_flags = flags;
    }
}

static void with_item(Parser *ps, bool is_async)
{
    Expr e = pp_expr(ps);
    int32_t w = pp_new_site(ps, SITE_WITH, e.off);
    Site *s = pp_site(ps, w);
    s->end = e.end;
    s->is_async = is_async;
    s->text = pp_expr_display(ps, &e);
    s->resolved = e.resolved;
    if (e.from_import)
        s->flags |= SITE_F_RESOLVED;
    if (e.kind == E_CALL)
        s->parent = e.site;
    Str name = STR_NULL;
    if (pp_accept_kw(ps, PYKW_AS)) {
        ps->in_target = true;
        Expr t = pp_expr(ps);
        ps->in_target = false;
        pp_flush_targets(ps);
        if (t.kind == E_NAME) {
            name = t.text;
            pp_bind(ps, name, &e);
        }
    }
    pp_site(ps, w)->use_name = name;
    pp_set_use(ps, &e, is_async ? USE_ASYNC_CONTEXT : USE_CONTEXT, name, -1, 0);
    ps->guard = w;
}

/* `with (a as x, b as y):` — parenthesised items (3.9+), told apart from a
 * parenthesised expression by the `:` right after the closing bracket. */
static bool paren_items(const Parser *ps)
{
    const PpToken *n1 = pp_peek(ps, 1);
    if (!pp_is_op(ps, PYOP_LPAR) || (n1->kind == PYTOK_NAME && n1->kw == PYKW_YIELD))
        return false; /* `with (yield x):` is one item, a parenthesised yield */
    int depth = 0;
    for (uint32_t i = pp_pos(ps); i < ps->ntoks; i++) {
        const PpToken *t = &ps->toks[i];
        if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER)
            return false;
        if (t->kind != PYTOK_OP)
            continue;
        if (t->op == PYOP_LPAR || t->op == PYOP_LSQB || t->op == PYOP_LBRACE)
            depth++;
        else if (t->op == PYOP_RPAR || t->op == PYOP_RSQB || t->op == PYOP_RBRACE) {
            if (--depth == 0) {
                const PpToken *n = &ps->toks[i + 1 < ps->ntoks ? i + 1 : i];
                return n->kind == PYTOK_OP && n->op == PYOP_COLON;
            }
        }
    }
    return false;
}

static void with_stmt(Parser *ps, bool is_async)
{
    pp_advance(ps); /* with */
    int32_t outer = ps->guard;
    bool paren = paren_items(ps);
    if (paren)
        pp_advance(ps);
    do {
        if (paren && pp_is_op(ps, PYOP_RPAR))
            break;
        with_item(ps, is_async);
    } while (pp_accept_op(ps, PYOP_COMMA));
    if (paren)
        pp_expect_op(ps, PYOP_RPAR, "')'");
    pp_block(ps);
    ps->guard = outer;
}

/* `match` is a soft keyword: it starts a match statement only when the logical
 * line ends with ':' (an expression statement never does). */
static bool is_match_stmt(const Parser *ps)
{
    const PpToken *n = pp_peek(ps, 1);
    if (n->kind == PYTOK_NEWLINE || (n->kind == PYTOK_OP && n->op != PYOP_LPAR &&
                                     n->op != PYOP_LSQB && n->op != PYOP_LBRACE &&
                                     n->op != PYOP_MINUS && n->op != PYOP_STAR &&
                                     n->op != PYOP_TILDE && n->op != PYOP_PLUS &&
                                     n->op != PYOP_ELLIPSIS))
        return false;
    const PpToken *last = &ps->toks[pp_line_last(ps)];
    return last->kind == PYTOK_OP && last->op == PYOP_COLON;
}

/* A capture pattern binds its name; a class (`Point(`), a keyword (`x=`), a
 * dotted value (`Color.RED`) and the wildcard `_` do not (PEP 634). */
static bool is_capture(const Parser *ps, const PpToken *t)
{
    if (!is_ident(t) || t->kw == PYKW_UNDERSCORE)
        return false;
    const PpToken *n = t + 1 < ps->toks + ps->ntoks ? t + 1 : t;
    if (n->kind == PYTOK_OP && (n->op == PYOP_LPAR || n->op == PYOP_DOT || n->op == PYOP_EQUAL))
        return false;
    return !(t > ps->toks && t[-1].kind == PYTOK_OP && t[-1].op == PYOP_DOT);
}

static void case_clause(Parser *ps)
{
    pp_advance(ps); /* case */
    /* Patterns look like calls (`Point(x=0)`) but call nothing: skip them. */
    int depth = 0;
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER)
            break;
        if (t->kind == PYTOK_OP) {
            if (t->op == PYOP_LPAR || t->op == PYOP_LSQB || t->op == PYOP_LBRACE)
                depth++;
            else if (t->op == PYOP_RPAR || t->op == PYOP_RSQB || t->op == PYOP_RBRACE)
                depth--;
            else if (depth == 0 && t->op == PYOP_COLON)
                break;
        } else if (depth == 0 && t->kind == PYTOK_NAME && t->kw == PYKW_IF) {
            pp_advance(ps);
            pp_expr(ps);
            break;
        } else if (is_capture(ps, t)) {
            Str n = pp_tok_str(ps, t);
            pp_bind(ps, pp_intern(ps, n.ptr, n.len), NULL);
        }
        pp_advance(ps);
    }
    pp_block(ps);
}

static void match_stmt(Parser *ps)
{
    pp_advance(ps); /* match */
    pp_exprlist(ps, true);
    if (!pp_expect_op(ps, PYOP_COLON, "':'")) {
        pp_skip_line(ps);
        return;
    }
    if (pp_cur(ps)->kind != PYTOK_NEWLINE)
        return;
    pp_advance(ps);
    if (pp_cur(ps)->kind != PYTOK_INDENT) {
        pp_error(ps, pp_cur(ps), "expected an indented block");
        return;
    }
    pp_advance(ps);
    while (pp_cur(ps)->kind != PYTOK_DEDENT && pp_cur(ps)->kind != PYTOK_ENDMARKER) {
        if (pp_is_kw(ps, PYKW_CASE))
            case_clause(ps);
        else
            pp_statement(ps); /* error recovery: parse whatever is there */
    }
    if (pp_cur(ps)->kind == PYTOK_DEDENT)
        pp_advance(ps);
}

bool pp_control_statement(Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    switch ((PyKw)t->kw) {
    case PYKW_IF:
        if_stmt(ps);
        return true;
    case PYKW_WHILE:
        while_stmt(ps);
        return true;
    case PYKW_FOR:
        for_stmt(ps, false, t->start);
        return true;
    case PYKW_TRY:
        try_stmt(ps);
        return true;
    case PYKW_WITH:
        with_stmt(ps, false);
        return true;
    case PYKW_ASYNC: {
        const PpToken *n = pp_peek(ps, 1);
        if (n->kind != PYTOK_NAME)
            return false;
        if (n->kw == PYKW_WITH) {
            pp_advance(ps);
            with_stmt(ps, true);
            return true;
        }
        if (n->kw == PYKW_FOR) {
            uint32_t off = t->start;
            pp_advance(ps);
            for_stmt(ps, true, off);
            return true;
        }
        return false;
    }
    case PYKW_MATCH:
        if (!is_match_stmt(ps))
            return false;
        match_stmt(ps);
        return true;
    default:
        return false;
    }
}
