/* Internal to the C frontend: the cursor walk that turns one libclang
 * translation unit into the Unit's functions and sites (see cfront.h for
 * what each site means). cfront_walk.c holds declarations, statements and
 * loops; cfront_expr.c holds expressions (calls, arguments, assignments). */
#ifndef LINT_LANG_C_CFRONT_WALK_H
#define LINT_LANG_C_CFRONT_WALK_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../base/vec.h"
#include "../../model/model.h"

/* Deeper subtrees are skipped: bounds our recursion (and libclang's) on
 * machine-generated expressions such as 10,000-term sums. */
#define CFRONT_MAX_DEPTH 600

typedef struct CfrontWalk {
    Unit *u;
    CXFile mainf;
    Vec(Function) funcs;
    Vec(Site) sites;
    uint32_t depth;
} CfrontWalk;

/* What the enclosing construct says about the expression being walked. */
typedef struct WalkCtx {
    int32_t func, loop;
    Use use;
    int32_t parent; /* ARGUMENT: the call site */
    uint32_t arg_index;
    Str use_name; /* BOUND/STORED: target */
    Str field;    /* member a value is stored into, for FUNCREF */
    bool write;   /* walking an assignment target: a variable here is not read */
} WalkCtx;

/* Walks the whole translation unit into w->funcs/w->sites. */
void cfront_walk_tu(CfrontWalk *w, CXTranslationUnit tu);

/* Any statement or expression (cfront_walk.c dispatches expressions to
 * cfront_walk_expr). */
void cfront_walk_node(CfrontWalk *w, CXCursor c, const WalkCtx *ctx);
/* A statement position: an expression here is DISCARDED. */
void cfront_walk_stmt(CfrontWalk *w, CXCursor c, const WalkCtx *ctx);
/* Expression kinds; returns false if c is not an expression it handles. */
bool cfront_walk_expr(CfrontWalk *w, CXCursor c, const WalkCtx *ctx);
/* Every child with the same context (statements stay statements). */
void cfront_walk_children(CfrontWalk *w, CXCursor c, const WalkCtx *ctx);

/* Helpers shared by both files. */
/* Children of c, at most cap stored in out; returns the total count. */
unsigned cfront_children(CXCursor c, CXCursor *out, unsigned cap);
/* Byte offsets of c's extent in the main file; false if not in it. */
bool cfront_extent(const CfrontWalk *w, CXCursor c, uint32_t *off, uint32_t *end);
/* Main-file text of c's extent, or empty. */
Str cfront_text(const CfrontWalk *w, CXCursor c);
/* Interns a CXString into the Unit and disposes it. */
Str cfront_intern(CfrontWalk *w, CXString s);
/* Strips parentheses and implicit / explicit casts. */
CXCursor cfront_strip(CXCursor c);
/* Whether the referenced variable is a block-scope variable with automatic
 * storage (not static, not extern). */
bool cfront_is_auto_var(CXCursor var);
/* New site with defaults (-1 links), returns its index. */
int32_t cfront_add_site(CfrontWalk *w, SiteKind kind, CXCursor c, const WalkCtx *ctx);
/* Name of the record a member belongs to, skipping anonymous unions/structs
 * through the member chain (`sa.__sigaction_handler.sa_handler` -> sigaction). */
Str cfront_record_name(CfrontWalk *w, CXCursor record_decl);
/* Whether clang can fold the expression to a constant; value in *v (0 if not int). */
bool cfront_const_value(CXCursor c, long long *v);

typedef enum {
    CF_OP_UNKNOWN,
    CF_OP_ASSIGN,
    CF_OP_COMMA,
    CF_OP_LAND,
    CF_OP_LOR,
    CF_OP_LT,
    CF_OP_LE,
    CF_OP_GT,
    CF_OP_GE,
    CF_OP_EQ,
    CF_OP_NE,
    CF_OP_OTHER,
} CfrontOp;

/* The operator of a BinaryOperator cursor with children lhs, rhs. */
CfrontOp cfront_binop(const CfrontWalk *w, CXCursor c, CXCursor lhs, CXCursor rhs);

#endif
