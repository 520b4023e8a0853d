/* Unit tests for the rule pack loader (src/rules/): the embedded default packs,
 * a valid user pack with extensions, every broken pack in tests/packs/broken
 * with its exact `file:line:col: error:` text, and --select/--ignore semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testsupport.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "rules/rules.h"

typedef struct Fixture {
    RuleSet *rs;
    Diag diag;
    char *printed;
} Fixture;

static int group_setup(void **state)
{
    (void)state;
    /* Pack paths in messages are relative to the source tree. */
    return chdir(ASYNCLINT_SOURCE_DIR) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    Fixture *f = xcalloc(1, sizeof *f);
    f->rs = rules_set_new();
    diag_init(&f->diag);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    rules_set_free(f->rs);
    diag_free(&f->diag);
    free(f->printed);
    xfree(f);
    return 0;
}

static const char *printed(Fixture *f)
{
    free(f->printed);
    f->printed = ts_diag_text(&f->diag);
    return f->printed;
}

static void load_defaults(Fixture *f)
{
    assert_true(rules_load_defaults(f->rs, &f->diag));
    assert_int_equal(f->diag.errors, 0);
}

/* Loads a broken pack on top of the defaults and returns what was reported. */
static const char *load_broken(Fixture *f, const char *path)
{
    load_defaults(f);
    uint32_t before = f->rs->nrules;
    assert_false(rules_load_path(f->rs, path, &f->diag));
    assert_int_equal(f->rs->nrules, before);
    return printed(f);
}

/* ---- the default packs ---------------------------------------------------- */

static void test_rules_load_defaults_catalog(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    static const char *const ids[] = {"AL101", "AL102", "AL103", "AL104",
                                      "AL105", "AL106", "AL107", "AL108"};
    static const char *const names[] = {
        "blocking-sleep",    "blocking-http",    "blocking-file-io", "blocking-subprocess",
        "blocking-database", "blocking-network", "blocking-input",   "blocking-wait"};
    for (size_t i = 0; i < 8; i++) {
        const Rule *r = rules_find(f->rs, ids[i]);
        assert_non_null(r);
        assert_string_equal(r->name, names[i]);
        assert_string_equal(r->check, "blocking-call");
        assert_string_equal(r->pack->name, "python-asyncio");
        assert_string_equal(r->pack->file, "<embedded>/python-asyncio.yaml");
        assert_true(r->pack->embedded);
        assert_int_equal(r->language, LANG_PYTHON);
        assert_true(r->default_enabled);
        assert_true(strlen(r->rationale) > 200);
        assert_non_null(strstr(r->example_bad, "async def"));
        assert_non_null(strstr(r->example_good, "async def"));
        assert_non_null(strstr(r->message, "{callee}"));
        assert_non_null(strstr(r->message, "{function}"));
        assert_non_null(r->source);
        assert_non_null(r->precision);
        assert_true(r->ntags >= 2);
        assert_non_null(ynode_get(r->node, "calls"));
        /* each id has a Python and a C variant, in that order */
        const Rule *c = rules_find_lang(f->rs, ids[i], LANG_C);
        assert_non_null(c);
        assert_string_equal(c->name, names[i]);
        assert_int_equal(c->index, r->index + 1);
        assert_int_equal(r->index, 2 * i);
    }
}

static void test_rules_load_defaults_details(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const Rule *sleep = rules_find(f->rs, "AL101");
    assert_int_equal(sleep->severity, SEV_ERROR);
    assert_string_equal(sleep->fix, "await asyncio.sleep({args})");
    assert_int_equal(sleep->naliases, 1);
    assert_string_equal(sleep->aliases[0], "ASYNC251");
    assert_string_equal(sleep->message, "`{callee}` blocks the event loop in `{function}`; use "
                                        "`await asyncio.sleep(...)`");
    for (uint32_t i = 0; i < f->rs->nrules; i++)
        if (strcmp(f->rs->rules[i]->id, "AL101") != 0)
            assert_null(f->rs->rules[i]->fix);
    assert_int_equal(rules_find(f->rs, "AL103")->severity, SEV_WARNING);
    assert_int_equal(rules_find(f->rs, "AL107")->severity, SEV_ERROR);

    const Rule *stat = rules_find(f->rs, "AL190");
    assert_non_null(stat);
    assert_string_equal(stat->pack->name, "python-strict");
    assert_false(stat->default_enabled);
    assert_false(rules_find(f->rs, "AL191")->default_enabled);

    const YNode *tables[4];
    assert_int_equal(rules_pack_tables(f->rs, LANG_PYTHON, "offloads", tables, 4), 1);
    assert_string_equal(tables[0]->items[0]->scalar, "asyncio.to_thread");
    assert_int_equal(rules_pack_tables(f->rs, LANG_C, "offloads", tables, 4), 0);
    assert_null(rules_find(f->rs, "AL999"));
}

