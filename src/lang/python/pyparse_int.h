/* Internal interface between the Python parser's files: pyparse.c (statements),
 * pyexpr.c (expressions), pyscope.c (names, types, resolution). Not for use
 * outside src/lang/python. */
#ifndef LINT_LANG_PYTHON_PYPARSE_INT_H
#define LINT_LANG_PYTHON_PYPARSE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../base/vec.h"
#include "../../model/model.h"
#include "pyparse.h"
#include "pytok.h"

/* Longest dotted name (`a.b.c`, its resolved path too) kept, in bytes. Every
 * `.attr` copies the path so far, so an input-controlled chain must stop being a
 * name somewhere: past this it is an attribute of an unknown value (E_ATTR). */
#define PP_MAX_DOTTED 1024

typedef enum {
    E_NONE,    /* nothing parsed (error) */
    E_NAME,    /* a bare name */
    E_DOTTED,  /* name.attr.attr */
    E_ATTR,    /* <other expression>.attr (receiver is a call, subscript...) */
    E_CALL,    /* a call: site */
    E_LAMBDA,  /* func */
    E_COMP,    /* comprehension / generator expression: site (SITE_LOOP) */
    E_LITERAL, /* number, string, display ([..] (..) {..}) */
    E_NULL,    /* None */
    E_TUPLE,   /* a, b (unparenthesised) */
    E_SUBSCRIPT,
    E_OTHER,   /* operators, comparisons, ... */
} ExprKind;

/* What an expression is, as far as the model cares. */
/* The parser's copy of a significant token: what parsing reads (positions of
 * sites and errors come from the Unit's line table), 12 bytes where PyToken
 * has 32 (line and column pairs). */
typedef struct PpToken {
    uint32_t start;    /* byte offsets of the token */
    uint32_t end;
    uint8_t kind;      /* PyTokKind */
    uint8_t op;        /* PyOp, for PYTOK_OP */
    uint8_t kw;        /* PyKw, for PYTOK_NAME */
} PpToken;            /* (the layout of PyTokCore: a token is stored as it comes) */

typedef struct Expr {
    ExprKind kind;
    uint32_t off, end;  /* bytes */
    int32_t site;       /* CALL/COMP: its Site; NAME: the USE site emitted, or -1 */
    int32_t func;       /* LAMBDA */
    Str text;           /* NAME/DOTTED: as written (`t.sleep`): a NAME interned, a
                           DOTTED the source bytes (in the arena if written with blanks) */
    Str resolved;       /* qualified name / type path (`time.sleep`, `httpx.Client`) */
    bool from_import;   /* `resolved` starts from an import or a known type */
    bool from_self;     /* `resolved` starts from the enclosing class (self./cls.) */
    bool bounded;       /* as an iterable: constant size (literal, range(const), slice) */
    bool is_const;      /* a literal number/string/None/True/False */
    bool starred;       /* written `*expr` (in a call, display or target) */
    bool starred_comp;  /* starred and the operand is a comprehension */
    bool names_import;  /* NAME/DOTTED: its root is bound by an import (`mod.Kind`), not
                           a local typed from one (`x: Kind`): `resolved` is what it is */
} Expr;

/* A name binding known in a function scope: `x = httpx.Client()` gives x the
 * type `httpx.Client`; `xs = [1, 2]` marks xs as a bounded iterable. */
typedef struct VarInfo {
    int32_t func;
    uint32_t gen;      /* the slot is in use if this is the table's generation */
    Str name;          /* interned */
    Str type;          /* resolved producer (`httpx.Client`), or empty */
    bool from_import;
    bool bounded;
    bool is_const;     /* bound to a constant (`n = 200`): `range(n)` has a constant size */
    bool tracked;      /* bound from a call: its loads become USE sites */
    bool nonblocking;  /* `x.setblocking(False)` / `x.settimeout(0)` was called on it */
    bool datagram;     /* bound to `socket.socket(..., SOCK_DGRAM)`: its connect waits for nothing */
    bool is_class;     /* bound by a `class` statement (and `bounded`: see classdef) */
    bool imported;     /* bound by an import statement */
    bool unbounded_queue; /* bound to `queue.Queue()` without a maxsize: its put never waits */
} VarInfo;

/* Open addressing on (func, interned name pointer). The slots outlive a file
 * (PyParser keeps them for the next one): a slot is free unless it carries the
 * current generation, so a new file starts with an empty table and nothing to
 * clear, whatever size the table grew to. A file uses the first `cap` slots of
 * the `room` allocated, sized from its length, and grows within the room
 * without clearing it either. */
typedef struct VarTable {
    VarInfo *slots;
    uint32_t cap, room, count, gen;
} VarTable;

