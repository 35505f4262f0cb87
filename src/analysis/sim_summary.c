/*
 * sim_summary.c - from the sums of the sweeps to the figures of
 * crisk_simulate_run (sim_summary.h): per-function estimates and their
 * standard errors, the distributions of the loss per run (percentiles,
 * exceedance curve), and the importance measures with their delta-method
 * errors.  docs/metrics.md states every formula.
 */
#include "sim_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- estimates ---------------------------------------------------------------------- */

/* Weighted sums of the outcomes a (provider forced down), b (forced up)
 * and f (as drawn), over n lanes. */
typedef struct moments {
    double n, a, b, f, aa, bb, ff, ab, af, bf;
} moments;

/* mx / my with the delta method's standard error; vxx, vyy, vxy are the
 * per-lane (co)variances of x and y. */
static void ratio(double mx, double my, double vxx, double vyy, double vxy, double n,
                  double *value, double *se)
{
    if (my == 0) {
        *value = mx > 0 ? INFINITY : NAN;
        *se = NAN;
        return;
    }
    double r = mx / my, var = vxx + r * r * vyy - 2 * r * vxy;
    *value = r;
    *se = sqrt((var > 0 ? var : 0) / n) / fabs(my);
}

static void importance_from(crisk_importance *out, const moments *m, double q, int exact)
{
    double n = m->n, A = m->a / n, B = m->b / n, F = m->f / n;
    double vaa = m->aa / n - A * A, vbb = m->bb / n - B * B, vff = m->ff / n - F * F;
    double vab = m->ab / n - A * B, vaf = m->af / n - A * F, vbf = m->bf / n - B * F;
    double vd = vaa + vbb - 2 * vab;
    out->q = q;
    out->exact = exact;
    out->birnbaum = A - B;
    out->birnbaum_std_error = sqrt((vd > 0 ? vd : 0) / n);
    if (F > 0) {
        ratio(q * (A - B), F, q * q * vd, vff, q * (vaf - vbf), n, &out->criticality,
              &out->criticality_std_error);
        ratio(q * A, F, q * q * vaa, vff, q * vaf, n, &out->fussell_vesely,
              &out->fussell_vesely_std_error);
        ratio(A, F, vaa, vff, vaf, n, &out->raw, &out->raw_std_error);
    } else {
        out->criticality = out->fussell_vesely = out->raw = NAN;
        out->criticality_std_error = out->fussell_vesely_std_error = out->raw_std_error = NAN;
    }
    ratio(F, B, vff, vbb, vbf, n, &out->rrw, &out->rrw_std_error);
    if (exact) {
        double *se[] = { &out->birnbaum_std_error, &out->criticality_std_error,
                         &out->fussell_vesely_std_error, &out->raw_std_error,
                         &out->rrw_std_error };
        for (size_t i = 0; i < sizeof se / sizeof se[0]; i++)
            *se[i] = isnan(*se[i]) ? NAN : 0;
    }
}

/* The sums behind function i's figures: exact or sampled. */
static const sim_acc *source_of(const sim_run *r, size_t i, double *n)
{
    if (r->fn_exact != NULL && r->fn_exact[i]) {
        *n = 1;
        return &r->xacc;
    }
    *n = (double)r->runs;
    return &r->acc;
}

