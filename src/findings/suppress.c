/* Suppression directives: parsing comments into SuppFiles, matching findings
 * against them, and listing unused ones (see suppress.h for the syntax). */
#include "suppress.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/xalloc.h"

/* Scratch state while one file's comments are scanned. Directives collect in a
 * heap Vec and are copied into the caller's arena at the end. */
typedef struct Builder {
    Arena *a;
    const Unit *u;
    Vec(SuppDirective) dirs;
    Vec(uint32_t) open; /* indices of NOLINTBEGIN directives not yet closed */
    bool skip;
    uint32_t skip_line;
} Builder;

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Whether [p, end) starts with the lower-case ASCII `word`, ignoring case. Called
 * at every byte of every comment, so no libc call for the common mismatch. */
static bool has_prefix_ci(const char *p, const char *end, const char *word)
{
    for (; *word; word++, p++) {
        if (p == end)
            return false;
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p | 0x20) : *p;
        if (c != *word)
            return false;
    }
    return true;
}

static SuppDirective *add_directive(Builder *b, SuppKind kind, const char *at)
{
    SuppDirective d = {0};
    d.kind = kind;
    unit_pos(b->u, (uint32_t)(at - b->u->src), &d.line, &d.col);
    d.first = d.last = kind == SUPP_NOLINTNEXTLINE ? d.line + 1 : d.line;
    vec_push(&b->dirs, d);
    return vec_last(&b->dirs);
}

static void add_code(Builder *b, SuppDirective *d, const char *s, size_t n)
{
    SuppCode *codes = ARENA_ARRAY(b->a, SuppCode, d->ncodes + 1);
    if (d->ncodes)
        memcpy(codes, d->codes, sizeof *codes * d->ncodes);
    codes[d->ncodes].code = arena_strndup(b->a, s, n);
    codes[d->ncodes].used = 0;
    d->codes = codes;
    d->ncodes++;
}

/* Length of a noqa code (`[A-Za-z]+[0-9]+` not followed by a word character)
 * at p, or 0. */
static size_t noqa_code_len(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        q++;
    const char *digits = q;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (digits == p || q == digits || (q < end && is_word(*q)))
        return 0;
    return (size_t)(q - p);
}

/* `hash` points at a `#` inside a Python comment ending at end. */
static void parse_noqa(Builder *b, const char *hash, const char *end)
{
    const char *p = hash + 1;
    while (p < end && is_blank(*p))
        p++;
    if (!has_prefix_ci(p, end, "noqa") || (p + 4 < end && is_word(p[4])))
        return;
    p += 4;
    const char *q = p;
    while (q < end && is_blank(*q))
        q++;
    if (q == end || *q != ':') {
        add_directive(b, SUPP_NOQA, hash)->all = true;
        return;
    }
    /* `# noqa: A1, B2 C3 trailing words`: codes until the first non-code. */
    Vec(Str) codes;
    vec_init(&codes);
    for (q++;;) {
        while (q < end && (is_blank(*q) || *q == ','))
            q++;
        size_t n = noqa_code_len(q, end);
        if (n == 0)
            break;
        vec_push(&codes, str_make(q, n));
        q += n;
    }
    if (codes.size) {
        SuppDirective *d = add_directive(b, SUPP_NOQA, hash);
        for (uint32_t i = 0; i < codes.size; i++)
            add_code(b, d, codes.contents[i].ptr, codes.contents[i].len);
    }
    vec_free(&codes);
}

/* Adds the comma-separated entries of `(...)` at open (which is '(') to d.
 * Returns false when the list is not closed inside the comment. */
static bool parse_nolint_list(Builder *b, SuppDirective *d, const char *open, const char *end)
{
    const char *close = memchr(open, ')', (size_t)(end - open));
    if (!close)
        return false;
    const char *p = open + 1;
    while (p < close) {
        const char *comma = memchr(p, ',', (size_t)(close - p));
        const char *e = comma ? comma : close;
        const char *s = p;
        while (s < e && (is_blank(*s) || *s == '\n' || *s == '\r'))
            s++;
        const char *t = e;
        while (t > s && (is_blank(t[-1]) || t[-1] == '\n' || t[-1] == '\r'))
            t--;
        if (t > s)
            add_code(b, d, s, (size_t)(t - s));
        p = e + 1;
    }
    return true;
}

