/* Recursive file discovery with git ignore rules (see discover.h). libgit2
 * answers "is this path ignored?" for the repository that contains it;
 * directories are tracked by device and inode so symlinked directories are
 * followed once and loops end with a note. */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/path.h"
#include "../base/vec.h"
#include "../base/xalloc.h"

typedef struct DirId {
    dev_t dev;
    ino_t ino;
} DirId;

/* The repository a directory belongs to, and the directory's path inside its
 * work tree ("" for the top). repo NULL: no .gitignore applies. */
typedef struct GitPos {
    git_repository *repo;
    const char *rel;
} GitPos;

typedef struct Ancestor {
    DirId id;
    const char *path;
} Ancestor;

typedef struct Walker {
    const AppDiscoverOptions *opt;
    Arena *a;
    Diag *d;
    Vec(AppFile) files;
    Vec(Ancestor) stack;      /* directories being walked, outermost first */
    DirId *seen;              /* open-addressing set of walked directories */
    uint32_t seen_cap, seen_count;
    Vec(git_repository *) repos; /* opened, freed at the end */
    bool git_wanted;             /* .gitignore files are honoured (no --no-gitignore) */
    int git_state;               /* libgit2: 0 not started yet, 1 ready, -1 unavailable */
    AppDiscovery *out;
} Walker;

/* ---- paths ---------------------------------------------------------------- */

const char *app_discover_normalize(Arena *a, const char *path)
{
    size_t len = strlen(path);
    char *out = arena_alloc(a, len + 2);
    size_t n = 0;
    const char *p = path;
    if (*p == '/')
        out[n++] = '/';
    Str seg;
    while (path_next_segment(&p, &seg)) { /* `..` is kept: discovery shows paths as given */
        if (n > 0 && out[n - 1] != '/')
            out[n++] = '/';
        memcpy(out + n, seg.ptr, seg.len);
        n += seg.len;
    }
    if (n == 0)
        out[n++] = '.';
    out[n] = '\0';
    return out;
}

static const char *join(Arena *a, const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        return arena_strdup(a, name);
    size_t n = strlen(dir);
    return arena_printf(a, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

bool app_discover_lang(const char *path, bool is_explicit, Lang *out)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return false;
    if (strcmp(dot, ".py") == 0 || strcmp(dot, ".pyi") == 0) {
        *out = LANG_PYTHON;
        return true;
    }
    if (strcmp(dot, ".c") == 0 || (is_explicit && strcmp(dot, ".h") == 0)) {
        *out = LANG_C;
        return true;
    }
    return false;
}

/* ---- visited directories ---------------------------------------------------- */

static uint32_t dir_hash(DirId id)
{
    uint64_t h = (uint64_t)id.dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)id.ino;
    h ^= h >> 29;
    return (uint32_t)(h * 0xBF58476D1CE4E5B9ull >> 32);
}

static bool same_dir(DirId x, DirId y)
{
    return x.dev == y.dev && x.ino == y.ino;
}

/* Adds id to the set; false if it was already there. Slot ino 0 is "empty"
 * (no directory has inode 0 on the file systems we walk; one that does is
 * simply never de-duplicated). */
static bool seen_add(Walker *w, DirId id)
{
    if (id.ino == 0)
        return true;
    if ((w->seen_count + 1) * 2 >= w->seen_cap) {
        uint32_t old = w->seen_cap;
        DirId *prev = w->seen;
        w->seen_cap = old ? old * 2 : 256;
        w->seen = xcalloc(w->seen_cap, sizeof(DirId));
        w->seen_count = 0;
        for (uint32_t i = 0; i < old; i++)
            if (prev[i].ino)
                seen_add(w, prev[i]);
        xfree(prev);
    }
    uint32_t i = dir_hash(id) & (w->seen_cap - 1);
    for (; w->seen[i].ino; i = (i + 1) & (w->seen_cap - 1))
        if (same_dir(w->seen[i], id))
            return false;
    w->seen[i] = id;
    w->seen_count++;
    return true;
}