static void function_figures(const sim_run *r, size_t i, crisk_function_risk *out)
{
    const sim_model *m = &r->m;
    double n;
    const sim_acc *a = source_of(r, i, &n);
    double down = 0, breach = 0, d = 0, d2 = 0;
    for (size_t s = 0; s < m->n_stages; s++) {
        double x = a->down[i * m->n_stages + s];
        down += x;
        breach += m->hours[s] > m->rto[i] ? x : 0;
        d += m->hours[s] * x;
        d2 += m->hours[s] * m->hours[s] * x;
    }
    int exact = a == &r->xacc;
    double p = down / n, pb = breach / n, mean = d / n, var = d2 / n - mean * mean;
    double lph = r->inv->loss_per_hour[m->fn[i]];
    out->node = m->fn[i];
    out->exact = exact;
    double sampled = 0;
    for (size_t s = 0; r->runs > 0 && s < m->n_stages; s++)
        sampled += r->acc.down[i * m->n_stages + s];
    out->failures = (uint64_t)sampled;
    out->probability = p;
    out->std_error = exact ? 0 : sqrt(p * (1 - p) / n);
    out->breach_probability = isnan(m->rto[i]) ? NAN : pb;
    out->breach_std_error = isnan(m->rto[i]) ? NAN : exact ? 0 : sqrt(pb * (1 - pb) / n);
    out->downtime = mean;
    out->downtime_std_error = exact || n < 2 ? 0 : sqrt((var > 0 ? var : 0) * n / (n - 1) / n);
    out->loss = isnan(lph) ? NAN : lph * mean;
    out->loss_std_error = isnan(lph) ? NAN : lph * out->downtime_std_error;
}

/* ---- distributions of the loss per run ------------------------------------------------ */

/* Values with weights (NULL: 1 each), sorted ascending. */
typedef struct dist {
    double *value;
    double *weight;
    size_t n;
    double total;
} dist;

typedef struct pair {
    double value, weight;
} pair;

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int compare_pair(const void *pa, const void *pb)
{
    return compare_double(pa, pb);
}

/* Sort values >= 0 (losses) ascending: the bit patterns of non-negative
 * doubles order as the numbers do, so an LSD radix sort on 16-bit digits
 * (four passes, back and forth between the array and one buffer) does it
 * in O(n), where qsort's comparisons took a quarter of a million-run
 * simulation.  Returns -1 when out of memory. */
static int sort_losses(double *value, size_t n)
{
    uint64_t *buf = malloc((n + 1) * sizeof *buf);
    size_t *count = malloc(65536 * sizeof *count);
    if (buf == NULL || count == NULL) {
        free(buf);
        free(count);
        return -1;
    }
    for (int shift = 0; shift < 64; shift += 16) {
        int into_buf = shift % 32 == 0;   /* passes 1 and 3 read the array */
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) {
            uint64_t x;
            if (into_buf)
                memcpy(&x, &value[i], sizeof x);
            else
                x = buf[i];
            count[(x >> shift) & 0xFFFF]++;
        }
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t x;
            if (into_buf) {
                memcpy(&x, &value[i], sizeof x);
                buf[count[(x >> shift) & 0xFFFF]++] = x;
            } else {
                x = buf[i];
                memcpy(&value[count[(x >> shift) & 0xFFFF]++], &x, sizeof x);
            }
        }
    }
    free(buf);
    free(count);
    return 0;
}

/* Sort runs' values in place, or the lanes' (value, weight) pairs into a
 * new array: returns -1 when out of memory. */
static int dist_make(dist *d, double *value, const double *weight, size_t n)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    if (weight == NULL) {
        if (sort_losses(value, n) != 0)
            return -1;
        d->value = value;
        d->total = (double)n;
        return 0;
    }
    pair *p = malloc((n + 1) * sizeof *p);
    d->value = malloc((n + 1) * sizeof *d->value);
    d->weight = malloc((n + 1) * sizeof *d->weight);
    if (p == NULL || d->value == NULL || d->weight == NULL) {
        free(p);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (pair){ value[i], weight[i] };
    crisk__sort(p, n, sizeof *p, compare_pair);
    for (size_t i = 0; i < n; i++) {
        d->value[i] = p[i].value;
        d->weight[i] = p[i].weight;
        d->total += p[i].weight;
    }
    free(p);
    return 0;
}

static void dist_release(dist *d)
{
    if (d->weight != NULL) {
        free(d->value);
        free(d->weight);
    }
}

/* Nearest rank: the smallest value v with P(loss <= v) >= permille / 1000.
 * For runs, the ceil(permille/1000 * n)-th smallest (integer maths); for
 * weighted lanes, the cumulative weight compared with a relative slack of
 * 1e-12 for its rounding. */
