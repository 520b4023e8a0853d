/* `.asynclint.yaml` loading, the questions the app asks of a Config, and the
 * directory -> config cache (see config.h). The YAML is parsed by ynode; this
 * file knows the keys, their types and their meaning. */
#include "config.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/path.h"
#include "../base/file.h"
#include "../base/xalloc.h"
#include "glob.h"

/* ruff's default `exclude` (docs "Configuring Ruff"): tool caches, virtual
 * environments, build output and VCS metadata. Matched against any path
 * component while walking. */
static const char *const default_excludes[] = {
    ".bzr",       ".direnv",     ".eggs",          ".git",        ".git-rewrite",
    ".hg",        ".ipynb_checkpoints",            ".mypy_cache", ".nox",
    ".pants.d",   ".pyenv",      ".pytest_cache",  ".pytype",     ".ruff_cache",
    ".svn",       ".tox",        ".venv",          ".vscode",     "__pypackages__",
    "_build",     "buck-out",    "build",          "dist",        "node_modules",
    "site-packages",             "venv",           NULL,
};

const char *const *cfg_default_excludes(void)
{
    return default_excludes;
}

/* ---- paths ---------------------------------------------------------------- */

static char *current_dir(Arena *a)
{
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf))
        return arena_strdup(a, buf);
    return arena_strdup(a, "/"); /* cwd deleted or too long: paths stay lexical */
}

/* Lexical normalisation of cwd + path into out (capacity strlen(cwd) +
 * strlen(path) + 3): drops empty and `.` segments, folds `..` into its parent
 * (never above the root). No system call: symlinks are not resolved, so a
 * config applies by where a path *says* it is. */
static void abs_into(char *out, const char *cwd, const char *path)
{
    size_t n = 0;
    const char *parts[2] = {path[0] == '/' ? "" : cwd, path};
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k];
        Str seg;
        while (path_next_segment(&p, &seg)) {
            if (path_is_parent(seg)) {
                while (n > 0 && out[n - 1] != '/')
                    n--;
                if (n > 0)
                    n--; /* the separator */
                continue;
            }
            out[n++] = '/';
            memcpy(out + n, seg.ptr, seg.len);
            n += seg.len;
        }
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
}

static char *abs_heap(const char *cwd, const char *path)
{
    char *out = xmalloc(strlen(cwd) + strlen(path) + 3);
    abs_into(out, cwd, path);
    return out;
}

static char *abs_arena(Arena *a, const char *cwd, const char *path)
{
    char *tmp = abs_heap(cwd, path);
    char *out = arena_strdup(a, tmp);
    xfree(tmp);
    return out;
}

/* The part of abs below dir ("" for dir itself), or NULL if abs is not below. */
static const char *below(const char *dir, const char *abs)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return abs + 1;
    if (strncmp(abs, dir, n) != 0)
        return NULL;
    if (abs[n] == '\0')
        return abs + n;
    return abs[n] == '/' ? abs + n + 1 : NULL;
}

/* How to show an absolute path: relative to cwd when below it, else absolute. */
static char *display_of(Arena *a, const char *cwd, const char *abs)
{
    const char *rel = below(cwd, abs);
    if (!rel)
        return arena_strdup(a, abs);
    return arena_strdup(a, rel[0] ? rel : ".");
}

/* The directory part of an absolute, normalised path. */
static char *parent_of(Arena *a, const char *abs)
{
    const char *slash = strrchr(abs, '/');
    if (!slash || slash == abs)
        return arena_strdup(a, "/");
    return arena_strndup(a, abs, (size_t)(slash - abs));
}

/* dir_display + "/" + rel (rel kept as is when absolute), normalised the way
 * discovery shows paths: no `./` prefix. */
static char *join_display(Arena *a, const char *dir_display, const char *rel)
{
    if (rel[0] == '/' || strcmp(dir_display, ".") == 0) {
        while (rel[0] == '.' && rel[1] == '/')
            rel += 2;
        return arena_strdup(a, rel[0] ? rel : ".");
    }
    return arena_printf(a, "%s/%s", dir_display, rel);
}

