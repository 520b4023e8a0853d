/* The C cursor walk, part 2: expressions. Calls become SITE_CALL with their
 * arguments classified, reads of locals SITE_USE, functions named as values
 * SITE_FUNCREF; assignments and initialisers decide how a value is used and,
 * for stores into a struct member, which `record.field` receives it. libclang
 * 14 exposes no operator kinds, so operators are read from the source between
 * the operands (cfront_binop), with a type-based fallback inside macro bodies. */
#include "cfront_walk.h"

#include <string.h>

/* ---- operators ------------------------------------------------------------ */

static uint32_t skip_ws(const char *s, uint32_t len, uint32_t i)
{
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\\') {
            i++;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
            for (i += 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++)
                ;
            i += 2;
        } else {
            break;
        }
    }
    return i < len ? i : len;
}

static CfrontOp op_from_text(const char *p, uint32_t n, uint32_t *used)
{
    static const struct {
        const char *tok;
        CfrontOp op;
    } ops[] = {
        {"==", CF_OP_EQ},    {"!=", CF_OP_NE},   {"<=", CF_OP_LE},    {">=", CF_OP_GE},
        {"&&", CF_OP_LAND},  {"||", CF_OP_LOR},  {"<<", CF_OP_OTHER}, {">>", CF_OP_OTHER},
        {"=", CF_OP_ASSIGN}, {"<", CF_OP_LT},    {">", CF_OP_GT},     {",", CF_OP_COMMA},
        {"+", CF_OP_OTHER},  {"-", CF_OP_OTHER}, {"*", CF_OP_OTHER},  {"/", CF_OP_OTHER},
        {"%", CF_OP_OTHER},  {"&", CF_OP_OTHER}, {"|", CF_OP_OTHER},  {"^", CF_OP_OTHER},
    };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        size_t k = strlen(ops[i].tok);
        if (k <= n && memcmp(p, ops[i].tok, k) == 0) {
            *used = (uint32_t)k;
            return ops[i].op;
        }
    }
    return CF_OP_UNKNOWN;
}

static bool lvalue_like(CXCursor e)
{
    enum CXCursorKind k = clang_getCursorKind(cfront_strip(e));
    return k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr ||
           k == CXCursor_ArraySubscriptExpr || k == CXCursor_UnaryOperator;
}

CfrontOp cfront_binop(const CfrontWalk *w, CXCursor c, CXCursor lhs, CXCursor rhs)
{
    uint32_t co, ce, lo, le, ro, re;
    /* The operator is read only when the whole expression is written out in
     * the main file: in `SET(x, f())` the text between x and f() is a comma
     * of the macro call, not the operator of the macro body. */
    if (cfront_extent(w, c, &co, &ce) && cfront_extent(w, lhs, &lo, &le) &&
        cfront_extent(w, rhs, &ro, &re) && co == lo && ce == re && le <= ro) {
        const char *s = w->u->src;
        uint32_t i = skip_ws(s, ro, le), used = 0;
        CfrontOp op = op_from_text(s + i, ro - i, &used);
        if (op != CF_OP_UNKNOWN && skip_ws(s, ro, i + used) == ro)
            return op;
    }
    /* Inside a macro body: an assignment has the (pointer) type of its target. */
    CXType t = clang_getCanonicalType(clang_getCursorType(c));
    CXType lt = clang_getCanonicalType(clang_getCursorType(lhs));
    if (t.kind == CXType_Pointer && clang_equalTypes(t, lt) && lvalue_like(lhs))
        return CF_OP_ASSIGN;
    return CF_OP_UNKNOWN;
}

/* `&x` (result type is a pointer to the operand's type), as opposed to `*p`, `-x`, `!x`. */
static bool is_addr_of(CXCursor unary, CXCursor operand)
{
    CXType t = clang_getCanonicalType(clang_getCursorType(unary));
    if (t.kind != CXType_Pointer)
        return false;
    CXType pointee = clang_getCanonicalType(clang_getPointeeType(t));
    CXType ot = clang_getCanonicalType(clang_getCursorType(operand));
    return clang_equalTypes(pointee, ot);
}

/* ---- records and fields --------------------------------------------------- */

Str cfront_record_name(CfrontWalk *w, CXCursor rec)
{
    CXString s = clang_getCursorSpelling(rec);
    const char *p = clang_getCString(s);
    bool named = p && *p && !strchr(p, ' ') && !strchr(p, '(');
    clang_disposeString(s);
    if (named && !clang_Cursor_isAnonymous(rec))
        return cfront_intern(w, clang_getCursorSpelling(rec));
    return cfront_intern(w, clang_getTypeSpelling(clang_getCursorType(rec)));
}