static double dist_quantile(const dist *d, unsigned permille)
{
    if (d->n == 0)
        return NAN;
    if (d->weight == NULL) {
        uint64_t n = d->n, rank = (n / 1000) * permille + ((n % 1000) * permille + 999) / 1000;
        return d->value[rank > 0 ? rank - 1 : 0];
    }
    double need = d->total * permille / 1000 * (1 - 1e-12), cum = 0;
    for (size_t i = 0; i < d->n; i++) {
        cum += d->weight[i];
        if (d->weight[i] > 0 && cum >= need)
            return d->value[i];
    }
    return d->value[d->n - 1];
}

/* The largest value that occurs. */
static double dist_max(const dist *d)
{
    for (size_t i = d->n; i-- > 0;)
        if (d->weight == NULL || d->weight[i] > 0)
            return d->value[i];
    return NAN;
}

/* P(value > x). */
static double dist_exceed(const dist *d, double x)
{
    size_t lo = 0, hi = d->n;   /* first value > x */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->value[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (d->weight == NULL)
        return (double)(d->n - lo) / d->total;
    double sum = 0;
    for (size_t i = lo; i < d->n; i++)
        sum += d->weight[i];
    return sum / d->total;
}

/* Mean and the standard error of the mean (sample standard deviation). */
static void dist_mean(const dist *d, double *mean, double *se)
{
    double sum = 0, squares = 0;
    for (size_t i = 0; i < d->n; i++)
        sum += d->weight != NULL ? d->weight[i] * d->value[i] : d->value[i];
    *mean = d->total > 0 ? sum / d->total : 0;
    for (size_t i = 0; d->weight == NULL && i < d->n; i++)
        squares += (d->value[i] - *mean) * (d->value[i] - *mean);
    *se = d->weight != NULL || d->n < 2 ? 0 : sqrt(squares / (double)(d->n - 1) / (double)d->n);
}

/* x = 0, then the 1-2-5 series from the largest of its values at most
 * bound / 10^4 up to the first at least `bound`.  Plain multiplications
 * and divisions by 10, so every machine gets the same points. */
static size_t curve_grid(double bound, double *x)
{
    size_t n = 0;
    x[n++] = 0;
    if (!(bound > 0) || isinf(bound))
        return n;
    double lo = bound / 1e4, p = 1;
    while (p * 10 <= lo)
        p *= 10;
    while (p > lo)
        p /= 10;
    static const double mantissa[] = { 1, 2, 5 };
    int m = 0;
    while (m < 2 && mantissa[m + 1] * p <= lo)
        m++;
    for (;;) {
        double v = mantissa[m] * p;
        x[n++] = v;
        if (v >= bound || n == CRISK_LOSS_CURVE_MAX)
            return n;
        if (++m == 3) {
            m = 0;
            p *= 10;
        }
    }
}

/* ---- summaries ------------------------------------------------------------------------- */

static int all_exact(const sim_run *r)
{
    return r->m.n_fn > 0 && r->exact_functions == r->m.n_fn;
}

/* What both per-run losses report. */
typedef struct loss_stats {
    double mean, mean_std_error;
    int mean_exact;
    double p50, p90, p95, p99, p999, max;
} loss_stats;

/* The statistics of a per-run loss: from the enumerated lanes (`lanes`,
 * exact) when one enumeration holds every function, else from the sampled
 * runs (`runs`, sorted in place); its mean is exact anyway when every
 * function is, as the sum of coef[i] times the function's `by_downtime ?
 * downtime : probability`.  *d keeps the distribution for the caller,
 * who releases it.  Returns -1 when out of memory. */
static int loss_statistics(loss_stats *out, dist *d, sim_run *r, double *runs, double *lanes,
                           const double *coef, const crisk_function_risk *fig, int by_downtime)
{
    int rc = r->full ? dist_make(d, lanes, r->xweight, r->n_lanes)
                     : dist_make(d, runs, NULL, (size_t)r->runs);
    if (rc != 0)
        return -1;
    dist_mean(d, &out->mean, &out->mean_std_error);
    out->mean_exact = r->full || all_exact(r);
    if (!r->full && all_exact(r)) {
        out->mean = 0;
        for (size_t i = 0; i < r->m.n_fn; i++)
            out->mean += coef[i] * (by_downtime ? fig[i].downtime : fig[i].probability);
        out->mean_std_error = 0;
    }
    out->p50 = dist_quantile(d, 500);
    out->p90 = dist_quantile(d, 900);
    out->p95 = dist_quantile(d, 950);
    out->p99 = dist_quantile(d, 990);
    out->p999 = dist_quantile(d, 999);
    out->max = dist_max(d);
    return 0;
}

/* Criticality lost per run; fig[i] holds function i's figures. */
static int summarise_criticality(crisk_loss_summary *out, sim_run *r,
                                 const crisk_function_risk *fig)
{
    loss_stats st;
    dist d;
    if (loss_statistics(&st, &d, r, r->crit, r->xcrit, r->m.crit, fig, 0) != 0)
        return -1;
    dist_release(&d);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < r->m.n_fn; i++)
        out->total_criticality += r->m.crit[i];
    out->mean = st.mean;
    out->mean_std_error = st.mean_std_error;
    out->mean_exact = st.mean_exact;
    out->p50 = st.p50;
    out->p90 = st.p90;
    out->p95 = st.p95;
    out->p99 = st.p99;
    out->max = st.max;
    out->exact = r->full;
    if (r->full) {
        out->any_probability = r->xacc.any / r->xacc.total;
    } else {
        double p = r->acc.any / (double)r->runs;
        out->runs_with_failure = (uint64_t)r->acc.any;
        out->any_probability = p;
        out->any_std_error = sqrt(p * (1 - p) / (double)r->runs);
    }
    return 0;
}

