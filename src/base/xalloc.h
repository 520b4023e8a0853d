/* Allocation wrappers: the only place asynclint calls malloc/realloc/free.
 * Out-of-memory is the one condition on which the program aborts; it prints one
 * line to stderr first (as tree-sitter and redis do). */
#ifndef LINT_BASE_XALLOC_H
#define LINT_BASE_XALLOC_H

#include <stddef.h>

/* Never return NULL: abort with "asynclint: out of memory" instead. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xfree(void *p);

#endif