enum { PP_SHORT_NAMES = 1024, PP_TUPLE_MEMBERS = 8 };

typedef struct Parser {
    /* Kept from a file to the next (PyParser): buffers and tables that
     * parser_begin empties without giving back. Everything after them is the
     * file's own state, which it zeroes (from `u` on). */
    PpToken *toks;       /* all significant tokens (no COMMENT/NL), ENDMARKER-terminated */
    uint32_t toks_cap;   /* the buffer's room */
    Vec(Function) funcs;
    Vec(Import) imports;
    Vec(Comment) comments;
    Vec(Arg) argbuf;     /* scratch for call arguments (nested calls stack up) */
    Vec(Expr) members;   /* scratch: the first members of the tuples being parsed (nested
                            tuples stack up), see last_tuple */
    Vec(Str) targets;    /* names stored by the target being parsed, bound only once
                            the value is parsed (`x, y = f(x)` reads the old x) */
    VarTable vars;       /* name -> VarInfo, per function scope */
    VarTable attrs;      /* (class, attr) -> type, for self.attr assigned anywhere in the class */
    /* Names of up to 16 bytes interned lately, direct-mapped on their bytes:
     * most identifiers are short and repeat (`self`, `i`, `os`), and this
     * table answers them without hashing or probing the pool. An entry is
     * of this file if it carries the file's number `name_gen` (the names
     * point into the file's Unit): a new file starts with none, nothing
     * cleared. */
    struct PpShortName {
        uint64_t lo, hi;  /* the first 8 and the last 8 bytes (overlapping), zero-padded */
        const char *ptr;
        uint32_t len, gen;
    } *short_names;      /* PP_SHORT_NAMES entries */
    uint32_t name_gen;
    const TypeMap *types; /* value types by producer (pack `returns`), or NULL */
    /* the file's own state */
    Unit *u;
    Arena *a;            /* u->arena */
    Diag *d;
    const char *path;
    uint32_t ntoks;
    const PpToken *cur;  /* the current token, in toks (read through pp_cur, moved by
                            pp_advance, which stops at the ENDMARKER) */
    Vec(Site) sites;     /* handed to the Unit at the end */
    /* scope state */
    int32_t func;        /* current Function */
    int32_t cls;         /* innermost class (for self./cls.), -1 */
    int32_t loop, guard, handler;
    uint32_t site_flags; /* SITE_F_IN_FINALLY / SITE_F_IN_EXCEPT for new sites */
    uint32_t block_first; /* the first site of the statement block being parsed */
    bool tail_raise;      /* the block just parsed ends with a `raise` statement */
    bool returned;        /* the function being parsed has a `return` statement */
    uint32_t depth;
    uint32_t errors;
    uint32_t nonblocking_vars; /* names made non-blocking so far (VarInfo.nonblocking) */
    uint32_t datagram_vars;    /* names bound to a datagram socket so far (VarInfo.datagram) */
    uint32_t queue_vars;       /* names and attributes bound to an unbounded queue so far */
    /* the members of the last tuple completed (`X(), Y()`, `(X(), Y())`), up to
     * PP_TUPLE_MEMBERS, and its span: `a, b = X(), Y()` types a and b one by one */
    Expr last_tuple[PP_TUPLE_MEMBERS];
    uint32_t last_tuple_n, last_tuple_off, last_tuple_end;
    bool in_target;      /* parsing an assignment target: names are stores */
    bool no_in;          /* parsing a for-target: `in` ends the expression */
    bool bail;           /* nesting limit hit: unwind to the end of the statement */
    /* every name bound anywhere in the file (interned pointers, unit_ptr_slot),
     * each once: assignments rebind the same few names thousands of times; the
     * Unit takes the set over at the end (Unit.bound_set) */
    const char **bound_set;
    uint32_t bound_cap, nbound;
    Str self_name;       /* interned "self" / "cls" */
    Str cls_name;
    /* builtins whose call typed a value (`f = open(p)`: an io.TextIOWrapper),
     * checked once the file is read: a file that binds one itself (a `def
     * open` further down) did not call the builtin (pp_finish_scopes) */
    Str typed_builtins[4];
    uint32_t ntyped_builtins;
} Parser;

/* --- token access (inline: the parser asks for the current token at every step) --- */
/* A copy of n elements of `size` bytes in the file's arena; for n == 0 one
 * zeroed element (never read, but a valid pointer). The copy is not zeroed
 * first: it is written whole. */
static inline void *pp_copy_array(Parser *ps, const void *src, uint32_t n, size_t size)
{
    if (!n)
        return arena_alloc(ps->a, size);
    return memcpy(arena_alloc_raw(ps->a, size * n), src, size * n);
}

