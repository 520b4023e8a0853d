/* Worker pool (see pool.h). */
#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

typedef struct PoolState {
    size_t n;
    atomic_size_t next;
    PoolFn fn;
    void *ctx;
} PoolState;

typedef struct Worker {
    PoolState *st;
    unsigned id;
} Worker;

unsigned pool_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static void *work(void *arg)
{
    Worker *w = arg;
    PoolState *st = w->st;
    for (;;) {
        size_t i = atomic_fetch_add(&st->next, 1);
        if (i >= st->n)
            break;
        st->fn(st->ctx, i, w->id);
    }
    return NULL;
}

void pool_run(size_t n, unsigned threads, PoolFn fn, void *ctx)
{
    if (threads == 0)
        threads = pool_default_threads();
    if (threads > n)
        threads = (unsigned)n;
    if (threads <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        return;
    }
    PoolState st = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&st.next, 0);
    pthread_t *tids = xcalloc(threads, sizeof *tids);
    Worker *ws = xcalloc(threads, sizeof *ws);
    for (unsigned t = 1; t < threads; t++) {
        ws[t] = (Worker){&st, t};
        if (pthread_create(&tids[t], NULL, work, &ws[t]) != 0)
            ws[t].st = NULL; /* could not start: the others pick up its share */
    }
    ws[0] = (Worker){&st, 0};
    work(&ws[0]);
    for (unsigned t = 1; t < threads; t++)
        if (ws[t].st)
            pthread_join(tids[t], NULL);
    xfree(tids);
    xfree(ws);
}
