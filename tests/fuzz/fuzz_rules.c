/* libFuzzer harness: the YAML pack loader (rules.h) and engine binding
 * (registry.h). The input is a pack loaded with rules_load_text; when it
 * loads, chk_env_new validates and compiles every rule's engine parameters, and
 * selection runs over it. An odd first byte loads the default packs first, so
 * `extend:` of an existing rule and duplicate ids across packs are reached.
 * Checks that a failed load always explains itself (an error diagnostic naming
 * the pack file) and that a loaded pack yields well-formed rules. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/diag.h"
#include "checks/registry.h"
#include "fuzz_common.h"
#include "rules/rules.h"

#define PACK "fuzz-pack.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool names_pack(const Diag *d)
{
    for (uint32_t i = 0; i < d->msgs.size; i++) {
        const DiagMsg *m = &d->msgs.contents[i];
        if (m->level == DIAG_ERROR && m->path && strstr(m->path, PACK))
            return true;
    }
    return false;
}

static void check_rules(const RuleSet *rs)
{
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        FUZZ_CHECK(r->id && r->id[0] && r->check && r->message, "rule %u incomplete", i);
        FUZZ_CHECK(r->index == i, "rule %s index %u at %u", r->id, r->index, i);
        FUZZ_CHECK(rules_find_lang(rs, r->id, r->language) == r, "rules_find_lang(%s) misses it",
                   r->id);
        FUZZ_CHECK(rules_find(rs, r->id) != NULL, "rules_find(%s) is NULL", r->id);
        FUZZ_CHECK(rules_selector_valid(rs, r->id), "rule id %s selects nothing", r->id);
        if (i == 0)
            continue;
        /* Sorted by id; an id repeats only for another language. */
        const Rule *p = rs->rules[i - 1];
        int c = strcmp(p->id, r->id);
        FUZZ_CHECK(c < 0 || (c == 0 && p->language != r->language), "rules not sorted at %s",
                   r->id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d;
    diag_init(&d);
    RuleSet *rs = rules_set_new();
    bool with_defaults = size > 0 && (data[0] & 1);
    if (with_defaults)
        FUZZ_CHECK(rules_load_defaults(rs, &d), "the default packs do not load");
    uint32_t before = d.errors;
    bool ok = rules_load_text(rs, PACK, (const char *)data, size, false, &d);
    if (!ok)
        FUZZ_CHECK(d.errors > before && names_pack(&d), "pack rejected without an error at it");
    if (ok) {
        check_rules(rs);
        static const char *const sel[] = {"AL1", "blocking-sleep", "ALL", NULL};
        static const char *const ign[] = {"AL2", NULL};
        rules_apply_selection(rs, sel, sel + 2, ign);
        ChkEnv *env = chk_env_new(rs, &d);
        if (!env)
            FUZZ_CHECK(d.errors > before, "engine binding failed without an error");
        else
            chk_env_free(env);
    }
    rules_set_free(rs);
    diag_free(&d);
    return 0;
}
