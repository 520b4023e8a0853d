/* Unit tests for src/report: exact text/gcc/github/json output, escaping,
 * colour, summaries, statistics, the atomic --output-file path, and the SARIF
 * structure (the schema itself is checked by tests/suites/sarif_validate.py).
 * Rules and findings are built by hand; output is captured with open_memstream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "findings/findings.h"
#include "report/report.h"

static const char *al101_aliases[] = {"ASYNC251"};
static const char *al101_tags[] = {"asyncio", "blocking", "asyncio"};
static Rule r101 = {
    .id = "AL101",
    .name = "blocking-sleep",
    .severity = SEV_ERROR,
    .rationale = "One blocked coroutine stalls every task on the loop. Use asyncio.sleep.\n",
    .example_bad = "async def f():\n    time.sleep(1)\n",
    .example_good = "async def f():\n    await asyncio.sleep(1)\n",
    .aliases = al101_aliases,
    .naliases = 1,
    .tags = al101_tags,
    .ntags = 3,
    .precision = "very-high",
    .language = LANG_PYTHON,
    .enabled = true,
};
static Rule r109 = {.id = "AL109",
                    .name = "blocking-via-helper",
                    .severity = SEV_WARNING,
                    .help_uri = "https://example.org/al109",
                    .language = LANG_PYTHON,
                    .enabled = true};
static Rule r202 = {.id = "AL202",
                    .name = "dangling-task",
                    .severity = SEV_NOTE,
                    .rationale = "Tasks need a reference",
                    .language = LANG_PYTHON,
                    .enabled = true};
static Rule r301 = {
    .id = "AL301", .name = "unbounded-gather", .severity = SEV_WARNING, .enabled = false};
static Rule *all_rules[] = {&r101, &r109, &r202, &r301};
static RuleSet ruleset = {.rules = all_rules, .nrules = 4};

static ChainStep chain[] = {
    {"app.py", 9, 5, 9, 13, "handler", "helper"},
    {"lib/util.py", 4, 5, 4, 18, "helper", "time.sleep"},
};
static Fix fix = {"Use `await asyncio.sleep(...)`", 3, 5, 3, 18, "await asyncio.sleep(1)"};

/* F1: AL101 with a fix; F2: AL109 with a chain; F3: AL202 in an awkward path. */
static void sample(Finding fs[3])
{
    memset(fs, 0, sizeof(Finding) * 3);
    fs[0] = (Finding){.rule = &r101,
                      .path = "app.py",
                      .line = 3,
                      .col = 5,
                      .end_line = 3,
                      .end_col = 18,
                      .message = "`time.sleep` blocks the event loop in `fetch`",
                      .snippet = "    time.sleep(1)",
                      .function = "fetch",
                      .fix = &fix};
    fs[1] = (Finding){.rule = &r109,
                      .path = "app.py",
                      .line = 9,
                      .col = 5,
                      .end_line = 9,
                      .end_col = 13,
                      .message = "`handler` blocks through `helper`",
                      .snippet = "    helper()",
                      .function = "handler",
                      .chain = chain,
                      .nchain = 2};
    fs[2] = (Finding){.rule = &r202,
                      .path = "dir, with space/caf\xc3\xa9.py",
                      .line = 1,
                      .col = 1,
                      .end_line = 1,
                      .end_col = 5,
                      .message = "50% done:\nnext",
                      .snippet = "task",
                      .function = ""};
}

static char *capture(RepFormat fmt, const Finding *fs, uint32_t n, const RepContext *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(rep_write(f, fmt, fs, n, ctx));
    fclose(f);
    return buf;
}

static void test_rep_parse_format_names(void **state)
{
    RepFormat f;
    const char *names[] = {"text", "gcc", "json", "github", "sarif"};
    for (int i = 0; i < 5; i++) {
        assert_true(rep_parse_format(names[i], &f));
        assert_string_equal(rep_format_name(f), names[i]);
    }
    assert_false(rep_parse_format("SARIF", &f));
    assert_false(rep_parse_format(NULL, &f));
}

