/* Rule packs: YAML files (DESIGN.md "Rule packs") loaded with libyaml into an
 * immutable RuleSet. The loader knows the metadata every rule has (id, name,
 * check, severity, message, rationale, example, aliases...) and keeps the rest of
 * each rule map as engine parameters (YNode) for chk_registry_bind to validate.
 * Errors always point into the YAML: `pack.yaml:line:col: error: ...`. The default
 * packs from rules/ are compiled into the binary (rules_embedded.c, generated). */
#ifndef LINT_RULES_RULES_H
#define LINT_RULES_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../model/model.h"
#include "ynode.h"

typedef enum { SEV_NOTE, SEV_WARNING, SEV_ERROR } Severity;

typedef struct Pack {
    const char *name;     /* `pack:` */
    const char *file;     /* path of the YAML, or `<embedded>/python-asyncio.yaml` */
    Lang language;
    const YNode *root;    /* the whole document: pack-level tables (offloads, registrars...) */
    bool embedded;
} Pack;

typedef struct Rule {
    const char *id;        /* `AL101` */
    const char *name;      /* `blocking-sleep` */
    const char *check;     /* engine name, `blocking-call` */
    Severity severity;
    const char *message;   /* template: {callee}, {function}, {args}, ... */
    const char *message_trio;  /* optional: the message in a file written for trio */
    const char *message_anyio; /* optional: ... for anyio (see chk_message) */
    const char *fix;       /* optional rewrite template */
    const char *rationale;
    const char *example_bad, *example_good;
    const char *source;    /* seed document the rule derives from */
    const char *help_uri;  /* optional */
    const char **aliases;  /* peers' codes honoured in noqa: ASYNC251, RUF006 */
    uint32_t naliases;
    const char **tags;
    uint32_t ntags;
    const char *precision; /* `very-high` | `high` | `medium` | `low` (SARIF property) */
    const Pack *pack;
    Lang language;
    const YNode *node;     /* the rule's own map: engine parameters and positions */
    void *bound;           /* engine parameters after chk_registry_bind (run arena) */
    const void *engine;    /* the CheckEngine, set by chk_registry_bind */
    bool enabled;          /* after --select/--ignore */
    bool default_enabled;  /* `enabled-by-default` (true unless the pack says false): a
                              false rule runs only when an id, prefix or name selects it */
    const YNode **extends; /* `extend: <id>` entries of later packs, in load order: each a
                              MAP whose engine keys (e.g. `calls`) add to this rule's own */
    uint32_t nextends;
    uint32_t index;        /* position in RuleSet.rules (SARIF ruleIndex among all rules) */
} Rule;

typedef struct RuleSet {
    Arena arena;           /* owns every pack, rule, node and string */
    Pack **packs;
    uint32_t npacks;
    Rule **rules;          /* sorted by id, then language (Python first) */
    uint32_t nrules;
} RuleSet;

RuleSet *rules_set_new(void);
void rules_set_free(RuleSet *rs);
/* Loads the packs compiled into the binary. Returns false on error (a bug: the
 * build validates them), reporting through d. */
bool rules_load_defaults(RuleSet *rs, Diag *d);
/* Only the embedded packs of the languages in `langs` (bit 1 << LANG_x): a run
 * over Python files never parses the C packs (start-up time on every save). */
bool rules_load_defaults_for(RuleSet *rs, unsigned langs, Diag *d);
/* Loads one pack file, or every *.yaml / *.yml file of a directory (sorted).
 * Returns false on any error, each reported as `file:line:col: error: ...`. */
bool rules_load_path(RuleSet *rs, const char *path, Diag *d);
/* Loads a pack from memory; `file` names it in diagnostics. */
bool rules_load_text(RuleSet *rs, const char *file, const char *text, size_t len, bool embedded,
                     Diag *d);
/* Rule by exact id, or NULL. An id may have one rule per language (AL101 in
 * the Python and the C packs); this returns the first in RuleSet order. */
Rule *rules_find(const RuleSet *rs, const char *id);
/* The rule with this id for one language, or NULL. */
Rule *rules_find_lang(const RuleSet *rs, const char *id, Lang lang);
/* Does `sel` (an id `AL101`, a prefix `AL1`, a name `blocking-sleep`, or `ALL`)
 * select rule r? */
bool rules_selector_matches(const Rule *r, const char *sel);
/* Whether any rule matches sel (for "unknown selector" errors). */
bool rules_selector_valid(const RuleSet *rs, const char *sel);
/* Marks rules enabled: start from `select` (default: all), add `extend_select`,
 * remove `ignore`. Lists are NULL-terminated. */
void rules_apply_selection(RuleSet *rs, const char *const *select, const char *const *extend_select,
                           const char *const *ignore);
/* Pack-level table `key` of every pack for `lang` (e.g. `offloads`), in load order. */
uint32_t rules_pack_tables(const RuleSet *rs, Lang lang, const char *key, const YNode **out,
                           uint32_t max);
const char *rules_severity_name(Severity s);
/* Whether key is rule metadata read by the loader (`id`, `name`, `check`,
 * `severity`, `message`, `fix`, `rationale`, `example`, `aliases`, `source`,
 * `tags`, `precision`, `help-uri`, `enabled-by-default`, `extend`) rather than an
 * engine parameter. Engines skip these when they reject unknown keys. */
bool rules_is_meta_key(const char *key);
/* The metadata keys, NULL-terminated (for "did you mean" hints). */
const char *const *rules_meta_keys(void);
bool rules_parse_severity(const char *s, Severity *out);

/* Generated at build time from the YAML files in rules/ (see CMakeLists.txt). */
typedef struct EmbeddedPack {
    const char *name; /* file name, `python-asyncio.yaml` */
    const char *text;
    size_t len;
    const char *language; /* the pack's `language:` (`python`, `c`), read at build time */
} EmbeddedPack;
extern const EmbeddedPack rules_embedded[];
extern const uint32_t rules_embedded_count;

#endif