static void close_range(Builder *b, const char *at)
{
    if (b->open.size == 0)
        return; /* NOLINTEND without NOLINTBEGIN: ignored */
    uint32_t line, col;
    unit_pos(b->u, (uint32_t)(at - b->u->src), &line, &col);
    b->dirs.contents[vec_pop(&b->open)].last = line;
}

/* `at` points at `NOLINT` inside a C comment ending at end. Returns the byte
 * after what it consumed. */
static const char *parse_nolint(Builder *b, const char *at, const char *end)
{
    const char *p = at + 6;
    SuppKind kind = SUPP_NOLINT;
    bool is_end = false;
    if ((size_t)(end - p) >= 8 && memcmp(p, "NEXTLINE", 8) == 0)
        kind = SUPP_NOLINTNEXTLINE, p += 8;
    else if ((size_t)(end - p) >= 5 && memcmp(p, "BEGIN", 5) == 0)
        kind = SUPP_NOLINTRANGE, p += 5;
    else if ((size_t)(end - p) >= 3 && memcmp(p, "END", 3) == 0)
        is_end = true, p += 3;
    if (p < end && is_word(*p))
        return p; /* `NOLINTFOO`: not a directive */
    if (is_end) {
        close_range(b, at);
        return p;
    }
    uint32_t mark = b->dirs.size;
    SuppDirective *d = add_directive(b, kind, at);
    if (p < end && *p == '(') {
        if (!parse_nolint_list(b, d, p, end)) {
            b->dirs.size = mark; /* unclosed list: ignore the directive */
            return p;
        }
    } else {
        d->all = true;
    }
    if (kind == SUPP_NOLINTRANGE) {
        d->last = UINT32_MAX;
        vec_push(&b->open, mark);
    }
    return p;
}

static void parse_skip_file(Builder *b, const Comment *c, const char *s, const char *end)
{
    static const char tag[] = "asynclint:";
    const size_t before = sizeof tag - 2; /* bytes of the tag before its ':' */
    /* each ':' is where at most one tag can end: memchr finds them at memory
     * speed, where trying the tag at every byte cost 2% of a run */
    for (const char *colon = s; (colon = memchr(colon, ':', (size_t)(end - colon))); colon++) {
        if ((size_t)(colon - s) < before || !has_prefix_ci(colon - before, end, tag))
            continue;
        const char *q = colon + 1;
        while (q < end && is_blank(*q))
            q++;
        if (has_prefix_ci(q, end, "skip-file") && (q + 9 == end || !is_word(q[9]))) {
            if (!b->skip)
                b->skip_line = c->line;
            b->skip = true;
            return;
        }
    }
}

static void scan_comment(Builder *b, const Comment *c)
{
    if (c->off > b->u->len || c->len > b->u->len - c->off)
        return; /* a frontend bug must not become a read out of bounds */
    const char *s = b->u->src + c->off, *end = s + c->len;
    if (c->own_line)
        parse_skip_file(b, c, s, end);
    if (b->u->lang == LANG_PYTHON) {
        for (const char *p = s; (p = memchr(p, '#', (size_t)(end - p))); p++)
            parse_noqa(b, p, end);
        return;
    }
    for (const char *p = s; (p = memmem(p, (size_t)(end - p), "NOLINT", 6));) {
        if (p == s || !is_word(p[-1]))
            p = parse_nolint(b, p, end);
        else
            p++;
    }
}

static int cmp_directive(const void *x, const void *y)
{
    const SuppDirective *a = x, *b = y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return (a->col > b->col) - (a->col < b->col);
}

static void index_ranges(Arena *a, SuppFile *f)
{
    for (uint32_t i = 0; i < f->ndirs; i++)
        f->nranges += f->dirs[i].kind == SUPP_NOLINTRANGE;
    f->ranges = ARENA_ARRAY(a, uint32_t, f->nranges);
    for (uint32_t i = 0, k = 0; i < f->ndirs; i++)
        if (f->dirs[i].kind == SUPP_NOLINTRANGE)
            f->ranges[k++] = i;
}