static void test_rep_text_exact_output(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    char *out = capture(REP_TEXT, fs, 3, &ctx);
    assert_string_equal(out,
                        "app.py:3:5: error: `time.sleep` blocks the event loop in `fetch` [AL101]\n"
                        "    3 |     time.sleep(1)\n"
                        "      |     ^~~~~~~~~~~~~\n"
                        "app.py:9:5: warning: `handler` blocks through `helper` [AL109]\n"
                        "    9 |     helper()\n"
                        "      |     ^~~~~~~~\n"
                        "app.py:9:5: note: calls `helper` in `handler`\n"
                        "lib/util.py:4:5: note: calls `time.sleep` in `helper`\n"
                        "dir, with space/caf\xc3\xa9.py:1:1: note: 50% done:?next [AL202]\n"
                        "    1 | task\n"
                        "      | ^~~~\n"
                        "Found 3 findings: 1 error, 1 warning, 1 note.\n");
    free(out);
}

static void test_rep_text_caret_tabs_wide_spans_and_controls(void **state)
{
    Finding f = {.rule = &r101,
                 .path = "t.py",
                 .line = 12345,
                 .col = 3,
                 .end_line = 12346,
                 .end_col = 2,
                 .message = "m",
                 .snippet = "\t\xc3\xa9x = sleep(1)\x1b[2J"};
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.summary = false;
    char *out = capture(REP_TEXT, &f, 1, &ctx);
    /* Column 3 is `x` (after a tab and a two-byte é); the span runs to the end of
     * the line (16 code points); the ESC byte is shown as '?'. */
    assert_string_equal(out, "t.py:12345:3: error: m [AL101]\n"
                             " 12345 | \t\xc3\xa9x = sleep(1)?[2J\n"
                             "       | \t ^~~~~~~~~~~~~~~~\n");
    free(out);
    f.snippet = NULL;
    out = capture(REP_TEXT, &f, 1, &ctx);
    assert_string_equal(out, "t.py:12345:3: error: m [AL101]\n");
    free(out);
}

static void test_rep_text_colour_only_when_asked(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.color = true;
    ctx.summary = false;
    char *out = capture(REP_TEXT, fs, 1, &ctx);
    assert_string_equal(out, "\033[1mapp.py:3:5:\033[0m \033[1;31merror:\033[0m `time.sleep` "
                             "blocks the event loop in `fetch` \033[1;31m[AL101]\033[0m\n"
                             "    3 |     time.sleep(1)\n"
                             "      |     \033[1;32m^~~~~~~~~~~~~\033[0m\n");
    free(out);
    ctx.color = false;
    out = capture(REP_TEXT, fs, 3, &ctx);
    assert_null(strchr(out, '\033'));
    free(out);
}

static void test_rep_text_summaries(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    char *out = capture(REP_TEXT, fs, 0, &ctx);
    assert_string_equal(out, "All checks passed!\n");
    free(out);
    fs[1] = fs[0];
    out = capture(REP_TEXT, fs, 2, &ctx);
    assert_non_null(strstr(out, "\nFound 2 errors.\n"));
    free(out);
    fs[1].rule = &r202;
    out = capture(REP_TEXT, fs, 2, &ctx);
    assert_non_null(strstr(out, "\nFound 2 findings: 1 error, 1 note.\n"));
    free(out);
    out = capture(REP_TEXT, fs, 1, &ctx);
    assert_non_null(strstr(out, "\nFound 1 error.\n"));
    free(out);
    /* files with syntax errors: never "All checks passed!" */
    Diag d;
    diag_init(&d);
    diag_report(&d, DIAG_WARNING, "a.py", 1, 1, "a warning is no error");
    ctx.diag = &d;
    out = capture(REP_TEXT, fs, 0, &ctx);
    assert_string_equal(out, "All checks passed!\n");
    free(out);
    diag_report(&d, DIAG_ERROR, "bad.py", 1, 6, "'(' was never closed");
    diag_report(&d, DIAG_ERROR, "bad.py", 1, 7, "invalid syntax");
    out = capture(REP_TEXT, fs, 0, &ctx);
    assert_string_equal(out, "No findings, but 1 file had errors (on stderr) and was checked only "
                             "in part.\n");
    free(out);
    diag_report(&d, DIAG_ERROR, "worse.py", 3, 1, "invalid syntax");
    out = capture(REP_TEXT, fs, 1, &ctx);
    assert_non_null(strstr(out, "\nFound 1 error. 2 files had errors (on stderr) and were checked "
                                "only in part.\n"));
    free(out);
    diag_free(&d);
}

