/* The C cursor walk, part 1: the translation unit, function definitions,
 * variable declarations, statements and loops (expressions are in
 * cfront_expr.c). Only cursors located in the main file are walked; headers
 * (system or project) are never entered, so each function is seen in exactly
 * one translation unit. */
#include "cfront_walk.h"

#include <string.h>

#include "../../base/xalloc.h"

/* ---- small helpers shared with cfront_expr.c ------------------------------ */

typedef struct Collect {
    CXCursor *out;
    unsigned cap, n;
} Collect;

static enum CXChildVisitResult collect_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    Collect *k = data;
    if (k->n < k->cap)
        k->out[k->n] = c;
    k->n++;
    return CXChildVisit_Continue;
}

unsigned cfront_children(CXCursor c, CXCursor *out, unsigned cap)
{
    Collect k = {out, cap, 0};
    clang_visitChildren(c, collect_cb, &k);
    return k.n;
}

static bool file_offset(const CfrontWalk *w, CXSourceLocation loc, uint32_t *off)
{
    CXFile f = NULL;
    unsigned o = 0;
    clang_getFileLocation(loc, &f, NULL, NULL, &o);
    if (!f || !clang_File_isEqual(f, w->mainf) || o > w->u->len)
        return false;
    *off = o;
    return true;
}

bool cfront_extent(const CfrontWalk *w, CXCursor c, uint32_t *off, uint32_t *end)
{
    CXSourceRange r = clang_getCursorExtent(c);
    if (!file_offset(w, clang_getRangeStart(r), off) || !file_offset(w, clang_getRangeEnd(r), end))
        return false;
    if (*end < *off)
        *end = *off;
    return true;
}

Str cfront_text(const CfrontWalk *w, CXCursor c)
{
    uint32_t off, end;
    if (!cfront_extent(w, c, &off, &end) || end <= off)
        return STR_NULL;
    return str_make(w->u->src + off, end - off);
}

Str cfront_intern(CfrontWalk *w, CXString s)
{
    const char *p = clang_getCString(s);
    Str r = (p && *p) ? strpool_intern(&w->u->names, str_from(p)) : STR_NULL;
    clang_disposeString(s);
    return r;
}

CXCursor cfront_strip(CXCursor c)
{
    for (int guard = 0; guard < 64; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr && k != CXCursor_UnexposedExpr)
            return c;
        CXCursor ch[4];
        unsigned n = cfront_children(c, ch, 4);
        if (n == 0 || n > 4)
            return c;
        CXCursor last = ch[n - 1];
        if (!clang_isExpression(clang_getCursorKind(last)))
            return c;
        if (k == CXCursor_UnexposedExpr && n != 1) /* a designated initialiser, not a cast */
            return c;
        c = last;
    }
    return c;
}

bool cfront_is_auto_var(CXCursor var)
{
    if (clang_getCursorKind(var) != CXCursor_VarDecl)
        return false;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(var);
    if (sc == CX_SC_Static || sc == CX_SC_Extern)
        return false;
    return clang_getCursorKind(clang_getCursorSemanticParent(var)) == CXCursor_FunctionDecl;
}

int32_t cfront_add_site(CfrontWalk *w, SiteKind kind, CXCursor c, const WalkCtx *ctx)
{
    Site s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    if (!cfront_extent(w, c, &s.off, &s.end) && !file_offset(w, clang_getCursorLocation(c), &s.off))
        s.off = 0;
    if (s.end < s.off)
        s.end = s.off;
    s.func = ctx->func;
    s.loop = ctx->loop;
    s.guard = s.handler = s.parent = -1;
    s.use = ctx->use;
    if (ctx->use == USE_ARGUMENT) {
        s.parent = ctx->parent;
        s.arg_index = ctx->arg_index;
    }
    s.use_name = ctx->use_name;
    vec_push(&w->sites, s);
    return (int32_t)w->sites.size - 1;
}

