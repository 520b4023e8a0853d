/* Python light parser: compound and simple statements (see pyparse.h). Each
 * construct records what the model needs — functions and classes with their
 * scopes, loops with their bounds, with-items as guards, except handlers with
 * their caught types — and hands expressions to pyexpr.c. */
#include <stdio.h>

#include "../../base/xalloc.h"
#include "pyparse_int.h"

/* ---- helpers ------------------------------------------------------------------ */

static bool is_name(const PpToken *t)
{
    return t->kind == PYTOK_NAME;
}

/* A NAME token usable as an identifier (soft keywords included). */
static bool is_ident(const PpToken *t)
{
    return t->kind == PYTOK_NAME && (t->kw == PYKW_NONE || t->kw >= PYKW_MATCH);
}

static bool is_augassign(const PpToken *t)
{
    if (t->kind != PYTOK_OP)
        return false;
    switch (t->op) {
    case PYOP_PLUSEQUAL: case PYOP_MINEQUAL: case PYOP_STAREQUAL: case PYOP_SLASHEQUAL:
    case PYOP_PERCENTEQUAL: case PYOP_AMPEREQUAL: case PYOP_VBAREQUAL:
    case PYOP_CIRCUMFLEXEQUAL: case PYOP_LEFTSHIFTEQUAL: case PYOP_RIGHTSHIFTEQUAL:
    case PYOP_DOUBLESTAREQUAL: case PYOP_DOUBLESLASHEQUAL: case PYOP_ATEQUAL:
        return true;
    default:
        return false;
    }
}

static int bracket_delta(const PpToken *t)
{
    if (t->kind != PYTOK_OP)
        return 0;
    if (t->op == PYOP_LPAR || t->op == PYOP_LSQB || t->op == PYOP_LBRACE)
        return 1;
    if (t->op == PYOP_RPAR || t->op == PYOP_RSQB || t->op == PYOP_RBRACE)
        return -1;
    return 0;
}

/* Index of the last token of the logical line starting at pp_pos(ps) (before NEWLINE). */
static uint32_t line_last(const Parser *ps)
{
    uint32_t i = pp_pos(ps);
    while (i + 1 < ps->ntoks && ps->toks[i + 1].kind != PYTOK_NEWLINE &&
           ps->toks[i + 1].kind != PYTOK_ENDMARKER)
        i++;
    return i;
}

/* What count_assign_eq looks at in an operator: brackets, and at bracket
 * depth 0, `=`, `:` and `;`. */
enum { AE_OTHER, AE_OPEN, AE_CLOSE, AE_EQUAL, AE_COLON, AE_SEMI };
static const uint8_t assign_scan[256] = {
    [PYOP_LPAR] = AE_OPEN,    [PYOP_LSQB] = AE_OPEN,   [PYOP_LBRACE] = AE_OPEN,
    [PYOP_RPAR] = AE_CLOSE,   [PYOP_RSQB] = AE_CLOSE,  [PYOP_RBRACE] = AE_CLOSE,
    [PYOP_EQUAL] = AE_EQUAL,  [PYOP_COLON] = AE_COLON, [PYOP_SEMI] = AE_SEMI,
};

/* Counts the `=` of an assignment statement at bracket depth 0 (a lambda's
 * defaults and everything after a depth-0 `:` do not count). It runs ahead
 * over every statement, so it reads each token once, an operator through
 * one table. */
static uint32_t count_assign_eq(const Parser *ps, bool *annotated)
{
    int depth = 0;
    uint32_t n = 0;
    *annotated = false;
    for (const PpToken *t = pp_cur(ps);; t++) { /* the buffer ends with ENDMARKER */
        if (t->kind == PYTOK_OP) {
            switch (assign_scan[t->op]) {
            case AE_OPEN:
                depth++;
                break;
            case AE_CLOSE:
                depth--;
                break;
            case AE_EQUAL:
                n += depth == 0;
                break;
            case AE_COLON:
                if (depth == 0 && n == 0) {
                    *annotated = true;
                    return n;
                }
                break;
            case AE_SEMI:
                if (depth == 0)
                    return n;
                break;
            default:
                break;
            }
        } else if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER) {
            return n;
        } else if (depth == 0 && t->kind == PYTOK_NAME && t->kw == PYKW_LAMBDA) {
            return n;
        }
    }
}

enum { DISPLAY_MAX = 120 }; /* bytes of an expression shown in a message */