/* ---- user packs ------------------------------------------------------------ */

static void test_rules_load_path_user_pack(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    assert_true(rules_load_path(f->rs, "tests/packs/good/acme.yaml", &f->diag));
    assert_int_equal(f->diag.errors, 0);
    const Rule *r = rules_find(f->rs, "ACME1");
    assert_non_null(r);
    assert_int_equal(r->severity, SEV_WARNING);
    assert_false(r->pack->embedded);
    assert_string_equal(r->pack->file, "tests/packs/good/acme.yaml");
    assert_int_equal(r->ntags, 1);
    assert_string_equal(r->tags[0], "acme");
    assert_null(r->rationale);
    /* Engine parameters stay in the node, positions included. */
    const YNode *calls = ynode_get(r->node, "calls");
    assert_int_equal(calls->count, 2);
    assert_int_equal(calls->line, 13);
    assert_false(rules_find(f->rs, "ACME2")->default_enabled);
    /* Extensions, from `rules:` and from `extends:`, land on their targets. */
    const Rule *db = rules_find(f->rs, "AL105");
    assert_int_equal(db->nextends, 1);
    assert_string_equal(ynode_get(db->extends[0], "calls")->items[0]->scalar, "acme.db.query");
    const Rule *sleep = rules_find(f->rs, "AL101");
    assert_int_equal(sleep->nextends, 1);
    assert_string_equal(ynode_get(sleep->extends[0], "calls")->items[0]->scalar, "acme.sleep");
    /* Sorted by id, index = position. */
    for (uint32_t i = 0; i < f->rs->nrules; i++)
        assert_int_equal(f->rs->rules[i]->index, i);
    assert_string_equal(f->rs->rules[0]->id, "ACME1");
    assert_string_equal(f->rs->rules[2]->id, "AL101");
    const YNode *tables[4];
    assert_int_equal(rules_pack_tables(f->rs, LANG_PYTHON, "offloads", tables, 4), 2);
    assert_string_equal(tables[1]->items[0]->scalar, "acme.pool.run_blocking");
}

static void test_rules_load_text_meta_keys(void **state)
{
    (void)state;
    assert_true(rules_is_meta_key("severity"));
    assert_true(rules_is_meta_key("enabled-by-default"));
    assert_true(rules_is_meta_key("extend"));
    assert_true(rules_is_meta_key("message-trio"));
    assert_true(rules_is_meta_key("message-anyio"));
    assert_false(rules_is_meta_key("calls"));
    assert_false(rules_is_meta_key("contexts"));
    size_t n = 0;
    for (const char *const *k = rules_meta_keys(); *k; k++)
        n++;
    assert_int_equal(n, 17);
}

static void test_rules_load_text_duplicate_pack(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const char *text = "pack: python-asyncio\nlanguage: python\n";
    assert_false(rules_load_text(f->rs, "again.yaml", text, strlen(text), false, &f->diag));
    assert_string_equal(printed(f), "again.yaml:1:7: error: pack 'python-asyncio' is already "
                                    "loaded from <embedded>/python-asyncio.yaml\n");
}