static int summarise_money(crisk_money_loss *out, sim_run *r, const crisk_function_risk *fig)
{
    memset(out, 0, sizeof *out);
    out->given = r->m.has_loss;
    for (size_t i = 0; i < r->m.n_fn; i++)
        out->bound += r->m.lph[i] * r->m.hours[0];
    if (!out->given)
        return 0;
    loss_stats st;
    dist d;
    if (loss_statistics(&st, &d, r, r->money, r->xmoney, r->m.lph, fig, 1) != 0)
        return -1;
    out->mean = st.mean;
    out->mean_std_error = st.mean_std_error;
    out->mean_exact = st.mean_exact;
    out->p50 = st.p50;
    out->p90 = st.p90;
    out->p95 = st.p95;
    out->p99 = st.p99;
    out->p999 = st.p999;
    out->max = st.max;
    out->exact = r->full;
    out->n_curve = curve_grid(out->bound, out->curve_x);
    for (size_t c = 0; c < out->n_curve; c++) {
        double p = dist_exceed(&d, out->curve_x[c]);
        out->curve_p[c] = p;
        out->curve_std_error[c] = r->full ? 0 : sqrt(p * (1 - p) / (double)r->runs);
    }
    dist_release(&d);
    return 0;
}

typedef struct risk_key {
    const char *id;
    size_t index;            /* function index */
    double probability;
} risk_key;