static bool is_open_op(const PpToken *t)
{
    return t->kind == PYTOK_OP &&
           (t->op == PYOP_LPAR || t->op == PYOP_LSQB || t->op == PYOP_LBRACE);
}

static bool is_close_op(const PpToken *t)
{
    return t->kind == PYTOK_OP && (t->op == PYOP_RPAR || t->op == PYOP_RSQB ||
                                   t->op == PYOP_RBRACE || t->op == PYOP_COMMA);
}

/* The expression on one line, for messages (`{iterable}`): its tokens as
 * written, one space where the source has blanks, a line break or a comment
 * between two (none after an opening bracket or before a closing one or a
 * comma) and for a line break inside a token, cut after DISPLAY_MAX bytes
 * with `...`. Most are one short line, taken as they are. */
static Str expr_display(Parser *ps, const Expr *e)
{
    if ((e->kind == E_NAME || e->kind == E_DOTTED) && e->text.len)
        return e->text;
    const char *src = ps->u->src;
    uint32_t n = e->end > e->off ? e->end - e->off : 0;
    bool plain = n <= DISPLAY_MAX;
    for (uint32_t i = 0; plain && i < n; i++)
        plain = src[e->off + i] != '\n' && src[e->off + i] != '\r' && src[e->off + i] != '#' &&
                src[e->off + i] != '\\' && src[e->off + i] != '\t' && src[e->off + i] != '\f';
    if (plain)
        return pp_intern(ps, src + e->off, n);
    char buf[DISPLAY_MAX + 3];
    uint32_t len = 0;
    const PpToken *prev = NULL, *last = ps->toks + ps->ntoks;
    for (const PpToken *t = ps->toks + pp_token_at(ps, e->off); t < last && t->end <= e->end; t++) {
        if (t->end == t->start)
            continue; /* INDENT, DEDENT, the end */
        uint32_t space = prev && t->start > prev->end && !is_open_op(prev) && !is_close_op(t);
        uint32_t tl = t->end - t->start;
        if (len + space + tl > DISPLAY_MAX) {
            if (!prev) { /* one long token: as much of it as fits, whole characters */
                tl = DISPLAY_MAX;
                while (tl > 0 && ((unsigned char)src[t->start + tl] & 0xC0) == 0x80)
                    tl--;
                memcpy(buf, src + t->start, tl);
                len = tl;
            }
            memcpy(buf + len, "...", 3);
            len += 3;
            break;
        }
        if (space)
            buf[len++] = ' ';
        memcpy(buf + len, src + t->start, tl);
        len += tl;
        prev = t;
    }
    for (uint32_t i = 0; i < len; i++)
        if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t' || buf[i] == '\f')
            buf[i] = ' '; /* inside a token: a triple-quoted string, a continued line */
    return pp_intern(ps, buf, len);
}

/* ---- assignments ---------------------------------------------------------------- */

static bool is_self_attr(Parser *ps, const Expr *t, Str *attr)
{
    if (t->kind != E_DOTTED || !ps->self_name.len)
        return false;
    Str s = t->text;
    uint32_t n = ps->self_name.len;
    if (s.len <= n + 1 || memcmp(s.ptr, ps->self_name.ptr, n) != 0 || s.ptr[n] != '.')
        return false;
    Str rest = str_make(s.ptr + n + 1, s.len - n - 1);
    if (str_find(rest, '.') >= 0)
        return false;
    *attr = pp_intern((Parser *)ps, rest.ptr, rest.len);
    return true;
}

static void apply_assign(Parser *ps, const Expr *targets, uint32_t n, const Expr *value)
{
    /* (a tuple target with a starred name is not `bounded`: not one name per member) */
    bool tuple = n == 1 && (targets[0].kind == E_TUPLE || targets[0].kind == E_LITERAL) &&
                 targets[0].bounded;
    if (!(tuple && pp_bind_tuple(ps, value)))
        pp_flush_targets(ps);
    Str bound = STR_NULL, stored = STR_NULL;
    for (uint32_t i = 0; i < n; i++) {
        const Expr *t = &targets[i];
        Str attr;
        if (t->kind == E_NAME) {
            pp_bind(ps, t->text, value);
            if (!bound.len)
                bound = t->text;
        } else {
            if (is_self_attr(ps, t, &attr))
                pp_bind_attr(ps, attr, value);
            if (!stored.len)
                stored = expr_display(ps, t);
        }
    }
    if (bound.len)
        pp_set_use(ps, value, USE_BOUND, bound, -1, 0);
    else
        pp_set_use(ps, value, USE_STORED, stored, -1, 0);
}