bool cfront_const_value(CXCursor c, long long *v)
{
    *v = 0;
    if (!clang_isExpression(clang_getCursorKind(c)))
        return false;
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r)
        return false;
    CXEvalResultKind k = clang_EvalResult_getKind(r);
    bool ok = k == CXEval_Int || k == CXEval_Float;
    if (k == CXEval_Int)
        *v = clang_EvalResult_getAsLongLong(r);
    else if (k == CXEval_Float)
        *v = clang_EvalResult_getAsDouble(r) != 0.0;
    clang_EvalResult_dispose(r);
    return ok;
}

/* ---- generic traversal ---------------------------------------------------- */

typedef struct Each {
    CfrontWalk *w;
    const WalkCtx *ctx;
    bool stmt;
} Each;

static enum CXChildVisitResult each_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    const Each *e = data;
    if (e->stmt)
        cfront_walk_stmt(e->w, c, e->ctx);
    else
        cfront_walk_node(e->w, c, e->ctx);
    return CXChildVisit_Continue;
}

void cfront_walk_children(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    Each e = {w, ctx, false};
    clang_visitChildren(c, each_cb, &e);
}

static void walk_stmts(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    Each e = {w, ctx, true};
    clang_visitChildren(c, each_cb, &e);
}

static WalkCtx operand_ctx(const WalkCtx *ctx, Use use)
{
    WalkCtx o = {ctx->func, ctx->loop, use, -1, 0, STR_NULL, STR_NULL, false};
    return o;
}

void cfront_walk_stmt(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    if (clang_isExpression(clang_getCursorKind(c))) {
        WalkCtx d = operand_ctx(ctx, USE_DISCARDED);
        cfront_walk_node(w, c, &d);
    } else {
        cfront_walk_node(w, c, ctx);
    }
}

/* ---- declarations --------------------------------------------------------- */

static enum CXChildVisitResult last_child_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    *(CXCursor *)data = c;
    return CXChildVisit_Continue;
}

static void walk_function(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    if (!clang_isCursorDefinition(c))
        return;
    Function fn;
    memset(&fn, 0, sizeof fn);
    fn.name = fn.qualname = cfront_intern(w, clang_getCursorSpelling(c));
    fn.kind = FN_DEF;
    fn.parent = ctx->func;
    fn.cls = -1;
    if (!cfront_extent(w, c, &fn.off, &fn.end))
        fn.off = fn.end = 0;
    fn.name_off = fn.off;
    CXFile f = NULL;
    unsigned o = 0;
    clang_getFileLocation(clang_getCursorLocation(c), &f, NULL, NULL, &o);
    if (f && clang_File_isEqual(f, w->mainf) && o <= w->u->len)
        fn.name_off = o;
    int np = clang_Cursor_getNumArguments(c);
    if (np > 0) {
        fn.params = ARENA_ARRAY(&w->u->arena, Param, np);
        for (int i = 0; i < np; i++) {
            CXCursor p = clang_Cursor_getArgument(c, (unsigned)i);
            fn.params[i].name = cfront_intern(w, clang_getCursorSpelling(p));
            fn.params[i].annotation =
                cfront_intern(w, clang_getTypeSpelling(clang_getCursorType(p)));
        }
        fn.nparams = (uint32_t)np;
    }
    if (clang_getCursorLinkage(c) == CXLinkage_Internal) {
        fn.decorators = ARENA_NEW(&w->u->arena, Str);
        fn.decorators[0] = strpool_intern(&w->u->names, STR_LIT("static"));
        fn.ndecorators = 1;
    }
    vec_push(&w->funcs, fn);
    WalkCtx body = {
        (int32_t)w->funcs.size - 1, -1, USE_DISCARDED, -1, 0, STR_NULL, STR_NULL, false};
    CXCursor last = clang_getNullCursor();
    clang_visitChildren(c, last_child_cb, &last);
    if (clang_getCursorKind(last) == CXCursor_CompoundStmt)
        cfront_walk_node(w, last, &body);
}