static void test_rep_gcc_first_lines_only(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.color = true; /* ignored by gcc */
    char *out = capture(REP_GCC, fs, 3, &ctx);
    assert_string_equal(out,
                        "app.py:3:5: error: `time.sleep` blocks the event loop in `fetch` [AL101]\n"
                        "app.py:9:5: warning: `handler` blocks through `helper` [AL109]\n"
                        "dir, with space/caf\xc3\xa9.py:1:1: note: 50% done:?next [AL202]\n");
    free(out);
    out = capture(REP_GCC, fs, 0, &ctx);
    assert_string_equal(out, "");
    free(out);
}

static void test_rep_github_escaping_and_summary(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    char *out = capture(REP_GITHUB, fs, 3, &ctx);
    assert_string_equal(
        out, "::error file=app.py,line=3,col=5,endLine=3,endColumn=18,title=AL101 blocking-sleep::"
             "`time.sleep` blocks the event loop in `fetch`\n"
             "::warning file=app.py,line=9,col=5,endLine=9,endColumn=13,title=AL109 "
             "blocking-via-helper::`handler` blocks through `helper`%0Aapp.py:9:5: calls `helper` "
             "in `handler`%0Alib/util.py:4:5: calls `time.sleep` in `helper`\n"
             "::notice file=dir%2C with space/caf\xc3\xa9.py,line=1,col=1,endLine=1,endColumn=5,"
             "title=AL202 dangling-task::50%25 done:%0Anext\n"
             "::notice title=asynclint::Found 3 findings: 1 error, 1 warning, 1 note.\n");
    free(out);
    out = capture(REP_GITHUB, fs, 0, &ctx);
    assert_string_equal(out, "");
    free(out);
}

static void test_rep_github_paths_relative_to_root(void **state)
{
    char *cwd = getcwd(NULL, 0);
    Finding f = {.rule = &r101, .path = "x.py", .line = 2, .col = 0, .message = "a:b,c"};
    char abs[4096];
    snprintf(abs, sizeof abs, "%s/sub/../pkg/x.py", cwd);
    f.path = abs;
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.summary = false;
    ctx.source_root = cwd;
    char *out = capture(REP_GITHUB, &f, 1, &ctx);
    assert_string_equal(out, "::error file=pkg/x.py,line=2,title=AL101 blocking-sleep::a:b,c\n");
    free(out);
    free(cwd);
}

