/* Unit tests for file discovery (src/app/discover.c): each test builds a tree
 * in a fresh temporary directory (a git repository made with libgit2 where
 * .gitignore matters), runs app_discover from inside it and compares the file
 * list and the diagnostics as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testsupport.h"
#include "app/discover.h"
#include "base/xalloc.h"

typedef struct Fixture {
    char root[64];
    char oldcwd[4096];
    Arena arena;
    Diag diag;
    CfgCache *cfg;
    AppDiscovery out;
    unsigned threads; /* AppDiscoverOptions.threads of run() (0: one per core) */
    char files[4096]; /* "a.py b/c.py" */
    char diags[4096]; /* diag_print output */
} Fixture;

/* Writes text at path (relative to the tree, the current directory). */
static void put(const char *path, const char *text)
{
    ts_write_file(NULL, path, text);
}

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    ts_make_dir(f->root, sizeof f->root, "discover");
    assert_non_null(getcwd(f->oldcwd, sizeof f->oldcwd));
    assert_int_equal(chdir(f->root), 0);
    arena_init(&f->arena);
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    app_packages_free(&f->out.packages);
    cfg_cache_free(f->cfg);
    diag_free(&f->diag);
    arena_free(&f->arena);
    assert_int_equal(chdir(f->oldcwd), 0);
    ts_remove_tree(f->root);
    xfree(f);
    return 0;
}

/* Runs discovery over paths (NULL-terminated) and renders the result. */
static bool run(Fixture *f, bool force_exclude, const char *first, ...)
{
    const char *paths[16];
    uint32_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *p = first; p && n < 16; p = va_arg(ap, const char *))
        paths[n++] = p;
    va_end(ap);
    cfg_cache_free(f->cfg);
    f->cfg = cfg_cache_new();
    diag_free(&f->diag);
    diag_init(&f->diag);
    AppDiscoverOptions opt = {.configs = f->cfg, .force_exclude = force_exclude,
                              .threads = f->threads};
    app_packages_free(&f->out.packages);
    bool ok = app_discover(paths, n, &opt, &f->arena, &f->diag, &f->out);
    f->files[0] = '\0';
    for (uint32_t i = 0; i < f->out.count; i++) {
        const AppFile *af = &f->out.files[i];
        size_t len = strlen(f->files);
        snprintf(f->files + len, sizeof f->files - len, "%s%s%s", i ? " " : "", af->path,
                 af->lang == LANG_C ? "(c)" : "");
    }
    FILE *m = fmemopen(f->diags, sizeof f->diags, "w");
    diag_print(&f->diag, m);
    fclose(m);
    return ok;
}

static void git_init_here(void)
{
    git_repository *repo = NULL;
    git_libgit2_init();
    assert_int_equal(git_repository_init(&repo, ".", 0), 0);
    git_repository_free(repo);
    git_libgit2_shutdown();
}

static void test_discover_order_is_sorted_and_stable(void **state)
{
    Fixture *f = *state;
    put("z.py", "");
    put("m/b.py", "");
    put("a.py", "");
    put("m/a.c", "");
    put("m/h.h", "");
    put("m/notes.txt", "");
    put("m/stub.pyi", "");
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "a.py m/a.c(c) m/b.py m/stub.pyi z.py");
    assert_string_equal(f->diags, "");
    assert_true(run(f, false, ".", NULL));
    assert_string_equal(f->files, "a.py m/a.c(c) m/b.py m/stub.pyi z.py");
}

/* The walk tells packages from their listing, under the display paths that
 * module naming asks about; an __init__.py that is a link is left unknown
 * (a stat decides, if asked), and so is what the walk did not list. */