/* Whether child `init` of variable `var` is its initialiser (and not, say, the
 * size of an array): some `=` must stand between the name and the child. */
static bool is_initialiser(const CfrontWalk *w, CXCursor var, CXCursor init)
{
    CXFile f = NULL;
    unsigned name = 0;
    clang_getFileLocation(clang_getCursorLocation(var), &f, NULL, NULL, &name);
    uint32_t off, end;
    if (!f || !clang_File_isEqual(f, w->mainf) || !cfront_extent(w, init, &off, &end) || off < name)
        return true;
    return memchr(w->u->src + name, '=', off - name) != NULL;
}

/* The expression children of a declaration: the last one may be its
 * initialiser, the others are array sizes and the like. */
typedef struct DeclWalk {
    CfrontWalk *w;
    CXCursor last; /* last expression child */
    const WalkCtx *init, *other;
    bool walking;
} DeclWalk;

static enum CXChildVisitResult decl_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    DeclWalk *dw = data;
    if (!clang_isExpression(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    if (!dw->walking)
        dw->last = c;
    else
        cfront_walk_node(dw->w, c, clang_equalCursors(c, dw->last) ? dw->init : dw->other);
    return CXChildVisit_Continue;
}

static void walk_vardecl(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    DeclWalk dw = {w, clang_getNullCursor(), NULL, NULL, false};
    clang_visitChildren(c, decl_cb, &dw);
    if (clang_Cursor_isNull(dw.last))
        return;
    Str name = cfront_intern(w, clang_getCursorSpelling(c));
    WalkCtx ic = operand_ctx(ctx, cfront_is_auto_var(c) ? USE_BOUND : USE_STORED);
    ic.use_name = name;
    WalkCtx oc = operand_ctx(ctx, USE_OPERAND);
    dw.init = is_initialiser(w, c, dw.last) ? &ic : &oc;
    dw.other = &oc;
    dw.walking = true;
    clang_visitChildren(c, decl_cb, &dw);
}

/* ---- loops ---------------------------------------------------------------- */

/* Skips blanks and comments from i; returns the new index. */
static uint32_t skip_blank(const char *s, uint32_t len, uint32_t i)
{
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' ||
            s[i] == '\v' ||
            (s[i] == '\\' && i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r'))) {
            i++;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            i += 2;
        } else {
            break;
        }
    }
    return i < len ? i : len;
}

/* Finds the two `;` and the closing `)` of a `for (...)` header written at
 * byte `off` of the main file. False if the text there is not `for (`
 * (a loop made by a macro). */
static bool scan_for_header(const char *s, uint32_t len, uint32_t off, uint32_t pos[3])
{
    if (off + 3 > len || memcmp(s + off, "for", 3) != 0)
        return false;
    uint32_t i = skip_blank(s, len, off + 3);
    if (i >= len || s[i] != '(')
        return false;
    int depth = 0, semis = 0;
    for (; i < len; i++) {
        i = skip_blank(s, len, i);
        if (i >= len)
            break;
        char ch = s[i];
        if (ch == '"' || ch == '\'') {
            for (i++; i < len && s[i] != ch; i++)
                if (s[i] == '\\')
                    i++;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            if (--depth == 0) {
                pos[2] = i;
                return semis == 2;
            }
        } else if (ch == ';' && depth == 1 && semis < 2) {
            pos[semis++] = i;
        }
    }
    return false;
}

typedef struct ForParts {
    int init, cond, inc, body; /* child indices or -1 */
    bool known;                /* false: a macro-made loop whose parts are unknown */
} ForParts;