static const Ancestor *find_ancestor(const Walker *w, DirId id)
{
    for (uint32_t i = 0; i < w->stack.size; i++)
        if (same_dir(w->stack.contents[i].id, id))
            return &w->stack.contents[i];
    return NULL;
}

/* ---- git ------------------------------------------------------------------ */

/* The part of abs below dir ("" for dir itself), or NULL. */
static const char *path_below(const char *dir, const char *abs)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strncmp(abs, dir, n) != 0)
        return NULL;
    if (abs[n] == '\0')
        return abs + n;
    if (n == 1 && dir[0] == '/')
        return abs + 1;
    return abs[n] == '/' ? abs + n + 1 : NULL;
}

/* libgit2 (like git since 2.35.2) refuses to open a repository owned by
 * another user, which would silently drop every .gitignore when asynclint
 * runs as root in a container over a mounted checkout. We only read ignore
 * rules (no hooks, no filters, nothing executed), so the check protects
 * nothing here: switch it off. */
static void trust_repositories(void)
{
#if LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 5)
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
#endif
}

/* A checkout with no git repository around it never needs libgit2. */
static bool has_git_entry(const char *real, bool here_only)
{
    size_t n = strlen(real);
    char *p = xmalloc(n + sizeof "/.git");
    memcpy(p, real, n + 1);
    bool found = false;
    for (;;) {
        strcpy(p + n, n == 1 && p[0] == '/' ? ".git" : "/.git");
        struct stat st;
        if ((found = lstat(p, &st) == 0) || here_only || n <= 1)
            break;
        while (n > 1 && p[n - 1] != '/') /* up one level */
            n--;
        if (n > 1)
            n--; /* `/a/b/` -> `/a/b`, but `/` stays */
    }
    xfree(p);
    return found;
}

/* libgit2 is loaded and started at the first repository met, not before: its
 * start-up (loading its libraries, reading the system's CA certificates) took
 * 8 of the 10.6 ms of a small run outside any repository. */
static bool git_ready(Walker *w)
{
    if (w->git_state == 0) {
        const char *why = NULL;
        if (app_git_load(&why)) {
            git_libgit2_init();
            trust_repositories();
            w->git_state = 1;
        } else {
            w->git_state = -1;
            if (why)
                diag_report(w->d, DIAG_NOTE, NULL, 0, 0, "%s; .gitignore files are not honoured",
                            why);
        }
    }
    return w->git_state > 0;
}

/* Opens the repository whose work tree holds dir (searching upwards unless
 * here_only) and returns dir's position in it; repo NULL when there is none,
 * when it is bare, or when anything about it fails (no .gitignore then). */
static GitPos git_locate(Walker *w, const char *dir, bool here_only)
{
    GitPos pos = {NULL, ""};
    if (!w->git_wanted)
        return pos;
    char *real = realpath(dir, NULL);
    git_repository *repo = NULL;
    unsigned flags = here_only ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0;
    /* no `.git` on the way up: no work tree (a bare repository is no use either) */
    if (!real || !has_git_entry(real, here_only) || !git_ready(w) ||
        git_repository_open_ext(&repo, real, flags, NULL) != 0) {
        free(real);
        return pos;
    }
    const char *wd = git_repository_workdir(repo);
    char *wd_real = wd ? realpath(wd, NULL) : NULL;
    const char *rel = wd_real ? path_below(wd_real, real) : NULL;
    if (rel && strncmp(rel, ".git", 4) != 0) {
        pos.repo = repo;
        pos.rel = arena_strdup(w->a, rel);
        vec_push(&w->repos, repo);
    } else {
        git_repository_free(repo);
    }
    free(wd_real);
    free(real); /* realpath's buffers come from malloc */
    return pos;
}