static void test_discover_records_packages(void **state)
{
    Fixture *f = *state;
    put("pkg/__init__.py", "");
    put("pkg/sub/__init__.py", "");
    put("pkg/sub/m.py", "");
    put("pkg/plain/x.py", "");
    put("pkg/linked/real.py", "");
    assert_int_equal(symlink("real.py", "pkg/linked/__init__.py"), 0);
    assert_int_equal(mkdir("pkg/odd", 0755), 0);
    assert_int_equal(mkdir("pkg/odd/__init__.py", 0755), 0);
    assert_true(run(f, false, "pkg", NULL));
    const AppPackages *pk = &f->out.packages;
    assert_int_equal(app_packages_get(pk, "pkg"), 1);
    assert_int_equal(app_packages_get(pk, "pkg/sub"), 1);
    assert_int_equal(app_packages_get(pk, "pkg/plain"), 0);
    assert_int_equal(app_packages_get(pk, "pkg/odd"), 0); /* a directory of that name */
    assert_int_equal(app_packages_get(pk, "pkg/linked"), -1);
    assert_int_equal(app_packages_get(pk, "."), -1);      /* above the path given */
    assert_int_equal(app_packages_get(pk, "pkg/sub/m.py"), -1);
    assert_true(run(f, false, NULL));
    assert_int_equal(app_packages_get(&f->out.packages, "."), 0);
    assert_int_equal(app_packages_get(&f->out.packages, "pkg/sub"), 1);
}

static void test_discover_paths_are_displayed_as_given(void **state)
{
    Fixture *f = *state;
    put("src/pkg/a.py", "");
    assert_true(run(f, false, "./src//", NULL));
    assert_string_equal(f->files, "src/pkg/a.py");
    assert_true(run(f, false, "src/pkg/../pkg/a.py", "./src/pkg/a.py", "src", NULL));
    assert_string_equal(f->files, "src/pkg/../pkg/a.py src/pkg/a.py");
    assert_true(f->out.files[1].is_explicit);
}

static void test_discover_normalize(void **state)
{
    Fixture *f = *state;
    assert_string_equal(app_discover_normalize(&f->arena, "./x.py"), "x.py");
    assert_string_equal(app_discover_normalize(&f->arena, ".//a//b/"), "a/b");
    assert_string_equal(app_discover_normalize(&f->arena, "a/./b/."), "a/b");
    assert_string_equal(app_discover_normalize(&f->arena, "../x"), "../x");
    assert_string_equal(app_discover_normalize(&f->arena, "./"), ".");
    assert_string_equal(app_discover_normalize(&f->arena, ""), ".");
    assert_string_equal(app_discover_normalize(&f->arena, "//"), "/");
    assert_string_equal(app_discover_normalize(&f->arena, "/usr//lib/"), "/usr/lib");
}

static void test_discover_lang_by_extension(void **state)
{
    (void)state;
    Lang l = LANG_C;
    assert_true(app_discover_lang("a/b.py", false, &l));
    assert_int_equal(l, LANG_PYTHON);
    assert_true(app_discover_lang("b.pyi", false, &l));
    assert_true(app_discover_lang("x.c", false, &l));
    assert_int_equal(l, LANG_C);
    assert_false(app_discover_lang("x.h", false, &l));
    assert_true(app_discover_lang("x.h", true, &l));
    assert_false(app_discover_lang("x.pyc", true, &l));
    assert_false(app_discover_lang(".py", true, &l));
    assert_false(app_discover_lang("dir.py/x", true, &l));
}

static void test_discover_explicit_files(void **state)
{
    Fixture *f = *state;
    put("inc/api.h", "");
    put("notes.txt", "");
    put("a.py", "");
    assert_false(run(f, false, "inc/api.h", "notes.txt", "a.py", NULL));
    assert_string_equal(f->files, "a.py inc/api.h(c)");
    assert_true(f->out.files[1].is_explicit);
    assert_string_equal(f->diags, "notes.txt: error: unsupported file type: asynclint reads "
                                  ".py, .pyi, .c and .h files\n");
    assert_int_equal(f->out.usage_errors, 1);
}