SuppFile *supp_file_build(Arena *a, const Unit *u)
{
    Builder b = {.a = a, .u = u};
    vec_init(&b.dirs);
    vec_init(&b.open);
    for (uint32_t i = 0; i < u->ncomments; i++)
        scan_comment(&b, &u->comments[i]);
    SuppFile *f = NULL;
    if (b.dirs.size || b.skip) {
        f = ARENA_NEW(a, SuppFile);
        f->path = arena_strdup(a, u->path ? u->path : "");
        f->skip_file = b.skip;
        f->skip_line = b.skip_line;
        if (b.dirs.size)
            qsort(b.dirs.contents, b.dirs.size, sizeof(SuppDirective), cmp_directive);
        f->dirs = ARENA_ARRAY(a, SuppDirective, b.dirs.size);
        if (b.dirs.size)
            memcpy(f->dirs, b.dirs.contents, sizeof(SuppDirective) * b.dirs.size);
        f->ndirs = b.dirs.size;
        index_ranges(a, f);
    }
    vec_free(&b.dirs);
    vec_free(&b.open);
    return f;
}

void supp_table_init(SuppTable *t)
{
    vec_init(&t->files);
    t->sorted = true;
}

void supp_table_free(SuppTable *t)
{
    vec_free(&t->files);
}

void supp_table_add(SuppTable *t, SuppFile *f)
{
    if (!f)
        return;
    vec_push(&t->files, f);
    t->sorted = false;
}

static bool name_matches(const char *code, const char *name, bool prefix, size_t n)
{
    if (!name)
        return false;
    return prefix ? strncasecmp(code, name, n) == 0 : strcasecmp(code, name) == 0;
}

/* Does one written code (`AL101`, `ASYNC251`, `blocking-sleep`, `AL1*`, `*`) name r? */
static bool code_matches(const char *code, const Rule *r)
{
    size_t n = strlen(code);
    bool prefix = n > 0 && code[n - 1] == '*';
    if (prefix && n == 1)
        return true;
    n -= prefix;
    if (name_matches(code, r->id, prefix, n) || name_matches(code, r->name, prefix, n))
        return true;
    for (uint32_t i = 0; i < r->naliases; i++)
        if (name_matches(code, r->aliases[i], prefix, n))
            return true;
    return false;
}

bool supp_directive_matches(const SuppDirective *d, const Rule *r)
{
    if (d->all)
        return true;
    for (uint32_t i = 0; r && i < d->ncodes; i++)
        if (code_matches(d->codes[i].code, r))
            return true;
    return false;
}

/* Credits the first matching code of d with one suppressed finding. */
static void count_use(SuppDirective *d, const Rule *r)
{
    d->used++;
    for (uint32_t i = 0; !d->all && i < d->ncodes; i++) {
        if (code_matches(d->codes[i].code, r)) {
            d->codes[i].used++;
            return;
        }
    }
}

/* explicit: only a directive that names the rule (not a blanket one) */
static bool try_directive(SuppDirective *d, const Finding *f, bool explicit)
{
    if (d->first > f->line || d->last < f->line || (explicit && d->all) ||
        !supp_directive_matches(d, f->rule))
        return false;
    count_use(d, f->rule);
    return true;
}

/* Single-line directives are found by binary search on their line; the few
 * NOLINTBEGIN ranges are tried after them. */
static bool covered(SuppFile *sf, const Finding *f, bool explicit)
{
    if (sf->skip_file) {
        sf->skipped++;
        return true;
    }
    uint32_t lo = 0, hi = sf->ndirs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sf->dirs[mid].first < f->line)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < sf->ndirs && sf->dirs[i].first == f->line; i++)
        if (sf->dirs[i].kind != SUPP_NOLINTRANGE && try_directive(&sf->dirs[i], f, explicit))
            return true;
    for (uint32_t i = 0; i < sf->nranges; i++)
        if (try_directive(&sf->dirs[sf->ranges[i]], f, explicit))
            return true;
    return false;
}

static int cmp_file(const void *x, const void *y)
{
    const SuppFile *a = *(SuppFile *const *)x, *b = *(SuppFile *const *)y;
    int c = strcmp(a->path, b->path);
    return c ? c : (a->skip_line > b->skip_line) - (a->skip_line < b->skip_line);
}