static ForParts for_parts(const CfrontWalk *w, CXCursor c, const CXCursor *ch, unsigned n)
{
    ForParts p = {-1, -1, -1, n ? (int)n - 1 : -1, true};
    uint32_t off, end, pos[3];
    if (cfront_extent(w, c, &off, &end) && scan_for_header(w->u->src, w->u->len, off, pos)) {
        for (unsigned i = 0; i + 1 < n; i++) {
            uint32_t o, e;
            if (!cfront_extent(w, ch[i], &o, &e))
                goto fallback;
            int *slot = o < pos[0] ? &p.init : o < pos[1] ? &p.cond : o < pos[2] ? &p.inc : NULL;
            if (!slot)
                goto fallback;
            *slot = (int)i;
        }
        return p;
    }
fallback:
    p.init = p.cond = p.inc = -1;
    if (n == 4) {
        p.init = 0, p.cond = 1, p.inc = 2;
    } else if (n != 1) {
        p.known = false;
    }
    return p;
}

/* The variable a bound compares (`i`, `i++`, `--n`), or a null cursor. */
static CXCursor compared_var(CXCursor e)
{
    e = cfront_strip(e);
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator) {
        CXCursor ch[1];
        if (cfront_children(e, ch, 1) == 1)
            e = cfront_strip(ch[0]);
    }
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    return clang_getCursorReferenced(e);
}

/* Whether the for-init gives variable `var` a constant start value. */
static bool init_sets_const(const CfrontWalk *w, CXCursor init, CXCursor var)
{
    if (clang_Cursor_isNull(init) || clang_Cursor_isNull(var))
        return false;
    CXCursor ch[8];
    unsigned n = cfront_children(init, ch, 8);
    if (n > 8)
        n = 8;
    enum CXCursorKind k = clang_getCursorKind(init);
    long long v;
    if (k == CXCursor_DeclStmt) {
        for (unsigned i = 0; i < n; i++)
            if (init_sets_const(w, ch[i], var))
                return true;
        return false;
    }
    if (k == CXCursor_VarDecl)
        return n > 0 && clang_equalCursors(init, var) && cfront_const_value(ch[n - 1], &v);
    if (k != CXCursor_BinaryOperator || n != 2)
        return false;
    CfrontOp op = cfront_binop(w, init, ch[0], ch[1]);
    if (op == CF_OP_COMMA)
        return init_sets_const(w, ch[0], var) || init_sets_const(w, ch[1], var);
    return op == CF_OP_ASSIGN && clang_equalCursors(compared_var(ch[0]), var) &&
           cfront_const_value(ch[1], &v);
}

/* Is the loop with condition `e` (and for-init `init`) bounded by a
 * constant? `i < 4`, `i < N_WORKERS`, `i < sizeof a / sizeof *a` are;
 * `i < n`, `p != NULL`, `n-- > 0` are not, unless counting down from a
 * constant set in the for-init. */
static bool cond_bounded(const CfrontWalk *w, CXCursor e, CXCursor init, int depth)
{
    e = cfront_strip(e);
    CXCursor ch[2];
    if (depth > 16 || clang_getCursorKind(e) != CXCursor_BinaryOperator ||
        cfront_children(e, ch, 2) != 2)
        return false;
    CfrontOp op = cfront_binop(w, e, ch[0], ch[1]);
    if (op == CF_OP_LAND)
        return cond_bounded(w, ch[0], init, depth + 1) || cond_bounded(w, ch[1], init, depth + 1);
    if (op == CF_OP_LOR)
        return cond_bounded(w, ch[0], init, depth + 1) && cond_bounded(w, ch[1], init, depth + 1);
    if (op < CF_OP_LT || op > CF_OP_NE)
        return false;
    long long v;
    bool lc = cfront_const_value(ch[0], &v), rc = cfront_const_value(ch[1], &v);
    if (lc == rc)
        return false;
    CXCursor var = lc ? ch[1] : ch[0];
    if (clang_getCanonicalType(clang_getCursorType(var)).kind == CXType_Pointer)
        return false;
    bool upper =
        (rc && (op == CF_OP_LT || op == CF_OP_LE)) || (lc && (op == CF_OP_GT || op == CF_OP_GE));
    return upper || init_sets_const(w, init, compared_var(var));
}