static Str join_field(CfrontWalk *w, Str record, Str field)
{
    Str j = str_join(&w->u->arena, record, ".", field);
    return strpool_intern(&w->u->names, j);
}

/* `record.field` for a member expression, walking out of anonymous
 * unions/structs through the member chain. */
static Str member_target(CfrontWalk *w, CXCursor m, Str *field)
{
    CXCursor fld = clang_getCursorReferenced(m);
    *field = cfront_intern(w, clang_getCursorSpelling(fld));
    CXCursor rec = clang_getCursorSemanticParent(fld);
    for (int guard = 0; guard < 16 && clang_Cursor_isAnonymous(rec); guard++) {
        CXCursor ch[1];
        if (cfront_children(m, ch, 1) < 1)
            break;
        CXCursor base = cfront_strip(ch[0]);
        if (clang_getCursorKind(base) != CXCursor_MemberRefExpr)
            break;
        m = base;
        rec = clang_getCursorSemanticParent(clang_getCursorReferenced(m));
    }
    return join_field(w, cfront_record_name(w, rec), *field);
}

/* ---- arguments ------------------------------------------------------------ */

/* The automatic variable whose storage `e` designates (`t`, `s.timer`,
 * `reqs[i]`), or a null cursor (heap through `->`, pointers, globals). */
static CXCursor auto_root(CXCursor e)
{
    for (int guard = 0; guard < 32; guard++) {
        e = cfront_strip(e);
        enum CXCursorKind k = clang_getCursorKind(e);
        CXCursor ch[2];
        if (k == CXCursor_DeclRefExpr) {
            CXCursor ref = clang_getCursorReferenced(e);
            return cfront_is_auto_var(ref) ? ref : clang_getNullCursor();
        }
        if ((k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr) ||
            cfront_children(e, ch, 2) < 1)
            return clang_getNullCursor();
        CXCursor base = cfront_strip(ch[0]);
        enum CXTypeKind bt = clang_getCanonicalType(clang_getCursorType(base)).kind;
        if (k == CXCursor_MemberRefExpr
                ? bt == CXType_Pointer
                : (bt != CXType_ConstantArray && bt != CXType_VariableArray &&
                   bt != CXType_IncompleteArray))
            return clang_getNullCursor();
        e = base;
    }
    return clang_getNullCursor();
}

static bool is_literal_kind(enum CXCursorKind k)
{
    return k == CXCursor_IntegerLiteral || k == CXCursor_FloatingLiteral ||
           k == CXCursor_StringLiteral || k == CXCursor_CharacterLiteral;
}

static void classify_unary(CfrontWalk *w, CXCursor s, Arg *a)
{
    CXCursor ch[1];
    if (cfront_children(s, ch, 1) != 1)
        return;
    CXCursor inner = cfront_strip(ch[0]);
    if (!is_addr_of(s, ch[0])) {
        if (is_literal_kind(clang_getCursorKind(inner)))
            a->kind = ARG_LITERAL; /* -1 */
        return;
    }
    CXCursor ref = clang_getCursorReferenced(inner);
    if (clang_getCursorKind(inner) == CXCursor_DeclRefExpr &&
        clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
        a->kind = ARG_FUNC;
        a->text = a->resolved = cfront_intern(w, clang_getCursorSpelling(ref));
        return;
    }
    CXCursor root = auto_root(inner);
    if (clang_Cursor_isNull(root))
        return;
    a->kind = ARG_ADDR;
    a->text = cfront_intern(w, clang_getCursorSpelling(root));
    a->resolved = cfront_text(w, inner);
    a->type = cfront_intern(w, clang_getTypeSpelling(clang_getCursorType(inner)));
}