static Expr parse_value(Parser *ps)
{
    return pp_exprlist(ps, true);
}

static void expr_statement(Parser *ps)
{
    bool annotated;
    uint32_t neq = count_assign_eq(ps, &annotated);
    if (annotated) {
        ps->in_target = true;
        Expr t = pp_exprlist(ps, false);
        ps->in_target = false;
        pp_advance(ps); /* ':' */
        Expr ann = pp_expr(ps);
        Str type = pp_resolve_annotation(ps, &ann);
        if (pp_accept_op(ps, PYOP_EQUAL)) {
            Expr v = parse_value(ps);
            if (type.len && t.kind == E_NAME) {
                Expr typed = v;
                typed.resolved = type;
                typed.from_import = true;
                typed.kind = v.kind == E_CALL ? E_CALL : E_OTHER;
                apply_assign(ps, &t, 1, &typed);
                pp_set_use(ps, &v, USE_BOUND, t.text, -1, 0);
            } else {
                apply_assign(ps, &t, 1, &v);
            }
        } else if (t.kind == E_NAME) {
            Expr typed = {.kind = E_OTHER, .resolved = type, .from_import = type.len > 0,
                          .site = -1};
            pp_flush_targets(ps);
            pp_bind(ps, t.text, &typed);
        }
        pp_flush_targets(ps);
        return;
    }
    if (neq == 0) {
        Expr e = pp_exprlist(ps, true);
        if (is_augassign(pp_cur(ps))) {
            pp_advance(ps);
            Expr v = parse_value(ps);
            (void)v; /* the value feeds an operator: stays USE_OPERAND */
            if (e.kind == E_NAME)
                pp_rebind_operator(ps, e.text);
            return;
        }
        pp_set_use(ps, &e, USE_DISCARDED, STR_NULL, -1, 0);
        return;
    }
    enum { MAX_TARGETS = 16 };
    Expr targets[MAX_TARGETS];
    uint32_t nt = 0;
    for (uint32_t i = 0; i < neq; i++) {
        ps->in_target = true;
        Expr t = pp_exprlist(ps, true);
        ps->in_target = false;
        if (nt < MAX_TARGETS)
            targets[nt++] = t;
        if (!pp_expect_op(ps, PYOP_EQUAL, "'='"))
            return;
    }
    Expr v = parse_value(ps);
    apply_assign(ps, targets, nt, &v);
}

/* ---- simple statements ------------------------------------------------------------ */

/* dotted_name: NAME ('.' NAME)* ; returns it interned. */
static Str dotted_name(Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (!is_name(t)) {
        pp_error(ps, t, "invalid syntax: expected a module name");
        return STR_NULL;
    }
    uint32_t start = t->start, end = t->end;
    pp_advance(ps);
    while (pp_is_op(ps, PYOP_DOT) && is_name(pp_peek(ps, 1))) {
        pp_advance(ps);
        end = pp_cur(ps)->end;
        pp_advance(ps);
    }
    /* Rebuild without whitespace/continuations between the parts. */
    char buf[512];
    uint32_t n = 0;
    for (uint32_t i = start; i < end && n < sizeof buf; i++) {
        char c = ps->u->src[i];
        if (c != ' ' && c != '\t' && c != '\\' && c != '\n' && c != '\r')
            buf[n++] = c;
    }
    return pp_intern(ps, buf, n);
}

static void import_stmt(Parser *ps)
{
    pp_advance(ps); /* import */
    do {
        Str mod = dotted_name(ps);
        if (!mod.len)
            return;
        if (pp_accept_kw(ps, PYKW_AS) && is_ident(pp_cur(ps))) {
            Str local = pp_tok_str(ps, pp_cur(ps));
            pp_advance(ps);
            pp_add_import(ps, pp_intern(ps, local.ptr, local.len), mod, 0);
        } else {
            int32_t dot = str_find(mod, '.');
            uint32_t n = dot < 0 ? mod.len : (uint32_t)dot;
            Str root = pp_intern(ps, mod.ptr, n);
            pp_add_import(ps, root, root, 0);
        }
    } while (pp_accept_op(ps, PYOP_COMMA));
}

