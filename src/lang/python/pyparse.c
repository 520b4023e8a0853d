/* Python light parser, statement level (see pyparse.h). The whole file is first
 * tokenized into an array (significant tokens only; comments go to the Unit's
 * comment table), which gives free lookahead. Statements are parsed by recursive
 * descent over that array; every statement consumes at least one token and a
 * statement that does not parse is reported and skipped to its NEWLINE, so the
 * parser always terminates and always resynchronises at the next logical line. */
#include "pyparse.h"

#include <stdarg.h>
#include <stdio.h>

#include "../../base/xalloc.h"
#include "pyparse_int.h"

/* ---- tokens ---------------------------------------------------------------- */

static bool comment_own_line(const char *src, uint32_t off)
{
    while (off > 0 && (src[off - 1] == ' ' || src[off - 1] == '\t' || src[off - 1] == '\f'))
        off--;
    return off == 0 || src[off - 1] == '\n' || src[off - 1] == '\r';
}

/* Keeps the first PYPARSE_MAX_ERRORS tokenizer diagnostics: a binary or UTF-16
 * file has an error at nearly every byte, and one line each would bury the rest
 * of the run's output. */
static void move_token_errors(Parser *ps, Diag *tokd)
{
    uint32_t n = tokd->msgs.size;
    if (n > PYPARSE_MAX_ERRORS) {
        const DiagMsg *last = &tokd->msgs.contents[PYPARSE_MAX_ERRORS - 1];
        diag_report(tokd, DIAG_NOTE, last->path, last->line, last->col,
                    "%u more tokenizer errors in this file are not shown (is it Python source?)",
                    n - PYPARSE_MAX_ERRORS);
        DiagMsg note = tokd->msgs.contents[tokd->msgs.size - 1];
        for (uint32_t i = PYPARSE_MAX_ERRORS; i < n; i++) {
            xfree(tokd->msgs.contents[i].path);
            xfree(tokd->msgs.contents[i].text);
        }
        tokd->msgs.contents[PYPARSE_MAX_ERRORS] = note;
        tokd->msgs.size = PYPARSE_MAX_ERRORS + 1;
    }
    ps->errors += n;
    ps->u->parse_errors += n;
    if (ps->d)
        diag_move(ps->d, tokd);
    diag_free(tokd);
}

/* The parser's copy of a token. */
static inline PpToken pp_token(PyTokCore tk)
{
    return (PpToken){pytok_core_start(tk), pytok_core_end(tk), (uint8_t)pytok_core_kind(tk),
                     pytok_core_op(tk), pytok_core_kw(tk)};
}

/* Tokenizes the whole file into ps->toks (the PyParser's buffer, kept for the next file);
 * NL and COMMENT are filtered out, error tokens are dropped (reported). */
static void tokenize_all(Parser *ps)
{
    PyTok t;
    Unit *u = ps->u;
    Diag tokd;
    diag_init(&tokd);
    pytok_init(&t, u->src, u->len, ps->path, &tokd);
    Vec(PpToken) toks = {ps->toks, 0, ps->toks_cap}; /* the buffer of the last file, if any */
    vec_reserve(&toks, u->len / 6 + 16);
    for (;;) {
        /* Room first: the token comes back in registers, and no call (a
         * realloc) may come between it and its store, or the compiler keeps
         * it on the stack and reloads it in pieces it stored separately. */
        if (toks.size == toks.capacity)
            vec_reserve(&toks, toks.size + 1);
        PyTokCore tk = pytok_next_core(&t);
        PyTokKind kind = pytok_core_kind(tk);
        /* one test for the kinds the parser never sees (and the end) */
        _Static_assert(PYTOK_ERRORTOKEN < 32, "token kinds fit a 32-bit mask");
        if (__builtin_expect((1u << kind) & ((1u << PYTOK_COMMENT) | (1u << PYTOK_NL) |
                                              (1u << PYTOK_ERRORTOKEN) | (1u << PYTOK_ENDMARKER)),
                             0)) {
            if (kind == PYTOK_COMMENT) {
                uint32_t start = pytok_core_start(tk), end = pytok_core_end(tk);
                Comment c = {start, end - start, t.line, comment_own_line(u->src, start)};
                vec_push(&ps->comments, c);
            }
            if (kind != PYTOK_ENDMARKER)
                continue;
            toks.contents[toks.size++] = pp_token(tk); /* (the ENDMARKER ends the buffer) */
            break;
        }
        toks.contents[toks.size++] = pp_token(tk);
    }
    ps->ntoks = toks.size;
    ps->toks = toks.contents; /* owned by the PyParser */
    ps->toks_cap = toks.capacity;
    ps->cur = ps->toks;
    move_token_errors(ps, &tokd);
}