static void test_discover_missing_path_reported_and_run_goes_on(void **state)
{
    Fixture *f = *state;
    put("a.py", "");
    symlink("gone.py", "dangling.py");
    assert_false(run(f, false, "nope.py", "a.py", "./missing/dir", "dangling.py", "", NULL));
    assert_string_equal(f->files, "a.py");
    assert_string_equal(f->diags, "nope.py: error: no such file or directory\n"
                                  "missing/dir: error: no such file or directory\n"
                                  "dangling.py: error: broken symbolic link\n"
                                  "asynclint: error: empty path argument\n");
    assert_int_equal(f->out.usage_errors, 4);
    /* Walked, a dangling link that looks like a source file is a note only. */
    assert_true(run(f, false, ".", NULL));
    assert_string_equal(f->files, "a.py");
    assert_string_equal(f->diags, "dangling.py: note: skipped: No such file or directory\n");
}

static void test_discover_gitignore_in_repo(void **state)
{
    Fixture *f = *state;
    git_init_here();
    put(".gitignore", "gen/\nskip_*.py\n");
    put("sub/.gitignore", "*.py\n!keep.py\n");
    put("a.py", "");
    put("skip_me.py", "");
    put("gen/g.py", "");
    put("sub/drop.py", "");
    put("sub/keep.py", "");
    put("sub/deeper/also.py", "");
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "a.py sub/keep.py");
    /* An explicit file is analysed even when ignored; with --force-exclude not. */
    assert_true(run(f, false, "skip_me.py", "sub", NULL));
    assert_string_equal(f->files, "skip_me.py sub/keep.py");
    assert_true(run(f, true, "skip_me.py", "sub/drop.py", "a.py", NULL));
    assert_string_equal(f->files, "a.py");
    /* An ignored directory named explicitly is walked without the ignore rules. */
    assert_true(run(f, false, "gen", NULL));
    assert_string_equal(f->files, "gen/g.py");
}

static void test_discover_gitignore_from_subdirectory_argument(void **state)
{
    Fixture *f = *state;
    git_init_here();
    put(".gitignore", "/pkg/generated_*.py\n");
    put("pkg/generated_x.py", "");
    put("pkg/real.py", "");
    assert_true(run(f, false, "pkg", NULL));
    assert_string_equal(f->files, "pkg/real.py");
}

static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return lchown(path, 65534, 65534);
}

static void test_discover_gitignore_in_repository_of_another_user(void **state)
{
    Fixture *f = *state;
    if (geteuid() != 0)
        skip(); /* only root can give the tree away */
    git_init_here();
    put(".gitignore", "skip.py\n");
    put("a.py", "");
    put("skip.py", "");
    assert_int_equal(nftw(".", chown_entry, 16, FTW_PHYS), 0);
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "a.py");
}

static void test_discover_gitignore_needs_a_repository(void **state)
{
    Fixture *f = *state;
    put(".gitignore", "*.py\n");
    put("a.py", "");
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "a.py");
}

static void test_discover_nested_repository_has_its_own_rules(void **state)
{
    Fixture *f = *state;
    git_init_here();
    put(".gitignore", "local_*.py\n");
    put("vendor/lib/.gitignore", "out.py\n");
    put("vendor/lib/out.py", "");
    put("vendor/lib/local_x.py", "");
    put("vendor/lib/in.py", "");
    git_repository *repo = NULL;
    git_libgit2_init();
    assert_int_equal(git_repository_init(&repo, "vendor/lib", 0), 0);
    git_repository_free(repo);
    git_libgit2_shutdown();
    assert_true(run(f, false, NULL));
    /* The outer repository's patterns stop at the nested work tree, as in git. */
    assert_string_equal(f->files, "vendor/lib/in.py vendor/lib/local_x.py");
}

static void test_discover_default_and_config_excludes(void **state)
{
    Fixture *f = *state;
    put(".asynclint.yaml", "extend-exclude: [\"tests/fixtures\", \"*_pb2.py\"]\n");
    put("a.py", "");
    put("x_pb2.py", "");
    put("tests/fixtures/f.py", "");
    put("tests/t.py", "");
    put("node_modules/m.py", "");
    put(".venv/lib/v.py", "");
    put("build/gen.c", "");
    put(".github/scripts/s.py", "");
    put("other/tests/fixtures/kept.py", "");
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, ".github/scripts/s.py a.py other/tests/fixtures/kept.py "
                                  "tests/t.py");
    assert_true(run(f, false, "node_modules/m.py", "tests/fixtures", NULL));
    assert_string_equal(f->files, "node_modules/m.py tests/fixtures/f.py");
    assert_true(run(f, true, "node_modules/m.py", "tests/fixtures/f.py", "x_pb2.py", NULL));
    assert_string_equal(f->files, "");
}