static const char *git_child(Arena *a, GitPos at, const char *name)
{
    return at.rel[0] ? arena_printf(a, "%s/%s", at.rel, name) : arena_strdup(a, name);
}

/* Is rel (a path inside at.repo's work tree) ignored? libgit2 also applies
 * the rules of every parent directory, as git does. */
static bool git_ignored(git_repository *repo, const char *rel)
{
    int ignored = 0;
    if (!repo || rel[0] == '\0')
        return false;
    if (git_ignore_path_is_ignored(&ignored, repo, rel) != 0)
        return false;
    return ignored != 0;
}

/* ---- the walk --------------------------------------------------------------- */

static void add_file(Walker *w, const char *path, Lang lang, bool is_explicit,
                     const Config *cfg)
{
    AppFile f = {path, lang, is_explicit, cfg};
    vec_push(&w->files, f);
}

/* A directory entry: its name and the type readdir gave (DT_UNKNOWN when the
 * file system does not say). */
typedef struct Entry {
    const char *name;
    unsigned char type;
} Entry;

static int cmp_entries(const void *x, const void *y)
{
    return strcmp(((const Entry *)x)->name, ((const Entry *)y)->name);
}

/* Opens directory `name` of the directory open on `at` (AT_FDCWD: name is a
 * path), known to the user as `path`, for listing. Relative to its parent's
 * descriptor, the kernel looks up one name instead of walking the whole path
 * again. Its identity (device, inode) comes from the descriptor, so a walk
 * needs no stat per directory. -1 and a diagnostic if it cannot be opened
 * (none if it is gone and missing_ok: removed while walking). */
static int open_dir(Walker *w, int at, const char *name, const char *path, bool missing_ok,
                    DirId *id)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 && missing_ok && errno == ENOENT)
        return -1;
    if (fd < 0) {
        diag_report(w->d, DIAG_ERROR, path, 0, 0, "cannot read directory: %s", strerror(errno));
        w->out->io_errors++;
        return -1;
    }
    *id = (DirId){st.st_dev, st.st_ino};
    return fd;
}

/* The entries of the open directory fd (left open), sorted by name bytes
 * (deterministic output whatever order the file system returns). Heap array
 * of arena strings; NULL and a diagnostic if the directory cannot be read.
 * getdents64 straight into a buffer: opendir would add an fstat per directory. */
