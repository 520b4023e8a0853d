/* Segment-wise glob matching with `**` (see glob.h). */
#include "glob.h"

#include <fnmatch.h>
#include <stdint.h>
#include <string.h>

#include "../base/xalloc.h"

/* A path or pattern split in place into NUL-terminated segments. */
typedef struct Segs {
    char *buf;     /* heap copy of the text, '/' replaced by NUL */
    char **seg;    /* pointers into buf */
    uint32_t n;
} Segs;

static void segs_split(Segs *s, const char *text)
{
    size_t len = strlen(text);
    s->buf = xmalloc(len + 1);
    memcpy(s->buf, text, len + 1);
    /* At most len/2 + 1 non-empty segments. */
    s->seg = xmalloc(sizeof(char *) * (len / 2 + 2));
    s->n = 0;
    char *p = s->buf;
    while (*p) {
        if (*p == '/') {
            *p++ = '\0';
            continue;
        }
        s->seg[s->n++] = p;
        while (*p && *p != '/')
            p++;
    }
}

static void segs_free(Segs *s)
{
    xfree(s->buf);
    xfree(s->seg);
}

static bool is_globstar(const char *seg)
{
    return strcmp(seg, "**") == 0;
}

/* Dynamic programming over (pattern segment i, path segment j), computed from
 * the ends backwards with two rows: next[j] = "pattern[i+1..] matches
 * path[j..]", cur[j] = "pattern[i..] matches path[j..]". A run of `**` is
 * harmless: each costs one row. */
static bool segs_match(const Segs *pat, const Segs *path)
{
    uint32_t n = path->n;
    bool *next = xcalloc(n + 1, sizeof(bool));
    bool *cur = xcalloc(n + 1, sizeof(bool));
    next[n] = true; /* empty pattern matches only the empty rest */
    for (uint32_t i = pat->n; i-- > 0;) {
        const char *ps = pat->seg[i];
        bool star = is_globstar(ps);
        cur[n] = star && next[n];
        for (uint32_t j = n; j-- > 0;) {
            if (star)
                cur[j] = next[j] || cur[j + 1];
            else
                cur[j] = next[j + 1] && fnmatch(ps, path->seg[j], FNM_PERIOD) == 0;
        }
        bool *t = next;
        next = cur;
        cur = t;
    }
    bool ok = next[0];
    xfree(next);
    xfree(cur);
    return ok;
}

bool app_glob_match(const char *pattern, const char *path)
{
    Segs pat, p;
    segs_split(&pat, pattern);
    segs_split(&p, path);
    bool ok = segs_match(&pat, &p);
    segs_free(&pat);
    segs_free(&p);
    return ok;
}

bool app_glob_match_tree(const char *pattern, const char *relpath)
{
    size_t len = strlen(pattern);
    while (len > 0 && pattern[len - 1] == '/')
        len--;
    if (len == 0)
        return false;
    bool anchored = memchr(pattern, '/', len) != NULL;
    /* Rewrite as `**` / pattern / `**` (unanchored) or pattern / `**`. */
    char *full = xmalloc(len + 8);
    size_t k = 0;
    if (!anchored) {
        memcpy(full, "**/", 3);
        k = 3;
    }
    memcpy(full + k, pattern, len);
    k += len;
    memcpy(full + k, "/**", 4);
    bool ok = app_glob_match(full, relpath);
    xfree(full);
    return ok;
}
