/* Command-line parsing (see cli.h). A table maps each option to where its value
 * goes, so adding an option is one row. */
#include "cli.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/vec.h"

typedef enum { OPT_FLAG, OPT_STRING, OPT_LIST, OPT_FORMAT, OPT_JOBS, OPT_COLOR } OptKind;

typedef struct OptSpec {
    const char *name;  /* long name with dashes, or "-p" */
    OptKind kind;
    size_t field;      /* offsetof into AppOptions */
} OptSpec;

#define F(x) offsetof(AppOptions, x)
static const OptSpec OPTS[] = {
    {"--select", OPT_LIST, F(select)},
    {"--extend-select", OPT_LIST, F(extend_select)},
    {"--ignore", OPT_LIST, F(ignore)},
    {"--format", OPT_FORMAT, F(format)},
    {"--output-file", OPT_STRING, F(output_file)},
    {"-o", OPT_STRING, F(output_file)},
    {"--stdin-filename", OPT_STRING, F(stdin_filename)},
    {"--config", OPT_STRING, F(config)},
    {"--rules", OPT_LIST, F(rules)},
    {"--context", OPT_LIST, F(context)},
    {"--no-default-rules", OPT_FLAG, F(no_default_rules)},
    {"--parse-all", OPT_FLAG, F(parse_all)},
    {"-p", OPT_STRING, F(build_dir)},
    {"--build-dir", OPT_STRING, F(build_dir)},
    {"--compile-commands", OPT_STRING, F(compile_commands)},
    {"--baseline", OPT_STRING, F(baseline)},
    {"--write-baseline", OPT_STRING, F(write_baseline)},
    {"--exit-zero", OPT_FLAG, F(exit_zero)},
    {"--statistics", OPT_FLAG, F(statistics)},
    {"--quiet", OPT_FLAG, F(quiet)},
    {"-q", OPT_FLAG, F(quiet)},
    {"--color", OPT_COLOR, F(color)},
    {"-j", OPT_JOBS, F(jobs)},
    {"--jobs", OPT_JOBS, F(jobs)},
    {"--force-exclude", OPT_FLAG, F(force_exclude)},
    {"--no-gitignore", OPT_FLAG, F(no_gitignore)},
    {"--show-files", OPT_FLAG, F(show_files)},
};
#undef F

const char *app_cli_usage(void)
{
    return "usage: asynclint check [OPTIONS] [PATHS...]   lint files and directories (default: .)\n"
           "       asynclint rule ID                     show a rule's documentation\n"
           "       asynclint rules                       list every rule\n"
           "       asynclint version\n"
           "\n"
           "check options:\n"
           "  --select, --extend-select, --ignore SEL   rule ids, prefixes (AL1) or names; comma-separated\n"
           "  --format text|gcc|json|github|sarif       output format (default: text)\n"
           "  --output-file FILE                        write the report to FILE (atomically)\n"
           "  --stdin-filename NAME                     with path `-`: read the source from stdin\n"
           "  --context PATH                            also read PATH's files for what crosses files\n"
           "                                            (helpers, coroutines), reporting none of them\n"
           "  --config FILE                             use FILE instead of the nearest .asynclint.yaml\n"
           "  --rules FILE_OR_DIR                       load extra rule packs\n"
           "  --no-default-rules                        do not load the built-in packs\n"
           "  --parse-all                               parse every Python file, also one that cannot\n"
           "                                            hold a finding (its syntax errors are shown)\n"
           "  -p BUILD_DIR, --compile-commands FILE     C compile flags (compile_commands.json)\n"
           "  --baseline FILE, --write-baseline FILE    report only new findings / record today's\n"
           "  --exit-zero                               exit 0 even with findings\n"
           "  --statistics                              print a count per rule\n"
           "  -j N                                      parallel jobs (default: all cores)\n"
           "  --quiet                                   no summary line\n"
           "  --color always|never|auto                 colour in text output\n"
           "  --force-exclude                           apply excludes to files named explicitly\n"
           "  --no-gitignore                            do not honour .gitignore\n"
           "  --show-files                              list the files that would be checked, and exit\n"
           "\n"
           "exit codes: 0 clean, 1 findings, 2 usage or configuration error, 3 internal error\n";
}

static const OptSpec *find_opt(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < sizeof OPTS / sizeof *OPTS; i++) {
        size_t n = strlen(OPTS[i].name);
        if (strncmp(arg, OPTS[i].name, n) != 0)
            continue;
        if (arg[n] == '\0')
            return &OPTS[i];
        if (arg[n] == '=' && OPTS[i].kind != OPT_FLAG) {
            *inline_value = arg + n + 1;
            return &OPTS[i];
        }
        if (strcmp(OPTS[i].name, "-j") == 0 && arg[n] >= '0' && arg[n] <= '9') {
            *inline_value = arg + n; /* -j4 */
            return &OPTS[i];
        }
    }
    return NULL;
}