static void test_rules_load_text_embedded_ids_are_strict(void **state)
{
    Fixture *f = *state;
    const char *text = "pack: p\nlanguage: c\nrules:\n"
                       "  - {id: XY101, name: x, check: c, severity: note, message: m}\n";
    assert_false(rules_load_text(f->rs, "<embedded>/p.yaml", text, strlen(text), true, &f->diag));
    assert_string_equal(printed(f), "<embedded>/p.yaml:4:10: error: rule #1: invalid id 'XY101' "
                                    "(expected AL and three digits, e.g. AL101)\n");
    diag_free(&f->diag);
    assert_true(rules_load_text(f->rs, "user.yaml", text, strlen(text), false, &f->diag));
    assert_int_equal(rules_find(f->rs, "XY101")->language, LANG_C);
    assert_int_equal(rules_find(f->rs, "XY101")->severity, SEV_NOTE);
}

static void test_rules_load_text_empty_pack(void **state)
{
    Fixture *f = *state;
    assert_false(rules_load_text(f->rs, "empty.yaml", "", 0, false, &f->diag));
    assert_string_equal(printed(f), "empty.yaml:1:1: error: missing required pack key 'pack'\n"
                                    "empty.yaml:1:1: error: missing required pack key "
                                    "'language'\n");
}

static void test_rules_load_path_missing_file(void **state)
{
    Fixture *f = *state;
    assert_false(rules_load_path(f->rs, "tests/packs/no-such.yaml", &f->diag));
    assert_string_equal(printed(f), "tests/packs/no-such.yaml: error: cannot open: No such file "
                                    "or directory\n");
}

/* ---- broken packs ------------------------------------------------------------ */

static void test_rules_broken_syntax(void **state)
{
    assert_string_equal(load_broken(*state, "tests/packs/broken/syntax.yaml"),
                        "tests/packs/broken/syntax.yaml:7:10: error: did not find expected ',' or "
                        "']' (while parsing a flow sequence started at line 6, column 12)\n");
}

static void test_rules_broken_types(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/types.yaml"),
        "tests/packs/broken/types.yaml:7:15: error: rule 'T1': expected a string for 'severity', "
        "found a list\n"
        "tests/packs/broken/types.yaml:8:14: error: rule 'T1': expected a string for 'message', "
        "found a map\n"
        "tests/packs/broken/types.yaml:9:14: error: rule 'T1': expected a list of strings for "
        "'aliases', found a map\n"
        "tests/packs/broken/types.yaml:10:16: error: rule 'T1': expected a string in 'tags', found "
        "a list\n"
        "tests/packs/broken/types.yaml:11:25: error: rule 'T1': expected true or false for "
        "'enabled-by-default', found 'maybe'\n"
        "tests/packs/broken/types.yaml:12:14: error: rule 'T1': expected a map with 'bad' and "
        "'good' for 'example', found a string\n"
        "tests/packs/broken/types.yaml:13:16: error: rule 'T1': 'rationale' is empty\n");
}

static void test_rules_broken_missing_keys(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/missing.yaml"),
        "tests/packs/broken/missing.yaml:1:1: error: missing required pack key 'language'\n"
        "tests/packs/broken/missing.yaml:3:5: error: rule 'M1': missing required key 'check'\n"
        "tests/packs/broken/missing.yaml:3:5: error: rule 'M1': missing required key 'message'\n"
        "tests/packs/broken/missing.yaml:6:5: error: rule #2: missing required key 'id'\n"
        "tests/packs/broken/missing.yaml:10:5: error: rule #3: expected a map, found a string\n");
}

static void test_rules_broken_unknown_pack_key(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/unknown-key.yaml"),
        "tests/packs/broken/unknown-key.yaml:3:1: error: unknown pack key 'ofloads' (did you mean "
        "'offloads'?)\n"
        "tests/packs/broken/unknown-key.yaml:4:1: error: unknown pack key 'colour' (expected "
        "pack, language, rules or a table such as offloads)\n"
        "tests/packs/broken/unknown-key.yaml:12:23: error: rule 'U1': unknown key 'god' in "
        "'example' (did you mean 'good'?)\n");
}

static void test_rules_broken_duplicates_in_one_pack(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/duplicate.yaml"),
        "tests/packs/broken/duplicate.yaml:9:9: error: duplicate rule id 'D1' (first defined at "
        "tests/packs/broken/duplicate.yaml:4:9)\n"
        "tests/packs/broken/duplicate.yaml:15:11: error: duplicate rule name 'first' (already "
        "used by D1 at tests/packs/broken/duplicate.yaml:5:11)\n");
}

