/*
 * report_loss.h - the report's section on outages and annual loss
 * (private): simulate's figures per function, the loss statistics, the
 * loss exceedance curve as an inline SVG chart, and the importance of
 * providers for the total loss.
 */
#ifndef CRISK_REPORT_LOSS_H
#define CRISK_REPORT_LOSS_H

#include <stdio.h>

#include "chainrisk/chainrisk.h"

/* Write <section id="loss"> for simulation `s`, with the first `top`
 * functions (-1 = all).  Input text is escaped; the chart holds numbers
 * only.  O(functions + providers). */
void crisk__report_loss(FILE *f, const crisk_simulation *s, long top);

#endif
