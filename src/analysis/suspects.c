/*
 * suspects.c - P(down) of every function under confirmed and suspected
 * failures, exactly or by Monte Carlo (see suspects.h).
 *
 * Exact enumeration.  With k suspects there are 2^k states; sweep s of the
 * batched engine (propagate.h) evaluates the 512 states s * 512 + j at
 * once, lane j.  A suspect i < 9 fails in the lanes whose bit i is set (a
 * fixed pattern); a suspect i >= 9 fails in every lane of the sweeps whose
 * bit i - 9 is set, in none of the others.  The weight of a state is
 * lane_weight[j] * sweep_weight[s], so for each function down in lanes M:
 *   P(down)          += sweep_weight * sum over j in M of lane_weight[j]
 *   P(down, i down)  += the same over the lanes of M with bit i set (i < 9)
 *                       or, for i >= 9, the whole sum when the sweep fails i
 * and P(down | i down) = P(down, i down) / p_i, P(down | i up) =
 * (P(down) - P(down, i down)) / (1 - p_i).  Rejected: a cascade per state
 * (2^20 cascades over the whole graph) and Gray-code increments (removing a
 * failure from a least fixed point is not incremental).
 *
 * Monte Carlo.  Each run draws every suspect on its own; counts of runs
 * give P(down) = n_f / runs with the binomial standard error, and the
 * conditionals from the runs with and without each suspect.
 */
#include "suspects.h"
#include "propagate.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LANE_BITS = 9 };   /* log2(CRISK__SCENARIOS) */

typedef struct sweep_ctx {
    const crisk_inventory *inv;
    crisk__suspects *s;
    crisk__prop prop;
} sweep_ctx;

/* Seed one sweep: the confirmed nodes in every valid lane, suspect i in
 * the lanes of fails[i]. */
static int seed(sweep_ctx *c, const crisk__mask *valid, const crisk__mask *fails)
{
    const crisk__suspects *s = c->s;
    crisk__prop_clear(&c->prop);
    for (size_t d = 0; d < s->n_down; d++)
        if (crisk__prop_seed(&c->prop, s->down[d], valid) != 0)
            return -1;
    for (size_t i = 0; i < s->k; i++) {
        crisk__mask m;
        int any = 0;
        for (int w = 0; w < CRISK__W; w++) {
            m.w[w] = fails[i].w[w] & valid->w[w];
            any |= m.w[w] != 0;
        }
        for (size_t n = 0; any && n < s->counts[i]; n++)
            if (crisk__prop_seed(&c->prop, s->nodes[i][n], &m) != 0)
                return -1;
    }
    crisk__prop_run(&c->prop);
    return 0;
}

/* The failed lanes of function f (valid ones only); 0 when untouched. */
static int down_lanes(const sweep_ctx *c, uint32_t f, const crisk__mask *valid, crisk__mask *m)
{
    if (!crisk__prop_live(&c->prop, c->prop.t->pos[f]))
        return 0;
    const crisk__mask *g = crisk__prop_grp(&c->prop, f);
    int any = 0;
    for (int w = 0; w < CRISK__W; w++) {
        m->w[w] = g->w[w] & valid->w[w];
        any |= m->w[w] != 0;
    }
    return any;
}

/* ---- exact ------------------------------------------------------------------ */

typedef struct exact_sums {
    double *total;     /* n_fn */
    double *joint;     /* n_fn * k: P(down and suspect i down) */
} exact_sums;

static void add_lanes(const crisk__suspects *s, const crisk__mask *m, const double *lane_w,
                      size_t low, double sweep_w, uint64_t sweep, double *total, double *joint)
{
    double sum = 0, part[LANE_BITS] = { 0 };
    for (int w = 0; w < CRISK__W; w++)
        for (uint64_t bits = m->w[w]; bits != 0; bits &= bits - 1) {
            size_t j = 64 * (size_t)w + (size_t)__builtin_ctzll(bits);
            sum += lane_w[j];
            for (size_t i = 0; i < low; i++)
                if ((j >> i) & 1)
                    part[i] += lane_w[j];
        }
    *total += sweep_w * sum;
    for (size_t i = 0; i < s->k; i++) {
        if (i < low)
            joint[i] += sweep_w * part[i];
        else if ((sweep >> (i - LANE_BITS)) & 1)
            joint[i] += sweep_w * sum;
    }
}