static void test_rules_broken_duplicates_across_packs(void **state)
{
    Fixture *f = *state;
    assert_false(rules_load_path(f->rs, "tests/packs/dup", &f->diag));
    assert_string_equal(printed(f), "tests/packs/dup/b.yaml:9:9: error: duplicate rule id 'DUP1' "
                                    "(first defined at tests/packs/dup/a.yaml:4:9)\n");
    /* a.yaml is valid and stays; b.yaml is refused as a whole. */
    assert_non_null(rules_find(f->rs, "DUP1"));
    assert_null(rules_find(f->rs, "DUP2"));
    assert_int_equal(f->rs->npacks, 1);
}

static void test_rules_broken_severity_and_language(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/severity.yaml"),
        "tests/packs/broken/severity.yaml:2:11: error: unknown language 'rust' (expected python "
        "or c)\n"
        "tests/packs/broken/severity.yaml:7:15: error: rule 'S1': unknown severity 'fatal' "
        "(expected error, warning or note)\n"
        "tests/packs/broken/severity.yaml:12:15: error: rule 'S2': unknown severity 'eror' (did "
        "you mean 'error'?)\n"
        "tests/packs/broken/severity.yaml:13:16: error: rule 'S2': unknown precision 'hihg' "
        "(expected very-high, high, medium or low)\n");
}

static void test_rules_broken_alias_and_anchor(void **state)
{
    assert_string_equal(load_broken(*state, "tests/packs/broken/alias.yaml"),
                        "tests/packs/broken/alias.yaml:3:9: error: anchors are not supported "
                        "(found '&calls'); repeat the value instead\n"
                        "tests/packs/broken/alias.yaml:10:12: error: aliases are not supported "
                        "(found '*calls'); repeat the value instead\n");
}

static void test_rules_broken_deep_nesting(void **state)
{
    assert_string_equal(load_broken(*state, "tests/packs/broken/nesting.yaml"),
                        "tests/packs/broken/nesting.yaml:10:73: error: nesting deeper than 64 "
                        "levels\n");
}

static void test_rules_broken_ids_and_names(void **state)
{
    assert_string_equal(
        load_broken(*state, "tests/packs/broken/ids.yaml"),
        "tests/packs/broken/ids.yaml:4:9: error: rule #1: invalid id 'al-101' (expected capital "
        "letters then digits, e.g. AL101)\n"
        "tests/packs/broken/ids.yaml:5:11: error: rule #1: invalid name 'Blocking_Sleep' "
        "(expected kebab-case, e.g. blocking-sleep)\n"
        "tests/packs/broken/ids.yaml:9:9: error: rule #2: 'id' is empty\n");
}

static void test_rules_broken_extensions(void **state)
{
    Fixture *f = *state;
    assert_string_equal(
        load_broken(f, "tests/packs/broken/extend.yaml"),
        "tests/packs/broken/extend.yaml:7:5: error: extension of 'AL105': 'severity' cannot be "
        "set by 'extend' (only engine parameters such as 'calls' can be added to a rule)\n"
        "tests/packs/broken/extend.yaml:9:10: error: expected a list for 'extends', found a map\n"
        "tests/packs/broken/extend.yaml:4:13: error: extend: unknown rule 'AL150' (no pack loaded "
        "so far defines it)\n");
    assert_int_equal(rules_find(f->rs, "AL105")->nextends, 0);
}

static void test_rules_broken_top_level_list(void **state)
{
    assert_string_equal(load_broken(*state, "tests/packs/broken/top-list.yaml"),
                        "tests/packs/broken/top-list.yaml:1:1: error: expected a map at the top of "
                        "the pack, found a list\n");
}

static void test_rules_extension_language_mismatch(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const char *text = "pack: cpack\nlanguage: c\nextends:\n  - extend: AL201\n    calls: [x]\n";
    assert_false(rules_load_text(f->rs, "c.yaml", text, strlen(text), false, &f->diag));
    assert_string_equal(
        printed(f), "c.yaml:4:13: error: extend: rule 'AL201' has no c variant (only python)\n");
}