/* Appends the comma-separated items of value to a NULL-terminated list. */
static const char **list_append(Arena *a, const char **list, const char *value)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    size_t extra = 1;
    for (const char *p = value; *p; p++)
        extra += *p == ',';
    const char **out = ARENA_ARRAY(a, const char *, n + extra + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = list[i];
    const char *p = value;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        while (len && (*p == ' '))
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len)
            out[n++] = arena_strndup(a, p, len);
        if (!c)
            break;
        p = c + 1;
    }
    out[n] = NULL;
    return out;
}

static bool set_value(AppOptions *o, const OptSpec *s, const char *v, Arena *a, const char **err)
{
    char *base = (char *)o + s->field;
    switch (s->kind) {
    case OPT_FLAG:
        *(bool *)base = true;
        return true;
    case OPT_STRING:
        *(const char **)base = v;
        return true;
    case OPT_LIST:
        *(const char ***)base = list_append(a, *(const char ***)base, v);
        return true;
    case OPT_FORMAT:
        o->format_given = true;
        if (rep_parse_format(v, &o->format))
            return true;
        *err = arena_printf(a, "unknown format '%s' (expected text, gcc, json, github or sarif)", v);
        return false;
    case OPT_JOBS: {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 0 || n > 1024) { /* `-j ''` is no number */
            *err = arena_printf(a, "-j expects a number of jobs from 0 to 1024, got '%s'", v);
            return false;
        }
        o->jobs = (unsigned)n;
        return true;
    }
    case OPT_COLOR:
        if (strcmp(v, "always") == 0)
            o->color = 1;
        else if (strcmp(v, "never") == 0)
            o->color = 0;
        else if (strcmp(v, "auto") == 0)
            o->color = -1;
        else {
            *err = arena_printf(a, "--color expects always, never or auto, got '%s'", v);
            return false;
        }
        return true;
    }
    return false;
}

static bool parse_command(const char *word, AppOptions *o)
{
    static const struct {
        const char *word;
        AppCommand cmd;
    } cmds[] = {{"check", CMD_CHECK}, {"rule", CMD_RULE},   {"rules", CMD_RULES},
                {"version", CMD_VERSION}, {"--version", CMD_VERSION}, {"help", CMD_HELP},
                {"--help", CMD_HELP},     {"-h", CMD_HELP}};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (strcmp(word, cmds[i].word) == 0) {
            o->command = cmds[i].cmd;
            return true;
        }
    return false;
}

bool app_cli_parse(int argc, char **argv, Arena *a, AppOptions *o, const char **err)
{
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->format = REP_TEXT;
    if (argc < 2 || !parse_command(argv[1], o)) {
        *err = argc < 2 ? "missing command (try `asynclint check .`)"
                        : arena_printf(a, "unknown command '%s' (expected check, rule, rules, "
                                          "version)", argv[1]);
        return false;
    }
    Vec(const char *) paths;
    vec_init(&paths);
    bool only_paths = false;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_paths && strcmp(arg, "--") == 0) {
            only_paths = true;
            continue;
        }
        if (!only_paths && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
                o->command = CMD_HELP;
                continue;
            }
            const char *v;
            const OptSpec *s = find_opt(arg, &v);
            if (!s) {
                *err = arena_printf(a, "unknown option '%s'", arg);
                vec_free(&paths);
                return false;
            }
            if (s->kind == OPT_COLOR && !v &&
                (i + 1 >= argc || (strcmp(argv[i + 1], "always") != 0 &&
                                   strcmp(argv[i + 1], "never") != 0 &&
                                   strcmp(argv[i + 1], "auto") != 0)))
                v = "always"; /* bare --color (`--color src/` is colour and a path) */
            if (s->kind != OPT_FLAG && !v) {
                if (i + 1 >= argc) {
                    *err = arena_printf(a, "option '%s' needs a value", arg);
                    vec_free(&paths);
                    return false;
                }
                v = argv[++i];
            }
            if (!set_value(o, s, v, a, err)) {
                vec_free(&paths);
                return false;
            }
            continue;
        }
        vec_push(&paths, arg);
    }
    if (o->command == CMD_RULE) {
        if (paths.size != 1) {
            *err = "usage: asynclint rule ID";
            vec_free(&paths);
            return false;
        }
        o->rule_id = paths.contents[0];
    }
    if (paths.size == 0)
        vec_push(&paths, ".");
    o->npaths = paths.size;
    o->paths = ARENA_ARRAY(a, const char *, paths.size + 1);
    memcpy(o->paths, paths.contents, sizeof(char *) * paths.size);
    vec_free(&paths);
    return true;
}