static Entry *list_dir(Walker *w, const char *path, int fd, uint32_t *count)
{
    Vec(Entry) names;
    vec_init(&names);
    char buf[32768];
    for (;;) {
        ssize_t got = getdents64(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diag_report(w->d, DIAG_ERROR, path, 0, 0, "cannot read directory: %s",
                        strerror(errno));
            w->out->io_errors++;
            vec_free(&names);
            return NULL;
        }
        if (got == 0)
            break;
        for (ssize_t off = 0; off < got;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + off);
            off += e->d_reclen;
            if (e->d_name[0] == '.' &&
                (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
                continue;
            Entry en = {arena_strdup(w->a, e->d_name), e->d_type};
            vec_push(&names, en);
        }
    }
    if (names.size > 1)
        qsort(names.contents, names.size, sizeof(Entry), cmp_entries);
    *count = names.size;
    return names.contents;
}

static void walk_dir(Walker *w, const char *path, int fd, DirId id, GitPos git,
                     const Config *cfg, uint32_t depth);

/* The entry called name among the n sorted entries, or NULL. */
static const Entry *find_entry(const Entry *names, uint32_t n, const char *name)
{
    Entry key = {name, 0};
    return bsearch(&key, names, n, sizeof *names, cmp_entries);
}

/* ---- packages ---------------------------------------------------------------- */

static char package_yes, package_no; /* the values remembered */

void app_packages_init(AppPackages *pk, Arena *a)
{
    *pk = (AppPackages){.arena = a};
}

void app_packages_free(AppPackages *pk)
{
    strmap_free(&pk->dirs);
}

void app_packages_put(AppPackages *pk, const char *dir, bool package)
{
    strmap_put(&pk->dirs, dir, package ? &package_yes : &package_no);
}

int app_packages_get(const AppPackages *pk, const char *dir)
{
    void **v = strmap_get(&pk->dirs, dir);
    return v ? *v == &package_yes : -1;
}

/* What the listing of directory `path` says of it being a package: an
 * __init__.py readdir types as a regular file, or none. A symbolic link (or
 * a file system that gives no types) is left to a stat, if ever asked. */
static void note_package(Walker *w, const char *path, const Entry *names, uint32_t n)
{
    const Entry *init = find_entry(names, n, "__init__.py");
    if (!init)
        app_packages_put(&w->out->packages, path, false);
    else if (init->type == DT_REG || init->type == DT_DIR)
        app_packages_put(&w->out->packages, path, init->type == DT_REG);
}

/* A directory met while walking: excluded, ignored, a loop, already walked
 * through another symlink, or walked now (with its own config and, if it is a
 * nested repository, its own ignore rules). */
static void visit_subdir(Walker *w, int dirfd, const char *path, const char *name, GitPos git,
                         const Config *cfg, uint32_t depth)
{
    GitPos child = {git.repo, git.repo ? git_child(w->a, git, name) : ""};
    if (git_ignored(child.repo, child.rel))
        return;
    DirId id;
    int fd = open_dir(w, dirfd, name, path, true, &id);
    if (fd < 0)
        return;
    const Ancestor *loop = find_ancestor(w, id);
    if (loop) {
        diag_report(w->d, DIAG_NOTE, path, 0, 0,
                    "symbolic link loop: this is '%s' again; not followed", loop->path);
        close(fd);
        return;
    }
    /* Not walked if walked already through another path, or if its
     * .asynclint.yaml is broken (reported once by the cache). */
    const Config *sub;
    if (!seen_add(w, id) || !cfg_for_path(w->opt->configs, path, true, w->d, &sub)) {
        close(fd);
        return;
    }
    walk_dir(w, path, fd, id, child, sub, depth + 1);
}

/* .git is VCS metadata and __pycache__ the interpreter's bytecode cache (PEP
 * 3147: only .pyc files): neither ever holds a source to read, so neither is
 * walked, whatever `exclude` says. Decided by name, before any system call. */
static bool skipped_dir(const char *path, const char *name, const Config *cfg)
{
    return strcmp(name, ".git") == 0 || strcmp(name, "__pycache__") == 0 ||
           cfg_entry_excluded(cfg, path, name);
}

/* A regular file met while walking: kept if its extension is one we read and
 * nothing excludes it. */
static void visit_file(Walker *w, const char *path, const char *name, GitPos git,
                       const Config *cfg)
{
    Lang lang;
    if (!app_discover_lang(name, false, &lang) || cfg_entry_excluded(cfg, path, name))
        return;
    if (git.repo && git_ignored(git.repo, git_child(w->a, git, name)))
        return;
    add_file(w, path, lang, false, cfg);
}

/* An entry of directory `dir`, open on dirfd. */
static void visit_entry(Walker *w, const char *dir, int dirfd, const Entry *en, GitPos git,
                        const Config *cfg, uint32_t depth)
{
    const char *name = en->name;
    Lang lang;
    /* A regular file readdir already typed needs no stat: most of a tree is
     * files we do not read, and the ones we read are opened anyway. */
    if (en->type == DT_REG) {
        if (app_discover_lang(name, false, &lang))
            visit_file(w, join(w->a, dir, name), name, git, cfg);
        return;
    }
    if (en->type != DT_DIR && en->type != DT_LNK && en->type != DT_UNKNOWN)
        return; /* FIFOs, sockets and devices: skipped silently, reading one could block */
    const char *path = join(w->a, dir, name);
    if (en->type == DT_DIR) { /* opened, not stat'ed: open_dir gives its identity */
        if (!skipped_dir(path, name, cfg))
            visit_subdir(w, dirfd, path, name, git, cfg, depth);
        return;
    }
    struct stat st;
    if (fstatat(dirfd, name, &st, 0) != 0) { /* through a symlink, as stat */
        /* A dangling symlink (or a file removed meanwhile): worth a note only
         * when it looks like a source file. */
        if (app_discover_lang(name, false, &lang))
            diag_report(w->d, DIAG_NOTE, path, 0, 0, "skipped: %s", strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!skipped_dir(path, name, cfg))
            visit_subdir(w, dirfd, path, name, git, cfg, depth);
    } else if (S_ISREG(st.st_mode)) {
        visit_file(w, path, name, git, cfg);
    }
    /* FIFOs, sockets and devices are skipped silently: reading one could block. */
}

/* Walks the directory open on fd (closed here; open while its entries are
 * visited, so that they are opened relative to it: at most one descriptor per
 * level, APP_DISCOVER_MAX_DEPTH in all). */
static void walk_dir(Walker *w, const char *path, int fd, DirId id, GitPos git,
                     const Config *cfg, uint32_t depth)
{
    if (depth >= APP_DISCOVER_MAX_DEPTH) {
        diag_report(w->d, DIAG_NOTE, path, 0, 0,
                    "directories nested deeper than %d levels are not walked",
                    APP_DISCOVER_MAX_DEPTH);
        close(fd);
        return;
    }
    uint32_t n = 0;
    Entry *names = list_dir(w, path, fd, &n);
    if (!names) {
        close(fd);
        return;
    }
    /* A nested repository (its own .git, seen in the listing rather than
     * asked for with a stat per directory) brings its own ignore rules. The
     * directories named on the command line were located already. */
    if (depth > 0 && !w->opt->no_gitignore && find_entry(names, n, ".git")) {
        GitPos nested = git_locate(w, path, true);
        if (nested.repo)
            git = nested;
    }
    note_package(w, path, names, n);
    Ancestor self = {id, path};
    vec_push(&w->stack, self);
    for (uint32_t i = 0; i < n; i++)
        visit_entry(w, path, fd, &names[i], git, cfg, depth);
    (void)vec_pop(&w->stack);
    xfree(names);
    close(fd);
}

/* ---- explicit arguments ------------------------------------------------------ */

static const char *special_kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "not a regular file";
}

