/* The language-neutral model (DESIGN.md "The model"): what the checks need and
 * nothing more. Frontends fill a Unit for one file; checks read it. Everything
 * in a Unit lives in the Unit's own arena and dies with unit_free. Offsets are
 * byte offsets into Unit.src (0-based); line/column conversion happens only when
 * a finding is made (LineTable). No syntax lives here. */
#ifndef LINT_MODEL_MODEL_H
#define LINT_MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/lines.h"
#include "../base/str.h"

typedef enum { LANG_PYTHON, LANG_C } Lang;

/* Where a function's body runs (DESIGN.md "Context rules"); a bit set. */
enum {
    CTX_ASYNC = 1u << 0,      /* Python: the body of an `async def` */
    CTX_LOOP = 1u << 1,       /* C: a callback run on an event-loop thread */
    CTX_THREADPOOL = 1u << 2, /* C: runs on a worker thread (blocking is fine) */
    CTX_SIGNAL = 1u << 3,     /* C: a signal handler */
};
/* `async`, `loop`, `threadpool`, `signal` -> CTX_* bit, 0 if unknown. */
uint32_t model_context_parse(const char *name);

typedef enum {
    FN_MODULE, /* module body (Python) / file scope (C); always Function 0 */
    FN_DEF,    /* def, async def, C function */
    FN_LAMBDA, /* Python lambda */
    FN_CLASS,  /* class body */
} FunctionKind;

typedef struct Param {
    Str name;
    Str annotation; /* resolved through imports (`Path` -> `pathlib.Path`), or empty */
} Param;

typedef struct Function {
    Str name;           /* `poll_status`, `<module>`, `<lambda>`, class name */
    Str qualname;       /* in-file dotted path: `Repo.save`, `outer.<locals>.inner` */
    FunctionKind kind;
    bool is_async;      /* Python `async def` */
    bool is_generator;  /* body contains yield (an async generator is not a coroutine) */
    bool never_returns; /* Python: annotated `-> NoReturn` / `-> Never` (typing, typing_extensions),
                           or no `return` and a body whose last statement is `raise` */
    int32_t parent;     /* enclosing Function index, -1 for the module */
    int32_t cls;        /* for methods: index of the enclosing FN_CLASS, else -1 */
    uint32_t off, end;  /* bytes: first token of the definition .. end of its body */
    uint32_t name_off;  /* bytes: the name token */
    Param *params;
    uint32_t nparams;
    Str *bases;         /* FN_CLASS: base class expressions, resolved through imports */
    uint32_t nbases;
    Str *decorators;    /* resolved decorator names (`functools.lru_cache`) */
    uint32_t ndecorators;
    uint32_t *sites;    /* indices into Unit.sites of this function's own sites, in order */
    uint32_t nsites;
} Function;

typedef enum {
    SITE_CALL,   /* a call expression */
    SITE_USE,    /* a load of a local name (C: a local variable) */
    SITE_WITH,   /* one item of `with` / `async with` */
    SITE_EXCEPT, /* one `except` / `except*` handler */
    SITE_LOOP,   /* for / while / async for / comprehension */
    SITE_FUNCREF /* C: a function named as a value (`sa.sa_handler = h`, `.cb = h`) */
} SiteKind;

/* How the value of an expression (a call, a comprehension, a name) is used. */
typedef enum {
    USE_DISCARDED,  /* expression statement */
    USE_AWAITED,    /* operand of await */
    USE_BOUND,      /* assigned to a simple local name: use_name */
    USE_RETURNED,   /* return / yield / lambda body */
    USE_ARGUMENT,   /* argument of the call Site `parent`, position `arg_index` */
    USE_STORED,     /* assigned to an attribute, subscript, global, or unpacked */
    USE_CONTEXT,    /* item of `with` */
    USE_ASYNC_CONTEXT, /* item of `async with` */
    USE_RECEIVER,   /* receiver of a method call or attribute: `x.attr` (attr in use_name) */
    USE_ELEMENT,    /* element of a comprehension/container literal: parent = loop/call site */
    USE_ITERATED,   /* iterated by for / async for */
    USE_OPERAND,    /* anything else: condition, operator, subscript, comparison */
} Use;

typedef enum {
    ARG_OTHER,
    ARG_NAME,    /* bare name: text */
    ARG_DOTTED,  /* attribute chain: text (`tasks.discard`) */
    ARG_CALL,    /* a call: site */
    ARG_LAMBDA,  /* a lambda: function */
    ARG_COMP,    /* a comprehension / generator expression: site (SITE_LOOP) */
    ARG_LITERAL, /* number, string, container display */
    ARG_NULL,    /* None / NULL */
    ARG_ADDR,    /* C: &automatic_var; text = var name, type = its type */
    ARG_FUNC,    /* C: a function name used as a value */
} ArgKind;

