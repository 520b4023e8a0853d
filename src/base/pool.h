/* A fixed worker pool over an index range: pool_run calls fn(ctx, i, worker)
 * for every i in [0, n) on `threads` threads, handing out indices through an
 * atomic counter so big and small files balance. Results must be written to
 * per-index slots; the caller merges them in index order for deterministic output. */
#ifndef LINT_BASE_POOL_H
#define LINT_BASE_POOL_H

#include <stddef.h>

typedef void (*PoolFn)(void *ctx, size_t index, unsigned worker);

/* threads == 0 means one per online core. Runs inline when threads == 1 or n < 2. */
void pool_run(size_t n, unsigned threads, PoolFn fn, void *ctx);
unsigned pool_default_threads(void);

#endif
