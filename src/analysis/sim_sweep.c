/*
 * sim_sweep.c - one sweep of blocks and variants through the propagation
 * engine, stage by stage, and the sums it adds to (sim_sweep.h).
 *
 * Word w of a sweep is block w / V, variant w % V (V = 1 + variants; variant
 * 0 is the base).  A provider's variant word is the complement of its base
 * word, so for every lane one of the two worlds has it down and the other
 * up; which is which follows from the base word, x.  With f the base and v
 * the variant outcome of a function:
 *     forced down  a = (f & x) | (v & ~x)
 *     forced up    b = (v & x) | (f & ~x)
 * and the same for the stage at which it first fails, which gives the
 * downtimes of both worlds.
 */
#include "sim_sweep.h"

#include <stdlib.h>
#include <string.h>

/* ---- accumulators ------------------------------------------------------------ */

int sim_acc_init(sim_acc *a, size_t n_fn, size_t n_stages, size_t n_imp)
{
    memset(a, 0, sizeof *a);
    a->n_fn = n_fn;
    a->n_stages = n_stages;
    a->n_imp = n_imp;
    size_t fs = n_fn * n_stages, kf = n_imp * n_fn;
    a->down = calloc(fs + 1, sizeof *a->down);
    a->imp_a = calloc(kf * n_stages + 1, sizeof *a->imp_a);
    a->imp_b = calloc(kf * n_stages + 1, sizeof *a->imp_b);
    a->imp_ab = calloc(kf + 1, sizeof *a->imp_ab);
    a->imp_af = calloc(kf + 1, sizeof *a->imp_af);
    a->imp_bf = calloc(kf + 1, sizeof *a->imp_bf);
    a->loss_mom = calloc(n_imp * SIM_LOSS_MOMENTS + 1, sizeof *a->loss_mom);
    if (!a->down || !a->imp_a || !a->imp_b || !a->imp_ab || !a->imp_af || !a->imp_bf
        || !a->loss_mom) {
        sim_acc_release(a);
        return -1;
    }
    return 0;
}

void sim_acc_release(sim_acc *a)
{
    free(a->down);
    free(a->imp_a);
    free(a->imp_b);
    free(a->imp_ab);
    free(a->imp_af);
    free(a->imp_bf);
    free(a->loss_mom);
    memset(a, 0, sizeof *a);
}

static void add_array(double *to, const double *from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] += from[i];
}

void sim_acc_add(sim_acc *a, const sim_acc *b)
{
    size_t fs = a->n_fn * a->n_stages, kf = a->n_imp * a->n_fn;
    a->total += b->total;
    a->any += b->any;
    a->lf += b->lf;
    a->lff += b->lff;
    add_array(a->down, b->down, fs);
    add_array(a->imp_a, b->imp_a, kf * a->n_stages);
    add_array(a->imp_b, b->imp_b, kf * a->n_stages);
    add_array(a->imp_ab, b->imp_ab, kf);
    add_array(a->imp_af, b->imp_af, kf);
    add_array(a->imp_bf, b->imp_bf, kf);
    add_array(a->loss_mom, b->loss_mom, a->n_imp * SIM_LOSS_MOMENTS);
}

void sim_acc_zero(sim_acc *a)
{
    size_t fs = a->n_fn * a->n_stages, kf = a->n_imp * a->n_fn;
    a->total = a->any = a->lf = a->lff = 0;
    memset(a->down, 0, fs * sizeof *a->down);
    memset(a->imp_a, 0, kf * a->n_stages * sizeof *a->imp_a);
    memset(a->imp_b, 0, kf * a->n_stages * sizeof *a->imp_b);
    memset(a->imp_ab, 0, kf * sizeof *a->imp_ab);
    memset(a->imp_af, 0, kf * sizeof *a->imp_af);
    memset(a->imp_bf, 0, kf * sizeof *a->imp_bf);
    memset(a->loss_mom, 0, a->n_imp * SIM_LOSS_MOMENTS * sizeof *a->loss_mom);
}