static void test_rep_json_exact_output(void **state)
{
    Finding fs[3];
    sample(fs);
    Arena a;
    arena_init(&a);
    char **fp = finding_fingerprints(&a, fs, 3);
    char *out = capture(REP_JSON, fs, 2, NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "[\n  {\n    \"rule\": \"AL101\",\n    \"name\": \"blocking-sleep\",\n"
             "    \"severity\": \"error\",\n    \"path\": \"app.py\",\n    \"line\": 3,\n"
             "    \"column\": 5,\n    \"end_line\": 3,\n    \"end_column\": 18,\n"
             "    \"message\": \"`time.sleep` blocks the event loop in `fetch`\",\n"
             "    \"function\": \"fetch\",\n    \"chain\": [],\n    \"fix\": {\n"
             "      \"description\": \"Use `await asyncio.sleep(...)`\",\n"
             "      \"replacement\": \"await asyncio.sleep(1)\",\n      \"line\": 3,\n"
             "      \"column\": 5,\n      \"end_line\": 3,\n      \"end_column\": 18\n    },\n"
             "    \"fingerprint\": \"%s\"\n  },\n"
             "  {\n    \"rule\": \"AL109\",\n    \"name\": \"blocking-via-helper\",\n"
             "    \"severity\": \"warning\",\n    \"path\": \"app.py\",\n    \"line\": 9,\n"
             "    \"column\": 5,\n    \"end_line\": 9,\n    \"end_column\": 13,\n"
             "    \"message\": \"`handler` blocks through `helper`\",\n"
             "    \"function\": \"handler\",\n    \"chain\": [\n"
             "      {\n        \"path\": \"app.py\",\n        \"line\": 9,\n"
             "        \"column\": 5,\n        \"function\": \"handler\",\n"
             "        \"callee\": \"helper\"\n      },\n"
             "      {\n        \"path\": \"lib/util.py\",\n        \"line\": 4,\n"
             "        \"column\": 5,\n        \"function\": \"helper\",\n"
             "        \"callee\": \"time.sleep\"\n      }\n    ],\n    \"fix\": null,\n"
             "    \"fingerprint\": \"%s\"\n  }\n]\n",
             fp[0], fp[1]);
    assert_string_equal(out, want);
    free(out);
    out = capture(REP_JSON, fs, 0, NULL);
    assert_string_equal(out, "[]\n");
    free(out);
    arena_free(&a);
}

static void test_rep_json_repairs_invalid_utf8_and_escapes(void **state)
{
    Finding f = {.rule = &r101,
                 .path = "a.py",
                 .line = 1,
                 .col = 1,
                 .message = "bad \xff byte \"quoted\"\n",
                 .function = NULL};
    char *out = capture(REP_JSON, &f, 1, NULL);
    json_error_t err;
    json_t *v = json_loads(out, 0, &err);
    assert_non_null(v);
    const char *msg = json_string_value(json_object_get(json_array_get(v, 0), "message"));
    assert_string_equal(msg, "bad \xef\xbf\xbd byte \"quoted\"\n");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "function")), "");
    json_decref(v);
    free(out);
}

static void test_rep_statistics_text_and_json(void **state)
{
    Finding fs[3];
    sample(fs);
    Finding many[12];
    for (int i = 0; i < 12; i++)
        many[i] = fs[i < 10 ? 1 : i == 10 ? 0 : 2];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_true(rep_statistics_write(f, many, 12, false));
    fclose(f);
    assert_string_equal(buf, "10\tAL109\tblocking-via-helper\n"
                             " 1\tAL101\tblocking-sleep\n"
                             " 1\tAL202\tdangling-task\n");
    free(buf);
    f = open_memstream(&buf, &len);
    assert_true(rep_statistics_write(f, many, 12, true));
    fclose(f);
    json_t *v = json_loads(buf, 0, NULL);
    assert_int_equal(json_array_size(v), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "code")), "AL109");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 0), "count")), 10);
    json_decref(v);
    free(buf);
}

static void test_rep_write_to_path_is_atomic(void **state)
{
    char dir[] = "/tmp/asynclint-report-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    Finding fs[3];
    sample(fs);
    Diag d;
    diag_init(&d);
    assert_true(rep_write_to_path(path, REP_GCC, fs, 1, NULL, &d));
    char *text;
    size_t len;
    assert_true(file_read_all(path, &text, &len, &d));
    assert_string_equal(
        text, "app.py:3:5: error: `time.sleep` blocks the event loop in `fetch` [AL101]\n");
    xfree(text);
    unlink(path);
    rmdir(dir);
    /* The directory is gone: the write fails with a diagnostic naming the path. */
    assert_false(rep_write_to_path(path, REP_GCC, fs, 1, NULL, &d));
    assert_int_equal(d.msgs.size, 1);
    assert_string_equal(d.msgs.contents[0].path, path);
    diag_free(&d);
}

