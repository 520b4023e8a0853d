/* Unit tests for command-line parsing (src/app/cli.c, app_cli_parse): every
 * option in both `--opt value` and `--opt=value` forms, comma lists and repeated
 * lists, `-j4`, `--`, the commands, and the exact message of each usage error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/cli.h"
#include "base/xalloc.h"

typedef struct Fx {
    Arena arena;
    AppOptions opt;
    const char *err;
    char list[512];
} Fx;

static int setup(void **state)
{
    Fx *f = xcalloc(1, sizeof *f);
    arena_init(&f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fx *f = *state;
    arena_free(&f->arena);
    xfree(f);
    return 0;
}

/* Parses the NULL-terminated words after the program name. */
static bool parse_argv(Fx *f, const char *const *words)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "asynclint";
    for (; *words; words++)
        argv[argc++] = (char *)*words;
    argv[argc] = NULL;
    f->err = NULL;
    return app_cli_parse(argc, argv, &f->arena, &f->opt, &f->err);
}

#define PARSE(f, ...) parse_argv((f), (const char *const[]){__VA_ARGS__, NULL})

/* A NULL-terminated list as `a|b|c`, or `(null)`. */
static const char *joined(Fx *f, const char **list)
{
    if (!list)
        return "(null)";
    f->list[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        size_t n = strlen(f->list);
        snprintf(f->list + n, sizeof f->list - n, "%s%s", i ? "|" : "", list[i]);
    }
    return f->list;
}

static void expect_error(Fx *f, bool ok, const char *message)
{
    assert_false(ok);
    assert_non_null(f->err);
    assert_string_equal(f->err, message);
}

/* ---- commands and defaults ---------------------------------------------------------------- */

static void test_app_cli_parse_check_defaults(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check"));
    const AppOptions *o = &f->opt;
    assert_int_equal(o->command, CMD_CHECK);
    assert_int_equal(o->npaths, 1);
    assert_string_equal(o->paths[0], ".");
    assert_null(o->paths[1]);
    assert_null(o->select);
    assert_null(o->extend_select);
    assert_null(o->ignore);
    assert_null(o->rules);
    assert_int_equal(o->format, REP_TEXT);
    assert_false(o->format_given);
    assert_int_equal(o->color, -1);
    assert_int_equal(o->jobs, 0);
    assert_false(o->exit_zero || o->statistics || o->quiet || o->no_default_rules ||
                 o->force_exclude || o->no_gitignore);
    assert_null(o->output_file);
    assert_null(o->stdin_filename);
    assert_null(o->config);
    assert_null(o->build_dir);
    assert_null(o->compile_commands);
    assert_null(o->baseline);
    assert_null(o->write_baseline);
    assert_null(o->rule_id);
}

static void test_app_cli_parse_commands(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "rules"));
    assert_int_equal(f->opt.command, CMD_RULES);
    assert_true(PARSE(f, "version"));
    assert_int_equal(f->opt.command, CMD_VERSION);
    assert_true(PARSE(f, "--version"));
    assert_int_equal(f->opt.command, CMD_VERSION);
    assert_true(PARSE(f, "help"));
    assert_int_equal(f->opt.command, CMD_HELP);
    assert_true(PARSE(f, "-h"));
    assert_int_equal(f->opt.command, CMD_HELP);
    assert_true(PARSE(f, "check", "src", "--help"));
    assert_int_equal(f->opt.command, CMD_HELP);
    assert_true(PARSE(f, "rule", "AL101"));
    assert_int_equal(f->opt.command, CMD_RULE);
    assert_string_equal(f->opt.rule_id, "AL101");
    assert_non_null(strstr(app_cli_usage(), "asynclint check [OPTIONS] [PATHS...]"));
}

static void test_app_cli_parse_command_errors(void **state)
{
    Fx *f = *state;
    char *argv[] = {"asynclint", NULL};
    f->err = NULL;
    assert_false(app_cli_parse(1, argv, &f->arena, &f->opt, &f->err));
    assert_string_equal(f->err, "missing command (try `asynclint check .`)");
    expect_error(f, PARSE(f, "chek", "."),
                 "unknown command 'chek' (expected check, rule, rules, version)");
    expect_error(f, PARSE(f, "--select", "AL1"),
                 "unknown command '--select' (expected check, rule, rules, version)");
    expect_error(f, PARSE(f, "rule"), "usage: asynclint rule ID");
    expect_error(f, PARSE(f, "rule", "AL101", "AL102"), "usage: asynclint rule ID");
}

