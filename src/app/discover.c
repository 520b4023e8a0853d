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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/path.h"
#include "../base/pool.h"
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
    struct Prefetch *prefetch;   /* the listing helpers, once started */
    unsigned helpers_wanted;     /* how many to start at the first queued listing */
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

/* dir/name (name alone in "."); once per entry of a walk, so no printf. */
static const char *join(Arena *a, const char *dir, const char *name)
{
    if (dir[0] == '.' && dir[1] == '\0')
        return arena_strdup(a, name);
    size_t n = strlen(dir), k = strlen(name);
    size_t slash = n && dir[n - 1] == '/' ? 0 : 1;
    char *out = arena_alloc(a, n + slash + k + 1);
    memcpy(out, dir, n);
    out[n] = '/';
    memcpy(out + n + slash, name, k + 1);
    return out;
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
 * 8 of the 10.6 ms of a small run outside any repository. (The certificates
 * are not read any more where the executable provides their loader:
 * src/app/git_certs.c.) */
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
    return at.rel[0] ? join(a, at.rel, name) : arena_strdup(a, name);
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
    AppFile f = {.path = path, .lang = lang, .is_explicit = is_explicit, .config = cfg};
    vec_push(&w->files, f);
}

/* A directory entry: its name and the type readdir gave (DT_UNKNOWN when the
 * file system does not say); for a subdirectory that will be walked, its
 * listing, asked for ahead (see "listings"). */
typedef struct Listing Listing;

typedef struct Entry {
    const char *name;
    unsigned char type;
    Listing *pre;
} Entry;

static int cmp_entries(const void *x, const void *y)
{
    return strcmp(((const Entry *)x)->name, ((const Entry *)y)->name);
}

/* ---- listings --------------------------------------------------------------- */

/* The listing of one directory: its sorted entries and its identity (device,
 * inode, from the descriptor: a walk needs no stat per directory), or what
 * failed. The walk makes them itself, in its own order; with more than one
 * thread, helper threads make them ahead of it: the walk queues the
 * subdirectories it will enter, and most listings are ready when it gets
 * there. A directory's listing is nearly all system calls (open, getdents64,
 * fstat, close: 90% of a walk over the stdlib is in the kernel), and those run
 * in parallel; every decision (excludes, .gitignore, loops, configs) stays
 * with the walk, so the result is the same whoever listed what. */
enum { LISTING_QUEUED, LISTING_TAKEN, LISTING_DONE };
enum { MAX_HELPERS = 3 };

struct Listing {
    const char *path;  /* as displayed (the walk's arena) */
    GitPos git;        /* its position in a repository (decided by the walk) */
    int state;         /* LISTING_*: changed under Prefetch.lock, read without it by a
                          walk waiting for DONE (atomic accesses throughout) */
    Entry *names;      /* heap array, sorted by name bytes; NULL if it failed */
    uint32_t count;
    DirId id;
    int err;           /* errno of the failure */
    bool at_open;      /* it failed at open (ENOENT: removed while walking) */
};

struct Prefetch {
    pthread_mutex_t lock;
    pthread_cond_t work;  /* a listing queued, or stop */
    pthread_cond_t done;  /* a listing done */
    Vec(Listing *) queue; /* in the order queued; helpers take from `head` */
    uint32_t head;
    bool stop;
    unsigned nhelpers;
    pthread_t helpers[MAX_HELPERS];
    struct Helper { struct Prefetch *pf; Arena names; } helper[MAX_HELPERS]; /* (their
                                                        entries' names are in `names`) */
};

typedef struct Prefetch Prefetch;

/* Lists l->path into l (names in `names`). getdents64 straight into a
 * buffer: opendir would add an fstat per directory. */