static json_t *sarif_of(const Finding *fs, uint32_t n, const RepContext *ctx)
{
    char *out = capture(REP_SARIF, fs, n, ctx);
    json_error_t err;
    json_t *v = json_loads(out, 0, &err);
    assert_non_null(v);
    free(out);
    return v;
}

static const char *jpath_str(json_t *v, const char *path)
{
    json_t *cur = v;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = (tok[0] >= '0' && tok[0] <= '9') ? json_array_get(cur, (size_t)atoi(tok))
                                               : json_object_get(cur, tok);
    return cur ? json_string_value(cur) : NULL;
}

static void test_rep_sarif_driver_rules(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.rules = &ruleset;
    ctx.tool_version = "0.1.0";
    ctx.information_uri = "https://example.org/asynclint";
    ctx.help_uri_base = "https://example.org/asynclint/rules";
    json_t *v = sarif_of(fs, 3, &ctx);
    assert_string_equal(jpath_str(v, "version"), "2.1.0");
    json_t *run = json_array_get(json_object_get(v, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    assert_int_equal(json_array_size(rules), 3); /* AL301 is disabled */
    assert_string_equal(jpath_str(rules, "0.id"), "AL101");
    assert_string_equal(jpath_str(rules, "0.shortDescription.text"),
                        "One blocked coroutine stalls every task on the loop.");
    assert_string_equal(jpath_str(rules, "0.fullDescription.text"),
                        "One blocked coroutine stalls every task on the loop. Use asyncio.sleep.");
    assert_non_null(strstr(jpath_str(rules, "0.help.markdown"),
                           "**Bad**\n\n```python\nasync def f():\n    time.sleep(1)\n```"));
    assert_non_null(strstr(jpath_str(rules, "0.help.markdown"), "`ASYNC251`"));
    assert_non_null(strstr(jpath_str(rules, "0.help.text"), "Good:\nasync def f():"));
    assert_string_equal(jpath_str(rules, "0.helpUri"), "https://example.org/asynclint/rules#al101");
    assert_string_equal(jpath_str(rules, "1.helpUri"), "https://example.org/al109");
    assert_string_equal(jpath_str(rules, "0.defaultConfiguration.level"), "error");
    assert_string_equal(jpath_str(rules, "2.defaultConfiguration.level"), "note");
    assert_string_equal(jpath_str(rules, "0.properties.precision"), "very-high");
    assert_string_equal(jpath_str(rules, "1.properties.precision"), "high");
    json_t *props = json_object_get(json_array_get(rules, 2), "properties");
    assert_string_equal(json_string_value(json_object_get(props, "problem.severity")),
                        "recommendation");
    props = json_object_get(json_array_get(rules, 0), "properties");
    assert_string_equal(json_string_value(json_object_get(props, "problem.severity")), "error");
    json_t *tags = json_object_get(props, "tags");
    assert_int_equal(json_array_size(tags), 3); /* duplicates dropped, language added */
    assert_string_equal(json_string_value(json_array_get(tags, 2)), "python");
    /* No rationale: the descriptions fall back to the name, never empty. */
    assert_string_equal(jpath_str(rules, "1.fullDescription.text"), "blocking-via-helper");
    json_decref(v);
}

static void test_rep_sarif_results(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.rules = &ruleset;
    Arena a;
    arena_init(&a);
    char **fp = finding_fingerprints(&a, fs, 3);
    json_t *v = sarif_of(fs, 3, &ctx);
    json_t *run = json_array_get(json_object_get(v, "runs"), 0);
    json_t *res = json_object_get(run, "results");
    assert_int_equal(json_array_size(res), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(res, 2), "ruleIndex")), 2);
    assert_string_equal(jpath_str(res, "0.level"), "error");
    assert_string_equal(jpath_str(res, "1.level"), "warning");
    assert_string_equal(jpath_str(res, "2.level"), "note");
    assert_string_equal(jpath_str(res, "0.partialFingerprints.asynclint/v1"), fp[0]);
    assert_string_equal(jpath_str(res, "2.locations.0.physicalLocation.artifactLocation.uri"),
                        "dir%2C%20with%20space/caf%C3%A9.py");
    assert_string_equal(jpath_str(res, "2.locations.0.physicalLocation.artifactLocation.uriBaseId"),
                        "%SRCROOT%");
    json_t *region = json_object_get(
        json_object_get(
            json_object_get(json_array_get(json_object_get(json_array_get(res, 0), "locations"), 0),
                            "physicalLocation"),
            "region"),
        "startLine");
    assert_int_equal(json_integer_value(region), 3);
    assert_string_equal(
        jpath_str(res, "0.fixes.0.artifactChanges.0.replacements.0.insertedContent.text"),
        "await asyncio.sleep(1)");
    assert_string_equal(
        jpath_str(res, "1.codeFlows.0.threadFlows.0.locations.1.location.message.text"),
        "calls `time.sleep` in `helper`");
    assert_string_equal(jpath_str(res, "1.codeFlows.0.threadFlows.0.locations.1.location."
                                       "physicalLocation.artifactLocation.uri"),
                        "lib/util.py");
    assert_string_equal(jpath_str(res, "0.locations.0.logicalLocations.0.fullyQualifiedName"),
                        "fetch");
    assert_string_equal(jpath_str(run, "columnKind"), "unicodeCodePoints");
    assert_string_equal(jpath_str(run, "automationDetails.id"), "asynclint/");
    const char *root = jpath_str(run, "originalUriBaseIds.%SRCROOT%.uri");
    assert_non_null(root);
    assert_true(strncmp(root, "file:///", 8) == 0);
    assert_int_equal(root[strlen(root) - 1], '/');
    json_decref(v);
    arena_free(&a);
}