/* Classifies argument `arg` of the call written at [coff, cend). */
static void classify_arg(CfrontWalk *w, CXCursor arg, uint32_t coff, uint32_t cend, Arg *a)
{
    memset(a, 0, sizeof *a);
    a->site = a->func = -1;
    a->kind = ARG_OTHER;
    /* An argument supplied by a macro body maps onto the whole invocation:
     * it has no text of its own in the file. */
    bool own_text = cfront_extent(w, arg, &a->off, &a->end) && !(a->off == coff && a->end == cend);
    if (!own_text)
        a->off = coff, a->end = cend;
    CXCursor s = cfront_strip(arg);
    enum CXCursorKind k = clang_getCursorKind(s);
    long long v;
    if (k == CXCursor_UnaryOperator) {
        classify_unary(w, s, a);
    } else if (k == CXCursor_DeclRefExpr) {
        CXCursor ref = clang_getCursorReferenced(s);
        enum CXCursorKind rk = clang_getCursorKind(ref);
        if (rk == CXCursor_FunctionDecl || rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) {
            a->kind = rk == CXCursor_FunctionDecl ? ARG_FUNC : ARG_NAME;
            a->text = a->resolved = cfront_intern(w, clang_getCursorSpelling(ref));
            if (rk != CXCursor_FunctionDecl)
                a->type = cfront_intern(w, clang_getTypeSpelling(clang_getCursorType(ref)));
        } else if (rk == CXCursor_EnumConstantDecl) {
            a->kind = ARG_LITERAL;
        }
    } else if (k == CXCursor_IntegerLiteral) {
        /* 0 is NULL only where a pointer is expected (NULL is `((void *)0)`) */
        bool ptr = clang_getCanonicalType(clang_getCursorType(arg)).kind == CXType_Pointer;
        a->kind = ptr && cfront_const_value(s, &v) && v == 0 ? ARG_NULL : ARG_LITERAL;
    } else if (is_literal_kind(k)) {
        a->kind = ARG_LITERAL;
    } else if (k == CXCursor_CallExpr) {
        a->kind = ARG_CALL; /* .site is set when the nested call is walked */
    }
    if (str_empty(a->text) && own_text)
        a->text = cfront_text(w, arg);
    if (a->kind == ARG_NULL && str_empty(a->text))
        a->text = STR_LIT("NULL");
}

/* ---- expression kinds ----------------------------------------------------- */

static WalkCtx with_use(const WalkCtx *ctx, Use use)
{
    WalkCtx o = {ctx->func, ctx->loop, use, -1, 0, STR_NULL, STR_NULL, false};
    return o;
}

static void walk_call(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor callee[1];
    unsigned nch = cfront_children(c, callee, 1);
    CXCursor ref = clang_getCursorReferenced(c);
    bool direct = clang_getCursorKind(ref) == CXCursor_FunctionDecl;
    int32_t idx = cfront_add_site(w, SITE_CALL, c, ctx);
    Str name = direct ? cfront_intern(w, clang_getCursorSpelling(ref))
                      : (nch ? cfront_text(w, callee[0]) : STR_NULL);
    int na = clang_Cursor_getNumArguments(c);
    uint32_t nargs = na > 0 ? (uint32_t)na : 0;
    Arg *args = nargs ? ARENA_ARRAY(&w->u->arena, Arg, nargs) : NULL;
    Site *s = vec_at(&w->sites, idx);
    uint32_t coff = s->off, cend = s->end;
    for (uint32_t i = 0; i < nargs; i++)
        classify_arg(w, clang_Cursor_getArgument(c, i), coff, cend, &args[i]);
    s = vec_at(&w->sites, idx);
    s->text = name;
    s->resolved = direct ? name : STR_NULL;
    s->args = args;
    s->nargs = nargs;
    if (ctx->use == USE_ARGUMENT && ctx->parent >= 0) {
        Site *p = vec_at(&w->sites, ctx->parent);
        if (ctx->arg_index < p->nargs && p->args[ctx->arg_index].kind == ARG_CALL)
            p->args[ctx->arg_index].site = idx;
    }
    WalkCtx oc = with_use(ctx, USE_OPERAND);
    if (!direct && nch)
        cfront_walk_node(w, callee[0], &oc);
    for (uint32_t i = 0; i < nargs; i++) {
        CXCursor arg = clang_Cursor_getArgument(c, i);
        if (args[i].kind == ARG_FUNC)
            continue;
        WalkCtx ac = with_use(ctx, USE_ARGUMENT);
        ac.parent = idx;
        ac.arg_index = i;
        if (args[i].kind == ARG_ADDR) { /* the object itself is handed over, not read */
            ac = with_use(ctx, USE_OPERAND);
            ac.write = true;
        }
        cfront_walk_node(w, arg, &ac);
    }
}

/* How the right-hand side of `lhs = ...` is used. */
static WalkCtx assign_target(CfrontWalk *w, CXCursor lhs, const WalkCtx *ctx)
{
    CXCursor s = cfront_strip(lhs);
    enum CXCursorKind k = clang_getCursorKind(s);
    WalkCtx r = with_use(ctx, USE_STORED);
    if (k == CXCursor_DeclRefExpr) {
        CXCursor ref = clang_getCursorReferenced(s);
        if (cfront_is_auto_var(ref) || clang_getCursorKind(ref) == CXCursor_ParmDecl)
            r.use = USE_BOUND;
        r.use_name = cfront_intern(w, clang_getCursorSpelling(ref));
    } else if (k == CXCursor_MemberRefExpr) {
        r.use_name = member_target(w, s, &r.field);
    } else {
        r.use_name = cfront_text(w, lhs);
    }
    return r;
}