static void test_discover_exclude_replaces_defaults(void **state)
{
    Fixture *f = *state;
    put(".asynclint.yaml", "exclude: [legacy]\n");
    put("build/b.py", "");
    put("legacy/l.py", "");
    put(".git/hooks/h.py", "");
    put("pkg/__pycache__/stray.py", "");
    put("pkg/m.py", "");
    assert_true(run(f, false, NULL));
    /* .git and __pycache__ are never walked */
    assert_string_equal(f->files, "build/b.py pkg/m.py");
}

static void test_discover_subdirectory_config_governs_its_tree(void **state)
{
    Fixture *f = *state;
    put("svc/.asynclint.yaml", "extend-exclude: [gen]\n");
    put("svc/gen/x.py", "");
    put("svc/y.py", "");
    put("gen/z.py", "");
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "gen/z.py svc/y.py");
    assert_null(f->out.files[0].config->path);
    assert_string_equal(f->out.files[1].config->path, "svc/.asynclint.yaml");
}

static void test_discover_broken_config_skips_its_tree(void **state)
{
    Fixture *f = *state;
    put("bad/.asynclint.yaml", "selct: [AL1]\n");
    put("bad/x.py", "");
    put("bad/sub/y.py", "");
    put("good.py", "");
    assert_false(run(f, false, ".", "bad/x.py", NULL));
    assert_string_equal(f->files, "good.py");
    assert_int_equal(f->out.config_errors, 1);
    assert_string_equal(f->diags, "bad/.asynclint.yaml:1:1: error: unknown key 'selct' "
                                  "(did you mean 'select'?)\n");
}

static void test_discover_symlink_loop_terminates_with_note(void **state)
{
    Fixture *f = *state;
    put("a/x.py", "");
    assert_int_equal(symlink("..", "a/up"), 0);
    assert_int_equal(symlink("a", "lnk"), 0);
    assert_int_equal(symlink("a/x.py", "y.py"), 0);
    assert_true(run(f, false, NULL));
    /* lnk is the already-walked a: skipped; the file symlink is a file. */
    assert_string_equal(f->files, "a/x.py y.py");
    assert_string_equal(f->diags, "a/up: note: symbolic link loop: this is '.' again; not "
                                  "followed\n");
}

static void test_discover_self_loop(void **state)
{
    Fixture *f = *state;
    put("d/x.py", "");
    assert_int_equal(symlink(".", "d/self"), 0);
    assert_true(run(f, false, "d", NULL));
    assert_string_equal(f->files, "d/x.py");
    assert_string_equal(f->diags, "d/self: note: symbolic link loop: this is 'd' again; not "
                                  "followed\n");
}

static void test_discover_fifo_skipped_when_walked_reported_when_named(void **state)
{
    Fixture *f = *state;
    put("a.py", "");
    assert_int_equal(mkfifo("pipe.py", 0644), 0);
    assert_true(run(f, false, NULL));
    assert_string_equal(f->files, "a.py");
    assert_string_equal(f->diags, "");
    assert_false(run(f, false, "pipe.py", NULL));
    assert_string_equal(f->diags, "pipe.py: error: a FIFO, not a source file; skipped\n");
    assert_int_equal(f->out.usage_errors, 1);
}

/* The unreadable-directory scenario; returns 0 when everything matched. */
static int unreadable_scenario(Fixture *f)
{
    if (run(f, false, NULL) != true)
        return 1;
    if (strcmp(f->files, "a.py") != 0)
        return 2;
    if (strcmp(f->diags, "locked: error: cannot read directory: Permission denied\n") != 0)
        return 3;
    return f->out.io_errors == 1 ? 0 : 4;
}