static void test_rep_sarif_notifications_and_absolute_uris(void **state)
{
    Finding fs[3];
    sample(fs);
    Diag d;
    diag_init(&d);
    diag_report(&d, DIAG_ERROR, "broken.py", 4, 2, "syntax error: unexpected ')'");
    diag_report(&d, DIAG_WARNING, "gone.py", 0, 0, "cannot open: No such file");
    diag_report(&d, DIAG_NOTE, NULL, 0, 0, "headers missing");
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.diag = &d;
    ctx.absolute_uris = true;
    ctx.execution_successful = false;
    ctx.automation_id = "ci/asynclint/";
    json_t *v = sarif_of(fs, 1, &ctx);
    json_t *run = json_array_get(json_object_get(v, "runs"), 0);
    assert_null(json_object_get(run, "originalUriBaseIds"));
    const char *uri = jpath_str(run, "results.0.locations.0.physicalLocation.artifactLocation.uri");
    assert_true(strncmp(uri, "file:///", 8) == 0);
    assert_non_null(strstr(uri, "/app.py"));
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_true(json_is_false(json_object_get(inv, "executionSuccessful")));
    json_t *notes = json_object_get(inv, "toolExecutionNotifications");
    assert_int_equal(json_array_size(notes), 3);
    assert_string_equal(jpath_str(notes, "0.level"), "error");
    assert_string_equal(jpath_str(notes, "0.message.text"), "syntax error: unexpected ')'");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(
                json_object_get(
                    json_array_get(json_object_get(json_array_get(notes, 0), "locations"), 0),
                    "physicalLocation"),
                "region"),
            "startColumn")),
        2);
    assert_null(json_object_get(
        json_object_get(json_array_get(json_object_get(json_array_get(notes, 1), "locations"), 0),
                        "physicalLocation"),
        "region"));
    assert_null(json_object_get(json_array_get(notes, 2), "locations"));
    assert_string_equal(jpath_str(run, "automationDetails.id"), "ci/asynclint/");
    /* Only the rule the finding names is listed when no RuleSet is given. */
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     1);
    json_decref(v);
    diag_free(&d);
}

static void test_rep_sarif_is_deterministic(void **state)
{
    Finding fs[3];
    sample(fs);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.rules = &ruleset;
    char *one = capture(REP_SARIF, fs, 3, &ctx);
    char *two = capture(REP_SARIF, fs, 3, &ctx);
    assert_string_equal(one, two);
    free(one);
    free(two);
}

