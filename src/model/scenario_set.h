/*
 * scenario_set.h - what the scenario-file reader tells a set beyond its
 * scenarios (private; the set itself is chainrisk/scenario.h).
 */
#ifndef CRISK_SCENARIO_SET_H
#define CRISK_SCENARIO_SET_H

#include "chainrisk/scenario.h"

/* Record where the set was read from (strings copied).  Returns CRISK_OK or
 * CRISK_ENOMEM. */
int crisk__scenario_set_source(crisk_scenario_set *s, const char *path, const char *sha256,
                               uint64_t bytes, size_t rows);

#endif
