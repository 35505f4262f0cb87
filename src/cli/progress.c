/*
 * progress.c - the progress line on stderr for long work (DESIGN §6).
 *
 * Shown only when stderr is a terminal and -q is not given, and only once the
 * work has run for a second: short runs stay silent, and logs and pipes never
 * see carriage returns.  Redrawn at most ten times a second.
 */
#include "cli.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->stage_start = now();
    p->last = 0;
    p->shown = 0;
    p->stage = NULL;
}

void cli_progress_update(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    cli_progress *p = ctx;
    if (!p->enabled)
        return;
    double t = now();
    if (stage != p->stage) {
        p->stage = stage;
        p->stage_start = t;
    }
    if (t - p->start < 1.0 || t - p->last < 0.1)
        return;
    p->last = t;
    p->shown = 1;
    double pct = total ? 100.0 * (double)done / (double)total : 0;
    double rate = (double)done / (t - p->stage_start > 1e-3 ? t - p->stage_start : 1e-3);
    const char *unit = strstr(stage, "reading") ? "MB/s" : "/s";
    if (unit[0] == 'M')
        rate /= 1e6;
    fprintf(stderr, "\r\033[Kchainrisk: %s %5.1f%% (%.1f %s)", stage, pct, rate, unit);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->enabled && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = 0;
}