static uint32_t loop_flags(const CfrontWalk *w, const CXCursor *cond, const CXCursor *init)
{
    if (!cond)
        return SITE_F_TRUE_COND | SITE_F_INPUT_BOUND;
    long long v;
    if (cfront_const_value(*cond, &v))
        return v ? SITE_F_TRUE_COND | SITE_F_INPUT_BOUND : SITE_F_BOUNDED;
    bool b = cond_bounded(w, *cond, init ? *init : clang_getNullCursor(), 0);
    return b ? SITE_F_BOUNDED : SITE_F_INPUT_BOUND;
}

static void walk_loop(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    CXCursor ch[8];
    unsigned n = cfront_children(c, ch, 8);
    if (n == 0 || n > 8) {
        walk_stmts(w, c, ctx);
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    ForParts p = {-1, -1, -1, (int)n - 1, true};
    if (k == CXCursor_ForStmt)
        p = for_parts(w, c, ch, n);
    else if (k == CXCursor_WhileStmt)
        p.cond = n >= 2 ? (int)n - 2 : -1;
    else /* do body while (cond) */
        p.body = 0, p.cond = n >= 2 ? 1 : -1;
    long long v;
    if (k != CXCursor_ForStmt && p.cond >= 0 && cfront_const_value(ch[p.cond], &v) && v == 0) {
        walk_stmts(w, c, ctx); /* `do { ... } while (0)`: a block, not a loop */
        return;
    }
    uint32_t flags = !p.known ? SITE_F_INPUT_BOUND
                              : loop_flags(w, p.cond >= 0 ? &ch[p.cond] : NULL,
                                           p.init >= 0 ? &ch[p.init] : NULL);
    WalkCtx oc = operand_ctx(ctx, USE_OPERAND);
    int32_t idx = cfront_add_site(w, SITE_LOOP, c, &oc);
    Site *s = vec_at(&w->sites, idx);
    s->flags = flags;
    s->loop_kind = k == CXCursor_ForStmt ? LOOP_FOR : LOOP_WHILE;
    WalkCtx in = oc;
    in.loop = idx;
    WalkCtx cond = operand_ctx(&in, USE_OPERAND);
    for (unsigned i = 0; i < n; i++) {
        if ((int)i == p.init)
            cfront_walk_stmt(w, ch[i], ctx);
        else if ((int)i == p.cond)
            cfront_walk_node(w, ch[i], &cond);
        else
            cfront_walk_stmt(w, ch[i], &in);
    }
}

/* ---- statements ----------------------------------------------------------- */

/* if / switch / case: the leading expressions are operands, the rest statements. */
static void walk_headed(CfrontWalk *w, CXCursor c, const WalkCtx *ctx, unsigned heads)
{
    CXCursor ch[8];
    unsigned n = cfront_children(c, ch, 8);
    if (n > 8) {
        walk_stmts(w, c, ctx);
        return;
    }
    WalkCtx oc = operand_ctx(ctx, USE_OPERAND);
    for (unsigned i = 0; i < n; i++) {
        if (i < heads && clang_isExpression(clang_getCursorKind(ch[i])))
            cfront_walk_node(w, ch[i], &oc);
        else
            cfront_walk_stmt(w, ch[i], ctx);
    }
}

static void walk_statement(CfrontWalk *w, CXCursor c, const WalkCtx *ctx, enum CXCursorKind k)
{
    WalkCtx sc = operand_ctx(ctx, USE_DISCARDED);
    switch (k) {
    case CXCursor_IfStmt:
    case CXCursor_SwitchStmt:
        walk_headed(w, c, &sc, 1);
        break;
    case CXCursor_CaseStmt: {
        CXCursor ch[4];
        unsigned n = cfront_children(c, ch, 4);
        walk_headed(w, c, &sc, n > 0 && n <= 4 ? n - 1 : 0);
        break;
    }
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_ForStmt:
        walk_loop(w, c, &sc);
        break;
    case CXCursor_ReturnStmt: {
        WalkCtx rc = operand_ctx(ctx, USE_RETURNED);
        cfront_walk_children(w, c, &rc);
        break;
    }
    case CXCursor_DeclStmt:
        cfront_walk_children(w, c, &sc);
        break;
    default:
        walk_stmts(w, c, &sc);
        break;
    }
}

void cfront_walk_node(CfrontWalk *w, CXCursor c, const WalkCtx *ctx)
{
    if (w->depth >= CFRONT_MAX_DEPTH)
        return;
    w->depth++;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_FunctionDecl) {
        walk_function(w, c, ctx);
    } else if (k == CXCursor_VarDecl) {
        walk_vardecl(w, c, ctx);
    } else if (clang_isStatement(k)) {
        walk_statement(w, c, ctx, k);
    } else if (clang_isExpression(k)) {
        if (!cfront_walk_expr(w, c, ctx)) {
            WalkCtx oc = operand_ctx(ctx, USE_OPERAND);
            cfront_walk_children(w, c, &oc);
        }
    }
    /* other declarations (types, enums, prototypes) hold no code to walk */
    w->depth--;
}