/* ---- paths --------------------------------------------------------------------------------- */

static void test_app_cli_parse_paths_and_double_dash(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check", "src", "-q", "tests/a.py", "--", "--weird", "-j4", "-"));
    assert_int_equal(f->opt.npaths, 5);
    assert_string_equal(joined(f, f->opt.paths), "src|tests/a.py|--weird|-j4|-");
    assert_true(f->opt.quiet);
    assert_int_equal(f->opt.jobs, 0); /* after `--`, `-j4` is a path */
    assert_true(PARSE(f, "check", "-"));
    assert_string_equal(joined(f, f->opt.paths), "-"); /* stdin */
}

/* ---- every option ---------------------------------------------------------------------------- */

static void test_app_cli_parse_string_options_both_forms(void **state)
{
    static const struct {
        const char *name;
        size_t field;
    } opts[] = {
        {"--output-file", offsetof(AppOptions, output_file)},
        {"-o", offsetof(AppOptions, output_file)},
        {"--stdin-filename", offsetof(AppOptions, stdin_filename)},
        {"--config", offsetof(AppOptions, config)},
        {"-p", offsetof(AppOptions, build_dir)},
        {"--build-dir", offsetof(AppOptions, build_dir)},
        {"--compile-commands", offsetof(AppOptions, compile_commands)},
        {"--baseline", offsetof(AppOptions, baseline)},
        {"--write-baseline", offsetof(AppOptions, write_baseline)},
    };
    Fx *f = *state;
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        assert_true(PARSE(f, "check", opts[i].name, "v1", "x.py"));
        assert_string_equal(*(const char **)((char *)&f->opt + opts[i].field), "v1");
        assert_string_equal(joined(f, f->opt.paths), "x.py");
        char inline_form[64];
        snprintf(inline_form, sizeof inline_form, "%s=v=2", opts[i].name);
        assert_true(PARSE(f, "check", inline_form));
        assert_string_equal(*(const char **)((char *)&f->opt + opts[i].field), "v=2");
        assert_string_equal(joined(f, f->opt.paths), ".");
    }
}

static void test_app_cli_parse_flags(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check", "--no-default-rules", "--exit-zero", "--statistics", "--quiet",
                      "--force-exclude", "--no-gitignore", "--show-files"));
    const AppOptions *o = &f->opt;
    assert_true(o->no_default_rules && o->exit_zero && o->statistics && o->quiet &&
                o->force_exclude && o->no_gitignore && o->show_files);
    assert_string_equal(joined(f, o->paths), ".");
    assert_true(PARSE(f, "check", "-q"));
    assert_true(f->opt.quiet);
    /* a flag takes no value */
    expect_error(f, PARSE(f, "check", "--quiet=yes"), "unknown option '--quiet=yes'");
}

/* Lists split at commas (spaces around items trimmed, empty items dropped) and
 * accumulate over repeated options. */
static void test_app_cli_parse_lists(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check", "--select", "AL1,AL202", "--select=AL3", "--ignore", " AL101 , ,AL102",
                      "--extend-select=AL190", "--rules", "a.yaml,dir", "--rules=b.yaml",
                      "--context", "src,lib", "--context=tests"));
    assert_string_equal(joined(f, f->opt.select), "AL1|AL202|AL3");
    assert_string_equal(joined(f, f->opt.ignore), "AL101|AL102");
    assert_string_equal(joined(f, f->opt.extend_select), "AL190");
    assert_string_equal(joined(f, f->opt.rules), "a.yaml|dir|b.yaml");
    assert_string_equal(joined(f, f->opt.context), "src|lib|tests");
    assert_string_equal(joined(f, f->opt.paths), ".");
}

static void test_app_cli_parse_formats(void **state)
{
    static const struct {
        const char *name;
        RepFormat fmt;
    } fmts[] = {{"text", REP_TEXT}, {"gcc", REP_GCC}, {"json", REP_JSON}, {"github", REP_GITHUB},
                {"sarif", REP_SARIF}};
    Fx *f = *state;
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        assert_true(PARSE(f, "check", "--format", fmts[i].name));
        assert_int_equal(f->opt.format, fmts[i].fmt);
        assert_true(f->opt.format_given);
    }
    assert_true(PARSE(f, "check", "--format=sarif"));
    assert_int_equal(f->opt.format, REP_SARIF);
    expect_error(f, PARSE(f, "check", "--format", "xml"),
                 "unknown format 'xml' (expected text, gcc, json, github or sarif)");
    expect_error(f, PARSE(f, "check", "--format="),
                 "unknown format '' (expected text, gcc, json, github or sarif)");
}

