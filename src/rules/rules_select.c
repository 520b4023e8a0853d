/* Looking rules up, keeping them in id order, and --select / --extend-select /
 * --ignore (SPEC.md "Command line"): a selector is an id (`AL101`), an id prefix
 * (`AL1`), a rule name (`blocking-sleep`) or `ALL`. Rules with
 * `enabled-by-default: false` run only when an id, prefix or name selects them;
 * `ALL` and the default selection leave them off. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* Splits an id into its leading letters and the digits after them. */
static void split_id(const char *id, size_t *letters, size_t *digits)
{
    size_t i = 0;
    while (isupper((unsigned char)id[i]))
        i++;
    size_t j = i;
    while (isdigit((unsigned char)id[j]))
        j++;
    *letters = i;
    *digits = j - i;
}

int rules_id_compare(const char *a, const char *b)
{
    size_t la, da, lb, db;
    split_id(a, &la, &da);
    split_id(b, &lb, &db);
    size_t l = la < lb ? la : lb;
    int c = memcmp(a, b, l);
    if (c != 0 || la != lb)
        return c != 0 ? c : (la < lb ? -1 : 1);
    /* Skip leading zeros, then the longer number is the bigger one. */
    const char *na = a + la, *nb = b + lb;
    while (da > 1 && *na == '0')
        na++, da--;
    while (db > 1 && *nb == '0')
        nb++, db--;
    if (da != db)
        return da < db ? -1 : 1;
    c = memcmp(na, nb, da);
    return c != 0 ? c : strcmp(a, b);
}

static int compare_rules(const void *x, const void *y)
{
    const Rule *a = *(const Rule *const *)x, *b = *(const Rule *const *)y;
    int c = rules_id_compare(a->id, b->id);
    if (c != 0)
        return c;
    return a->language == b->language ? 0 : (a->language < b->language ? -1 : 1);
}

void rules_sort(RuleSet *rs)
{
    if (rs->nrules > 1)
        qsort(rs->rules, rs->nrules, sizeof(Rule *), compare_rules);
    for (uint32_t i = 0; i < rs->nrules; i++)
        rs->rules[i]->index = i;
}

Rule *rules_find(const RuleSet *rs, const char *id)
{
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i]->id, id) == 0)
            return rs->rules[i];
    return NULL;
}

Rule *rules_find_lang(const RuleSet *rs, const char *id, Lang lang)
{
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i]->language == lang && strcmp(rs->rules[i]->id, id) == 0)
            return rs->rules[i];
    return NULL;
}

/* A prefix selector looks like the start of an id: letters, then maybe digits. */
static bool is_prefix_selector(const char *sel)
{
    size_t letters, digits;
    split_id(sel, &letters, &digits);
    return letters > 0 && sel[letters + digits] == '\0';
}

bool rules_selector_matches(const Rule *r, const char *sel)
{
    if (!sel || !*sel)
        return false;
    if (strcmp(sel, "ALL") == 0 || strcmp(sel, r->id) == 0 || strcmp(sel, r->name) == 0)
        return true;
    return is_prefix_selector(sel) && strncmp(r->id, sel, strlen(sel)) == 0;
}

bool rules_selector_valid(const RuleSet *rs, const char *sel)
{
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (rules_selector_matches(rs->rules[i], sel))
            return true;
    return false;
}

/* Does a selector in list (NULL-terminated) turn r on? `ALL` does not turn on a
 * rule that is off by default. */
static bool list_enables(const Rule *r, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (rules_selector_matches(r, list[i]) &&
            (r->default_enabled || strcmp(list[i], "ALL") != 0))
            return true;
    return false;
}

static bool list_matches(const Rule *r, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (rules_selector_matches(r, list[i]))
            return true;
    return false;
}

void rules_apply_selection(RuleSet *rs, const char *const *select, const char *const *extend_select,
                           const char *const *ignore)
{
    bool explicit_select = select && select[0];
    for (uint32_t i = 0; i < rs->nrules; i++) {
        Rule *r = rs->rules[i];
        bool on = explicit_select ? list_enables(r, select) : r->default_enabled;
        if (list_enables(r, extend_select))
            on = true;
        if (list_matches(r, ignore))
            on = false;
        r->enabled = on;
    }
}

uint32_t rules_pack_tables(const RuleSet *rs, Lang lang, const char *key, const YNode **out,
                           uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rs->npacks && n < max; i++) {
        const Pack *p = rs->packs[i];
        const YNode *t = p->language == lang ? ynode_get(p->root, key) : NULL;
        if (t)
            out[n++] = t;
    }
    return n;
}

const char *rules_severity_name(Severity s)
{
    switch (s) {
    case SEV_NOTE:
        return "note";
    case SEV_WARNING:
        return "warning";
    case SEV_ERROR:
        return "error";
    }
    return "error";
}

bool rules_parse_severity(const char *s, Severity *out)
{
    static const struct {
        const char *name;
        Severity sev;
    } table[] = {{"error", SEV_ERROR}, {"warning", SEV_WARNING}, {"note", SEV_NOTE}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(s, table[i].name) == 0) {
            *out = table[i].sev;
            return true;
        }
    }
    return false;
}
