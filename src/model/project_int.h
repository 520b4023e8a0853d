/* Internal interface between project.c (indexing, resolution) and
 * project_blocks.c (the `blocks` summary). Not for use outside src/model. */
#ifndef LINT_MODEL_PROJECT_INT_H
#define LINT_MODEL_PROJECT_INT_H

#include "project.h"

/* The reversed call graph of the `blocks` summary, built around the call
 * resolution: begin (before it: sizes, parts), count (by the resolving
 * worker, after file f's calls are resolved; thread-safe), then
 * project_compute_blocks fills, uses and frees it. project_edges_free is for
 * a link that stops early (and is harmless after). */
void project_edges_begin(Project *p);
void project_edges_count(Project *p, uint32_t f);
void project_edges_free(Project *p);

/* Computes block_fact / block_call / block_depth of every function (after the
 * calls are resolved). */
void project_compute_blocks(Project *p);

#endif