static void walk_binop(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor ch[2];
    if (cfront_children(c, ch, 2) != 2) {
        WalkCtx oc = with_use(ctx, USE_OPERAND);
        cfront_walk_children(w, c, &oc);
        return;
    }
    CfrontOp op = cfront_binop(w, c, ch[0], ch[1]);
    WalkCtx oc = with_use(ctx, USE_OPERAND);
    if (op == CF_OP_ASSIGN) {
        WalkCtx rc = assign_target(w, ch[0], ctx);
        WalkCtx lc = oc;
        lc.write = true;
        cfront_walk_node(w, ch[0], &lc);
        cfront_walk_node(w, ch[1], &rc);
    } else if (op == CF_OP_COMMA) {
        WalkCtx dc = with_use(ctx, USE_DISCARDED);
        cfront_walk_node(w, ch[0], &dc);
        cfront_walk_node(w, ch[1], ctx);
    } else {
        cfront_walk_node(w, ch[0], &oc);
        cfront_walk_node(w, ch[1], &oc);
    }
}

static void walk_declref(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor ref = clang_getCursorReferenced(c);
    enum CXCursorKind k = clang_getCursorKind(ref);
    if (k == CXCursor_FunctionDecl) {
        int32_t idx = cfront_add_site(w, SITE_FUNCREF, c, ctx);
        Site *s = vec_at(&w->sites, idx);
        s->text = s->resolved = cfront_intern(w, clang_getCursorSpelling(ref));
        s->field = ctx->field;
        return;
    }
    if (k != CXCursor_VarDecl || ctx->write || clang_Cursor_getStorageClass(ref) == CX_SC_Extern ||
        clang_getCursorKind(clang_getCursorSemanticParent(ref)) != CXCursor_FunctionDecl)
        return;
    int32_t idx = cfront_add_site(w, SITE_USE, c, ctx);
    Site *s = vec_at(&w->sites, idx);
    s->text = s->resolved = cfront_intern(w, clang_getCursorSpelling(ref));
}

/* `.a.b = value` inside an initialiser list of record `record`. */
static void walk_designated(CfrontWalk *w, CXCursor d, const WalkCtx *ctx, Str record)
{
    CXCursor ch[16];
    unsigned n = cfront_children(d, ch, 16);
    if (n == 0 || n > 16)
        return;
    int last = -1;
    for (unsigned i = 0; i + 1 < n; i++)
        if (clang_getCursorKind(ch[i]) == CXCursor_MemberRef)
            last = (int)i;
    WalkCtx vc = with_use(ctx, USE_ELEMENT);
    vc.use_name = ctx->use_name;
    if (last >= 0) {
        vc.use = USE_STORED;
        vc.field = cfront_intern(w, clang_getCursorSpelling(ch[last]));
        CXCursor rec = clang_getCursorSemanticParent(clang_getCursorReferenced(ch[last]));
        for (int i = last; clang_Cursor_isAnonymous(rec) && i > 0 &&
                           clang_getCursorKind(ch[i - 1]) == CXCursor_MemberRef;
             i--)
            rec = clang_getCursorSemanticParent(clang_getCursorReferenced(ch[i - 1]));
        Str rname = clang_Cursor_isAnonymous(rec) ? record : cfront_record_name(w, rec);
        vc.use_name = join_field(w, rname, vc.field);
    }
    cfront_walk_node(w, ch[n - 1], &vc);
}

#define MAX_FIELDS 64

typedef struct Fields {
    CXCursor f[MAX_FIELDS];
    unsigned n;
} Fields;

static enum CXVisitorResult field_cb(CXCursor c, CXClientData data)
{
    Fields *fs = data;
    if (fs->n >= MAX_FIELDS)
        return CXVisit_Break;
    fs->f[fs->n++] = c;
    return CXVisit_Continue;
}

typedef struct InitWalk {
    CfrontWalk *w;
    const WalkCtx *ctx;
    Str record; /* empty: an array or scalar initialiser */
    Fields fields;
    unsigned k; /* position of the next element */
} InitWalk;

static bool is_designated(CXCursor c)
{
    if (clang_getCursorKind(c) != CXCursor_UnexposedExpr)
        return false;
    CXCursor ch[1];
    return cfront_children(c, ch, 1) >= 1 && clang_getCursorKind(ch[0]) == CXCursor_MemberRef;
}

