/*
 * report_review.h - the report's review sections (private): what changed
 * since a baseline (`report --baseline OLD`) and the policy's verdicts
 * (`report --policy FILE`).  report.c places them after the summary; they
 * share its page (its style sheet and sorting script) but none of its
 * code, so the two files call in one direction only.
 */
#ifndef CRISK_REPORT_REVIEW_H
#define CRISK_REPORT_REVIEW_H

#include <stdio.h>

#include "chainrisk/chainrisk.h"

/* <section id="changes">: the diff's highlights - counts of every kind of
 * change, single points of failure that appeared or were resolved, the
 * largest provider moves, concentration that moved, tolerance breaches that
 * appeared, shared Nth parties and false redundancy that came or went.
 * Tables are capped, each cap stated with the command that lists all.
 * Returns CRISK_OK, or the error of reading the diff's pairs (err set). */
int crisk__report_changes(FILE *f, const crisk_diff *d, crisk_error *err);

/* <section id="policy">: each rule's verdict and the violations it lists
 * (capped per rule). */
void crisk__report_policy(FILE *f, const crisk_check *c);

#endif
