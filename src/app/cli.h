/* Command-line parsing for `asynclint` (SPEC.md "Command line"). Options follow
 * ruff/flake8 names; `--opt value` and `--opt=value` both work, and list options
 * (`--select AL1,AL202`) may be repeated. Parsing never exits: errors come back
 * as a message for the caller to print with exit code 2. */
#ifndef LINT_APP_CLI_H
#define LINT_APP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../report/report.h"

typedef enum { CMD_CHECK, CMD_RULE, CMD_RULES, CMD_VERSION, CMD_HELP } AppCommand;

typedef struct AppOptions {
    AppCommand command;
    const char **paths;          /* NULL-terminated; `.` when none given */
    uint32_t npaths;
    const char **select;         /* NULL-terminated, or NULL when not given */
    const char **extend_select;
    const char **ignore;
    RepFormat format;
    bool format_given;
    const char *output_file;
    const char *stdin_filename;  /* --stdin-filename: the `-` path reads stdin */
    const char *config;
    const char **rules;          /* --rules FILE_OR_DIR, NULL-terminated */
    const char **context;        /* --context PATH: analysed for what crosses files, never
                                    reported (NULL-terminated, or NULL) */
    bool no_default_rules;
    bool parse_all;              /* parse every Python file, also one that cannot hold a
                                    finding (app/select.h): its syntax errors are reported */
    const char *build_dir;       /* -p */
    const char *compile_commands;
    const char *baseline;
    const char *write_baseline;
    bool exit_zero;
    bool statistics;
    bool show_files;   /* print the discovered files, one per line, and exit */
    bool quiet;
    int color;                   /* -1 auto (TTY and no NO_COLOR), 0 never, 1 always */
    unsigned jobs;               /* 0: one per core */
    bool force_exclude;
    bool no_gitignore;
    const char *rule_id;         /* `rule ID` */
} AppOptions;

/* Parses argv (argv[0] is the program). Strings point into argv or the arena.
 * On error returns false with a one-line message in *err (in the arena). */
bool app_cli_parse(int argc, char **argv, Arena *a, AppOptions *out, const char **err);
/* The usage text for `asynclint --help`. */
const char *app_cli_usage(void);

#endif