/* ---- seeds ------------------------------------------------------------------- */

typedef struct stage_key {
    uint32_t stage, node, pos;
} stage_key;

static int compare_stage_key(const void *pa, const void *pb)
{
    const stage_key *a = pa, *b = pb;
    if (a->stage != b->stage)
        return a->stage < b->stage ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

int sim_seeds_init(sim_seeds *sd, const sim_model *m, const uint32_t *nodes, size_t n)
{
    memset(sd, 0, sizeof *sd);
    sd->n = n;
    sd->node = malloc((n + 1) * sizeof *sd->node);
    sd->by_stage = malloc((n + 1) * sizeof *sd->by_stage);
    sd->stage_start = calloc(m->n_stages + 1, sizeof *sd->stage_start);
    sd->imp_list = malloc((m->n_imp + 1) * sizeof *sd->imp_list);
    sd->imp_seed = malloc((m->n_imp + 1) * sizeof *sd->imp_seed);
    sd->cond_list = malloc((m->n_imp + 1) * sizeof *sd->cond_list);
    sd->cond_q = malloc((m->n_imp + 1) * sizeof *sd->cond_q);
    stage_key *keys = malloc((n + 1) * sizeof *keys);
    if (!sd->node || !sd->by_stage || !sd->stage_start || !sd->imp_list || !sd->imp_seed
        || !sd->cond_list || !sd->cond_q || !keys) {
        free(keys);
        sim_seeds_release(sd);
        return -1;
    }
    for (size_t e = 0; e < n; e++) {
        sd->node[e] = nodes[e];
        keys[e] = (stage_key){ m->stage_of[nodes[e]], nodes[e], (uint32_t)e };
        sd->stage_start[keys[e].stage + 1]++;
    }
    for (size_t s = 0; s < m->n_stages; s++)
        sd->stage_start[s + 1] += sd->stage_start[s];
    crisk__sort(keys, n, sizeof *keys, compare_stage_key);
    for (size_t e = 0; e < n; e++)
        sd->by_stage[e] = keys[e].pos;
    free(keys);
    for (size_t k = 0; k < m->n_imp; k++) {
        sd->imp_seed[k] = UINT32_MAX;
        for (size_t e = 0; e < n && sd->imp_seed[k] == UINT32_MAX; e++)
            if (nodes[e] == m->imp[k])
                sd->imp_seed[k] = (uint32_t)e;
        if (sd->imp_seed[k] != UINT32_MAX)
            sd->imp_list[sd->n_imp_list++] = (uint32_t)k;
    }
    return 0;
}

void sim_seeds_condition(sim_seeds *sd, size_t k, double q)
{
    size_t j = 0;
    for (size_t i = 0; i < sd->n_imp_list; i++)
        if (sd->imp_list[i] != k)
            sd->imp_list[j++] = sd->imp_list[i];
    sd->n_imp_list = j;
    sd->cond_list[sd->n_cond] = (uint32_t)k;
    sd->cond_q[sd->n_cond++] = q;
}

void sim_seeds_release(sim_seeds *sd)
{
    free(sd->node);
    free(sd->by_stage);
    free(sd->stage_start);
    free(sd->imp_list);
    free(sd->imp_seed);
    free(sd->cond_list);
    free(sd->cond_q);
    memset(sd, 0, sizeof *sd);
}

/* ---- the sweeper ------------------------------------------------------------- */

int sim_sweeper_init(sim_sweeper *sw, const sim_model *m, const sim_seeds *seeds,
                     const crisk__topo *t, const uint32_t *fns, size_t n_fns,
                     const uint8_t *region, crisk_error *err)
{
    memset(sw, 0, sizeof *sw);
    sw->m = m;
    sw->seeds = seeds;
    sw->fns = fns;
    sw->n_fns = n_fns;
    int rc = crisk__prop_init_shared(&sw->prop, t, err);
    if (rc != CRISK_OK)
        return rc;
    sw->prop.want_all = 0;   /* the §4 masks only */
    sw->seen = malloc((n_fns + 1) * sizeof *sw->seen);
    sw->loss = malloc(CRISK__W * sizeof *sw->loss);
    if (sw->seen == NULL || sw->loss == NULL
        || (region != NULL && crisk__prop_set_region(&sw->prop, region) != 0)) {
        sim_sweeper_release(sw);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return CRISK_OK;
}

void sim_sweeper_release(sim_sweeper *sw)
{
    if (sw->prop.inv != NULL)
        crisk__prop_release(&sw->prop);
    free(sw->seen);
    free(sw->loss);
    memset(sw, 0, sizeof *sw);
}

/* ---- one sweep ------------------------------------------------------------------ */

/* The layout of one sweep. */
typedef struct layout {
    const sim_block *blocks;
    size_t n_blocks, first_imp, v;     /* v: words per block (1 + variants) */
    size_t words;                      /* n_blocks * v */
    uint32_t flip[CRISK__W];           /* per word: the seed it flips, or UINT32_MAX */
} layout;

void sim_lane_weights_init(sim_lane_weights *w)
{
    for (int k = 0; k < 8; k++)
        for (int x = 0; x < 256; x++) {
            double sum = 0;
            for (int i = 0; i < 8; i++)
                sum += (x >> i) & 1 ? w->lane[8 * k + i] : 0;
            w->byte[k][x] = sum;
        }
}

/* The weight of the lanes of `mask` in block b. */
static double weight_of(const sim_block *b, uint64_t mask)
{
    if (b->lw == NULL)
        return (double)__builtin_popcountll(mask);
    double sum = 0;
    for (int k = 0; k < 8; k++, mask >>= 8)
        sum += b->lw->byte[k][mask & 255];
    return b->scale * sum;
}

/* Seed the nodes of stage s.  Returns 1 if any lane was seeded, 0 if none,
 * -1 when out of memory. */
static int seed_stage(sim_sweeper *sw, const layout *l, size_t s)
{
    const sim_seeds *sd = sw->seeds;
    int any = 0;
    for (size_t i = sd->stage_start[s]; i < sd->stage_start[s + 1]; i++) {
        uint32_t e = sd->by_stage[i];
        crisk__mask mask = { { 0 } };
        uint64_t nonzero = 0;
        for (size_t w = 0; w < l->words; w++) {
            const sim_block *b = &l->blocks[w / l->v];
            uint64_t word = b->word[e];
            if (l->flip[w] == e)
                word = ~word;
            mask.w[w] = word & b->valid;
            nonzero |= mask.w[w];
        }
        if (nonzero == 0)
            continue;
        if (crisk__prop_seed(&sw->prop, sd->node[e], &mask) != 0)
            return -1;
        any = 1;
    }
    return any;
}

/* The lanes of collected function j that first fail at stage s, per word.
 * Returns 1 when every collected function is down in every lane: later
 * stages can only fail lanes already down, which keeps their downtimes. */
static int collect_stage(sim_sweeper *sw, const layout *l, size_t s, int base, sim_acc *acc)
{
    const sim_model *m = sw->m;
    double hours = m->hours[s];
    int saturated = 1;
    for (size_t j = 0; j < sw->n_fns; j++) {
        uint32_t i = sw->fns[j];
        const crisk__mask *g = crisk__prop_grp(&sw->prop, m->fn[i]);
        crisk__mask fresh;
        uint64_t any = 0;
        for (size_t w = 0; w < l->words; w++) {
            uint64_t valid = l->blocks[w / l->v].valid;
            fresh.w[w] = g->w[w] & valid & ~sw->seen[j].w[w];
            sw->seen[j].w[w] |= fresh.w[w];
            any |= fresh.w[w];
            saturated &= sw->seen[j].w[w] == valid;
        }
        if (any == 0)
            continue;
        for (size_t w = 0; sw->first_stage != NULL && w < l->words; w++)
            for (uint64_t bits = fresh.w[w]; bits != 0; bits &= bits - 1)
                sw->first_stage[(w * sw->n_fns + j) * 64 + (size_t)__builtin_ctzll(bits)] = (uint32_t)s;
        double per_lane = m->lph[i] * hours;
        for (size_t w = 0; per_lane > 0 && w < l->words; w++)
            for (uint64_t bits = fresh.w[w]; bits != 0; bits &= bits - 1)
                sw->loss[w][__builtin_ctzll(bits)] += per_lane;
        for (size_t b = 0; b < l->n_blocks; b++) {
            const sim_block *blk = &l->blocks[b];
            uint64_t f = fresh.w[b * l->v];
            if (base)
                acc->down[i * m->n_stages + s] += weight_of(blk, f);
            for (size_t c = 0; base && c < sw->seeds->n_cond; c++) {
                size_t k = sw->seeds->cond_list[c];
                double q = sw->seeds->cond_q[c];
                uint64_t x = blk->word[sw->seeds->imp_seed[k]] & blk->valid;
                size_t at = ((size_t)k * m->n_fn + i) * m->n_stages + s;
                acc->imp_a[at] += weight_of(blk, f & x) / q;
                acc->imp_b[at] += weight_of(blk, f & ~x) / (1 - q);
            }
            for (size_t v = 1; v < l->v; v++) {
                size_t k = sw->seeds->imp_list[l->first_imp + v - 1];
                uint64_t x = blk->word[sw->seeds->imp_seed[k]] & blk->valid;
                uint64_t var = fresh.w[b * l->v + v];
                size_t at = ((size_t)k * m->n_fn + i) * m->n_stages + s;
                acc->imp_a[at] += weight_of(blk, (f & x) | (var & ~x));
                acc->imp_b[at] += weight_of(blk, (var & x) | (f & ~x));
            }
        }
    }
    return saturated;
}

/* After the last stage: the joint counts of the importance worlds. */
static void collect_importance(sim_sweeper *sw, const layout *l, sim_acc *acc)
{
    const sim_model *m = sw->m;
    for (size_t j = 0; j < sw->n_fns; j++) {
        uint32_t i = sw->fns[j];
        for (size_t b = 0; b < l->n_blocks; b++) {
            const sim_block *blk = &l->blocks[b];
            uint64_t f = sw->seen[j].w[b * l->v];
            for (size_t v = 1; v < l->v; v++) {
                size_t k = sw->seeds->imp_list[l->first_imp + v - 1];
                uint64_t x = blk->word[sw->seeds->imp_seed[k]] & blk->valid;
                uint64_t var = sw->seen[j].w[b * l->v + v];
                uint64_t a = (f & x) | (var & ~x), bb = (var & x) | (f & ~x);
                size_t at = (size_t)k * m->n_fn + i;
                acc->imp_ab[at] += weight_of(blk, a & bb);
                acc->imp_af[at] += weight_of(blk, a & f);
                acc->imp_bf[at] += weight_of(blk, bb & f);
            }
        }
    }
}

/* The money loss of each lane in the three worlds, in lane order. */
static void collect_loss(sim_sweeper *sw, const layout *l, int base, sim_acc *acc)
{
    for (size_t b = 0; b < l->n_blocks; b++) {
        const sim_block *blk = &l->blocks[b];
        const double *lf = sw->loss[b * l->v];
        for (uint64_t bits = blk->valid; base && bits != 0; bits &= bits - 1) {
            int lane = __builtin_ctzll(bits);
            double w = sim_lane_weight(blk, lane);
            acc->lf += w * lf[lane];
            acc->lff += w * lf[lane] * lf[lane];
            for (size_t c = 0; c < sw->seeds->n_cond; c++) {
                size_t k = sw->seeds->cond_list[c];
                double q = sw->seeds->cond_q[c];
                int down = (int)((blk->word[sw->seeds->imp_seed[k]] >> lane) & 1);
                acc->loss_mom[k * SIM_LOSS_MOMENTS + (down ? SIM_LA : SIM_LB)] +=
                    w * lf[lane] / (down ? q : 1 - q);
            }
        }
        for (size_t v = 1; v < l->v; v++) {
            size_t k = sw->seeds->imp_list[l->first_imp + v - 1];
            uint64_t x = blk->word[sw->seeds->imp_seed[k]];
            const double *lv = sw->loss[b * l->v + v];
            double *mom = &acc->loss_mom[k * SIM_LOSS_MOMENTS];
            for (uint64_t bits = blk->valid; bits != 0; bits &= bits - 1) {
                int lane = __builtin_ctzll(bits);
                double w = sim_lane_weight(blk, lane);
                int down = (int)((x >> lane) & 1);
                double la = down ? lf[lane] : lv[lane], lb = down ? lv[lane] : lf[lane];
                mom[SIM_LA] += w * la;
                mom[SIM_LB] += w * lb;
                mom[SIM_LAA] += w * la * la;
                mom[SIM_LBB] += w * lb * lb;
                mom[SIM_LAB] += w * la * lb;
                mom[SIM_LAF] += w * la * lf[lane];
                mom[SIM_LBF] += w * lb * lf[lane];
            }
        }
    }
}

/* The base figures of each block: lanes, "some function down", and the
 * per-lane losses.  Criticality is added in function order, so a lane's sum
 * is formed in the same order on every machine. */
static void collect_base(sim_sweeper *sw, const layout *l, sim_acc *acc, double *crit_out,
                         double *money_out)
{
    const sim_model *m = sw->m;
    for (size_t b = 0; b < l->n_blocks; b++) {
        const sim_block *blk = &l->blocks[b];
        uint64_t any = 0;
        for (size_t j = 0; j < sw->n_fns; j++)
            any |= sw->seen[j].w[b * l->v];
        acc->total += weight_of(blk, blk->valid);
        acc->any += weight_of(blk, any);
        if (crit_out != NULL) {
            double *out = crit_out + 64 * b;
            for (uint64_t bits = blk->valid; bits != 0; bits &= bits - 1)
                out[__builtin_ctzll(bits)] = 0;
            for (size_t j = 0; j < sw->n_fns; j++)
                for (uint64_t bits = sw->seen[j].w[b * l->v]; bits != 0; bits &= bits - 1)
                    out[__builtin_ctzll(bits)] += m->crit[sw->fns[j]];
        }
        if (money_out != NULL)
            for (uint64_t bits = blk->valid; bits != 0; bits &= bits - 1) {
                int lane = __builtin_ctzll(bits);
                money_out[64 * b + (size_t)lane] = sw->loss[b * l->v][lane];
            }
    }
}

int sim_sweep(sim_sweeper *sw, const sim_block *blocks, size_t n_blocks, size_t first_imp,
              size_t n_var, int base, sim_acc *acc, double *crit_out, double *money_out)
{
    layout l = { blocks, n_blocks, first_imp, 1 + n_var, n_blocks * (1 + n_var), { 0 } };
    for (size_t w = 0; w < CRISK__W; w++) {
        size_t v = w % l.v;
        l.flip[w] = w < l.words && v > 0
                    ? sw->seeds->imp_seed[sw->seeds->imp_list[first_imp + v - 1]] : UINT32_MAX;
    }
    crisk__prop_clear(&sw->prop);
    memset(sw->seen, 0, sw->n_fns * sizeof *sw->seen);
    memset(sw->loss, 0, CRISK__W * sizeof *sw->loss);
    for (size_t i = 0; sw->first_stage != NULL && i < l.words * sw->n_fns * 64; i++)
        sw->first_stage[i] = UINT32_MAX;
    for (size_t s = 0; s < sw->m->n_stages; s++) {
        int seeded = seed_stage(sw, &l, s);
        if (seeded < 0)
            return -1;
        if (seeded == 0)
            continue;
        crisk__prop_run(&sw->prop);
        if (collect_stage(sw, &l, s, base, acc))
            break;
    }
    if (n_var > 0)
        collect_importance(sw, &l, acc);
    if (sw->m->has_loss)
        collect_loss(sw, &l, base, acc);
    if (base)
        collect_base(sw, &l, acc, crit_out, money_out);
    return 0;
}