static int run_exact(sweep_ctx *c, exact_sums *e)
{
    crisk__suspects *s = c->s;
    size_t low = s->k < LANE_BITS ? s->k : LANE_BITS;
    size_t lanes = (size_t)1 << low;
    uint64_t sweeps = (uint64_t)1 << (s->k - low);
    double lane_w[CRISK__SCENARIOS];
    crisk__mask valid, *fails = calloc(s->k + 1, sizeof *fails);
    if (fails == NULL)
        return -1;
    crisk__mask_first(&valid, lanes);
    for (size_t j = 0; j < lanes; j++) {
        lane_w[j] = 1;
        for (size_t i = 0; i < low; i++)
            lane_w[j] *= (j >> i) & 1 ? s->p[i] : 1 - s->p[i];
    }
    for (size_t i = 0; i < low; i++)
        for (size_t j = 0; j < lanes; j++)
            if ((j >> i) & 1)
                fails[i].w[j >> 6] |= 1ull << (j & 63);
    int rc = 0;
    for (uint64_t sw = 0; sw < sweeps && rc == 0; sw++) {
        double sweep_w = 1;
        for (size_t i = low; i < s->k; i++) {
            int on = (int)((sw >> (i - low)) & 1);
            sweep_w *= on ? s->p[i] : 1 - s->p[i];
            memset(&fails[i], on ? 0xFF : 0, sizeof fails[i]);
        }
        rc = seed(c, &valid, fails);
        for (size_t f = 0; rc == 0 && f < s->n_fn; f++) {
            crisk__mask m;
            if (down_lanes(c, s->fn[f], &valid, &m))
                add_lanes(s, &m, lane_w, low, sweep_w, sw, &e->total[f], &e->joint[f * s->k]);
        }
    }
    free(fails);
    s->evaluated = (uint64_t)lanes * sweeps;
    return rc;
}

static void finish_exact(crisk__suspects *s, const exact_sums *e)
{
    for (size_t f = 0; f < s->n_fn; f++) {
        double t = e->total[f] > 1 ? 1 : e->total[f];
        s->p_down[f] = t;
        s->p_se[f] = 0;
        for (size_t i = 0; i < s->k; i++) {
            double joint = e->joint[f * s->k + i];
            double when_down = joint / s->p[i], when_up = (e->total[f] - joint) / (1 - s->p[i]);
            s->swing[f * s->k + i] = when_down - when_up;
            s->swing_se[f * s->k + i] = 0;
        }
    }
}

/* ---- Monte Carlo ---------------------------------------------------------------- */

typedef struct mc_counts {
    uint64_t *down;        /* n_fn */
    uint64_t *joint;       /* n_fn * k */
    uint64_t *suspect;     /* k: runs in which suspect i failed */
} mc_counts;

static uint64_t popcount_mask(const crisk__mask *m)
{
    uint64_t n = 0;
    for (int w = 0; w < CRISK__W; w++)
        n += (uint64_t)__builtin_popcountll(m->w[w]);
    return n;
}

static void count_sweep(sweep_ctx *c, const crisk__mask *valid, const crisk__mask *fails,
                        mc_counts *mc)
{
    crisk__suspects *s = c->s;
    for (size_t i = 0; i < s->k; i++) {
        crisk__mask m;
        for (int w = 0; w < CRISK__W; w++)
            m.w[w] = fails[i].w[w] & valid->w[w];
        mc->suspect[i] += popcount_mask(&m);
    }
    for (size_t f = 0; f < s->n_fn; f++) {
        crisk__mask m;
        if (!down_lanes(c, s->fn[f], valid, &m))
            continue;
        mc->down[f] += popcount_mask(&m);
        for (size_t i = 0; i < s->k; i++) {
            crisk__mask both;
            for (int w = 0; w < CRISK__W; w++)
                both.w[w] = m.w[w] & fails[i].w[w];
            mc->joint[f * s->k + i] += popcount_mask(&both);
        }
    }
}

