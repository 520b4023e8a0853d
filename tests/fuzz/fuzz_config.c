/* libFuzzer harness: the `.asynclint.yaml` loader (app/config.h). The input is
 * the config text, loaded with cfg_load_text as if it lived in a scratch
 * directory; a loaded Config is then asked everything discovery and the check
 * run ask (rule enabled, per-file-ignores, excludes with their globs, fail-on)
 * for a few paths against the default rules. Checks that a rejected config
 * always comes with an error diagnostic naming the file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "app/config.h"
#include "base/arena.h"
#include "base/diag.h"
#include "fuzz_common.h"
#include "rules/rules.h"

#define CFG_PATH "/tmp/asynclint-fuzz/proj/" CFG_FILE_NAME

static RuleSet *g_rules;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Diag d;
    diag_init(&d);
    g_rules = rules_set_new();
    FUZZ_CHECK(rules_load_defaults(g_rules, &d), "the default packs do not load");
    diag_free(&d);
    return 0;
}

static const char *const paths[] = {
    "/tmp/asynclint-fuzz/proj/a.py",
    "/tmp/asynclint-fuzz/proj/pkg/sub/mod.py",
    "/tmp/asynclint-fuzz/proj/tests/test_x.py",
    "/tmp/asynclint-fuzz/proj/.venv/lib/x.py",
    "/tmp/asynclint-fuzz/other/b.c",
    "rel/dir/file.py",
};

static void ask(const Config *c)
{
    static const char *const sel[] = {"AL1", NULL};
    static const char *const ign[] = {"blocking-sleep", NULL};
    CfgOverrides none = {0}, cli = {.extend_select = sel, .ignore = ign};
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        const char *name = strrchr(paths[p], '/') + 1;
        (void)cfg_entry_excluded(c, paths[p], name);
        (void)cfg_path_excluded(c, paths[p]);
        for (uint32_t i = 0; i < g_rules->nrules; i++)
            (void)cfg_path_ignored(c, paths[p], g_rules->rules[i]);
    }
    for (uint32_t i = 0; i < g_rules->nrules; i++) {
        (void)cfg_rule_enabled(c, &none, g_rules->rules[i]);
        (void)cfg_rule_enabled(c, &cli, g_rules->rules[i]);
    }
    for (Severity s = SEV_NOTE; s <= SEV_ERROR; s++)
        (void)cfg_fails(c, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d;
    diag_init(&d);
    Arena a;
    arena_init(&a);
    Config *c = NULL;
    bool ok = cfg_load_text(CFG_PATH, (const char *)data, size, &a, &d, &c);
    if (ok) {
        FUZZ_CHECK(c != NULL, "loaded config is NULL");
        ask(c);
    } else {
        FUZZ_CHECK(c == NULL, "failed load left a config");
        bool named = false;
        for (uint32_t i = 0; i < d.msgs.size; i++)
            named |= d.msgs.contents[i].level == DIAG_ERROR && d.msgs.contents[i].path &&
                     strstr(d.msgs.contents[i].path, CFG_FILE_NAME);
        FUZZ_CHECK(named, "config rejected without an error naming it");
    }
    arena_free(&a);
    diag_free(&d);
    return 0;
}