static char *dirname_of(Arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return arena_strdup(a, ".");
    if (slash == path)
        return arena_strdup(a, "/");
    return arena_strndup(a, path, (size_t)(slash - path));
}

/* A glob as matched (glob.h): leading and trailing '/' dropped, anchored
 * when it had a '/' anywhere but at its end. "" for a pattern of only '/'. */
static const char *trim_glob(Arena *a, const char *p, bool *anchored)
{
    size_t len = strlen(p);
    while (len > 0 && p[len - 1] == '/')
        len--;
    *anchored = memchr(p, '/', len) != NULL;
    while (len > 0 && p[0] == '/') {
        p++;
        len--;
    }
    return arena_strndup(a, p, len);
}

/* ---- key parsers ---------------------------------------------------------- */

static bool is_null_scalar(const YNode *v)
{
    return v->kind == YNODE_SCALAR &&
           (v->scalar[0] == '\0' || strcmp(v->scalar, "~") == 0 || strcmp(v->scalar, "null") == 0);
}

/* A list of non-empty strings: a SEQ of scalars or one scalar; an empty value
 * (`select:`) is an empty list. */
static bool parse_list(const YNode *v, const char *key, Arena *a, Diag *d, CfgList *out)
{
    const YNode *const *items = (const YNode *const *)&v;
    uint32_t n = 1;
    if (is_null_scalar(v)) {
        n = 0;
    } else if (v->kind == YNODE_SEQ) {
        items = (const YNode *const *)v->items;
        n = v->count;
    } else if (v->kind != YNODE_SCALAR) {
        return ynode_error(d, v, "'%s' expects a list of strings, found %s", key,
                           ynode_kind_name(v));
    }
    out->items = ARENA_ARRAY(a, const char *, n + 1);
    out->nodes = ARENA_ARRAY(a, const YNode *, n + 1);
    out->count = n;
    for (uint32_t i = 0; i < n; i++) {
        const YNode *it = items[i];
        if (it->kind != YNODE_SCALAR)
            return ynode_error(d, it, "'%s' entries must be strings, found %s", key,
                               ynode_kind_name(it));
        if (it->scalar[0] == '\0')
            return ynode_error(d, it, "'%s' entries must not be empty", key);
        out->items[i] = it->scalar;
        out->nodes[i] = it;
    }
    return true;
}

static bool parse_per_file_ignores(const YNode *v, Config *c, Arena *a, Diag *d)
{
    if (is_null_scalar(v))
        return true;
    if (v->kind != YNODE_MAP)
        return ynode_error(d, v, "'per-file-ignores' expects a map of glob: [rule selectors], "
                                 "found %s", ynode_kind_name(v));
    c->per_file_ignores = ARENA_ARRAY(a, CfgPathIgnore, v->count);
    bool ok = true;
    for (uint32_t i = 0; i < v->count; i++) {
        CfgPathIgnore *p = &c->per_file_ignores[c->nper_file_ignores];
        const char *g = v->keys[i];
        p->negated = g[0] == '!';
        p->glob = trim_glob(a, p->negated ? g + 1 : g, &p->anchored);
        p->node = v->key_nodes[i];
        if (p->glob[0] == '\0') {
            ok = ynode_error(d, p->node, "'per-file-ignores': empty glob");
            continue;
        }
        if (!parse_list(v->items[i], "per-file-ignores", a, d, &p->selectors)) {
            ok = false;
            continue;
        }
        c->nper_file_ignores++;
    }
    return ok;
}

/* `rules` and `compile-commands` name files relative to the config; a missing
 * one is reported here, where the position is known. */
static bool resolve_path(const Config *c, const char *dir_display, const YNode *n,
                         const char *key, Arena *a, Diag *d, const char **out)
{
    *out = join_display(a, dir_display, n->scalar);
    struct stat st;
    if (stat(*out, &st) != 0)
        return ynode_error(d, n,
                           "'%s': '%s' does not exist (paths are relative to the directory "
                           "of %s)", key, *out, c->path);
    return true;
}

