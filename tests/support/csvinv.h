/*
 * csvinv.h - an inventory from native CSV text, for tests: the text is
 * written to a temporary directory and loaded like any inventory, so a test
 * states its graph the way a user would (DESIGN §3) and every column the
 * reader knows is at hand.
 */
#ifndef CRISK_TEST_CSVINV_H
#define CRISK_TEST_CSVINV_H

#include <stddef.h>
#include "chainrisk/chainrisk.h"

/* Load `nodes` and `edges` (CSV text with a header row; edges may be NULL
 * for none).  Returns CRISK_OK; on failure the first problem is written into
 * `why` (if not NULL).  The temporary files are removed before returning. */
int csvinv_load(crisk_inventory **out, const char *nodes, const char *edges, char *why,
                size_t why_size);

#endif