static void test_app_cli_parse_jobs(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check", "-j4"));
    assert_int_equal(f->opt.jobs, 4);
    assert_true(PARSE(f, "check", "-j", "8"));
    assert_int_equal(f->opt.jobs, 8);
    assert_true(PARSE(f, "check", "--jobs=16"));
    assert_int_equal(f->opt.jobs, 16);
    assert_true(PARSE(f, "check", "--jobs", "0"));
    assert_int_equal(f->opt.jobs, 0);
    assert_true(PARSE(f, "check", "-j=1024"));
    assert_int_equal(f->opt.jobs, 1024);
    expect_error(f, PARSE(f, "check", "-j", "1025"),
                 "-j expects a number of jobs from 0 to 1024, got '1025'");
    expect_error(f, PARSE(f, "check", "-j", "-1"),
                 "-j expects a number of jobs from 0 to 1024, got '-1'");
    expect_error(f, PARSE(f, "check", "-j4x"), "-j expects a number of jobs from 0 to 1024, got '4x'");
    expect_error(f, PARSE(f, "check", "--jobs", "four"),
                 "-j expects a number of jobs from 0 to 1024, got 'four'");
    /* fixed: an empty value was read as 0 */
    expect_error(f, PARSE(f, "check", "--jobs="), "-j expects a number of jobs from 0 to 1024, got ''");
    expect_error(f, PARSE(f, "check", "-jx"), "unknown option '-jx'");
    expect_error(f, PARSE(f, "check", "--jobs4"), "unknown option '--jobs4'");
}

static void test_app_cli_parse_color(void **state)
{
    Fx *f = *state;
    assert_true(PARSE(f, "check", "--color", "never"));
    assert_int_equal(f->opt.color, 0);
    assert_true(PARSE(f, "check", "--color=always"));
    assert_int_equal(f->opt.color, 1);
    assert_true(PARSE(f, "check", "--color", "auto"));
    assert_int_equal(f->opt.color, -1);
    assert_true(PARSE(f, "check", "--color"));
    assert_int_equal(f->opt.color, 1);
    assert_true(PARSE(f, "check", "--color", "-q"));
    assert_int_equal(f->opt.color, 1);
    assert_true(f->opt.quiet);
    /* fixed: a bare --color before a path took the path as its value */
    assert_true(PARSE(f, "check", "--color", "src"));
    assert_int_equal(f->opt.color, 1);
    assert_string_equal(joined(f, f->opt.paths), "src");
    expect_error(f, PARSE(f, "check", "--color=blue"),
                 "--color expects always, never or auto, got 'blue'");
}

static void test_app_cli_parse_option_errors(void **state)
{
    Fx *f = *state;
    expect_error(f, PARSE(f, "check", "--selct", "AL1"), "unknown option '--selct'");
    expect_error(f, PARSE(f, "check", "--select"), "option '--select' needs a value");
    expect_error(f, PARSE(f, "check", "src", "--output-file"), "option '--output-file' needs a value");
    expect_error(f, PARSE(f, "check", "-p"), "option '-p' needs a value");
    expect_error(f, PARSE(f, "check", "-j"), "option '-j' needs a value");
    expect_error(f, PARSE(f, "check", "--format"), "option '--format' needs a value");
    expect_error(f, PARSE(f, "check", "-x"), "unknown option '-x'");
    expect_error(f, PARSE(f, "check", "--select-x=1"), "unknown option '--select-x=1'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_app_cli_parse_check_defaults),
        T(test_app_cli_parse_commands),
        T(test_app_cli_parse_command_errors),
        T(test_app_cli_parse_paths_and_double_dash),
        T(test_app_cli_parse_string_options_both_forms),
        T(test_app_cli_parse_flags),
        T(test_app_cli_parse_lists),
        T(test_app_cli_parse_formats),
        T(test_app_cli_parse_jobs),
        T(test_app_cli_parse_color),
        T(test_app_cli_parse_option_errors),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