static bool parse_rules(const YNode *v, Config *c, const char *dir_display, Arena *a, Diag *d)
{
    if (!parse_list(v, "rules", a, d, &c->rules))
        return false;
    bool ok = true;
    for (uint32_t i = 0; i < c->rules.count; i++)
        ok &= resolve_path(c, dir_display, c->rules.nodes[i], "rules", a, d, &c->rules.items[i]);
    return ok;
}

static bool parse_compile_commands(const YNode *v, Config *c, const char *dir_display, Arena *a,
                                   Diag *d)
{
    if (v->kind != YNODE_SCALAR || v->scalar[0] == '\0')
        return ynode_error(d, v, "'compile-commands' expects a path (a compile_commands.json "
                                 "or the build directory holding it), found %s",
                           v->kind == YNODE_SCALAR ? "an empty value" : ynode_kind_name(v));
    c->compile_commands_node = v;
    return resolve_path(c, dir_display, v, "compile-commands", a, d, &c->compile_commands);
}

static bool parse_fail_on(const YNode *v, Config *c, Diag *d)
{
    static const char *const names[] = {"error", "warning", "note"};
    static const Severity sevs[] = {SEV_ERROR, SEV_WARNING, SEV_NOTE};
    if (v->kind != YNODE_SCALAR)
        return ynode_error(d, v, "'fail-on' expects one of error, warning, note; found %s",
                           ynode_kind_name(v));
    for (int i = 0; i < 3; i++) {
        if (strcmp(v->scalar, names[i]) == 0) {
            c->fail_on = sevs[i];
            return true;
        }
    }
    const char *hint = ynode_suggest(v->scalar, names, 3);
    return ynode_error(d, v, "'fail-on' expects one of error, warning, note; found '%s'%s%s%s",
                       v->scalar, hint ? " (did you mean '" : "", hint ? hint : "",
                       hint ? "'?)" : "");
}

/* ---- the document ----------------------------------------------------------- */

static const char *const known_keys[] = {
    "select",  "extend-select",  "ignore", "per-file-ignores", "exclude",
    "extend-exclude", "rules",   "compile-commands", "fail-on", "no-default-rules",
};
enum { NKEYS = sizeof known_keys / sizeof known_keys[0] };

static bool parse_key(const char *key, const YNode *v, Config *c, const char *dir_display,
                      Arena *a, Diag *d)
{
    if (strcmp(key, "select") == 0)
        return parse_list(v, key, a, d, &c->select);
    if (strcmp(key, "extend-select") == 0)
        return parse_list(v, key, a, d, &c->extend_select);
    if (strcmp(key, "ignore") == 0)
        return parse_list(v, key, a, d, &c->ignore);
    if (strcmp(key, "exclude") == 0)
        return parse_list(v, key, a, d, &c->exclude);
    if (strcmp(key, "extend-exclude") == 0)
        return parse_list(v, key, a, d, &c->extend_exclude);
    if (strcmp(key, "per-file-ignores") == 0)
        return parse_per_file_ignores(v, c, a, d);
    if (strcmp(key, "rules") == 0)
        return parse_rules(v, c, dir_display, a, d);
    if (strcmp(key, "compile-commands") == 0)
        return parse_compile_commands(v, c, dir_display, a, d);
    if (strcmp(key, "fail-on") == 0)
        return parse_fail_on(v, c, d);
    return ynode_bool(v, d, key, &c->no_default_rules); /* no-default-rules */
}

static void report_unknown_key(const YNode *keynode, const char *key, Diag *d)
{
    const char *hint = ynode_suggest(key, known_keys, NKEYS);
    if (hint)
        ynode_error(d, keynode, "unknown key '%s' (did you mean '%s'?)", key, hint);
    else
        ynode_error(d, keynode, "unknown key '%s' (expected one of: select, extend-select, "
                                "ignore, per-file-ignores, exclude, extend-exclude, rules, "
                                "compile-commands, fail-on, no-default-rules)", key);
}