static void usage_error(Walker *w, const char *path, const char *msg)
{
    diag_report(w->d, DIAG_ERROR, path, 0, 0, "%s", msg);
    w->out->usage_errors++;
}

static void explicit_dir(Walker *w, const char *path)
{
    const Config *cfg;
    if (!cfg_for_path(w->opt->configs, path, true, w->d, &cfg))
        return;
    GitPos git = {NULL, ""};
    if (!w->opt->no_gitignore)
        git = git_locate(w, path, false);
    if (git.repo && git_ignored(git.repo, git.rel)) {
        /* Named explicitly although ignored: walk it, without ignore rules,
         * unless --force-exclude asks for the ignore rules to win. */
        if (w->opt->force_exclude)
            return;
        git.repo = NULL;
    }
    if (w->opt->force_exclude && strcmp(path, ".") != 0 && cfg_path_excluded(cfg, path))
        return;
    DirId id;
    int fd = open_dir(w, AT_FDCWD, path, path, false, &id);
    if (fd < 0)
        return;
    seen_add(w, id); /* named on the command line: walked even if seen already */
    walk_dir(w, path, fd, id, git, cfg, 0);
}

static void explicit_file(Walker *w, const char *path)
{
    Lang lang;
    if (!app_discover_lang(path, true, &lang)) {
        usage_error(w, path, "unsupported file type: asynclint reads .py, .pyi, .c and .h "
                             "files");
        return;
    }
    const Config *cfg;
    if (!cfg_for_path(w->opt->configs, path, false, w->d, &cfg))
        return;
    if (w->opt->force_exclude) {
        if (cfg_path_excluded(cfg, path))
            return;
        if (!w->opt->no_gitignore) {
            char *dir = arena_strdup(w->a, path);
            char *slash = strrchr(dir, '/');
            const char *base = slash ? slash + 1 : path;
            if (slash)
                *slash = '\0';
            GitPos git = git_locate(w, slash ? (dir[0] ? dir : "/") : ".", false);
            if (git.repo && git_ignored(git.repo, git_child(w->a, git, base)))
                return;
        }
    }
    add_file(w, path, lang, true, cfg);
}