static int run_monte_carlo(sweep_ctx *c, mc_counts *mc)
{
    crisk__suspects *s = c->s;
    crisk__mask *fails = calloc(s->k + 1, sizeof *fails);
    uint64_t *t = calloc(s->k + 1, sizeof *t);
    if (fails == NULL || t == NULL) {
        free(fails);
        free(t);
        return -1;
    }
    for (size_t i = 0; i < s->k; i++) {
        int always;
        t[i] = threshold(s->p[i], &always);
    }
    rng base;
    rng_seed(&base, s->seed);
    int rc = 0;
    for (uint64_t first = 0; first < s->runs && rc == 0; first += CRISK__SCENARIOS) {
        uint64_t left = s->runs - first;
        crisk__mask valid;
        crisk__mask_first(&valid, left < CRISK__SCENARIOS ? (size_t)left : CRISK__SCENARIOS);
        for (int w = 0; w < CRISK__W; w++) {
            rng gen = base;   /* block w of the sweep: its own stream */
            rng_jump(&base);
            for (size_t i = 0; i < s->k; i++)
                fails[i].w[w] = bernoulli64(&gen, t[i]);
        }
        rc = seed(c, &valid, fails);
        if (rc == 0)
            count_sweep(c, &valid, fails, mc);
    }
    free(fails);
    free(t);
    s->evaluated = s->runs;
    return rc;
}

static void finish_monte_carlo(crisk__suspects *s, const mc_counts *mc)
{
    double runs = (double)s->runs;
    for (size_t f = 0; f < s->n_fn; f++) {
        double p = (double)mc->down[f] / runs;
        s->p_down[f] = p;
        s->p_se[f] = sqrt(p * (1 - p) / runs);
        for (size_t i = 0; i < s->k; i++) {
            double n1 = (double)mc->suspect[i], n0 = runs - n1;
            double j = (double)mc->joint[f * s->k + i];
            double a = n1 > 0 ? j / n1 : NAN, b = n0 > 0 ? ((double)mc->down[f] - j) / n0 : NAN;
            s->swing[f * s->k + i] = a - b;
            s->swing_se[f * s->k + i] = sqrt((n1 > 0 ? a * (1 - a) / n1 : 0)
                                             + (n0 > 0 ? b * (1 - b) / n0 : 0));
        }
    }
}

/* ---- both -------------------------------------------------------------------------- */

int crisk__suspects_run(const crisk_inventory *inv, crisk__suspects *s, crisk_error *err)
{
    sweep_ctx c = { inv, s, { 0 } };
    int rc = crisk__prop_init(&c.prop, inv, err);
    if (rc != CRISK_OK)
        return rc;
    c.prop.want_all = 0;
    size_t cells = s->n_fn * s->k + 1;
    s->exact = s->k <= s->exact_max;
    if (s->exact) {
        exact_sums e = { calloc(s->n_fn + 1, sizeof(double)), calloc(cells, sizeof(double)) };
        rc = e.total != NULL && e.joint != NULL && run_exact(&c, &e) == 0 ? CRISK_OK : CRISK_ENOMEM;
        if (rc == CRISK_OK)
            finish_exact(s, &e);
        free(e.total);
        free(e.joint);
    } else {
        mc_counts mc = { calloc(s->n_fn + 1, sizeof(uint64_t)), calloc(cells, sizeof(uint64_t)),
                         calloc(s->k + 1, sizeof(uint64_t)) };
        rc = mc.down && mc.joint && mc.suspect && run_monte_carlo(&c, &mc) == 0 ? CRISK_OK
                                                                                 : CRISK_ENOMEM;
        if (rc == CRISK_OK)
            finish_monte_carlo(s, &mc);
        free(mc.down);
        free(mc.joint);
        free(mc.suspect);
    }
    crisk__prop_release(&c.prop);
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return CRISK_OK;
}