static inline const PpToken *pp_cur(const Parser *ps)
{
    return ps->cur;
}
/* Index of the current token in toks. */
static inline uint32_t pp_pos(const Parser *ps)
{
    return (uint32_t)(ps->cur - ps->toks);
}
/* The token k places ahead, or the ENDMARKER past the end. */
static inline const PpToken *pp_peek(const Parser *ps, uint32_t k)
{
    uint32_t left = ps->ntoks - 1 - pp_pos(ps);
    return ps->cur + (k < left ? k : left);
}
static inline void pp_advance(Parser *ps)
{
    if (ps->cur + 1 < ps->toks + ps->ntoks)
        ps->cur++;
}
static inline bool pp_is_op(const Parser *ps, PyOp op)
{
    return ps->cur->kind == PYTOK_OP && ps->cur->op == op;
}
static inline bool pp_is_kw(const Parser *ps, PyKw kw)
{
    return ps->cur->kind == PYTOK_NAME && ps->cur->kw == kw;
}
static inline bool pp_accept_op(Parser *ps, PyOp op)
{
    if (!pp_is_op(ps, op))
        return false;
    pp_advance(ps);
    return true;
}
static inline bool pp_accept_kw(Parser *ps, PyKw kw)
{
    if (!pp_is_kw(ps, kw))
        return false;
    pp_advance(ps);
    return true;
}
/* End offset of the token before the current one (0 at the start). */
static inline uint32_t pp_prev_end(const Parser *ps)
{
    return ps->cur > ps->toks ? ps->cur[-1].end : 0;
}

/* --- pyparse.c --- */
bool pp_expect_op(Parser *ps, PyOp op, const char *what);
/* A token for a message: `end of line`, `indent`, or its quoted text (shortened
 * to one line), written into buf. */