/* The same driver mapping over rules from the real loader (rules_load_text). */
static const char pack[] = "pack: test-pack\n"
                           "language: python\n"
                           "rules:\n"
                           "  - id: AL101\n"
                           "    name: blocking-sleep\n"
                           "    check: blocking-call\n"
                           "    severity: error\n"
                           "    precision: very-high\n"
                           "    message: \"`{callee}` blocks\"\n"
                           "    aliases: [ASYNC251]\n"
                           "    tags: [async, blocking]\n"
                           "    rationale: >\n"
                           "      Sleeping blocks the loop. Really.\n"
                           "    example:\n"
                           "      bad: |\n"
                           "        time.sleep(1)\n"
                           "      good: |\n"
                           "        await asyncio.sleep(1)\n"
                           "  - id: AL102\n"
                           "    name: blocking-http\n"
                           "    check: blocking-call\n"
                           "    severity: warning\n"
                           "    message: \"`{callee}` blocks\"\n"
                           "    rationale: HTTP blocks too.\n"
                           "    example:\n"
                           "      bad: requests.get(u)\n"
                           "      good: await client.get(u)\n";

static void test_rep_sarif_rules_from_loaded_pack(void **state)
{
    RuleSet *rs = rules_set_new();
    Diag d;
    diag_init(&d);
    bool loaded = rules_load_text(rs, "test-pack.yaml", pack, sizeof pack - 1, false, &d);
    diag_print(&d, stderr);
    assert_true(loaded);
    const char *ignore[] = {"AL102", NULL};
    rules_apply_selection(rs, NULL, NULL, ignore);
    Finding f = {.rule = rules_find(rs, "AL101"),
                 .path = "a.py",
                 .line = 2,
                 .col = 5,
                 .end_line = 2,
                 .end_col = 18,
                 .message = "`time.sleep` blocks"};
    assert_non_null(f.rule);
    RepContext ctx;
    rep_context_init(&ctx);
    ctx.rules = rs;
    json_t *v = sarif_of(&f, 1, &ctx);
    json_t *run = json_array_get(json_object_get(v, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    assert_int_equal(json_array_size(rules), 1); /* AL102 ignored */
    assert_string_equal(jpath_str(rules, "0.shortDescription.text"), "Sleeping blocks the loop.");
    assert_string_equal(jpath_str(rules, "0.properties.precision"), "very-high");
    assert_non_null(strstr(jpath_str(rules, "0.help.markdown"),
                           "**Good**\n\n```python\nawait asyncio.sleep(1)\n```"));
    assert_non_null(strstr(jpath_str(rules, "0.help.text"), "ASYNC251"));
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(run, "results"), 0), "ruleIndex")),
                     0);
    json_decref(v);
    diag_free(&d);
    rules_set_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_parse_format_names),
        cmocka_unit_test(test_rep_text_exact_output),
        cmocka_unit_test(test_rep_text_caret_tabs_wide_spans_and_controls),
        cmocka_unit_test(test_rep_text_colour_only_when_asked),
        cmocka_unit_test(test_rep_text_summaries),
        cmocka_unit_test(test_rep_gcc_first_lines_only),
        cmocka_unit_test(test_rep_github_escaping_and_summary),
        cmocka_unit_test(test_rep_github_paths_relative_to_root),
        cmocka_unit_test(test_rep_json_exact_output),
        cmocka_unit_test(test_rep_json_repairs_invalid_utf8_and_escapes),
        cmocka_unit_test(test_rep_statistics_text_and_json),
        cmocka_unit_test(test_rep_write_to_path_is_atomic),
        cmocka_unit_test(test_rep_sarif_driver_rules),
        cmocka_unit_test(test_rep_sarif_results),
        cmocka_unit_test(test_rep_sarif_notifications_and_absolute_uris),
        cmocka_unit_test(test_rep_sarif_is_deterministic),
        cmocka_unit_test(test_rep_sarif_rules_from_loaded_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