static void from_import_names(Parser *ps, Str base)
{
    bool paren = pp_accept_op(ps, PYOP_LPAR);
    for (uint32_t n = 0;; n++) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_OP && t->op == PYOP_STAR && n == 0) {
            pp_advance(ps);
            break;
        }
        if (!is_ident(t)) {
            if (n == 0) /* `from x import` with nothing after it */
                pp_error(ps, t, "invalid syntax: expected a name to import");
            break;
        }
        Str name = pp_intern(ps, ps->u->src + t->start, t->end - t->start);
        pp_advance(ps);
        Str local = name;
        if (pp_accept_kw(ps, PYKW_AS) && is_ident(pp_cur(ps))) {
            local = pp_tok_str(ps, pp_cur(ps));
            local = pp_intern(ps, local.ptr, local.len);
            pp_advance(ps);
        }
        Str q = base.len && base.ptr[base.len - 1] != '.' ? str_join(ps->a, base, ".", name)
                                                          : str_join(ps->a, base, NULL, name);
        pp_add_import(ps, local, pp_intern(ps, q.ptr, q.len), 0);
        if (!pp_accept_op(ps, PYOP_COMMA))
            break;
    }
    if (paren)
        pp_expect_op(ps, PYOP_RPAR, "')'");
}

static void from_stmt(Parser *ps)
{
    pp_advance(ps); /* from */
    uint32_t level = 0;
    for (;;) {
        if (pp_accept_op(ps, PYOP_DOT))
            level++;
        else if (pp_accept_op(ps, PYOP_ELLIPSIS))
            level += 3;
        else
            break;
    }
    Str mod = STR_NULL;
    if (!pp_is_kw(ps, PYKW_IMPORT))
        mod = dotted_name(ps);
    if (!pp_accept_kw(ps, PYKW_IMPORT)) {
        pp_error(ps, pp_cur(ps), "invalid syntax: expected 'import'");
        return;
    }
    char dots[64];
    uint32_t nd = level < sizeof dots ? level : sizeof dots - 1;
    memset(dots, '.', nd);
    Str base = str_join(ps->a, str_make(dots, nd), NULL, mod);
    from_import_names(ps, base);
    /* record the level on the imports just added */
    for (uint32_t i = ps->imports.size; i > 0; i--) {
        Import *im = vec_at(&ps->imports, i - 1);
        if (im->level || !str_starts_with(im->qualified, "."))
            break;
        im->level = (uint8_t)(level > 255 ? 255 : level);
    }
}

static void mark_reraise(Parser *ps)
{
    if (ps->handler >= 0)
        pp_site(ps, ps->handler)->flags |= SITE_F_RERAISES;
}

static void names_list(Parser *ps)
{
    do {
        if (is_ident(pp_cur(ps))) {
            Str n = pp_tok_str(ps, pp_cur(ps));
            pp_bind_global(ps, pp_intern(ps, n.ptr, n.len));
            pp_advance(ps);
        }
    } while (pp_accept_op(ps, PYOP_COMMA));
}