/* An id may have one rule per language, under the same name in each. */
static const char C_SLEEP[] = "pack: c-demo\nlanguage: c\nrules:\n"
                              "  - id: AL201\n    name: unawaited-coroutine\n    check: blocking-call\n"
                              "    severity: error\n    message: m\n"
                              "extends:\n  - extend: AL201\n    calls: [make_coro]\n";

static void test_rules_same_id_in_two_languages(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    assert_true(rules_load_text(f->rs, "c.yaml", C_SLEEP, strlen(C_SLEEP), false, &f->diag));
    assert_int_equal(f->diag.errors, 0);
    const Rule *py = rules_find_lang(f->rs, "AL201", LANG_PYTHON);
    const Rule *c = rules_find_lang(f->rs, "AL201", LANG_C);
    assert_non_null(py);
    assert_non_null(c);
    assert_true(py != c);
    assert_ptr_equal(rules_find(f->rs, "AL201"), py);
    assert_int_equal(c->index, py->index + 1);
    assert_int_equal(c->nextends, 1);
    assert_int_equal(py->nextends, 0);
    assert_null(rules_find_lang(f->rs, "AL202", LANG_C));
    const char *const sel[] = {"unawaited-coroutine", NULL};
    rules_apply_selection(f->rs, sel, NULL, NULL);
    assert_true(py->enabled);
    assert_true(c->enabled);
    /* The same pack again: now a duplicate within c. */
    const char *again =
        "pack: c-demo2\nlanguage: c\nrules:\n"
        "  - {id: AL201, name: unawaited-coroutine, check: x, severity: note, message: m}\n";
    assert_false(rules_load_text(f->rs, "c2.yaml", again, strlen(again), false, &f->diag));
    assert_string_equal(printed(f),
                        "c2.yaml:4:10: error: duplicate rule id 'AL201' (first defined at "
                        "c.yaml:4:9)\n");
}

static void test_rules_same_id_keeps_its_name(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const char *text =
        "pack: c-demo\nlanguage: c\nrules:\n"
        "  - {id: AL201, name: c-sleep, check: x, severity: note, message: m}\n"
        "  - {id: AL301, name: unawaited-coroutine, check: x, severity: note, message: m}\n";
    assert_false(rules_load_text(f->rs, "c.yaml", text, strlen(text), false, &f->diag));
    const Rule *py = rules_find(f->rs, "AL201");
    const YNode *name = ynode_get(py->node, "name");
    char expected[1024];
    snprintf(expected, sizeof expected,
             "c.yaml:4:23: error: rule 'AL201' is named 'unawaited-coroutine' in its python variant "
             "(%s:%u:%u); an id keeps one name in every language\n"
             "c.yaml:5:23: error: rule name 'unawaited-coroutine' belongs to AL201 in its python "
             "variant (%s:%u:%u); a name keeps one id in every language\n",
             name->file, name->line, name->col, name->file, name->line, name->col);
    assert_string_equal(printed(f), expected);
    assert_null(rules_find_lang(f->rs, "AL201", LANG_C));
}

/* ---- selection ------------------------------------------------------------- */

static bool on(const Fixture *f, const char *id)
{
    const Rule *r = rules_find(f->rs, id);
    assert_non_null(r);
    return r->enabled;
}

static void test_rules_selector_matches_forms(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const Rule *r = rules_find(f->rs, "AL101");
    assert_true(rules_selector_matches(r, "AL101"));
    assert_true(rules_selector_matches(r, "AL1"));
    assert_true(rules_selector_matches(r, "AL10"));
    assert_true(rules_selector_matches(r, "AL"));
    assert_true(rules_selector_matches(r, "blocking-sleep"));
    assert_true(rules_selector_matches(r, "ALL"));
    assert_false(rules_selector_matches(r, "AL2"));
    assert_false(rules_selector_matches(r, "AL1010"));
    assert_false(rules_selector_matches(r, "blocking"));
    assert_false(rules_selector_matches(r, "al101"));
    assert_false(rules_selector_matches(r, ""));
    assert_true(rules_selector_valid(f->rs, "AL19"));
    assert_true(rules_selector_valid(f->rs, "blocking-wait"));
    assert_false(rules_selector_valid(f->rs, "AL9"));
    assert_false(rules_selector_valid(f->rs, "blocking-slep"));
}