/* exclude (or the default list) + extend-exclude, prepared for matching. */
static void prepare_globs(Config *c, Arena *a)
{
    const char *const *base = c->exclude.items ? c->exclude.items : default_excludes;
    uint32_t nb = 0, ne = c->extend_exclude.count;
    while (base[nb])
        nb++;
    c->globs = ARENA_ARRAY(a, CfgGlob, nb + ne);
    for (uint32_t i = 0; i < nb + ne; i++) {
        const char *p = i < nb ? base[i] : c->extend_exclude.items[i - nb];
        CfgGlob *g = &c->globs[c->nglobs];
        g->pat = trim_glob(a, p, &g->anchored);
        g->len = (uint32_t)strlen(g->pat);
        g->form = !strpbrk(g->pat, "*?[\\")       ? CFG_GLOB_NAME
                  : g->pat[0] == '*' && !strpbrk(g->pat + 1, "*?[\\") ? CFG_GLOB_SUFFIX
                                                                      : CFG_GLOB_FNMATCH;
        if (g->pat[0])
            c->nglobs++;
    }
}

/* fnmatch(g->pat, name, FNM_PERIOD) == 0, without fnmatch for the common forms
 * (a leading `*` never matches a leading '.' under FNM_PERIOD). */
static bool glob_name_match(const CfgGlob *g, const char *name)
{
    switch (g->form) {
    case CFG_GLOB_NAME:
        return name[0] == g->pat[0] && strcmp(name, g->pat) == 0;
    case CFG_GLOB_SUFFIX: {
        size_t n = strlen(name), k = g->len - 1;
        return name[0] != '.' && n >= k && memcmp(name + n - k, g->pat + 1, k) == 0;
    }
    default:
        return fnmatch(g->pat, name, FNM_PERIOD) == 0;
    }
}

static Config *config_new(Arena *a, const char *path, const char *cwd)
{
    Config *c = ARENA_NEW(a, Config);
    c->cwd = cwd;
    c->fail_on = SEV_NOTE;
    if (path) {
        c->path = arena_strdup(a, path);
        c->dir = dirname_of(a, abs_arena(a, cwd, path));
    } else {
        c->dir = cwd;
    }
    return c;
}

Config *cfg_defaults(Arena *a)
{
    Config *c = config_new(a, NULL, current_dir(a));
    prepare_globs(c, a);
    return c;
}

static bool load_text_cwd(const char *path, const char *text, size_t len, const char *cwd,
                          Arena *a, Diag *d, Config **out)
{
    *out = NULL;
    const YNode *root = ynode_parse(a, path, text, len, d);
    if (!root)
        return false;
    Config *c = config_new(a, path, cwd);
    c->root = root;
    if (is_null_scalar(root)) {
        prepare_globs(c, a);
        *out = c;
        return true;
    }
    if (root->kind != YNODE_MAP)
        return ynode_error(d, root, "expected a map of settings at the top level, found %s",
                           ynode_kind_name(root));
    const char *dir_display = dirname_of(a, c->path);
    bool ok = true;
    for (uint32_t i = 0; i < root->count; i++) {
        const char *key = root->keys[i];
        bool known = false;
        for (uint32_t k = 0; k < NKEYS; k++)
            known |= strcmp(key, known_keys[k]) == 0;
        if (!known) {
            report_unknown_key(root->key_nodes[i], key, d);
            ok = false;
            continue;
        }
        ok &= parse_key(key, root->items[i], c, dir_display, a, d);
    }
    if (!ok)
        return false;
    prepare_globs(c, a);
    *out = c;
    return true;
}

bool cfg_load_text(const char *path, const char *text, size_t len, Arena *a, Diag *d,
                   Config **out)
{
    return load_text_cwd(path, text, len, current_dir(a), a, d, out);
}

static bool load_file_cwd(const char *path, const char *display, const char *cwd, Arena *a,
                          Diag *d, Config **out)
{
    char *text;
    size_t len;
    *out = NULL;
    if (!file_read_all(path, &text, &len, d))
        return false;
    bool ok = load_text_cwd(display ? display : path, text, len, cwd, a, d, out);
    xfree(text);
    return ok;
}

