/* YAML to YNode tree with libyaml's event API (see ynode.h). Used by the rule
 * pack loader and the config loader: positions come from libyaml's marks, which
 * count code points, so every later error can point at `file:line:col` of the
 * value it is about. The tree is built with an explicit, bounded frame stack. */
#include "ynode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "../base/vec.h"
#include "../base/xalloc.h"

/* One open SEQ or MAP: its children are gathered on the heap and copied into
 * the arena when the container ends (its size is unknown until then). */
typedef struct Frame {
    YNode *node;
    Vec(YNode *) items;
    Vec(YNode *) keys;  /* MAP: key nodes, parallel to items */
    YNode *pending_key; /* MAP: key seen, value not yet */
} Frame;

typedef struct Builder {
    Arena *a;
    const char *file; /* arena copy */
    const char *text;
    size_t len;
    Diag *d;
    Frame frames[YNODE_MAX_DEPTH];
    uint32_t depth; /* open frames */
    YNode *root;
    uint32_t nodes;
    uint32_t docs;
    bool failed; /* an error was reported: the result is NULL */
    bool stop;   /* an error after which the events make no sense */
} Builder;

static void builder_error(Builder *b, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void builder_error(Builder *b, uint32_t line, uint32_t col, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_report(b->d, DIAG_ERROR, b->file, line, col, "%s", buf);
    b->failed = true;
}

/* 1-based line and code-point column of a byte offset (reader errors carry an
 * offset, not a mark). */
static void offset_position(const char *text, size_t len, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void report_parser_error(Builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    uint32_t line, col;
    if (p->error == YAML_READER_ERROR) {
        offset_position(b->text, b->len, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            builder_error(b, line, col, "%s (byte 0x%02x)", problem, (unsigned)p->problem_value);
        else
            builder_error(b, line, col, "%s", problem);
        return;
    }
    line = (uint32_t)p->problem_mark.line + 1;
    col = (uint32_t)p->problem_mark.column + 1;
    if (p->context)
        builder_error(b, line, col, "%s (%s started at line %u, column %u)", problem, p->context,
                      (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
    else
        builder_error(b, line, col, "%s", problem);
}

static YNode *new_node(Builder *b, YNodeKind kind, yaml_mark_t m)
{
    YNode *n = ARENA_NEW(b->a, YNode);
    n->kind = kind;
    n->file = b->file;
    n->line = (uint32_t)m.line + 1;
    n->col = (uint32_t)m.column + 1;
    n->scalar = "";
    b->nodes++;
    return n;
}

/* Anchors, aliases and tags make a pack harder to read and to point into; packs
 * and configs are plain data, so all three are rejected. */
static void check_properties(Builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                             const yaml_char_t *tag)
{
    uint32_t line = (uint32_t)ev->start_mark.line + 1, col = (uint32_t)ev->start_mark.column + 1;
    if (anchor)
        builder_error(b, line, col,
                      "anchors are not supported (found '&%s'); repeat the value instead",
                      (const char *)anchor);
    if (tag)
        builder_error(b, line, col, "tags are not supported (found '%s'); write a plain value",
                      (const char *)tag);
}

static const char *scalar_text(const YNode *n)
{
    return n->kind == YNODE_SCALAR ? n->scalar : "";
}

static void add_to_map(Builder *b, Frame *f, YNode *n)
{
    if (!f->pending_key) {
        if (n->kind != YNODE_SCALAR)
            builder_error(b, n->line, n->col, "a mapping key must be a plain string, found %s",
                          ynode_kind_name(n));
        f->pending_key = n;
        return;
    }
    YNode *key = f->pending_key;
    f->pending_key = NULL;
    for (uint32_t i = 0; i < f->keys.size; i++) {
        const YNode *k = f->keys.contents[i];
        if (key->kind == YNODE_SCALAR && strcmp(scalar_text(k), key->scalar) == 0) {
            builder_error(b, key->line, key->col,
                          "duplicate key '%s' (first given at line %u, column %u)", key->scalar,
                          k->line, k->col);
            return;
        }
    }
    vec_push(&f->keys, key);
    vec_push(&f->items, n);
}

/* Attaches a finished node to the open container, or makes it the root. */
static void add_child(Builder *b, YNode *n)
{
    if (b->depth == 0) {
        b->root = n;
        return;
    }
    Frame *f = &b->frames[b->depth - 1];
    if (f->node->kind == YNODE_SEQ)
        vec_push(&f->items, n);
    else
        add_to_map(b, f, n);
}

static void on_scalar(Builder *b, const yaml_event_t *ev)
{
    check_properties(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
    YNode *n = new_node(b, YNODE_SCALAR, ev->start_mark);
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(v, '\0', len))
        builder_error(b, n->line, n->col, "a NUL character in a string is not supported");
    n->scalar = arena_strndup(b->a, v, len);
    add_child(b, n);
}

static void on_start(Builder *b, const yaml_event_t *ev, YNodeKind kind)
{
    if (kind == YNODE_SEQ)
        check_properties(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
    else
        check_properties(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
    if (b->depth == YNODE_MAX_DEPTH) {
        builder_error(b, (uint32_t)ev->start_mark.line + 1, (uint32_t)ev->start_mark.column + 1,
                      "nesting deeper than %u levels", YNODE_MAX_DEPTH);
        b->stop = true;
        return;
    }
    Frame *f = &b->frames[b->depth++];
    f->node = new_node(b, kind, ev->start_mark);
    vec_clear(&f->items);
    vec_clear(&f->keys);
    f->pending_key = NULL;
}

static void on_end(Builder *b)
{
    Frame *f = &b->frames[--b->depth];
    YNode *n = f->node;
    n->count = f->items.size;
    n->items = ARENA_ARRAY(b->a, YNode *, n->count ? n->count : 1);
    if (n->count)
        memcpy(n->items, f->items.contents, sizeof(YNode *) * n->count);
    if (n->kind == YNODE_MAP) {
        n->key_nodes = ARENA_ARRAY(b->a, YNode *, n->count ? n->count : 1);
        n->keys = ARENA_ARRAY(b->a, const char *, n->count ? n->count : 1);
        for (uint32_t i = 0; i < n->count; i++) {
            n->key_nodes[i] = f->keys.contents[i];
            n->keys[i] = scalar_text(f->keys.contents[i]);
        }
    }
    add_child(b, n);
}

static void on_alias(Builder *b, const yaml_event_t *ev)
{
    YNode *n = new_node(b, YNODE_SCALAR, ev->start_mark);
    builder_error(b, n->line, n->col,
                  "aliases are not supported (found '*%s'); repeat the value instead",
                  (const char *)ev->data.alias.anchor);
    add_child(b, n);
}

/* Applies one event to the tree. */
static void on_event(Builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1) {
            builder_error(b, (uint32_t)ev->start_mark.line + 1, (uint32_t)ev->start_mark.column + 1,
                          "expected a single YAML document, found a second one");
            b->stop = true;
        }
        break;
    case YAML_SCALAR_EVENT:
        on_scalar(b, ev);
        break;
    case YAML_SEQUENCE_START_EVENT:
        on_start(b, ev, YNODE_SEQ);
        break;
    case YAML_MAPPING_START_EVENT:
        on_start(b, ev, YNODE_MAP);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_end(b);
        break;
    case YAML_ALIAS_EVENT:
        on_alias(b, ev);
        break;
    default:
        break;
    }
    if (b->nodes > YNODE_MAX_NODES && !b->stop) {
        builder_error(b, (uint32_t)ev->start_mark.line + 1, (uint32_t)ev->start_mark.column + 1,
                      "more than %u values in one document", YNODE_MAX_NODES);
        b->stop = true;
    }
}

/* Pulls events until the stream ends or an error stops it. Every event is
 * deleted right after use, including on the error paths. */
static void run_parser(Builder *b, yaml_parser_t *p)
{
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            report_parser_error(b, p);
            return;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        on_event(b, &ev);
        yaml_event_delete(&ev);
        if (end || b->stop)
            return;
    }
}

YNode *ynode_parse(Arena *a, const char *file, const char *text, size_t len, Diag *d)
{
    Builder *b = xcalloc(1, sizeof *b);
    b->a = a;
    b->file = arena_strdup(a, file);
    b->text = text;
    b->len = len;
    b->d = d;
    if (len > YNODE_MAX_BYTES) {
        diag_report(d, DIAG_ERROR, b->file, 0, 0, "file is too large (%zu bytes; the limit is %zu)",
                    len, YNODE_MAX_BYTES);
        xfree(b);
        return NULL;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        diag_report(d, DIAG_ERROR, b->file, 0, 0, "cannot initialise the YAML parser");
        xfree(b);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    run_parser(b, &parser);
    yaml_parser_delete(&parser);

    YNode *root = b->root;
    if (!root && !b->failed) {
        yaml_mark_t start = {0, 0, 0};
        root = new_node(b, YNODE_MAP, start);
    }
    bool failed = b->failed;
    for (uint32_t i = 0; i < YNODE_MAX_DEPTH; i++) {
        vec_free(&b->frames[i].items);
        vec_free(&b->frames[i].keys);
    }
    xfree(b);
    return failed ? NULL : root;
}

const YNode *ynode_get(const YNode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->items[i];
    return NULL;
}

const YNode *ynode_get_key(const YNode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->key_nodes[i];
    return NULL;
}

bool ynode_error(Diag *d, const YNode *n, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_report(d, DIAG_ERROR, n ? n->file : NULL, n ? n->line : 0, n ? n->col : 0, "%s", buf);
    return false;
}

const char *ynode_kind_name(const YNode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YNODE_SCALAR:
        return "a string";
    case YNODE_SEQ:
        return "a list";
    case YNODE_MAP:
        return "a map";
    }
    return "a value";
}

bool ynode_strings(const YNode *n, Arena *a, Diag *d, const char ***out, uint32_t *count)
{
    if (n->kind == YNODE_SCALAR) {
        const char **v = ARENA_ARRAY(a, const char *, 1);
        v[0] = n->scalar;
        *out = v;
        *count = 1;
        return true;
    }
    if (n->kind != YNODE_SEQ)
        return ynode_error(d, n, "expected a list of strings, found %s", ynode_kind_name(n));
    bool ok = true;
    const char **v = ARENA_ARRAY(a, const char *, n->count ? n->count : 1);
    for (uint32_t i = 0; i < n->count; i++) {
        const YNode *it = n->items[i];
        if (it->kind != YNODE_SCALAR)
            ok =
                ynode_error(d, it, "expected a string in this list, found %s", ynode_kind_name(it));
        v[i] = it->kind == YNODE_SCALAR ? it->scalar : "";
    }
    if (!ok)
        return false;
    *out = v;
    *count = n->count;
    return true;
}

bool ynode_bool(const YNode *n, Diag *d, const char *what, bool *out)
{
    if (n->kind == YNODE_SCALAR) {
        if (strcasecmp(n->scalar, "true") == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(n->scalar, "false") == 0) {
            *out = false;
            return true;
        }
        return ynode_error(d, n, "expected true or false for '%s', found '%s'", what, n->scalar);
    }
    return ynode_error(d, n, "expected true or false for '%s', found %s", what, ynode_kind_name(n));
}

uint32_t ynode_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 255;
    uint32_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (uint32_t)j;
    for (size_t i = 1; i <= la; i++) {
        uint32_t diag = row[0];
        row[0] = (uint32_t)i;
        for (size_t j = 1; j <= lb; j++) {
            uint32_t up = row[j];
            uint32_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > 255 ? 255 : row[lb];
}

const char *ynode_suggest(const char *word, const char *const *candidates, size_t ncandidates)
{
    size_t len = strlen(word);
    uint32_t limit = len <= 4 ? 1 : (uint32_t)(len / 3);
    const char *best = NULL;
    uint32_t best_d = limit + 1;
    for (size_t i = 0; i < ncandidates; i++) {
        uint32_t dist = ynode_edit_distance(word, candidates[i]);
        if (dist < best_d) {
            best_d = dist;
            best = candidates[i];
        }
    }
    return best;
}
