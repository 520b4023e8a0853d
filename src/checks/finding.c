/* Finding sinks and message templates (see finding.h). */
#include "finding.h"

#include <stdio.h>
#include <string.h>

void chk_sink_init(FindingSink *s)
{
    arena_init(&s->arena);
    vec_init(&s->items);
}

void chk_sink_free(FindingSink *s)
{
    arena_free(&s->arena);
    vec_free(&s->items);
}

void chk_sink_move(FindingSink *into, FindingSink *from)
{
    vec_reserve(&into->items, into->items.size + from->items.size);
    for (uint32_t i = 0; i < from->items.size; i++)
        into->items.contents[into->items.size++] = from->items.contents[i];
    from->items.size = 0;
    arena_adopt(&into->arena, &from->arena);
}

/* The call's text without whitespace: stable across reformatting and line
 * shifts, so it can key baselines and fingerprints. */
static const char *normalised(Arena *a, const char *src, uint32_t off, uint32_t end)
{
    if (end > off + 200)
        end = off + 200;
    char *out = arena_alloc(a, end - off + 1);
    uint32_t n = 0;
    for (uint32_t i = off; i < end; i++) {
        char c = src[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\\' && c != '\f')
            out[n++] = c;
    }
    out[n] = '\0';
    return out;
}

Finding *chk_sink_add(FindingSink *s, const Rule *r, const Unit *u, int32_t func, uint32_t off,
                      uint32_t end, const char *message)
{
    Finding f;
    memset(&f, 0, sizeof f);
    f.rule = r;
    f.path = arena_strdup(&s->arena, u->path);
    unit_pos(u, off, &f.line, &f.col);
    unit_pos(u, end > off ? end : off, &f.end_line, &f.end_col);
    uint32_t n;
    const char *text = lines_text(&u->lines, f.line, &n);
    /* a minified or generated line is not worth showing (nor copying per finding) */
    f.snippet = n <= FINDING_MAX_SNIPPET ? arena_strndup(&s->arena, text, n) : NULL;
    f.message = arena_strdup(&s->arena, message);
    const Function *fn = func >= 0 && (uint32_t)func < u->nfuncs ? &u->funcs[func] : NULL;
    f.function = fn && fn->qualname.len ? str_dup(&s->arena, fn->qualname) : "";
    f.key = normalised(&s->arena, u->src, off, end);
    vec_push(&s->items, f);
    return vec_last(&s->items);
}

static const char *lookup(const char *const *vars, const char *key, size_t n)
{
    for (size_t i = 0; vars && vars[i]; i += 2)
        if (strlen(vars[i]) == n && memcmp(vars[i], key, n) == 0)
            return vars[i + 1];
    return NULL;
}

const char *chk_message(const Rule *r, const Unit *u)
{
    if ((!r->message_trio && !r->message_anyio) || u->lang != LANG_PYTHON)
        return r->message;
    bool asyncio = false, trio = false, anyio = false;
    for (uint32_t i = 0; i < u->nimports; i++) {
        Str q = u->imports[i].qualified;
        if (u->imports[i].level)
            continue; /* a module of the project's own */
        int32_t dot = str_find(q, '.');
        Str root = str_make(q.ptr, dot < 0 ? q.len : (uint32_t)dot);
        asyncio |= str_eq_c(root, "asyncio");
        trio |= str_eq_c(root, "trio");
        anyio |= str_eq_c(root, "anyio");
    }
    if (asyncio)
        return r->message;
    if (anyio && r->message_anyio)
        return r->message_anyio;
    if (trio && !anyio && r->message_trio)
        return r->message_trio;
    return r->message;
}

char *chk_format(Arena *a, const char *tmpl, const char *const *vars)
{
    size_t cap = strlen(tmpl) + 1;
    for (size_t i = 0; vars && vars[i]; i += 2)
        cap += strlen(vars[i + 1]) * 4;
    char *out = arena_alloc(a, cap);
    size_t n = 0;
    for (const char *p = tmpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *val = close ? lookup(vars, p + 1, (size_t)(close - p - 1)) : NULL;
        if (val) {
            size_t vl = strlen(val);
            if (n + vl >= cap)
                break;
            memcpy(out + n, val, vl);
            n += vl;
            p = close + 1;
        } else {
            if (n + 1 >= cap)
                break;
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

const char *chk_also_text(Arena *a, const char *const *names, uint32_t n, uint32_t more)
{
    if (!n)
        return "";
    char *t = arena_printf(a, " (it also reaches `%s`", names[0]);
    for (uint32_t i = 1; i < n; i++)
        t = arena_printf(a, "%s%s`%s`", t, i + 1 == n && !more ? " and " : ", ", names[i]);
    if (more)
        t = arena_printf(a, "%s and %u more", t, more);
    return arena_printf(a, "%s)", t);
}