enum { ARG_STARRED = 1, ARG_DSTARRED = 2 };
/* Python NAME/DOTTED: where the name's resolution starts (as SITE_F_RESOLVED and
 * SITE_F_SELF for a callee), so that a function passed by reference can be
 * found among the run's functions. */
enum { ARG_REF_IMPORT = 1, ARG_REF_SELF = 2 };

typedef struct Arg {
    ArgKind kind;
    uint8_t flags;   /* ARG_STARRED, ARG_DSTARRED */
    uint8_t ref;     /* ARG_REF_* */
    Str keyword;     /* keyword name or empty */
    Str text;        /* NAME/DOTTED/ADDR/FUNC: as written */
    Str resolved;    /* NAME/DOTTED: through imports and local types */
    Str type;        /* ADDR: type of the variable; NAME: known type of the local */
    int32_t site;    /* CALL/COMP: index of the Site, else -1 */
    int32_t func;    /* LAMBDA: index of the Function, else -1 */
    uint32_t off, end;
} Arg;

typedef enum {
    LOOP_FOR,
    LOOP_ASYNC_FOR,
    LOOP_WHILE,
    LOOP_COMP,   /* list/set/dict comprehension or generator expression */
} LoopKind;

enum {
    SITE_F_ROOT_LOCAL = 1u << 0, /* callee's root name is a local/param, not a module */
    SITE_F_IN_FINALLY = 1u << 1,
    SITE_F_IN_EXCEPT = 1u << 2,  /* inside an except handler body */
    SITE_F_BOUNDED = 1u << 3,    /* LOOP: iteration count is bounded (constant/slice/literal) */
    SITE_F_SLEEP_ONLY = 1u << 4, /* LOOP(while): body is one `await call` statement; the
                                    call is Site.parent (AL502 decides if it is a sleep) */
    SITE_F_RERAISES = 1u << 5,   /* EXCEPT: handler body re-raises */
    SITE_F_BARE = 1u << 6,       /* EXCEPT: bare `except:` */
    SITE_F_STAR = 1u << 7,       /* EXCEPT: `except*` */
    SITE_F_ONCE = 1u << 8,       /* runs at most once per run of its loop (`loop`): the
                                    statement block it is in leaves the loop after it
                                    (`break`, `return`, `raise`) */
    SITE_F_TRUE_COND = 1u << 9,  /* LOOP(while): `while True` / `while 1` */
    SITE_F_INPUT_BOUND = 1u << 10, /* C LOOP: bound depends on input (not a constant) */
    SITE_F_RESOLVED = 1u << 11,  /* resolved through an import or a known local type */
    SITE_F_SELF = 1u << 12,      /* resolved through self./cls. to a class of this file */
    SITE_F_POOL = 1u << 13,      /* LOOP(for, comprehension): `for _ in range(n)` with no
                                    call in range's arguments: n copies of one worker, a
                                    pool whose size is a setting, not the input's */
    SITE_F_NONBLOCKING = 1u << 14, /* CALL (Python): in the body of a `try` that handles
                                      BlockingIOError: the code expects the call to fail
                                      at once rather than wait (a non-blocking socket) */
};

typedef struct Site {
    SiteKind kind;
    uint32_t flags;     /* SITE_F_* */
    uint32_t off, end;  /* bytes: primary span (a call: callee's first token .. closing paren) */
    int32_t func;       /* owning Function */
    int32_t loop;       /* innermost enclosing SITE_LOOP (within the same function), or -1 */
    int32_t guard;      /* innermost enclosing SITE_WITH (same function), or -1 */
    int32_t handler;    /* innermost enclosing SITE_EXCEPT whose body holds this site, or -1 */

    /* CALL: callee as written and resolved (`t.sleep` -> `time.sleep`,
     * `client.get` -> `httpx.Client.get`, `self.save` -> `self.save`).
     * WITH: the item expression as written / resolved (call callee or name).
     * USE: the name. FUNCREF: the function name. LOOP: the iterable as written.
     * EXCEPT: unused (see types). */
    Str text;
    Str resolved;
    Arg *args;
    uint32_t nargs;

    /* How the value is used (CALL, LOOP(COMP), USE). */
    Use use;
    Str use_name;       /* BOUND: target name; RECEIVER: attribute name; STORED: target text */
    int32_t parent;     /* ARGUMENT/ELEMENT: the site it belongs to; WITH: the call that
                           made the context manager; LOOP(while): see SITE_F_SLEEP_ONLY */
    uint32_t arg_index; /* ARGUMENT: position among Site.args of parent */

    /* LOOP */
    LoopKind loop_kind;
    /* EXCEPT: caught types resolved (`asyncio.CancelledError`); `as` name in use_name */
    Str *types;
    uint32_t ntypes;
    /* WITH */
    bool is_async;
    /* FUNCREF (C): the field assigned (`sa_handler`) or empty */
    Str field;
} Site;