static void explicit_path(Walker *w, const char *arg)
{
    if (arg[0] == '\0') {
        diag_report(w->d, DIAG_ERROR, NULL, 0, 0, "empty path argument");
        w->out->usage_errors++;
        return;
    }
    const char *path = app_discover_normalize(w->a, arg);
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        struct stat lst;
        if (err == ENOENT && lstat(path, &lst) == 0)
            usage_error(w, path, "broken symbolic link");
        else if (err == ENOENT)
            usage_error(w, path, "no such file or directory");
        else
            usage_error(w, path, strerror(err));
        return;
    }
    if (S_ISDIR(st.st_mode))
        explicit_dir(w, path);
    else if (S_ISREG(st.st_mode))
        explicit_file(w, path);
    else
        usage_error(w, path, arena_printf(w->a, "%s, not a source file; skipped",
                                          special_kind(st.st_mode)));
}

/* ---- result ------------------------------------------------------------------- */

static int cmp_files(const void *x, const void *y)
{
    const AppFile *a = x, *b = y;
    int c = strcmp(a->path, b->path);
    if (c)
        return c;
    return (int)b->is_explicit - (int)a->is_explicit; /* explicit first: it is kept */
}

/* Sorts by path and drops duplicates (a file reached twice keeps its first,
 * explicit, entry), copying the result into the arena. */
static void finish(Walker *w)
{
    AppFile *v = w->files.contents;
    uint32_t n = w->files.size, k = 0;
    if (n > 1)
        qsort(v, n, sizeof(AppFile), cmp_files);
    for (uint32_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[k - 1].path, v[i].path) != 0)
            v[k++] = v[i];
    w->out->files = ARENA_ARRAY(w->a, AppFile, k ? k : 1);
    if (k)
        memcpy(w->out->files, v, sizeof(AppFile) * k);
    w->out->count = k;
}


bool app_discover(const char *const *paths, uint32_t npaths, const AppDiscoverOptions *opt,
                  Arena *a, Diag *d, AppDiscovery *out)
{
    static const char *const here[] = {"."};
    memset(out, 0, sizeof *out);
    app_packages_init(&out->packages, a);
    Walker w = {.opt = opt, .a = a, .d = d, .out = out};
    vec_init(&w.files);
    vec_init(&w.stack);
    vec_init(&w.repos);
    uint32_t cfg_errors_before = cfg_cache_errors(opt->configs);
    w.git_wanted = !opt->no_gitignore;
    if (npaths == 0) {
        paths = here;
        npaths = 1;
    }
    for (uint32_t i = 0; i < npaths; i++)
        explicit_path(&w, paths[i]);
    finish(&w);
    for (uint32_t i = 0; i < w.repos.size; i++)
        git_repository_free(w.repos.contents[i]);
    if (w.git_state > 0)
        git_libgit2_shutdown();
    out->config_errors = cfg_cache_errors(opt->configs) - cfg_errors_before;
    vec_free(&w.files);
    vec_free(&w.stack);
    vec_free(&w.repos);
    xfree(w.seen);
    return out->usage_errors == 0 && out->config_errors == 0;
}
