/* Configuration: `.asynclint.yaml`, found by walking up from each input's
 * directory (the nearest file wins, files are never merged) or named once with
 * `--config`. A Config carries the per-path settings (rule selection,
 * per-file-ignores, exclude globs, fail-on) and the run-wide ones (extra packs,
 * compile database). Discovery asks it what to skip; the app asks it, per
 * finding, whether the rule is enabled and ignored for that path. The keys are
 * documented in docs/config.md. */
#ifndef LINT_APP_CONFIG_H
#define LINT_APP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../rules/rules.h"
#include "../rules/ynode.h"

#define CFG_FILE_NAME ".asynclint.yaml"

/* An `exclude`/`extend-exclude` pattern prepared for matching (glob.h). */
typedef struct CfgGlob {
    const char *pat;    /* trailing and leading '/' removed */
    bool anchored;      /* has a '/': matched from the config's directory */
    /* How an unanchored pattern matches a name, as fnmatch(FNM_PERIOD) would:
     * most patterns are names (`.venv`, `node_modules`) or `*.ext`, and a walk
     * asks every entry of every directory about every pattern. */
    uint8_t form;       /* CFG_GLOB_* */
    uint32_t len;       /* strlen(pat) */
} CfgGlob;

enum {
    CFG_GLOB_FNMATCH, /* anything else: fnmatch */
    CFG_GLOB_NAME,    /* no wildcard or escape: the name itself */
    CFG_GLOB_SUFFIX,  /* `*` then no wildcard or escape: a name ending so, not starting with '.' */
};

/* A list of strings from the YAML. `items` is NULL-terminated (so it can go
 * straight to rules_apply_selection) and NULL when the key is absent. */
typedef struct CfgList {
    const char **items;
    const YNode **nodes; /* position of each item; NULL entries for built-in defaults */
    uint32_t count;
} CfgList;

/* One `per-file-ignores` entry: `glob: [selectors]`. */
typedef struct CfgPathIgnore {
    const char *glob;   /* without the leading '!' and trailing '/' */
    bool negated;       /* `!glob`: applies to the paths that do NOT match */
    bool anchored;      /* has a '/': matched from the config's directory */
    CfgList selectors;
    const YNode *node;  /* the key, for messages */
} CfgPathIgnore;

typedef struct Config {
    const char *path;       /* the YAML file as displayed (relative to the cwd when
                               below it); NULL for the built-in defaults */
    const char *dir;        /* absolute, lexically normalised directory that globs
                               and relative paths of this file are resolved against */
    const char *cwd;        /* absolute working directory when loaded */
    CfgList select;         /* absent: every rule (SPEC "select (default: all)") */
    CfgList extend_select;
    CfgList ignore;
    CfgPathIgnore *per_file_ignores;
    uint32_t nper_file_ignores;
    CfgList exclude;        /* absent: the built-in list (cfg_default_excludes) */
    CfgList extend_exclude;
    CfgGlob *globs;         /* exclude (or the defaults) + extend-exclude */
    uint32_t nglobs;
    CfgList rules;          /* extra pack files/dirs, already joined with the
                               config's directory (relative to the cwd if it was) */
    const char *compile_commands;     /* joined like `rules`; NULL when absent */
    const YNode *compile_commands_node;
    Severity fail_on;       /* findings at or above it fail the run; default note */
    bool no_default_rules;  /* the embedded packs are off for the files it governs */
    const YNode *root;
} Config;

/* The command line's rule selection, applied on top of a file's config (ruff's
 * layering: `--select` replaces the config's select/extend-select/ignore;
 * `--extend-select` and `--ignore` add). Each list is NULL-terminated, or NULL
 * when the option was not given. */
typedef struct CfgOverrides {
    const char *const *select;
    const char *const *extend_select;
    const char *const *ignore;
    bool no_default_rules; /* --no-default-rules */
} CfgOverrides;

/* ---- one file ----------------------------------------------------------- */

/* Loads `path`. Everything (the Config, its strings and YNodes) lives in a.
 * On any problem reports `file:line:col: error: ...` to d (unknown keys with a
 * did-you-mean, wrong types, bad values, a missing `rules`/`compile-commands`
 * path) and returns false; *out is then NULL. `display` is how the path is shown
 * in messages (NULL: `path`). */
