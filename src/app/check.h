/* The analysis run of `asynclint check` (see check.c) and what the command
 * layer hands it. */
#ifndef LINT_APP_CHECK_H
#define LINT_APP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/diag.h"
#include "../checks/registry.h"
#include "../report/report.h"
#include "cli.h"
#include "config.h"
#include "discover.h"

/* Writes the final, sorted findings; false if the report could not be written. */
typedef bool (*AppReportFn)(void *ctx, const Finding *items, uint32_t n);

/* Whether a run frees everything even when the process exits right after it
 * (AppCheckInput.exiting): yes under AddressSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define APP_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define APP_FREE_AT_EXIT 1
#endif
#endif
#ifndef APP_FREE_AT_EXIT
#define APP_FREE_AT_EXIT 0
#endif

typedef struct AppCheckInput {
    const AppFile *files;      /* sorted by path */
    uint32_t nfiles;
    AppPackages *packages;     /* what discovery knows of packages, or NULL */
    const ChkEnv *env;
    const CfgOverrides *overrides;
    const char *stdin_src;     /* set when a file comes from stdin: the one not context_only */
    size_t stdin_len;
    Diag *diag;                /* collects every input problem; printed before the report */
    AppReportFn report;
    void *report_ctx;
    /* The process exits right after the run (the command line): the analysis's
     * memory (a summary per file, ~100 MB over a big tree) is left to the
     * kernel instead of freed piece by piece, as compilers do. Sanitizer
     * builds free it all the same, so that leak checks stay meaningful. */
    bool exiting;
} AppCheckInput;

/* Analyses the files and reports. Returns the exit code: 0 clean, 1 findings at
 * or above the failing severity (unless --exit-zero), 2 a bad baseline, 3 the
 * report could not be written. */
int app_check_run(const AppOptions *opt, const AppCheckInput *in);

/* The whole `check` command: configs, discovery, packs, run. Exit code. */
int app_cmd_check(const AppOptions *opt);
/* `rule ID`, `rules`, `version`. Exit code. */
int app_cmd_rule(const AppOptions *opt);
int app_cmd_rules(const AppOptions *opt);
int app_cmd_version(void);

#endif