typedef struct Import {
    Str local;     /* name bound in the file: `t`, `snooze`, `os` */
    Str qualified; /* what it names: `time`, `time.sleep`, `os` */
    int32_t func;  /* Function whose scope binds it (0 = module) */
    uint8_t level; /* relative import level (`from ..x import y` -> 2), 0 for absolute */
} Import;

typedef struct Comment {
    uint32_t off, len; /* bytes, including the leading `#` or `//` */
    uint32_t line;     /* 1-based */
    bool own_line;     /* nothing but whitespace precedes it on its line */
} Comment;

typedef struct Unit {
    Arena arena;        /* owns everything below except src */
    StrPool names;      /* interned identifiers and resolved names */
    const char *path;   /* display path (as given on the command line / stdin name) */
    Lang lang;
    const char *src;    /* not owned: the caller keeps the buffer alive */
    uint32_t len;
    LineTable lines;
    Function *funcs;    /* [0] is FN_MODULE */
    uint32_t nfuncs;
    Site *sites;        /* all sites in source order */
    uint32_t nsites;
    Import *imports;
    uint32_t nimports;
    Comment *comments;
    uint32_t ncomments;
    /* Names the file binds anywhere (assignment, param, def, class, import): a
     * set of interned pointers (unit_ptr_slot), heap, freed by unit_free; NULL
     * when the file binds nothing. */
    const char **bound_set;
    uint32_t bound_cap;  /* a power of two */
    uint32_t nbound;
    uint32_t parse_errors; /* syntax errors recovered from (each also in the Diag) */
    struct UnitUses *uses; /* lazily built index of USE sites by name (unit_name_used) */
    struct UnitFuncs *fnindex; /* lazily built (parent, name) -> function (unit_find_function) */
    void *owned_sites;  /* heap buffer behind `sites` when a frontend handed it over, or NULL */
    /* A cache the checks build on first use and share between engines (the
     * flow index, checks/flow.h); unit_free releases it with check_cache_free. */
    void *check_cache;
    void (*check_cache_free)(void *);
} Unit;

/* Creates an empty unit whose arena owns its model. src is borrowed. */
Unit *unit_new(const char *path, Lang lang, const char *src, uint32_t len);
void unit_free(Unit *u);
/* Builds each Function's `sites` index from Site.func (call once, after the frontend). */
void unit_index_sites(Unit *u);
/* 1-based line and code-point column of a byte offset. */
void unit_pos(const Unit *u, uint32_t off, uint32_t *line, uint32_t *col);
/* True if `name` (interned in u->names) is bound anywhere in the file. */
bool unit_binds(const Unit *u, Str name);
/* The source text of an argument, blanks around it trimmed. */
Str unit_arg_source(const Unit *u, const Arg *a);
/* In a set of interned name pointers (open addressing, cap a power of two,
 * NULL slots empty; Unit.bound_set is one): the slot holding p, or the empty
 * slot where it would go. */
static inline uint32_t unit_ptr_slot(const char *const *set, uint32_t cap, const char *p)
{
    uint32_t i = (uint32_t)(((uintptr_t)p >> 3) * 2654435761u) & (cap - 1);
    while (set[i] && set[i] != p)
        i = (i + 1) & (cap - 1);
    return i;
}
/* True when function f's own body is an async context (SPEC.md): the body of an
 * `async def`, comprehensions in it included (they are not Functions), but not
 * the bodies of a def, lambda or class nested inside it. */
bool unit_is_async_context(const Unit *u, int32_t f);
const char *model_use_name(Use use);
/* Whether the local `name` (interned) is read after the call site `s` (one of
 * u->sites) in s's function or in a function nested in it: a USE site after s,
 * or one in a loop that also encloses s (read on the next iteration). Builds
 * an index on first use (the Unit belongs to one thread, so this is safe); a
 * query looks first at the name's uses made after s, so one read soon after
 * the binding answers it in a few steps. */
bool unit_name_used_after(const Unit *u, const Site *s, Str name);
/* The def or class named `name` defined directly in function `parent` (0: the
 * module), or -1. Lambdas are never found. Lazily indexed like the uses. */
int32_t unit_find_function(const Unit *u, int32_t parent, Str name);
/* The def or class `name` visible from function f: one defined in f (a nested
 * helper), else one at module level; -1 if neither. */
int32_t unit_visible_function(const Unit *u, int32_t f, Str name);

#endif