const char *pp_tok_desc(const Parser *ps, const PpToken *t, char *buf, size_t n)
{
    switch (t->kind) {
    case PYTOK_NEWLINE:
        return "end of line";
    case PYTOK_ENDMARKER:
        return "end of file";
    case PYTOK_INDENT:
        return "indent";
    case PYTOK_DEDENT:
        return "dedent";
    default:
        break;
    }
    /* at most 20 bytes of the token, cut at a line end (a diagnostic is one
     * line) and on a UTF-8 character boundary */
    const char *text = ps->u->src + t->start;
    uint32_t len = 0, max = t->end - t->start;
    while (len < max && len < 20 && text[len] != '\n' && text[len] != '\r')
        len++;
    while (len > 0 && len < max && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    snprintf(buf, n, "'%.*s%s'", (int)len, text, len < max ? "..." : "");
    return buf;
}

void pp_error(Parser *ps, const PpToken *t, const char *fmt, ...)
{
    if (ps->bail)
        return; /* already reported: unwinding to the end of the statement */
    ps->errors++;
    ps->u->parse_errors++;
    if (ps->errors > PYPARSE_MAX_ERRORS || !ps->d)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line, col;
    unit_pos(ps->u, t->start, &line, &col);
    diag_report(ps->d, DIAG_ERROR, ps->path, line, col, "%s", msg);
    if (ps->errors == PYPARSE_MAX_ERRORS)
        diag_report(ps->d, DIAG_NOTE, ps->path, line, col,
                    "too many syntax errors; further ones in this file are not shown");
}

bool pp_expect_op(Parser *ps, PyOp op, const char *what)
{
    if (pp_accept_op(ps, op))
        return true;
    char buf[32];
    pp_error(ps, pp_cur(ps), "invalid syntax: expected %s, found %s", what,
             pp_tok_desc(ps, pp_cur(ps), buf, sizeof buf));
    return false;
}

Str pp_tok_str(const Parser *ps, const PpToken *t)
{
    return str_make(ps->u->src + t->start, t->end - t->start);
}

/* The n bytes at p (1 <= n <= 8) as a little-endian word, high bytes zero,
 * as memcpy into a zeroed word gives, but in registers: two overlapping loads
 * (or three single bytes) instead of a copy of variable length through the
 * stack, whose reload waited for the narrow stores (a third of the parser's
 * interning time). */
static inline uint64_t short_bytes(const char *p, uint32_t n)
{
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
    }
    const unsigned char *b = (const unsigned char *)p;
    return (uint64_t)b[0] | (uint64_t)b[n / 2] << (8 * (n / 2)) |
           (uint64_t)b[n - 1] << (8 * (n - 1));
}

Str pp_intern(Parser *ps, const char *p, uint32_t n)
{
    if (n - 1u >= 16u) /* empty or longer than 16 bytes */
        return strpool_intern(&ps->u->names, str_make(p, n));
    uint64_t lo, hi = 0;
    if (n > 8) {
        memcpy(&lo, p, 8);
        memcpy(&hi, p + n - 8, 8);
    } else {
        lo = short_bytes(p, n);
    }
    uint64_t h = (lo ^ hi * 0xBF58476D1CE4E5B9ull) * 0x9E3779B97F4A7C15ull;
    struct PpShortName *e = &ps->short_names[h >> 54 & (PP_SHORT_NAMES - 1)];
    /* (n and the zero padding tell `a` from `a\0`; for 9 to 16 bytes the two
     * words and n give every byte) */
    if (e->lo == lo && e->hi == hi && e->len == n && e->gen == ps->name_gen)
        return (Str){e->ptr, n};
    Str name = strpool_intern(&ps->u->names, str_make(p, n));
    *e = (struct PpShortName){lo, hi, name.ptr, n, ps->name_gen};
    return name;
}

