/*
 * clocks.h - the reporting deadlines of an incident (private; the rules
 * are the table in clocks.c).
 */
#ifndef CRISK_CLOCKS_H
#define CRISK_CLOCKS_H

#include "model/incident_record.h"

/* Resolve each submission's key - "nis2.notification", or a name unique
 * among the regimes asked for ("notification", "initial"; "final" only
 * with one regime) - to the rule it names.  Errors: CRISK_EINVALID
 * "unknown report 'x' in --submitted (...)" / "ambiguous ...", or a
 * report of a regime not asked for; and a report given twice. */
int crisk__clocks_check(const crisk_incident_options *o, unsigned regime, crisk_error *err);

/* Fill r->deadlines for `regime` from the times of `o` (since, aware,
 * classified) and its submissions (already checked).  CRISK_OK or
 * CRISK_ENOMEM. */
int crisk__clocks_fill(crisk_incident_record *r, const crisk_incident_options *o,
                       unsigned regime, crisk_error *err);

#endif