static void make_listing(Listing *l, Arena *names)
{
    l->names = NULL;
    l->count = 0;
    l->err = 0;
    int fd = open(l->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        l->err = errno;
        l->at_open = true;
        if (fd >= 0)
            close(fd);
        return;
    }
    l->id = (DirId){st.st_dev, st.st_ino};
    Vec(Entry) v;
    vec_init(&v);
    char buf[32768];
    for (;;) {
        ssize_t got = getdents64(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            l->err = errno;
            l->at_open = false;
            vec_free(&v);
            close(fd);
            return;
        }
        if (got == 0)
            break;
        for (ssize_t off = 0; off < got;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + off);
            off += e->d_reclen;
            if (e->d_name[0] == '.' &&
                (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
                continue;
            Entry en = {arena_strdup(names, e->d_name), e->d_type, NULL};
            vec_push(&v, en);
        }
    }
    close(fd);
    if (v.size > 1) /* deterministic output whatever order the file system returns */
        qsort(v.contents, v.size, sizeof(Entry), cmp_entries);
    l->names = v.size ? v.contents : xcalloc(1, sizeof(Entry));
    l->count = v.size;
}

static void *helper_main(void *arg)
{
    struct Helper *h = arg;
    Prefetch *pf = h->pf;
    Arena *names = &h->names;
    pthread_mutex_lock(&pf->lock);
    for (;;) {
        while (pf->head == pf->queue.size && !pf->stop)
            pthread_cond_wait(&pf->work, &pf->lock);
        if (pf->stop)
            break;
        Listing *l = pf->queue.contents[pf->head++];
        if (__atomic_load_n(&l->state, __ATOMIC_RELAXED) != LISTING_QUEUED)
            continue; /* the walk got there first */
        __atomic_store_n(&l->state, LISTING_TAKEN, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&pf->lock);
        make_listing(l, names);
        pthread_mutex_lock(&pf->lock);
        __atomic_store_n(&l->state, LISTING_DONE, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&pf->done);
    }
    pthread_mutex_unlock(&pf->lock);
    return NULL;
}

/* Starts the helpers at the first queued listing (a walk of one directory,
 * or a run with one thread, starts none). */
static bool prefetch_start(Walker *w)
{
    if (w->prefetch || w->helpers_wanted == 0)
        return w->prefetch != NULL;
    Prefetch *pf = xcalloc(1, sizeof *pf);
    pthread_mutex_init(&pf->lock, NULL);
    pthread_cond_init(&pf->work, NULL);
    pthread_cond_init(&pf->done, NULL);
    vec_init(&pf->queue);
    for (unsigned i = 0; i < w->helpers_wanted && i < MAX_HELPERS; i++) {
        struct Helper *h = &pf->helper[pf->nhelpers];
        h->pf = pf;
        arena_init(&h->names);
        if (pthread_create(&pf->helpers[pf->nhelpers], NULL, helper_main, h) != 0) {
            arena_free(&h->names);
            break; /* fewer helpers (or none: the walk lists everything itself) */
        }
        pf->nhelpers++;
    }
    w->prefetch = pf;
    w->helpers_wanted = 0;
    return true;
}

static void prefetch_stop(Walker *w)
{
    Prefetch *pf = w->prefetch;
    if (!pf)
        return;
    pthread_mutex_lock(&pf->lock);
    pf->stop = true;
    pthread_cond_broadcast(&pf->work);
    pthread_mutex_unlock(&pf->lock);
    for (unsigned i = 0; i < pf->nhelpers; i++) {
        pthread_join(pf->helpers[i], NULL);
        arena_free(&pf->helper[i].names);
    }
    vec_free(&pf->queue);
    pthread_cond_destroy(&pf->done);
    pthread_cond_destroy(&pf->work);
    pthread_mutex_destroy(&pf->lock);
    xfree(pf);
    w->prefetch = NULL;
}

/* Queues the listings of `subdirs`. Helpers take the oldest first: the walk
 * is depth first, so those are the ones it needs last, and the ones it needs
 * next it lists itself, at the same time. (Taking the newest, they listed
 * what the walk was about to ask for, and it waited for them.) */
static void prefetch_queue(Walker *w, Listing **subdirs, uint32_t n)
{
    if (n == 0 || !prefetch_start(w))
        return;
    Prefetch *pf = w->prefetch;
    pthread_mutex_lock(&pf->lock);
    for (uint32_t i = 0; i < n; i++)
        vec_push(&pf->queue, subdirs[i]);
    pthread_cond_broadcast(&pf->work);
    pthread_mutex_unlock(&pf->lock);
}

/* The listing l, made now unless a helper made it, or is making it: a listing
 * takes some microseconds, so the walk spins for it a while before it sleeps
 * (sleeping and waking cost about as much as the listing). */
static void take_listing(Walker *w, Listing *l)
{
    Prefetch *pf = w->prefetch;
    if (pf) {
        if (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) == LISTING_DONE)
            return;
        pthread_mutex_lock(&pf->lock);
        bool mine = __atomic_load_n(&l->state, __ATOMIC_RELAXED) == LISTING_QUEUED;
        if (mine)
            __atomic_store_n(&l->state, LISTING_TAKEN, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&pf->lock);
        if (!mine) {
            for (int spin = 0; spin < 20000; spin++) {
                if (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) == LISTING_DONE)
                    return;
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            }
            pthread_mutex_lock(&pf->lock);
            while (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) != LISTING_DONE)
                pthread_cond_wait(&pf->done, &pf->lock);
            pthread_mutex_unlock(&pf->lock);
            return;
        }
    }
    make_listing(l, w->a);
}