const char *pp_tok_desc(const Parser *ps, const PpToken *t, char *buf, size_t n);
void pp_error(Parser *ps, const PpToken *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
Str pp_tok_str(const Parser *ps, const PpToken *t);
Str pp_intern(Parser *ps, const char *p, uint32_t n);
int32_t pp_new_site(Parser *ps, SiteKind kind, uint32_t off);
Site *pp_site(Parser *ps, int32_t i);
int32_t pp_new_function(Parser *ps, FunctionKind kind, Str name, uint32_t off);
void pp_statement(Parser *ps);
/* `:` then an indented block or simple statements on the same line. */
void pp_block(Parser *ps);
/* Expects the NEWLINE that ends a simple statement (reports and skips otherwise). */
void pp_end_simple(Parser *ps);
/* At `break`, `return` or `raise`: the sites of the current block made so far
 * directly in the current loop run at most once per run of it (SITE_F_ONCE). */
void pp_leave_loop(Parser *ps);
/* Skips the rest of the logical line, including its NEWLINE. */
void pp_skip_line(Parser *ps);

/* --- pystmt.c --- */
/* One statement, compound or a line of simple statements. */
void pp_compound_or_simple(Parser *ps);
/* Parameters of a def (close = ')') or lambda (close = ':'); returns how many
 * were stored in out (at most max). Defaults/annotations are parsed as loads. */
uint32_t pp_params(Parser *ps, PyOp close, Param *out, uint32_t max);
/* Index of the last token of the current logical line. */
uint32_t pp_line_last(const Parser *ps);
/* Short text for an expression: its dotted name, else its first 120 bytes. */
Str pp_expr_display(Parser *ps, const Expr *e);

/* --- pyflow.c --- */
/* if/while/for/try/with/match at the current token; false if it is none. */
bool pp_control_statement(Parser *ps);

/* --- pycall.c --- */
/* Parses `(args)` after callee: a CALL site with its arguments. */
void pp_call(Parser *ps, Expr *callee);

/* --- pyexpr.c --- */
/* Parses one expression (ternary/lambda level, with walrus); no bare tuples. */
Expr pp_expr(Parser *ps);
/* Tuple members (pp_exprlist, parenthesised displays): `base` is
 * ps->members.size when the tuple began; a member is kept while fewer than
 * PP_TUPLE_MEMBERS are (a starred one makes the tuple unpairable), and the
 * end publishes them as ps->last_tuple. */
void pp_tuple_member(Parser *ps, uint32_t base, const Expr *e);
void pp_tuple_end(Parser *ps, uint32_t base, uint32_t off, uint32_t end, bool pairable);
/* Parses `a, b, *c` (a bare tuple when there is a comma). */
Expr pp_exprlist(Parser *ps, bool allow_star);
/* The comprehension that follows an already parsed element (`f(x for x in y)`):
 * sites created since `mark` move into its loop. off: the opening bracket. */
Expr pp_genexp(Parser *ps, const Expr *elem, uint32_t off, uint32_t mark);
/* Comparison-level expression (no ternary), for comprehension iterables. */
Expr pp_disjunction(Parser *ps);
/* Tells the expression's value is used as `use` (and the site it belongs to). */
void pp_set_use(Parser *ps, const Expr *e, Use use, Str name, int32_t parent, uint32_t index);
/* Whether a loop over `it` whose target was just parsed (ps->targets from
 * `from` on, not yet flushed) starts a pool of workers: `for _ in range(n)` (an
 * ignored item, a range whose arguments are names or literals, no `len(xs)`). */
bool pp_pool_loop(Parser *ps, uint32_t from, const Expr *it);
/* Skips tokens up to (not including) a `stop` operator at bracket depth 0 or the
 * end of the logical line. */
void pp_skip_until(Parser *ps, PyOp stop1, PyOp stop2);

/* --- pyscope.c --- */
/* Index of the first token whose start is >= off (tokens are sorted by offset;
 * ps->ntoks if none). */
uint32_t pp_token_at(const Parser *ps, uint32_t off);
/* Empties the name tables for a file of about `names` bindings. */
void pp_scope_init(Parser *ps, uint32_t names);
void pp_scope_trim(Parser *ps);
void pp_scope_free(Parser *ps);
/* Records a binding of `name` in the current function, with what it was bound to. */
void pp_bind(Parser *ps, Str name, const Expr *value);
/* `a, b = X(), Y()` (the value is ps->last_tuple) binds each name as its own
 * assignment would; `reader, writer = await asyncio.open_connection(...)`,
 * whose producer has a tuple type (pack `returns` with a list), binds each
 * name to its member's type. Either needs one target name per member; then
 * the target is emptied. False (nothing done) otherwise. */
bool pp_bind_tuple(Parser *ps, const Expr *value);
/* Binds (untyped) every name collected from the last target; call once the
 * value that the target receives has been parsed. */
void pp_flush_targets(Parser *ps);

/* A comprehension's variables live in their own scope (PEP 572 aside): what the
 * enclosing function knew of those names is saved before the comprehension binds
 * them and restored after it. */
typedef struct PpShadow {
    Str name;
    VarInfo info;
    bool present;
} PpShadow;
enum { PP_MAX_SHADOW = 16 };
/* Saves the current binding of each pending target name into out[n..]; returns the new n. */
uint32_t pp_shadow_targets(Parser *ps, PpShadow *out, uint32_t n);
void pp_unshadow(Parser *ps, const PpShadow *saved, uint32_t n);
/* Records that a name is bound in the file (for the "unbound root" rule). */
void pp_note_bound(Parser *ps, Str name);
/* A name bound from inside a function into an outer scope (`global x`,
 * `nonlocal x`): taken as bound at module level, seen from everywhere. */
void pp_bind_global(Parser *ps, Str name);
VarInfo *pp_var(Parser *ps, Str name);
/* The binding of the interned attribute `self.attr` of the enclosing class, or NULL. */
VarInfo *pp_attr(Parser *ps, Str attr);
/* `name op= value`: name is bound again, to no constant. */
void pp_rebind_operator(Parser *ps, Str name);
/* Resolves a bare name load to an Expr (type, import, self/cls); returns the
 * name's binding (pp_var), or NULL. */
VarInfo *pp_resolve_name(Parser *ps, Expr *e);
/* Resolves `base.attr` into e (a copy of base): the path grows by `.attr`;
 * `self.attr` uses the type recorded for the class attribute when known. */
void pp_resolve_attr(Parser *ps, Expr *e, const Expr *base, Str attr);
/* `left OP right` into e (an E_OTHER), where left is the resolved type of a
 * typed operand (from an import or a known type): with value types
 * (Parser.types), e is what `left.__truediv__` (dunder) produces, so that
 * `(root / "x").read_text()` resolves as a method of root's type. */
void pp_resolve_operator(Parser *ps, Expr *e, Str left, Str dunder);
/* self.attr type recorded for the enclosing class. */
void pp_bind_attr(Parser *ps, Str attr, const Expr *value);
/* Resolves an annotation expression to a qualified type (`Path` -> `pathlib.Path`,
 * `Optional[X]`, `X | None`). */
Str pp_resolve_annotation(Parser *ps, const Expr *e);
void pp_add_import(Parser *ps, Str local, Str qualified, uint8_t level);
/* After the whole file: flags sites whose callee root is bound locally,
 * sorts the bound-name table. */
void pp_finish_scopes(Parser *ps);

#endif