/* ---- the translation unit ------------------------------------------------- */

/* A function defined in a project header (a `static inline` helper): known,
 * so calls to it resolve to a function of the run instead of looking like
 * library calls, but not walked: its body has no place in this file's
 * offsets. Marked with the decorator `header` (and `static` if it is). */
static void add_header_function(CfrontWalk *w, CXCursor c)
{
    Function fn;
    memset(&fn, 0, sizeof fn);
    fn.name = fn.qualname = cfront_intern(w, clang_getCursorSpelling(c));
    fn.kind = FN_DEF;
    fn.parent = 0;
    fn.cls = -1;
    bool is_static = clang_getCursorLinkage(c) == CXLinkage_Internal;
    fn.decorators = ARENA_ARRAY(&w->u->arena, Str, 2);
    fn.decorators[fn.ndecorators++] = strpool_intern(&w->u->names, STR_LIT("header"));
    if (is_static)
        fn.decorators[fn.ndecorators++] = strpool_intern(&w->u->names, STR_LIT("static"));
    vec_push(&w->funcs, fn);
}

static enum CXChildVisitResult top_cb(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    CfrontWalk *w = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_FunctionDecl && k != CXCursor_VarDecl)
        return CXChildVisit_Continue;
    /* Where the declaration starts, through macro expansions: a function
     * whose name is pasted by a macro (RB_GENERATE's `name##_RB_FIND`) has
     * its name in clang's scratch buffer, not in any file. */
    CXFile f = NULL;
    clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), &f, NULL, NULL, NULL);
    if (!f)
        return CXChildVisit_Continue;
    if (!clang_File_isEqual(f, w->mainf)) {
        if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
            !clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
            add_header_function(w, c);
        return CXChildVisit_Continue;
    }
    WalkCtx top = {0, -1, USE_OPERAND, -1, 0, STR_NULL, STR_NULL, false};
    cfront_walk_node(w, c, &top);
    return CXChildVisit_Continue;
}

void cfront_walk_tu(CfrontWalk *w, CXTranslationUnit tu)
{
    Unit *u = w->u;
    Function mod;
    memset(&mod, 0, sizeof mod);
    mod.name = mod.qualname = strpool_intern(&u->names, STR_LIT("<file>"));
    mod.kind = FN_MODULE;
    mod.parent = mod.cls = -1;
    mod.end = u->len;
    vec_push(&w->funcs, mod);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), top_cb, w);

    u->nfuncs = w->funcs.size;
    u->funcs = ARENA_ARRAY(&u->arena, Function, u->nfuncs);
    memcpy(u->funcs, w->funcs.contents, sizeof(Function) * u->nfuncs);
    u->nsites = w->sites.size;
    u->sites = ARENA_ARRAY(&u->arena, Site, u->nsites ? u->nsites : 1);
    if (u->nsites)
        memcpy(u->sites, w->sites.contents, sizeof(Site) * u->nsites);
    vec_free(&w->funcs);
    vec_free(&w->sites);
}