static void simple_statement(Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NAME) {
        switch ((PyKw)t->kw) {
        case PYKW_RETURN: {
            pp_advance(ps);
            if (pp_cur(ps)->kind != PYTOK_NEWLINE && !pp_is_op(ps, PYOP_SEMI)) {
                Expr e = pp_exprlist(ps, true);
                pp_set_use(ps, &e, USE_RETURNED, STR_NULL, -1, 0);
            }
            pp_leave_loop(ps);
            ps->returned = true;
            return;
        }
        case PYKW_RAISE:
            pp_advance(ps);
            mark_reraise(ps);
            if (pp_cur(ps)->kind != PYTOK_NEWLINE && !pp_is_op(ps, PYOP_SEMI)) {
                pp_expr(ps);
                if (pp_accept_kw(ps, PYKW_FROM))
                    pp_expr(ps);
            }
            pp_leave_loop(ps);
            return;
        case PYKW_IMPORT:
            import_stmt(ps);
            return;
        case PYKW_FROM:
            from_stmt(ps);
            return;
        case PYKW_GLOBAL:
        case PYKW_NONLOCAL:
            pp_advance(ps);
            names_list(ps);
            return;
        case PYKW_BREAK:
            pp_advance(ps);
            pp_leave_loop(ps);
            return;
        case PYKW_PASS:
        case PYKW_CONTINUE:
            pp_advance(ps);
            return;
        case PYKW_DEL:
            pp_advance(ps);
            ps->in_target = true;
            pp_exprlist(ps, false);
            ps->in_target = false;
            vec_clear(&ps->targets); /* `del x` unbinds; nothing to record */
            return;
        case PYKW_ASSERT:
            pp_advance(ps);
            pp_expr(ps);
            if (pp_accept_op(ps, PYOP_COMMA))
                pp_expr(ps);
            return;
        case PYKW_TYPE:
            /* PEP 695 `type X[T] = ...` (soft keyword: `type = 3` is an assignment) */
            if (is_ident(pp_peek(ps, 1)) &&
                (pp_peek(ps, 2)->op == PYOP_EQUAL || pp_peek(ps, 2)->op == PYOP_LSQB) &&
                pp_peek(ps, 2)->kind == PYTOK_OP) {
                Str n = pp_tok_str(ps, pp_peek(ps, 1));
                pp_bind(ps, pp_intern(ps, n.ptr, n.len), NULL);
                pp_skip_until(ps, PYOP_SEMI, PYOP_SEMI);
                return;
            }
            break;
        case PYKW_NONE: {
            /* PEP 810 (3.15) `lazy import x`, `lazy from x import y` (soft keyword):
             * the names are bound as by the import, resolved when first used */
            const PpToken *n = pp_peek(ps, 1);
            if (n->kind == PYTOK_NAME && (n->kw == PYKW_IMPORT || n->kw == PYKW_FROM) &&
                t->end - t->start == 4 && memcmp(ps->u->src + t->start, "lazy", 4) == 0) {
                pp_advance(ps);
                if (n->kw == PYKW_IMPORT)
                    import_stmt(ps);
                else
                    from_stmt(ps);
                return;
            }
            break;
        }
        default:
            break;
        }
    }
    expr_statement(ps);
}

static void simple_statements(Parser *ps)
{
    for (;;) {
        simple_statement(ps);
        if (!pp_accept_op(ps, PYOP_SEMI))
            break;
        if (pp_cur(ps)->kind == PYTOK_NEWLINE)
            break;
    }
    pp_end_simple(ps);
}

/* ---- compound statements --------------------------------------------------------- */

typedef struct SavedScope {
    int32_t func, cls, loop, guard, handler;
    uint32_t site_flags;
    Str self_name, cls_name;
} SavedScope;

static SavedScope save_scope(const Parser *ps)
{
    return (SavedScope){ps->func, ps->cls, ps->loop, ps->guard, ps->handler, ps->site_flags,
                        ps->self_name, ps->cls_name};
}

static void restore_scope(Parser *ps, SavedScope s)
{
    ps->func = s.func;
    ps->cls = s.cls;
    ps->loop = s.loop;
    ps->guard = s.guard;
    ps->handler = s.handler;
    ps->site_flags = s.site_flags;
    ps->self_name = s.self_name;
    ps->cls_name = s.cls_name;
}

static void enter_function(Parser *ps, int32_t f)
{
    ps->func = f;
    ps->loop = ps->guard = ps->handler = -1;
    ps->site_flags = 0;
}

static void skip_brackets(Parser *ps)
{
    int depth = 0;
    do {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_NEWLINE || t->kind == PYTOK_ENDMARKER)
            return;
        depth += bracket_delta(t);
        pp_advance(ps);
    } while (depth > 0);
}

/* Parameters of a def (terminator ')') or a lambda (terminator ':'). Defaults and
 * annotations are evaluated in the enclosing scope, so this runs before the new
 * function's scope is entered. */
uint32_t pp_params(Parser *ps, PyOp close, Param *out, uint32_t max)
{
    uint32_t n = 0;
    while (!pp_is_op(ps, close) && pp_cur(ps)->kind != PYTOK_NEWLINE &&
           pp_cur(ps)->kind != PYTOK_ENDMARKER) {
        uint32_t start = pp_pos(ps);
        if (pp_accept_op(ps, PYOP_STAR) || pp_accept_op(ps, PYOP_DOUBLESTAR) ||
            pp_accept_op(ps, PYOP_SLASH)) {
            /* bare `*`, `/`, or the marker before *args / **kwargs */
        }
        if (is_ident(pp_cur(ps))) {
            Str name = pp_tok_str(ps, pp_cur(ps));
            Param prm = {pp_intern(ps, name.ptr, name.len), STR_NULL};
            pp_advance(ps);
            if (close == PYOP_RPAR && pp_accept_op(ps, PYOP_COLON)) {
                pp_accept_op(ps, PYOP_STAR); /* PEP 646: `*args: *Ts` */
                Expr ann = pp_expr(ps);
                prm.annotation = pp_resolve_annotation(ps, &ann);
            }
            if (n < max)
                out[n++] = prm;
        }
        if (pp_accept_op(ps, PYOP_EQUAL))
            pp_expr(ps);
        if (!pp_accept_op(ps, PYOP_COMMA))
            break;
        if (pp_pos(ps) == start)
            pp_advance(ps);
    }
    return n;
}

