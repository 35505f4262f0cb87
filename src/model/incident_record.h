/*
 * incident_record.h - building a decision record (chainrisk/incident.h):
 * the record and everything it points to live in one arena, freed at once
 * by crisk_incident_record_free.  Used by the run that makes a record
 * (src/analysis/incident.c) and the reader that reads one back
 * (src/import/incident_file.c).
 */
#ifndef CRISK_INCIDENT_RECORD_H
#define CRISK_INCIDENT_RECORD_H

#include "chainrisk/incident.h"

/* An empty record (every time CRISK_TIME_NONE, no arrays).  Returns
 * CRISK_OK or CRISK_ENOMEM. */
int crisk__record_new(crisk_incident_record **out);

/* `count` zeroed elements of `size` bytes in the record's arena (NULL when
 * out of memory or on overflow; a count of 0 gives a valid pointer). */
void *crisk__record_alloc(crisk_incident_record *r, size_t count, size_t size);

/* A copy of `s` (NULL stays NULL) in the record's arena; NULL when out of
 * memory - check with `s != NULL`. */
const char *crisk__record_copy(crisk_incident_record *r, const char *s);

#endif