bool cfg_load(const char *path, const char *display, Arena *a, Diag *d, Config **out);
/* Same from memory (fuzzing, tests); `path` names the file and fixes its
 * directory, but is not read. */
bool cfg_load_text(const char *path, const char *text, size_t len, Arena *a, Diag *d,
                   Config **out);
/* The built-in defaults (no file): all rules, the default excludes, fail-on note.
 * Paths are resolved against the current directory. Lives in a. */
Config *cfg_defaults(Arena *a);
/* The built-in exclude list (ruff's default, see docs/config.md), NULL-terminated. */
const char *const *cfg_default_excludes(void);

/* ---- questions asked of a Config --------------------------------------------
 * `path` is a display path: relative to the current directory, or absolute. */

/* Discovery, during a walk: is the entry `name` (whose full display path is
 * `path`) excluded by `exclude` + `extend-exclude`? Only the entry itself is
 * tested: its parent directories were tested when they were walked. */
bool cfg_entry_excluded(const Config *c, const char *path, const char *name);
/* Is path, or any directory above it up to c's directory, excluded? (For
 * explicit files under --force-exclude.) */
bool cfg_path_excluded(const Config *c, const char *path);
/* Is rule r switched off for path by `per-file-ignores`? */
bool cfg_path_ignored(const Config *c, const char *path, const Rule *r);
/* Is rule r enabled for the files c governs, after the command line's lists?
 * Selection order per layer (config, then command line): `select` (replaces),
 * `extend-select` (adds), `ignore` (removes). A rule the pack marks
 * `enabled-by-default: false` is enabled only when a selector other than `ALL`
 * names it. `no-default-rules` switches off rules from embedded packs. */
bool cfg_rule_enabled(const Config *c, const CfgOverrides *cli, const Rule *r);
/* Does a finding of severity s fail the run for a file c governs (s >= fail-on)? */
bool cfg_fails(const Config *c, Severity s);

/* ---- discovery cache ---------------------------------------------------- */

/* Maps directories to the config that governs them, loading each
 * `.asynclint.yaml` once. Directories are remembered, so the 10,000 files of one
 * directory cost one lookup each and no stat. Owns every Config it returns. */
typedef struct CfgCache CfgCache;

CfgCache *cfg_cache_new(void);
void cfg_cache_free(CfgCache *cc);
/* --config FILE: every path is governed by that file; nothing is searched.
 * Returns false (reported) if it cannot be loaded. */
bool cfg_cache_set_override(CfgCache *cc, const char *path, Diag *d);
/* Path of the nearest `.asynclint.yaml` in dir or above (display form), or NULL.
 * dir is a display path; it need not exist. The override, if any, wins. */
const char *cfg_find(CfgCache *cc, const char *dir);
/* The config governing `path` (a file, which need not exist: `--stdin-filename`
 * names work) or, with is_dir, the directory itself. *out is never NULL: the
 * defaults when no file applies. Returns false when the governing file is
 * broken; the error is reported to d once, on first use, and *out is then the
 * defaults (the caller must not analyse the file: see docs/config.md). */
bool cfg_for_path(CfgCache *cc, const char *path, bool is_dir, Diag *d, const Config **out);
/* The configs loaded so far (not the defaults), sorted by path. Array owned by cc. */
uint32_t cfg_cache_configs(CfgCache *cc, const Config *const **out);
/* Extra pack paths named by the loaded configs' `rules`, de-duplicated (by real
 * path) and sorted: load them all into the run's RuleSet. Owned by cc. */
uint32_t cfg_cache_rule_paths(CfgCache *cc, const char *const **out);
/* Once the RuleSet is loaded: reports every selector in the loaded configs
 * (select, ignore, extend-select, per-file-ignores) that matches no rule, at
 * its `file:line:col`, with a did-you-mean. Returns false if any was reported. */
bool cfg_cache_validate(CfgCache *cc, const RuleSet *rs, Diag *d);
/* Number of broken configs met so far (each reported once): exit code 2. */
uint32_t cfg_cache_errors(const CfgCache *cc);

#endif
