/* asynclint's entry point: parse the command line and run the command. */
#include <stdio.h>

#include "app/check.h"
#include "app/cli.h"

int main(int argc, char **argv)
{
    Arena a;
    arena_init(&a);
    AppOptions opt;
    const char *err = NULL;
    int rc;
    if (!app_cli_parse(argc, argv, &a, &opt, &err)) {
        fprintf(stderr, "asynclint: error: %s\n\n%s", err, app_cli_usage());
        rc = 2;
    } else {
        switch (opt.command) {
        case CMD_CHECK:
            rc = app_cmd_check(&opt);
            break;
        case CMD_RULE:
            rc = app_cmd_rule(&opt);
            break;
        case CMD_RULES:
            rc = app_cmd_rules(&opt);
            break;
        case CMD_VERSION:
            rc = app_cmd_version();
            break;
        default:
            fputs(app_cli_usage(), stdout);
            rc = 0;
            break;
        }
    }
    arena_free(&a);
    return rc;
}