/* A listing's failure, reported as a walk of the directory would: none if it
 * is gone and missing_ok (removed while walking). */
static bool listing_ok(Walker *w, const Listing *l, bool missing_ok)
{
    if (l->names)
        return true;
    if (l->at_open && missing_ok && l->err == ENOENT)
        return false;
    diag_report(w->d, DIAG_ERROR, l->path, 0, 0, "cannot read directory: %s", strerror(l->err));
    w->out->io_errors++;
    return false;
}

static Listing *new_listing(Walker *w, const char *path, GitPos git)
{
    Listing *l = ARENA_NEW(w->a, Listing);
    l->path = path;
    l->git = git;
    l->state = LISTING_QUEUED;
    return l;
}

/* ---- the walk --------------------------------------------------------------- */

static void walk_dir(Walker *w, Listing *l, const Config *cfg, uint32_t depth);

/* The entry called name among the n sorted entries, or NULL. */
static const Entry *find_entry(const Entry *names, uint32_t n, const char *name)
{
    Entry key = {name, 0, NULL};
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

/* A directory met while walking, listed (or failed) already: a loop, walked
 * already through another path, under a broken config, or walked now. */
static void enter_dir(Walker *w, Listing *l, uint32_t depth)
{
    if (!listing_ok(w, l, true))
        return;
    const Ancestor *loop = find_ancestor(w, l->id);
    if (loop) {
        diag_report(w->d, DIAG_NOTE, l->path, 0, 0,
                    "symbolic link loop: this is '%s' again; not followed", loop->path);
    } else {
        /* Not walked if walked already through another path, or if its
         * .asynclint.yaml is broken (reported once by the cache). */
        const Config *sub;
        if (seen_add(w, l->id) && cfg_for_path(w->opt->configs, l->path, true, w->d, &sub))
            walk_dir(w, l, sub, depth + 1);
    }
    xfree(l->names);
    l->names = NULL;
}

/* .git is VCS metadata and __pycache__ the interpreter's bytecode cache (PEP
 * 3147: only .pyc files): neither ever holds a source to read, so neither is
 * walked, whatever `exclude` says. Decided by name, before any system call. */
static bool skipped_dir(const char *path, const char *name, const Config *cfg)
{
    return strcmp(name, ".git") == 0 || strcmp(name, "__pycache__") == 0 ||
           cfg_entry_excluded(cfg, path, name);
}

/* The listing to make of subdirectory `name` (display path `path`) of a
 * directory at `git`, or NULL if it is not to be walked (skipped by name,
 * excluded or ignored). */
static Listing *subdir_listing(Walker *w, const char *path, const char *name, GitPos git,
                               const Config *cfg)
{
    if (skipped_dir(path, name, cfg))
        return NULL;
    GitPos child = {git.repo, git.repo ? git_child(w->a, git, name) : ""};
    if (git_ignored(child.repo, child.rel))
        return NULL;
    return new_listing(w, path, child);
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

/* An entry of directory `dir` other than a subdirectory readdir typed (those
 * are entered from their listings). */
static void visit_entry(Walker *w, const char *dir, const Entry *en, GitPos git,
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
    if (en->type != DT_LNK && en->type != DT_UNKNOWN)
        return; /* FIFOs, sockets and devices: skipped silently, reading one could block */
    const char *path = join(w->a, dir, name);
    struct stat st;
    if (stat(path, &st) != 0) { /* through a symlink */
        /* A dangling symlink (or a file removed meanwhile): worth a note only
         * when it looks like a source file. */
        if (app_discover_lang(name, false, &lang))
            diag_report(w->d, DIAG_NOTE, path, 0, 0, "skipped: %s", strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        Listing *l = subdir_listing(w, path, name, git, cfg);
        if (l) {
            take_listing(w, l);
            enter_dir(w, l, depth);
        }
    } else if (S_ISREG(st.st_mode)) {
        visit_file(w, path, name, git, cfg);
    }
    /* FIFOs, sockets and devices are skipped silently: reading one could block. */
}

/* Walks the listed directory l (at most APP_DISCOVER_MAX_DEPTH levels). Its
 * typed subdirectories to walk are queued for listing first, the first of
 * them excepted: the walk enters it at once. */
static void walk_dir(Walker *w, Listing *l, const Config *cfg, uint32_t depth)
{
    const char *path = l->path;
    GitPos git = l->git;
    if (depth >= APP_DISCOVER_MAX_DEPTH) {
        diag_report(w->d, DIAG_NOTE, path, 0, 0,
                    "directories nested deeper than %d levels are not walked",
                    APP_DISCOVER_MAX_DEPTH);
        return;
    }
    Entry *names = l->names;
    uint32_t n = l->count;
    /* A nested repository (its own .git, seen in the listing rather than
     * asked for with a stat per directory) brings its own ignore rules. The
     * directories named on the command line were located already. */
    if (depth > 0 && !w->opt->no_gitignore && find_entry(names, n, ".git")) {
        GitPos nested = git_locate(w, path, true);
        if (nested.repo)
            git = nested;
    }
    note_package(w, path, names, n);
    Vec(Listing *) later;
    vec_init(&later);
    bool first = true;
    for (uint32_t i = 0; i < n; i++) {
        if (names[i].type != DT_DIR)
            continue;
        names[i].pre = subdir_listing(w, join(w->a, path, names[i].name), names[i].name, git, cfg);
        if (names[i].pre && !first)
            vec_push(&later, names[i].pre);
        first &= names[i].pre == NULL;
    }
    if (depth + 1 < APP_DISCOVER_MAX_DEPTH)
        prefetch_queue(w, later.contents, later.size);
    vec_free(&later);
    Ancestor self = {l->id, path};
    vec_push(&w->stack, self);
    for (uint32_t i = 0; i < n; i++) {
        if (names[i].type != DT_DIR) {
            visit_entry(w, path, &names[i], git, cfg, depth);
        } else if (names[i].pre) {
            take_listing(w, names[i].pre);
            enter_dir(w, names[i].pre, depth);
        }
    }
    (void)vec_pop(&w->stack);
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
    Listing *l = new_listing(w, path, git);
    take_listing(w, l);
    if (!listing_ok(w, l, false))
        return;
    seen_add(w, l->id); /* named on the command line: walked even if seen already */
    walk_dir(w, l, cfg, 0);
    xfree(l->names);
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
    unsigned threads = opt->threads ? opt->threads : pool_default_threads();
    w.helpers_wanted = threads > 1 ? threads - 1 : 0;
    if (npaths == 0) {
        paths = here;
        npaths = 1;
    }
    for (uint32_t i = 0; i < npaths; i++)
        explicit_path(&w, paths[i]);
    prefetch_stop(&w);
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