/* Index of the first file whose path is `path`, or files.size. */
static uint32_t find_file(SuppTable *t, const char *path)
{
    uint32_t lo = 0, hi = t->files.size;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->files.contents[mid]->path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool suppressed_by_table(SuppTable *t, const Finding *f)
{
    if (!f->path)
        return false;
    for (uint32_t i = find_file(t, f->path);
         i < t->files.size && strcmp(t->files.contents[i]->path, f->path) == 0; i++)
        if (covered(t->files.contents[i], f, false))
            return true;
    return false;
}

/* Whether a directive of sf written for `line` names rule r (counted as a
 * use). A blanket `# noqa` is often written for another linter (`shell=True`
 * for bandit), so it does not say that a call does not block; nor does
 * skip-file, which hides a file's findings. */
static bool covers_line(SuppFile *sf, uint32_t line, const Rule *r)
{
    Finding f = {.rule = r, .line = line};
    bool skip = sf->skip_file;
    sf->skip_file = false;
    bool hit = covered(sf, &f, true);
    sf->skip_file = skip;
    return hit;
}

enum { MAX_VIA_RULES = 8 };

uint32_t supp_cut_facts(SuppFile *sf, ProjectFile *pf, const RuleSet *rs)
{
    if (!sf || (!sf->ndirs && !sf->nranges))
        return 0;
    /* the file's blocking-via-helper rules, found once */
    const Rule *via[MAX_VIA_RULES];
    uint32_t nvia = 0;
    for (uint32_t r = 0; r < rs->nrules && nvia < MAX_VIA_RULES; r++)
        if (rs->rules[r]->language == pf->lang && rs->rules[r]->check &&
            strcmp(rs->rules[r]->check, "blocking-via-helper") == 0)
            via[nvia++] = rs->rules[r];
    uint32_t cut = 0;
    for (uint32_t i = 0; i < pf->funcs.size; i++) {
        ProjectFunc *fn = &pf->funcs.contents[i];
        uint32_t k = 0;
        for (uint32_t j = 0; j < fn->facts.size; j++) {
            const ProjectFact *fact = &fn->facts.contents[j];
            bool drop = covers_line(sf, fact->loc.line, fact->rule);
            for (uint32_t v = 0; !drop && v < nvia; v++)
                drop = covers_line(sf, fact->loc.line, via[v]);
            if (drop)
                cut++;
            else
                fn->facts.contents[k++] = *fact;
        }
        fn->facts.size = k;
    }
    return cut;
}

uint32_t supp_filter(SuppTable *t, Finding *items, uint32_t n, uint32_t *suppressed)
{
    if (!t->sorted && t->files.size > 1)
        qsort(t->files.contents, t->files.size, sizeof(SuppFile *), cmp_file);
    t->sorted = true;
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++)
        if (t->files.size == 0 || !suppressed_by_table(t, &items[i]))
            items[out++] = items[i];
    if (suppressed)
        *suppressed = n - out;
    return out;
}

/* Whether `code` is the id, a name or an alias of an enabled rule (a code of
 * ours, so an unused one is worth a warning). Patterns never count. */
static bool names_enabled_rule(const char *code, const RuleSet *rs)
{
    if (strchr(code, '*'))
        return false;
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i]->enabled && code_matches(code, rs->rules[i]))
            return true;
    return false;
}

uint32_t supp_unused(SuppTable *t, const RuleSet *rs, Arena *a, SuppUnused **out)
{
    if (!t->sorted && t->files.size > 1)
        qsort(t->files.contents, t->files.size, sizeof(SuppFile *), cmp_file);
    t->sorted = true;
    Vec(SuppUnused) list;
    vec_init(&list);
    for (uint32_t i = 0; i < t->files.size; i++) {
        const SuppFile *sf = t->files.contents[i];
        for (uint32_t j = 0; !sf->skip_file && j < sf->ndirs; j++) {
            const SuppDirective *d = &sf->dirs[j];
            for (uint32_t k = 0; !d->all && k < d->ncodes; k++)
                if (d->codes[k].used == 0 && names_enabled_rule(d->codes[k].code, rs))
                    vec_push(&list, ((SuppUnused){sf->path, d->line, d->col, d->codes[k].code}));
        }
    }
    *out = NULL;
    uint32_t n = list.size;
    if (n) {
        *out = ARENA_ARRAY(a, SuppUnused, n);
        memcpy(*out, list.contents, sizeof(SuppUnused) * n);
    }
    vec_free(&list);
    return n;
}