static void test_discover_unreadable_directory(void **state)
{
    Fixture *f = *state;
    put("locked/x.py", "");
    put("a.py", "");
    assert_int_equal(chmod("locked", 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(unreadable_scenario(f), 0);
        return;
    }
    /* root reads mode-000 directories: run the scenario as nobody. */
    assert_int_equal(chmod(f->root, 0755), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(9);
        _exit(unreadable_scenario(f));
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Helper threads list directories ahead of the walk: whatever their number,
 * the files, the notes (loops, a dangling link, a broken config) and the
 * packages must be those of a walk by one thread. */
static void test_discover_same_with_any_threads(void **state)
{
    Fixture *f = *state;
    char path[128];
    for (int i = 0; i < 12; i++)
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "t%02d/s%d/deep/m%d.py", i, k, k);
            put(path, "");
            if (k % 2 == 0) {
                snprintf(path, sizeof path, "t%02d/s%d/__init__.py", i, k);
                put(path, "");
            }
        }
    put("t03/.asynclint.yaml", "exclude: [s1]\n");
    put("t05/.asynclint.yaml", "exclude: [\n");
    put("t07/s2/build/skip.py", "");
    put("t08/__pycache__/x.py", "");
    assert_int_equal(symlink("..", "t02/s0/up"), 0);
    assert_int_equal(symlink("t04", "t09/s3/again"), 0);
    assert_int_equal(symlink("nowhere.py", "t10/gone.py"), 0);
    f->threads = 1;
    run(f, false, NULL);
    char files[4096], diags[4096];
    strcpy(files, f->files);
    strcpy(diags, f->diags);
    assert_non_null(strstr(files, "t00/s0/deep/m0.py"));
    assert_null(strstr(files, "t03/s1/"));
    assert_null(strstr(files, "t05/"));
    assert_null(strstr(files, "skip.py"));
    assert_non_null(strstr(diags, "t02/s0/up: note: symbolic link loop"));
    assert_non_null(strstr(diags, "t10/gone.py: note: skipped"));
    for (unsigned threads = 2; threads <= 8; threads *= 2) {
        f->threads = threads;
        run(f, false, NULL);
        assert_string_equal(f->files, files);
        assert_string_equal(f->diags, diags);
        assert_int_equal(app_packages_get(&f->out.packages, "t06/s2"), 1);
        assert_int_equal(app_packages_get(&f->out.packages, "t06/s1"), 0);
        assert_int_equal(app_packages_get(&f->out.packages, "t06/s1/deep"), 0);
    }
}

static void test_discover_many_files_in_one_directory(void **state)
{
    Fixture *f = *state;
    mkdir("big", 0755);
    char name[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "big/m%04d.py", 2999 - i);
        put(name, "");
    }
    assert_true(run(f, false, NULL));
    assert_int_equal(f->out.count, 3000);
    assert_string_equal(f->out.files[0].path, "big/m0000.py");
    assert_string_equal(f->out.files[2999].path, "big/m2999.py");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_discover_order_is_sorted_and_stable),
        T(test_discover_records_packages),
        T(test_discover_paths_are_displayed_as_given),
        T(test_discover_normalize),
        T(test_discover_lang_by_extension),
        T(test_discover_explicit_files),
        T(test_discover_missing_path_reported_and_run_goes_on),
        T(test_discover_gitignore_in_repo),
        T(test_discover_gitignore_from_subdirectory_argument),
        T(test_discover_gitignore_in_repository_of_another_user),
        T(test_discover_gitignore_needs_a_repository),
        T(test_discover_nested_repository_has_its_own_rules),
        T(test_discover_default_and_config_excludes),
        T(test_discover_exclude_replaces_defaults),
        T(test_discover_subdirectory_config_governs_its_tree),
        T(test_discover_broken_config_skips_its_tree),
        T(test_discover_symlink_loop_terminates_with_note),
        T(test_discover_self_loop),
        T(test_discover_fifo_skipped_when_walked_reported_when_named),
        T(test_discover_unreadable_directory),
        T(test_discover_same_with_any_threads),
        T(test_discover_many_files_in_one_directory),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