bool cfg_load(const char *path, const char *display, Arena *a, Diag *d, Config **out)
{
    return load_file_cwd(path, display, current_dir(a), a, d, out);
}

/* ---- questions -------------------------------------------------------------- */

/* The path to match globs against, in the heap buffer *abs (caller frees):
 * below c's directory (*inside: anchored patterns apply), or, for a path
 * outside it, the path relative to the cwd, else absolute without its '/'
 * (only unanchored patterns apply). */
static const char *match_path(const Config *c, const char *path, bool *inside, char **abs)
{
    *abs = abs_heap(c->cwd, path);
    const char *rel = below(c->dir, *abs);
    *inside = rel != NULL;
    if (rel)
        return rel;
    rel = below(c->cwd, *abs);
    return rel ? rel : *abs + 1;
}

bool cfg_entry_excluded(const Config *c, const char *path, const char *name)
{
    char *abs = NULL;
    const char *rel = NULL;
    bool inside = false, hit = false;
    for (uint32_t i = 0; i < c->nglobs && !hit; i++) {
        const CfgGlob *g = &c->globs[i];
        if (!g->anchored) {
            hit = glob_name_match(g, name);
            continue;
        }
        if (!rel)
            rel = match_path(c, path, &inside, &abs);
        hit = inside && app_glob_match(g->pat, rel);
    }
    xfree(abs);
    return hit;
}

/* Unanchored patterns test every component of rel; anchored ones only apply
 * below the config's directory. */
static bool glob_hits(const char *pat, bool anchored, const char *rel, bool inside)
{
    if (anchored && !inside)
        return false;
    return app_glob_match_tree(pat, rel);
}

bool cfg_path_excluded(const Config *c, const char *path)
{
    char *abs;
    bool inside;
    const char *rel = match_path(c, path, &inside, &abs);
    bool hit = false;
    for (uint32_t i = 0; i < c->nglobs && !hit; i++)
        hit = glob_hits(c->globs[i].pat, c->globs[i].anchored, rel, inside);
    xfree(abs);
    return hit;
}

/* Does any selector of l select r? `ALL` does not count for a rule that is off
 * by default unless all_counts (ignore lists: `ALL` removes everything). */
static bool list_matches(const CfgList *l, const Rule *r, bool all_counts)
{
    for (uint32_t i = 0; i < l->count; i++) {
        const char *s = l->items[i];
        if (!all_counts && !r->default_enabled && strcmp(s, "ALL") == 0)
            continue;
        if (rules_selector_matches(r, s))
            return true;
    }
    return false;
}

bool cfg_path_ignored(const Config *c, const char *path, const Rule *r)
{
    if (c->nper_file_ignores == 0)
        return false;
    char *abs;
    bool inside;
    const char *rel = match_path(c, path, &inside, &abs);
    bool hit = false;
    for (uint32_t i = 0; i < c->nper_file_ignores && !hit; i++) {
        const CfgPathIgnore *p = &c->per_file_ignores[i];
        bool m = glob_hits(p->glob, p->anchored, rel, inside);
        if (p->negated)
            m = !m;
        hit = m && list_matches(&p->selectors, r, true);
    }
    xfree(abs);
    return hit;
}

/* One layer of selection (config, then command line) applied to `on`. */
static void apply_layer(const CfgList *sel, const CfgList *ext, const CfgList *ign,
                        const Rule *r, bool *on)
{
    if (sel->items)
        *on = list_matches(sel, r, false);
    if (ext->items && list_matches(ext, r, false))
        *on = true;
    if (ign->items && list_matches(ign, r, true))
        *on = false;
}

static CfgList list_of(const char *const *items)
{
    CfgList l = {(const char **)items, NULL, 0};
    while (items && items[l.count])
        l.count++;
    return l;
}