static void bind_params(Parser *ps, const Param *params, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        Expr typed = {.kind = E_OTHER, .site = -1, .resolved = params[i].annotation,
                      .from_import = params[i].annotation.len > 0};
        pp_bind(ps, params[i].name, &typed);
    }
}

static bool has_decorator(const Str *decs, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (str_eq_c(decs[i], name))
            return true;
    return false;
}

/* The bottom type, imported from typing or typing_extensions: a function so
 * annotated always raises (or exits). */
static bool is_never_type(Str r)
{
    return str_eq_c(r, "typing.NoReturn") || str_eq_c(r, "typing.Never") ||
           str_eq_c(r, "typing_extensions.NoReturn") || str_eq_c(r, "typing_extensions.Never");
}

static void funcdef(Parser *ps, const Str *decs, uint32_t ndecs, uint32_t off, bool is_async)
{
    pp_advance(ps); /* def */
    const PpToken *nt = pp_cur(ps);
    if (!is_ident(nt)) {
        pp_error(ps, nt, "invalid syntax: expected a function name");
        pp_skip_line(ps);
        return;
    }
    Str name = pp_intern(ps, ps->u->src + nt->start, nt->end - nt->start);
    pp_advance(ps);
    if (pp_is_op(ps, PYOP_LSQB))
        skip_brackets(ps); /* PEP 695 type parameters */
    enum { MAX_PARAMS = 64 };
    Param params[MAX_PARAMS];
    uint32_t np = 0;
    if (pp_expect_op(ps, PYOP_LPAR, "'('")) {
        np = pp_params(ps, PYOP_RPAR, params, MAX_PARAMS);
        pp_expect_op(ps, PYOP_RPAR, "')'");
    }
    bool never_returns = false;
    if (pp_accept_op(ps, PYOP_ARROW)) {
        Expr ret = pp_expr(ps);
        never_returns = ret.from_import && is_never_type(ret.resolved);
    }
    pp_bind(ps, name, NULL);
    bool in_class = ps->func >= 0 && vec_at(&ps->funcs, ps->func)->kind == FN_CLASS;
    int32_t f = pp_new_function(ps, FN_DEF, name, off);
    Function *fn = vec_at(&ps->funcs, f);
    fn->is_async = is_async;
    fn->never_returns = never_returns;
    fn->name_off = nt->start;
    fn->nparams = np;
    fn->params = pp_copy_array(ps, params, np, sizeof(Param));
    fn->ndecorators = ndecs;
    fn->decorators = pp_copy_array(ps, decs, ndecs, sizeof(Str)); /* decs: NULL if none */
    SavedScope saved = save_scope(ps);
    if (in_class) {
        ps->cls = saved.func;
        bool is_static = has_decorator(decs, ndecs, "staticmethod");
        ps->self_name = !is_static && np ? params[0].name : STR_NULL;
    }
    enter_function(ps, f);
    bind_params(ps, params, np);
    bool outer_returned = ps->returned;
    ps->returned = false;
    pp_block(ps);
    fn = vec_at(&ps->funcs, f);
    fn->end = pp_prev_end(ps);
    /* no `return` and a body that ends with `raise`: every call raises (a
     * helper that re-raises or converts what it is handed), as if annotated */
    fn->never_returns |= !ps->returned && ps->tail_raise && !fn->is_generator;
    ps->returned = outer_returned;
    restore_scope(ps, saved);
}