/* ---- model building ---------------------------------------------------------- */

int32_t pp_new_site(Parser *ps, SiteKind kind, uint32_t off)
{
    /* built in its slot: a Site is 168 bytes, built once instead of copied */
    vec_grow(&ps->sites);
    Site *s = &ps->sites.contents[ps->sites.size++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->off = s->end = off;
    s->func = ps->func;
    s->loop = ps->loop;
    s->guard = ps->guard;
    s->handler = ps->handler;
    s->flags = ps->site_flags;
    s->use = USE_OPERAND;
    s->parent = -1;
    return (int32_t)ps->sites.size - 1;
}

Site *pp_site(Parser *ps, int32_t i)
{
    return vec_at(&ps->sites, i);
}

int32_t pp_new_function(Parser *ps, FunctionKind kind, Str name, uint32_t off)
{
    Function f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.name = name;
    f.parent = ps->funcs.size ? ps->func : -1;
    f.cls = -1;
    f.off = f.end = f.name_off = off;
    if (f.parent >= 0) {
        const Function *pf = vec_at(&ps->funcs, f.parent);
        if (kind == FN_DEF && pf->kind == FN_CLASS)
            f.cls = f.parent;
        if (pf->kind == FN_MODULE)
            f.qualname = name;
        else if (pf->kind == FN_CLASS)
            f.qualname = str_join(ps->a, pf->qualname, ".", name);
        else
            f.qualname = str_join(ps->a, pf->qualname, ".<locals>.", name);
    } else {
        f.qualname = name;
    }
    vec_push(&ps->funcs, f);
    return (int32_t)ps->funcs.size - 1;
}

/* ---- statements ------------------------------------------------------------- */

static void skip_to_newline(Parser *ps)
{
    for (;;) {
        const PpToken *t = pp_cur(ps);
        if (t->kind == PYTOK_ENDMARKER)
            return;
        if (t->kind == PYTOK_NEWLINE) {
            pp_advance(ps);
            return;
        }
        /* An INDENT/DEDENT can only follow a NEWLINE, so reaching one means the
         * line ended: stop so the block structure stays intact. */
        if (t->kind == PYTOK_INDENT || t->kind == PYTOK_DEDENT)
            return;
        pp_advance(ps);
    }
}

static void end_simple_statement(Parser *ps)
{
    ps->bail = false;
    pp_flush_targets(ps); /* a statement that broke off before its value */
    const PpToken *t = pp_cur(ps);
    if (t->kind == PYTOK_NEWLINE) {
        pp_advance(ps);
        return;
    }
    if (t->kind == PYTOK_ENDMARKER || t->kind == PYTOK_DEDENT)
        return;
    char buf[32];
    pp_error(ps, t, "invalid syntax: unexpected %s", pp_tok_desc(ps, t, buf, sizeof buf));
    skip_to_newline(ps);
}

/* At a `raise` statement, other than an abstract method's `raise
 * NotImplementedError` (a subclass's override returns). */
static bool at_raise(const Parser *ps)
{
    const PpToken *t = pp_cur(ps);
    if (t->kind != PYTOK_NAME || t->kw != PYKW_RAISE)
        return false;
    const PpToken *n = pp_peek(ps, 1);
    static const char abstract[] = "NotImplementedError";
    return !(n->kind == PYTOK_NAME && n->end - n->start == sizeof abstract - 1 &&
             memcmp(ps->u->src + n->start, abstract, sizeof abstract - 1) == 0);
}

/* A block, telling in ps->tail_raise whether its last statement (at its own
 * level, not in a nested block) is a `raise`. */
static void block_body(Parser *ps)
{
    ps->tail_raise = false;
    if (!pp_expect_op(ps, PYOP_COLON, "':'"))
        skip_to_newline(ps);
    else if (pp_cur(ps)->kind != PYTOK_NEWLINE) {
        bool raise = at_raise(ps);
        pp_statement(ps); /* simple statements on the same line */
        ps->tail_raise = raise;
        return;
    } else {
        pp_advance(ps);
    }
    if (pp_cur(ps)->kind != PYTOK_INDENT) {
        if (pp_cur(ps)->kind != PYTOK_ENDMARKER)
            pp_error(ps, pp_cur(ps), "expected an indented block");
        return;
    }
    pp_advance(ps);
    bool raise = false;
    for (;;) {
        PyTokKind k = pp_cur(ps)->kind;
        if (k == PYTOK_DEDENT)
            pp_advance(ps);
        if (k == PYTOK_DEDENT || k == PYTOK_ENDMARKER)
            break;
        raise = at_raise(ps);
        pp_statement(ps);
    }
    ps->tail_raise = raise;
}

void pp_block(Parser *ps)
{
    uint32_t outer = ps->block_first;
    ps->block_first = ps->sites.size;
    block_body(ps);
    ps->block_first = outer;
}

void pp_leave_loop(Parser *ps)
{
    if (ps->loop < 0)
        return;
    for (uint32_t k = ps->block_first; k < ps->sites.size; k++)
        if (ps->sites.contents[k].loop == ps->loop)
            ps->sites.contents[k].flags |= SITE_F_ONCE;
    /* marked once: a later exit in the block (unreachable code) starts here,
     * so a block of a thousand `f(); break` lines is not walked a thousand times */
    ps->block_first = ps->sites.size;
}

/* The file's body: statements until ENDMARKER (stray DEDENT/INDENT skipped). */
static void parse_file(Parser *ps)
{
    while (pp_cur(ps)->kind != PYTOK_ENDMARKER) {
        PyTokKind k = pp_cur(ps)->kind;
        if (k == PYTOK_DEDENT || k == PYTOK_INDENT) {
            if (k == PYTOK_INDENT)
                pp_error(ps, pp_cur(ps), "unexpected indent");
            pp_advance(ps);
            continue;
        }
        pp_statement(ps);
    }
}

void pp_statement(Parser *ps)
{
    uint32_t start = pp_pos(ps);
    if (ps->depth > PYPARSE_MAX_DEPTH) {
        pp_error(ps, pp_cur(ps), "statements nested too deeply (limit %d)", PYPARSE_MAX_DEPTH);
        skip_to_newline(ps);
        if (pp_pos(ps) == start)
            pp_advance(ps);
        return;
    }
    ps->depth++;
    pp_compound_or_simple(ps);
    ps->depth--;
    if (pp_pos(ps) == start) { /* guarantee progress whatever the input */
        char buf[32];
        pp_error(ps, pp_cur(ps), "invalid syntax: unexpected %s",
                 pp_tok_desc(ps, pp_cur(ps), buf, sizeof buf));
        pp_advance(ps);
    }
}

void pp_end_simple(Parser *ps)
{
    end_simple_statement(ps);
}

void pp_skip_line(Parser *ps)
{
    skip_to_newline(ps);
}

/* ---- entry ---------------------------------------------------------------- */

static void finish_unit(Parser *ps)
{
    Unit *u = ps->u;
    u->nfuncs = ps->funcs.size;
    u->funcs = pp_copy_array(ps, ps->funcs.contents, u->nfuncs, sizeof(Function));
    /* The site vector is the biggest array of the model: hand it over instead
     * of copying it (unit_free releases it). */
    u->nsites = ps->sites.size;
    u->sites = ps->sites.contents;
    u->owned_sites = ps->sites.contents;
    vec_init(&ps->sites);
    u->nimports = ps->imports.size;
    u->imports = pp_copy_array(ps, ps->imports.contents, u->nimports, sizeof(Import));
    u->ncomments = ps->comments.size;
    u->comments = pp_copy_array(ps, ps->comments.contents, u->ncomments, sizeof(Comment));
    unit_index_sites(u);
}

struct PyParser {
    Parser ps; /* between files: only its buffers and tables, emptied */
};

PyParser *pyparse_new(const TypeMap *types)
{
    PyParser *pp = xcalloc(1, sizeof(PyParser));
    pp->ps.types = types && types->count ? types : NULL;
    return pp;
}

void pyparse_free(PyParser *pp)
{
    if (!pp)
        return;
    Parser *ps = &pp->ps;
    pp_scope_free(ps);
    vec_free(&ps->funcs);
    vec_free(&ps->sites);
    vec_free(&ps->imports);
    vec_free(&ps->comments);
    vec_free(&ps->argbuf);
    vec_free(&ps->members);
    vec_free(&ps->targets);
    xfree(ps->toks);
    xfree(ps->short_names);
    xfree(pp);
}

/* A fresh parser state for the next file, on the buffers and tables the
 * earlier files grew (their contents forgotten). */
static void parser_begin(Parser *ps, Unit *u, Diag *d)
{
    memset(&ps->u, 0, sizeof *ps - offsetof(Parser, u)); /* the file's own state */
    if (!ps->short_names)
        ps->short_names = xcalloc(PP_SHORT_NAMES, sizeof *ps->short_names);
    if (++ps->name_gen == 0) { /* wrapped: entries of 2^32 files ago would look current */
        memset(ps->short_names, 0, PP_SHORT_NAMES * sizeof *ps->short_names);
        ps->name_gen = 1;
    }
    vec_clear(&ps->funcs);
    vec_clear(&ps->imports);
    vec_clear(&ps->comments);
    vec_clear(&ps->argbuf);
    vec_clear(&ps->members);
    vec_clear(&ps->targets);
    ps->u = u;
    ps->a = &u->arena;
    ps->d = d;
    ps->path = u->path;
    ps->loop = ps->guard = ps->handler = -1;
    ps->cls = -1;
}

/* What a big file grew is not kept for the next (most files are small, and
 * a worker's buffers count in the run's peak memory): above these, the
 * token buffer goes back to the allocator. */
enum { PP_KEEP_TOKENS = 64 * 1024 };

static void parser_end(Parser *ps)
{
    if (ps->toks_cap > PP_KEEP_TOKENS) {
        xfree(ps->toks);
        ps->toks = NULL;
        ps->toks_cap = 0;
    }
    pp_scope_trim(ps);
}

Unit *pyparse_parse(PyParser *pp, const char *path, const char *src, uint32_t len, Diag *d)
{
    Unit *u = unit_new(path, LANG_PYTHON, src, len);
    Parser *ps = &pp->ps;
    parser_begin(ps, u, d);
    tokenize_all(ps);
    vec_reserve(&ps->sites, ps->ntoks / 6 + 16); /* about one site per six tokens */
    pp_scope_init(ps, ps->ntoks / 20); /* about one binding per 20 tokens */
    ps->func = pp_new_function(ps, FN_MODULE, STR_LIT("<module>"), 0);
    vec_at(&ps->funcs, 0)->qualname = STR_NULL;
    vec_at(&ps->funcs, 0)->end = len;
    parse_file(ps);
    pp_finish_scopes(ps);
    finish_unit(ps); /* takes the sites and the bound names; copies the rest */
    parser_end(ps);
    return u;
}

Unit *pyparse_unit(const char *path, const char *src, uint32_t len, Diag *d)
{
    return pyparse_unit_typed(path, src, len, NULL, d);
}

Unit *pyparse_unit_typed(const char *path, const char *src, uint32_t len, const TypeMap *types,
                         Diag *d)
{
    PyParser *pp = pyparse_new(types);
    Unit *u = pyparse_parse(pp, path, src, len, d);
    pyparse_free(pp);
    return u;
}