bool cfg_rule_enabled(const Config *c, const CfgOverrides *cli, const Rule *r)
{
    bool no_defaults = c->no_default_rules || (cli && cli->no_default_rules);
    if (no_defaults && r->pack && r->pack->embedded)
        return false;
    bool on = r->default_enabled;
    apply_layer(&c->select, &c->extend_select, &c->ignore, r, &on);
    if (cli) {
        CfgList s = list_of(cli->select), e = list_of(cli->extend_select);
        CfgList i = list_of(cli->ignore);
        apply_layer(&s, &e, &i, r, &on);
    }
    return on;
}

bool cfg_fails(const Config *c, Severity s)
{
    return s >= c->fail_on;
}

/* ---- the cache -------------------------------------------------------------- */

/* A config file met by the cache: loaded, or broken (reported once). */
typedef struct Loaded {
    Config *cfg; /* NULL when broken */
} Loaded;

struct CfgCache {
    Arena arena;
    const char *cwd;
    Config *defaults;
    Config *override;     /* --config */
    StrMap dirs;          /* absolute dir -> absolute config path, or &no_config */
    StrMap files;         /* absolute config path -> Loaded */
    Vec(Config *) configs; /* in load order */
    const Config **sorted;
    Vec(const char *) packs;
    uint32_t errors;
};

static char no_config; /* the dirs map's "searched: none" value */

CfgCache *cfg_cache_new(void)
{
    CfgCache *cc = xcalloc(1, sizeof *cc);
    arena_init(&cc->arena);
    cc->cwd = current_dir(&cc->arena);
    cc->defaults = cfg_defaults(&cc->arena);
    vec_init(&cc->configs);
    vec_init(&cc->packs);
    return cc;
}

void cfg_cache_free(CfgCache *cc)
{
    if (!cc)
        return;
    strmap_free(&cc->dirs);
    strmap_free(&cc->files);
    vec_free(&cc->configs);
    vec_free(&cc->packs);
    xfree(cc->sorted);
    arena_free(&cc->arena);
    xfree(cc);
}

bool cfg_cache_set_override(CfgCache *cc, const char *path, Diag *d)
{
    Config *c;
    if (!load_file_cwd(path, NULL, cc->cwd, &cc->arena, d, &c)) {
        cc->errors++;
        return false;
    }
    cc->override = c;
    vec_push(&cc->configs, c);
    return true;
}

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Nearest config file of an absolute directory, walking up. Every directory
 * passed on the way is remembered, so siblings and children cost one lookup. */
static const char *find_abs(CfgCache *cc, const char *dir)
{
    Vec(const char *) pending;
    vec_init(&pending);
    const char *cur = arena_strdup(&cc->arena, dir), *found = NULL;
    for (;;) {
        void **hit = strmap_get(&cc->dirs, cur);
        if (hit) {
            found = *hit == &no_config ? NULL : *hit;
            break;
        }
        vec_push(&pending, cur);
        const char *cand = arena_printf(&cc->arena, "%s/%s", strcmp(cur, "/") ? cur : "",
                                        CFG_FILE_NAME);
        if (is_regular_file(cand)) {
            found = cand;
            break;
        }
        if (strcmp(cur, "/") == 0)
            break;
        cur = parent_of(&cc->arena, cur);
    }
    for (uint32_t i = 0; i < pending.size; i++)
        strmap_put(&cc->dirs, pending.contents[i], found ? (void *)found : &no_config);
    vec_free(&pending);
    return found;
}

const char *cfg_find(CfgCache *cc, const char *dir)
{
    if (cc->override)
        return cc->override->path;
    char *abs = abs_heap(cc->cwd, dir);
    const char *found = find_abs(cc, abs);
    xfree(abs);
    return found ? display_of(&cc->arena, cc->cwd, found) : NULL;
}