static void classdef(Parser *ps, const Str *decs, uint32_t ndecs, uint32_t off)
{
    pp_advance(ps); /* class */
    const PpToken *nt = pp_cur(ps);
    if (!is_ident(nt)) {
        pp_error(ps, nt, "invalid syntax: expected a class name");
        pp_skip_line(ps);
        return;
    }
    Str name = pp_intern(ps, ps->u->src + nt->start, nt->end - nt->start);
    pp_advance(ps);
    if (pp_is_op(ps, PYOP_LSQB))
        skip_brackets(ps);
    enum { MAX_BASES = 16 };
    Str bases[MAX_BASES];
    uint32_t nb = 0;
    if (pp_accept_op(ps, PYOP_LPAR)) {
        while (!pp_is_op(ps, PYOP_RPAR) && pp_cur(ps)->kind != PYTOK_NEWLINE &&
               pp_cur(ps)->kind != PYTOK_ENDMARKER) {
            uint32_t start = pp_pos(ps);
            bool kw = is_ident(pp_cur(ps)) && pp_peek(ps, 1)->kind == PYTOK_OP &&
                      pp_peek(ps, 1)->op == PYOP_EQUAL;
            if (kw) {
                pp_advance(ps);
                pp_advance(ps);
            }
            if (!pp_accept_op(ps, PYOP_STAR))
                pp_accept_op(ps, PYOP_DOUBLESTAR);
            Expr b = pp_expr(ps);
            if (!kw && nb < MAX_BASES && b.resolved.len)
                bases[nb++] = b.resolved;
            if (!pp_accept_op(ps, PYOP_COMMA))
                break;
            if (pp_pos(ps) == start)
                pp_advance(ps);
        }
        pp_expect_op(ps, PYOP_RPAR, "')'");
    }
    pp_bind(ps, name, NULL);
    /* iterating a class (an Enum, through its metaclass) gives the members
     * its body declares: a fixed number */
    VarInfo *v = pp_var(ps, name);
    v->bounded = v->is_class = true;
    int32_t f = pp_new_function(ps, FN_CLASS, name, off);
    Function *fn = vec_at(&ps->funcs, f);
    fn->name_off = nt->start;
    fn->nbases = nb;
    fn->bases = pp_copy_array(ps, bases, nb, sizeof(Str));
    fn->ndecorators = ndecs;
    fn->decorators = pp_copy_array(ps, decs, ndecs, sizeof(Str)); /* decs: NULL if none */
    SavedScope saved = save_scope(ps);
    enter_function(ps, f);
    ps->cls = f;
    ps->cls_name = fn->qualname;
    ps->self_name = STR_NULL;
    pp_block(ps);
    vec_at(&ps->funcs, f)->end = pp_prev_end(ps);
    restore_scope(ps, saved);
}

static void decorated(Parser *ps)
{
    enum { MAX_DECS = 16 };
    Str decs[MAX_DECS];
    uint32_t n = 0;
    uint32_t off = pp_cur(ps)->start;
    while (pp_accept_op(ps, PYOP_AT)) {
        Expr e = pp_expr(ps);
        if (n < MAX_DECS)
            decs[n++] = e.resolved.len ? e.resolved : e.text;
        pp_end_simple(ps);
    }
    if (pp_is_kw(ps, PYKW_DEF)) {
        funcdef(ps, decs, n, off, false);
    } else if (pp_is_kw(ps, PYKW_ASYNC) && pp_peek(ps, 1)->kw == PYKW_DEF) {
        pp_advance(ps);
        funcdef(ps, decs, n, off, true);
    } else if (pp_is_kw(ps, PYKW_CLASS)) {
        classdef(ps, decs, n, off);
    } else {
        pp_error(ps, pp_cur(ps), "invalid syntax: expected 'def' or 'class' after decorator");
    }
}

void pp_compound_or_simple(Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NEWLINE) { /* stray empty statement */
        pp_advance(ps);
        return;
    }
    if (t->kind == PYTOK_OP && t->op == PYOP_AT) {
        decorated(ps);
        return;
    }
    if (t->kind == PYTOK_NAME) {
        if (t->kw == PYKW_DEF) {
            funcdef(ps, NULL, 0, t->start, false);
            return;
        }
        if (t->kw == PYKW_ASYNC && pp_peek(ps, 1)->kw == PYKW_DEF) {
            uint32_t off = t->start;
            pp_advance(ps);
            funcdef(ps, NULL, 0, off, true);
            return;
        }
        if (t->kw == PYKW_CLASS) {
            classdef(ps, NULL, 0, t->start);
            return;
        }
        if (pp_control_statement(ps))
            return;
    }
    simple_statements(ps);
}

uint32_t pp_line_last(const Parser *ps)
{
    return line_last(ps);
}

Str pp_expr_display(Parser *ps, const Expr *e)
{
    return expr_display(ps, e);
}