static int compare_risk(const void *pa, const void *pb)
{
    const risk_key *a = pa, *b = pb;
    if (a->probability != b->probability)
        return a->probability > b->probability ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The functions in output order: probability desc, id. */
static int function_order(const sim_run *r, const crisk_function_risk *fig, uint32_t *order)
{
    size_t n = r->m.n_fn;
    risk_key *keys = malloc((n + 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        keys[i] = (risk_key){ r->inv->id[r->m.fn[i]], i, fig[i].probability };
    crisk__sort(keys, n, sizeof *keys, compare_risk);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)keys[i].index;
    free(keys);
    return 0;
}

static double provider_q(const crisk_inventory *inv, size_t v)
{
    double p = inv->probability[v];
    return isnan(p) ? 0 : p > 1 ? 1 : p;
}

static void function_importance(const sim_run *r, size_t k, size_t i, crisk_importance *out)
{
    double n;
    const sim_acc *a = source_of(r, i, &n);
    size_t S = r->m.n_stages, at = k * r->m.n_fn + i;
    moments mo = { .n = n };
    for (size_t s = 0; s < S; s++) {
        mo.a += a->imp_a[at * S + s];
        mo.b += a->imp_b[at * S + s];
        mo.f += a->down[i * S + s];
    }
    mo.aa = mo.a;
    mo.bb = mo.b;
    mo.ff = mo.f;
    mo.ab = a->imp_ab[at];
    mo.af = a->imp_af[at];
    mo.bf = a->imp_bf[at];
    importance_from(out, &mo, provider_q(r->inv, r->m.imp[k]), a == &r->xacc);
    out->provider = r->m.imp[k];
    out->target = r->m.fn[i];
}

static void loss_importance(const sim_run *r, size_t k, const crisk_function_risk *fig,
                            crisk_importance *out)
{
    moments mo = { 0 };
    int exact = r->full || all_exact(r);
    const sim_acc *a = exact ? &r->xacc : &r->acc;
    const double *mom = &a->loss_mom[k * SIM_LOSS_MOMENTS];
    if (r->full || !exact) {
        mo = (moments){ r->full ? a->total : (double)r->runs, mom[SIM_LA], mom[SIM_LB], a->lf,
                        mom[SIM_LAA], mom[SIM_LBB], a->lff, mom[SIM_LAB], mom[SIM_LAF],
                        mom[SIM_LBF] };
    } else {
        /* every function exact, each in its own group: the loss is a sum over
         * functions, so its expectations are the sums of theirs */
        size_t S = r->m.n_stages;
        mo.n = 1;
        for (size_t i = 0; i < r->m.n_fn; i++) {
            size_t at = k * r->m.n_fn + i;
            for (size_t s = 0; s < S; s++) {
                mo.a += r->m.lph[i] * r->m.hours[s] * a->imp_a[at * S + s];
                mo.b += r->m.lph[i] * r->m.hours[s] * a->imp_b[at * S + s];
            }
            mo.f += r->m.lph[i] * fig[i].downtime;
        }
        mo.aa = mo.a * mo.a;
        mo.bb = mo.b * mo.b;
        mo.ff = mo.f * mo.f;
        mo.ab = mo.a * mo.b;
        mo.af = mo.a * mo.f;
        mo.bf = mo.b * mo.f;
    }
    importance_from(out, &mo, provider_q(r->inv, r->m.imp[k]), exact);
    out->provider = r->m.imp[k];
    out->target = CRISK_IMPORTANCE_TOTAL_LOSS;
}

int sim_summarise(sim_results *s, sim_run *r)
{
    size_t n_fn = r->m.n_fn, K = r->m.n_imp;
    crisk_function_risk *fig = malloc((n_fn + 1) * sizeof *fig);
    uint32_t *order = malloc((n_fn + 1) * sizeof *order);
    s->functions = malloc((n_fn + 1) * sizeof *s->functions);
    s->importance = malloc((K * (n_fn + 1) + 1) * sizeof *s->importance);
    int rc = fig && order && s->functions && s->importance ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n_fn; i++)
        function_figures(r, i, &fig[i]);
    if (rc == 0)
        rc = function_order(r, fig, order);
    for (size_t j = 0; rc == 0 && j < n_fn; j++)
        s->functions[j] = fig[order[j]];
    s->n_functions = n_fn;
    for (size_t k = 0; rc == 0 && k < K; k++) {
        if (r->m.has_loss)
            loss_importance(r, k, fig, &s->importance[s->n_importance++]);
        for (size_t j = 0; j < n_fn; j++)
            function_importance(r, k, order[j], &s->importance[s->n_importance++]);
    }
    if (rc == 0)
        rc = summarise_criticality(&s->loss, r, fig);
    if (rc == 0)
        rc = summarise_money(&s->money, r, fig);
    free(fig);
    free(order);
    return rc;
}