static enum CXChildVisitResult init_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    InitWalk *iw = data;
    unsigned k = iw->k++;
    if (is_designated(c)) {
        walk_designated(iw->w, c, iw->ctx, iw->record);
        return CXChildVisit_Continue;
    }
    WalkCtx ec = with_use(iw->ctx, USE_ELEMENT);
    ec.use_name = iw->ctx->use_name;
    if (!str_empty(iw->record) && k < iw->fields.n) {
        ec.use = USE_STORED;
        ec.field = cfront_intern(iw->w, clang_getCursorSpelling(iw->fields.f[k]));
        ec.use_name = join_field(iw->w, iw->record, ec.field);
    }
    cfront_walk_node(iw->w, c, &ec);
    return CXChildVisit_Continue;
}

static void walk_initlist(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    InitWalk iw;
    memset(&iw, 0, sizeof iw);
    iw.w = w;
    iw.ctx = ctx;
    CXType t = clang_getCanonicalType(clang_getCursorType(c));
    if (t.kind == CXType_Record) {
        iw.record = cfront_record_name(w, clang_getTypeDeclaration(t));
        clang_Type_visitFields(t, field_cb, &iw.fields);
    }
    clang_visitChildren(c, init_cb, &iw);
}

static void walk_unary(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor ch[1];
    WalkCtx oc = with_use(ctx, USE_OPERAND);
    if (cfront_children(c, ch, 1) != 1) {
        cfront_walk_children(w, c, &oc);
        return;
    }
    cfront_walk_node(w, ch[0], is_addr_of(c, ch[0]) ? ctx : &oc);
}

/* Parentheses and casts: the value passes through unchanged. */
static void walk_transparent(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor ch[4];
    unsigned n = cfront_children(c, ch, 4);
    if (n == 0)
        return;
    if (n > 4 || (clang_getCursorKind(c) == CXCursor_UnexposedExpr && n != 1)) {
        WalkCtx oc = with_use(ctx, USE_OPERAND);
        cfront_walk_children(w, c, &oc);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        if (clang_isExpression(clang_getCursorKind(ch[i])))
            cfront_walk_node(w, ch[i], ctx);
}

static void walk_parts(CfrontWalk *w, CXCursor c, const WalkCtx *ctx, enum CXCursorKind k)
{
    CXCursor ch[3];
    unsigned n = cfront_children(c, ch, 3);
    WalkCtx oc = with_use(ctx, USE_OPERAND);
    WalkCtx rc = with_use(ctx, USE_RECEIVER); /* `get()->field`: the call is a receiver */
    if (n > 3)
        n = 3;
    for (unsigned i = 0; i < n; i++) {
        const WalkCtx *use = &oc;
        if (k == CXCursor_ConditionalOperator && i > 0)
            use = ctx; /* both branches are the value */
        else if (i == 0 && k != CXCursor_ConditionalOperator)
            /* a member/element read or written goes where its base variable goes */
            use = clang_getCursorKind(cfront_strip(ch[0])) == CXCursor_CallExpr ? &rc : ctx;
        cfront_walk_node(w, ch[i], use);
    }
}

bool cfront_walk_expr(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    WalkCtx oc = with_use(ctx, USE_OPERAND);
    switch (k) {
    case CXCursor_CallExpr:
        walk_call(w, c, ctx);
        return true;
    case CXCursor_BinaryOperator:
        walk_binop(w, c, ctx);
        return true;
    case CXCursor_CompoundAssignOperator:
        cfront_walk_children(w, c, &oc); /* read and written */
        return true;
    case CXCursor_UnaryOperator:
        walk_unary(w, c, ctx);
        return true;
    case CXCursor_ParenExpr:
    case CXCursor_CStyleCastExpr:
    case CXCursor_UnexposedExpr:
    case CXCursor_CompoundLiteralExpr:
        if (is_designated(c))
            walk_designated(w, c, ctx, STR_NULL);
        else
            walk_transparent(w, c, ctx);
        return true;
    case CXCursor_ConditionalOperator:
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr:
        walk_parts(w, c, ctx, k);
        return true;
    case CXCursor_DeclRefExpr:
        walk_declref(w, c, ctx);
        return true;
    case CXCursor_InitListExpr:
        walk_initlist(w, c, ctx);
        return true;
    case CXCursor_UnaryExpr: /* sizeof / _Alignof: not evaluated */
        return true;
    case CXCursor_StmtExpr: {
        WalkCtx dc = with_use(ctx, USE_DISCARDED);
        cfront_walk_children(w, c, &dc);
        return true;
    }
    default:
        return false;
    }
}
