/* Internal interface between project.c (indexing, resolution) and
 * project_blocks.c (the `blocks` summary). Not for use outside src/model. */
#ifndef LINT_MODEL_PROJECT_INT_H
#define LINT_MODEL_PROJECT_INT_H

#include "project.h"

/* Computes block_fact / block_call / block_depth of every function (after the
 * calls are resolved). */
void project_compute_blocks(Project *p);

#endif
