/* Shared reporter helpers (see rep_util.h). */
#include "rep_util.h"

#include <string.h>
#include <unistd.h>

#include "../base/path.h"
#include "../base/vec.h"
#include "../base/xalloc.h"

const char *rep_severity_name(Severity s)
{
    switch (s) {
    case SEV_NOTE:
        return "note";
    case SEV_WARNING:
        return "warning";
    case SEV_ERROR:
        return "error";
    }
    return "error";
}

Severity rep_severity(const Finding *f)
{
    return f->rule ? f->rule->severity : SEV_ERROR;
}

const char *rep_rule_id(const Finding *f)
{
    return f->rule && f->rule->id ? f->rule->id : "";
}

const char *rep_rule_name(const Finding *f)
{
    return f->rule && f->rule->name ? f->rule->name : "";
}

static const char *plural(uint32_t n, const char *word, Arena *a)
{
    return arena_printf(a, "%u %s%s", n, word, n == 1 ? "" : "s");
}

const char *rep_summary(Arena *a, const Finding *items, uint32_t n)
{
    if (n == 0)
        return "All checks passed!";
    uint32_t count[3] = {0, 0, 0}; /* indexed by Severity */
    for (uint32_t i = 0; i < n; i++)
        count[rep_severity(&items[i]) <= SEV_ERROR ? rep_severity(&items[i]) : SEV_ERROR]++;
    static const Severity order[3] = {SEV_ERROR, SEV_WARNING, SEV_NOTE};
    const char *parts[3];
    uint32_t nparts = 0;
    for (int i = 0; i < 3; i++)
        if (count[order[i]])
            parts[nparts++] = plural(count[order[i]], rep_severity_name(order[i]), a);
    if (nparts == 1)
        return arena_printf(a, "Found %s.", parts[0]);
    const char *list = parts[0];
    for (uint32_t i = 1; i < nparts; i++)
        list = arena_printf(a, "%s, %s", list, parts[i]);
    return arena_printf(a, "Found %s: %s.", plural(n, "finding", a), list);
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xE0 && c <= 0xEF) {
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

char *rep_utf8_clean(Arena *a, const char *s)
{
    if (!s)
        return arena_strdup(a, "");
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *p = out; /* one byte -> at most 3 (U+FFFD) */
    const unsigned char *q = (const unsigned char *)s;
    while (*q) {
        size_t k = utf8_len(q);
        if (k == 0) {
            memcpy(p, "\xEF\xBF\xBD", 3);
            p += 3;
            q++;
            continue;
        }
        memcpy(p, q, k);
        p += k;
        q += k;
    }
    *p = '\0';
    return out;
}

json_t *rep_jstr(const char *s)
{
    json_t *v = json_string(s ? s : "");
    if (v)
        return v;
    Arena a;
    arena_init(&a);
    v = json_string(rep_utf8_clean(&a, s));
    arena_free(&a);
    return v;
}

json_t *rep_jint(uint32_t v)
{
    return json_integer((json_int_t)v);
}

bool rep_json_dump(FILE *out, json_t *v)
{
    int rc = json_dumpf(v, out, JSON_INDENT(2));
    json_decref(v);
    if (rc != 0)
        return false;
    fputc('\n', out);
    return !ferror(out);
}

/* Appends the components of path to parts (an absolute path being built),
 * resolving `.` and `..` lexically (symlinks are not followed: the report
 * must not depend on the file system's state). */
typedef Vec(Str) StrVec;

static void push_components(StrVec *parts, const char *path)
{
    const char *p = path;
    Str seg;
    while (path_next_segment(&p, &seg)) {
        if (!path_is_parent(seg))
            vec_push(parts, seg);
        else if (parts->size)
            parts->size--;
    }
}

static char *join_components(Arena *a, const Str *parts, uint32_t n)
{
    size_t len = 1;
    for (uint32_t i = 0; i < n; i++)
        len += parts[i].len + 1;
    char *out = arena_alloc(a, len + 1), *p = out;
    if (n == 0)
        *p++ = '/';
    for (uint32_t i = 0; i < n; i++) {
        *p++ = '/';
        memcpy(p, parts[i].ptr, parts[i].len);
        p += parts[i].len;
    }
    *p = '\0';
    return out;
}

static char *normalise(Arena *a, const char *base, const char *path)
{
    StrVec parts;
    vec_init(&parts);
    if (path[0] != '/' && base)
        push_components(&parts, base);
    push_components(&parts, path);
    char *out = join_components(a, parts.contents, parts.size);
    vec_free(&parts);
    return out;
}

void rep_paths_init(RepPaths *p, Arena *a, const char *root)
{
    char *cwd = getcwd(NULL, 0); /* glibc allocates; released just below */
    p->cwd = normalise(a, NULL, cwd ? cwd : "/");
    xfree(cwd);
    p->root = root && *root ? normalise(a, p->cwd, root) : p->cwd;
}

char *rep_abs_path(Arena *a, const RepPaths *p, const char *path)
{
    return normalise(a, p->cwd, path ? path : "");
}

char *rep_rel_path(Arena *a, const RepPaths *p, const char *path)
{
    char *abs = rep_abs_path(a, p, path);
    size_t n = strlen(p->root);
    if (strcmp(p->root, "/") == 0)
        return abs[1] ? abs + 1 : NULL;
    if (strncmp(abs, p->root, n) != 0 || abs[n] != '/' || abs[n + 1] == '\0')
        return NULL;
    return abs + n + 1;
}

char *rep_uri_escape(Arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = arena_alloc(a, n * 3 + 1), *p = out;
    for (const unsigned char *q = (const unsigned char *)path; *q; q++) {
        unsigned char c = *q;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}