static void test_rules_apply_selection_default(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    rules_apply_selection(f->rs, NULL, NULL, NULL);
    assert_true(on(f, "AL101"));
    assert_true(on(f, "AL108"));
    assert_false(on(f, "AL190"));
    assert_false(on(f, "AL191"));
    const char *const empty[] = {NULL};
    rules_apply_selection(f->rs, empty, empty, empty);
    assert_true(on(f, "AL103"));
    assert_false(on(f, "AL190"));
}

static void test_rules_apply_selection_prefix_name_and_ignore(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const char *const sel[] = {"AL10", "blocking-path-stat", NULL};
    const char *const ign[] = {"AL103", "blocking-wait", NULL};
    rules_apply_selection(f->rs, sel, NULL, ign);
    assert_true(on(f, "AL101"));
    assert_false(on(f, "AL103"));
    assert_false(on(f, "AL108"));
    assert_true(on(f, "AL190"));
    assert_false(on(f, "AL191"));

    const char *const one[] = {"AL102", NULL};
    const char *const ext[] = {"AL107", NULL};
    rules_apply_selection(f->rs, one, ext, NULL);
    assert_true(on(f, "AL102"));
    assert_true(on(f, "AL107"));
    assert_false(on(f, "AL101"));
}

static void test_rules_apply_selection_all_and_opt_in(void **state)
{
    Fixture *f = *state;
    load_defaults(f);
    const char *const all[] = {"ALL", NULL};
    rules_apply_selection(f->rs, all, NULL, NULL);
    assert_true(on(f, "AL105"));
    assert_false(on(f, "AL190")); /* ALL does not opt in */
    const char *const strict[] = {"AL19", NULL};
    rules_apply_selection(f->rs, NULL, strict, NULL);
    assert_true(on(f, "AL101"));
    assert_true(on(f, "AL190"));
    assert_true(on(f, "AL191"));
    /* ignore wins over select and extend-select. */
    rules_apply_selection(f->rs, strict, strict, strict);
    assert_false(on(f, "AL190"));
    rules_apply_selection(f->rs, NULL, NULL, all);
    for (uint32_t i = 0; i < f->rs->nrules; i++)
        assert_false(f->rs->rules[i]->enabled);
}

static void test_rules_severity_names(void **state)
{
    (void)state;
    Severity s = SEV_NOTE;
    assert_true(rules_parse_severity("warning", &s));
    assert_int_equal(s, SEV_WARNING);
    assert_false(rules_parse_severity("fatal", &s));
    assert_string_equal(rules_severity_name(SEV_ERROR), "error");
    assert_string_equal(rules_severity_name(SEV_NOTE), "note");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_rules_load_defaults_catalog),
        T(test_rules_load_defaults_details),
        T(test_rules_load_path_user_pack),
        T(test_rules_load_text_meta_keys),
        T(test_rules_load_text_duplicate_pack),
        T(test_rules_load_text_embedded_ids_are_strict),
        T(test_rules_load_text_empty_pack),
        T(test_rules_load_path_missing_file),
        T(test_rules_broken_syntax),
        T(test_rules_broken_types),
        T(test_rules_broken_missing_keys),
        T(test_rules_broken_unknown_pack_key),
        T(test_rules_broken_duplicates_in_one_pack),
        T(test_rules_broken_duplicates_across_packs),
        T(test_rules_broken_severity_and_language),
        T(test_rules_broken_alias_and_anchor),
        T(test_rules_broken_deep_nesting),
        T(test_rules_broken_ids_and_names),
        T(test_rules_broken_extensions),
        T(test_rules_broken_top_level_list),
        T(test_rules_extension_language_mismatch),
        T(test_rules_same_id_in_two_languages),
        T(test_rules_same_id_keeps_its_name),
        T(test_rules_selector_matches_forms),
        T(test_rules_apply_selection_default),
        T(test_rules_apply_selection_prefix_name_and_ignore),
        T(test_rules_apply_selection_all_and_opt_in),
        T(test_rules_severity_names),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