static Loaded *load_once(CfgCache *cc, const char *abs, Diag *d)
{
    void **hit = strmap_get(&cc->files, abs);
    if (hit)
        return *hit;
    Loaded *l = ARENA_NEW(&cc->arena, Loaded);
    const char *display = display_of(&cc->arena, cc->cwd, abs);
    if (load_file_cwd(abs, display, cc->cwd, &cc->arena, d, &l->cfg))
        vec_push(&cc->configs, l->cfg);
    else
        cc->errors++;
    strmap_put(&cc->files, abs, l);
    return l;
}

bool cfg_for_path(CfgCache *cc, const char *path, bool is_dir, Diag *d, const Config **out)
{
    *out = cc->override ? cc->override : cc->defaults;
    if (cc->override)
        return true;
    char *abs = abs_heap(cc->cwd, path);
    const char *dir = is_dir ? abs : parent_of(&cc->arena, abs);
    const char *found = find_abs(cc, dir);
    xfree(abs);
    if (!found)
        return true;
    Loaded *l = load_once(cc, found, d);
    if (!l->cfg)
        return false;
    *out = l->cfg;
    return true;
}

static int cmp_config(const void *x, const void *y)
{
    const Config *a = *(const Config *const *)x, *b = *(const Config *const *)y;
    return strcmp(a->path, b->path);
}

uint32_t cfg_cache_configs(CfgCache *cc, const Config *const **out)
{
    uint32_t n = cc->configs.size;
    xfree(cc->sorted);
    cc->sorted = xmalloc(sizeof(Config *) * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++)
        cc->sorted[i] = cc->configs.contents[i];
    if (n > 1)
        qsort(cc->sorted, n, sizeof(Config *), cmp_config);
    *out = cc->sorted;
    return n;
}

uint32_t cfg_cache_rule_paths(CfgCache *cc, const char *const **out)
{
    const Config *const *cfgs;
    uint32_t n = cfg_cache_configs(cc, &cfgs);
    StrMap seen = {0};
    vec_clear(&cc->packs);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < cfgs[i]->rules.count; k++) {
            const char *p = cfgs[i]->rules.items[k];
            char *real = realpath(p, NULL);
            const char *key = arena_strdup(&cc->arena, real ? real : p);
            free(real); /* realpath's buffer comes from malloc */
            if (strmap_get(&seen, key))
                continue;
            strmap_put(&seen, key, (void *)p);
            vec_push(&cc->packs, p);
        }
    }
    strmap_free(&seen);
    *out = cc->packs.contents;
    return cc->packs.size;
}

static bool validate_list(const CfgList *l, const RuleSet *rs, const char *const *cands,
                          size_t ncands, const char *key, Diag *d)
{
    bool ok = true;
    for (uint32_t i = 0; i < l->count; i++) {
        const char *s = l->items[i];
        if (!l->nodes || !l->nodes[i] || rules_selector_valid(rs, s))
            continue;
        const char *hint = ynode_suggest(s, cands, ncands);
        ok = ynode_error(d, l->nodes[i], "'%s': unknown rule selector '%s'%s%s%s", key, s,
                         hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    }
    return ok;
}

bool cfg_cache_validate(CfgCache *cc, const RuleSet *rs, Diag *d)
{
    const char **cands = xmalloc(sizeof(char *) * (2 * (size_t)rs->nrules + 1));
    size_t nc = 0;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        cands[nc++] = rs->rules[i]->id;
        if (rs->rules[i]->name)
            cands[nc++] = rs->rules[i]->name;
    }
    const Config *const *cfgs;
    uint32_t n = cfg_cache_configs(cc, &cfgs);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        const Config *c = cfgs[i];
        ok &= validate_list(&c->select, rs, cands, nc, "select", d);
        ok &= validate_list(&c->extend_select, rs, cands, nc, "extend-select", d);
        ok &= validate_list(&c->ignore, rs, cands, nc, "ignore", d);
        for (uint32_t k = 0; k < c->nper_file_ignores; k++)
            ok &= validate_list(&c->per_file_ignores[k].selectors, rs, cands, nc,
                                "per-file-ignores", d);
    }
    xfree(cands);
    return ok;
}

uint32_t cfg_cache_errors(const CfgCache *cc)
{
    return cc->errors;
}
