/*
 * chainrisk-gen - a deterministic synthetic supply-chain inventory.
 *
 * Writes OUTDIR/nodes.csv and OUTDIR/edges.csv in the native format of
 * DESIGN §3, shaped like a real third-party register: business functions
 * depend on direct suppliers and services (tier 1), those on subcontractors
 * (tiers 2 and 3), and everything bottoms out in shared infrastructure (cloud
 * regions, software components, telecom carriers, hardware vendors).  Target
 * popularity is Zipf-skewed, so a few providers carry very many dependants;
 * some edges form OR and k-of-n redundancy groups; a small fraction are back
 * edges that close dependency cycles.
 *
 * Approach: every node class occupies one consecutive index range, in tier
 * order, and every ordinary edge points to a higher index.  Ids are derived
 * from the index, node attributes from a hash of (seed, index), and each
 * node's out-edges from its own random stream, so nothing is kept per node:
 * memory is O(largest out-degree) and the output depends only on the
 * arguments.  Validity (DESIGN §3) follows from that layout: forward edges
 * never point to themselves, distinct targets are enforced per dependant, and
 * a back edge t->u is only ever emitted while generating u (t > u), so it can
 * collide neither with t's own forward edges nor with another back edge.
 *
 * Rejected: building the graph in memory and shuffling it before writing -
 * 10 M edges would cost hundreds of MiB for no gain in realism.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define GEN_MIN_NODES   50u
#define GEN_MAX_NODES   100000000u      /* CRISK_MAX_NODES */
#define GEN_MAX_DEGREE  1000u           /* out-edges of one node */
#define GEN_ZIPF_SHARE  0.85            /* rest of the picks are uniform */

/* ---- random numbers: splitmix64 seeds xoshiro256** ---------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* An independent stream per (seed, purpose, index). */
static void rng_seed(rng *r, uint64_t seed, uint64_t purpose, uint64_t index)
{
    uint64_t x = seed;
    x = splitmix64(&x) ^ purpose;
    x = splitmix64(&x) ^ index;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n); n > 0 and far below 2^53. */
static size_t rng_below(rng *r, size_t n)
{
    size_t v = (size_t)(rng_unit(r) * (double)n);
    return v < n ? v : n - 1;
}

/* Rank in [0, n): Zipf (exponent 1, rank 0 the most popular) mixed with a
 * uniform share so that the long tail is not left without dependants. */
static size_t rng_rank(rng *r, size_t n)
{
    if (rng_unit(r) >= GEN_ZIPF_SHARE)
        return rng_below(r, n);
    size_t v = (size_t)floor(exp(rng_unit(r) * log((double)n + 1.0))) - 1;
    return v < n ? v : n - 1;
}

/* ---- weighted tables ---------------------------------------------------- */

typedef struct choice {
    const char *value;
    unsigned weight;
} choice;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *pick(rng *r, const choice *table, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += table[i].weight;
    size_t x = rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < table[i].weight)
            return table[i].value;
        x -= table[i].weight;
    }
    return table[n - 1].value;
}

#define PICK(r, table) pick((r), (table), COUNT(table))

static const choice tier1_types[] = { {"supplier", 45}, {"service", 55} };
static const choice tier2_types[] = { {"supplier", 55}, {"service", 45} };
static const choice tier3_types[] = { {"supplier", 60}, {"service", 40} };
static const choice telecom_types[] = { {"supplier", 50}, {"service", 50} };

static const choice tier1_categories[] = {
    {"managed-service", 35}, {"software", 25}, {"cloud", 15},
    {"telecom", 5}, {"hardware", 5}, {"other", 15},
};
static const choice tier2_categories[] = {
    {"managed-service", 30}, {"software", 30}, {"cloud", 10},
    {"telecom", 5}, {"hardware", 10}, {"other", 15},
};
static const choice tier3_categories[] = {
    {"managed-service", 20}, {"software", 30}, {"cloud", 5},
    {"telecom", 10}, {"hardware", 15}, {"other", 20},
};

static const choice criticalities[] = {
    {"1", 10}, {"2", 25}, {"3", 30}, {"4", 20}, {"5", 15},
};
static const choice function_rto_hours[] = {
    {"1", 5}, {"2", 10}, {"4", 20}, {"8", 20}, {"12", 10},
    {"24", 20}, {"48", 8}, {"72", 5}, {"168", 2},
};
static const choice provider_rto_hours[] = {
    {"4", 15}, {"8", 25}, {"24", 35}, {"48", 15}, {"72", 10},
};
static const choice provider_recovery_hours[] = {
    {"1", 5}, {"2", 10}, {"4", 20}, {"8", 20}, {"12", 10}, {"24", 15},
    {"48", 10}, {"72", 5}, {"168", 3}, {"336", 2},
};
static const choice cloud_recovery_hours[] = {
    {"2", 20}, {"4", 35}, {"8", 25}, {"12", 10}, {"24", 10},
};
static const choice function_recovery_hours[] = {
    {"1", 20}, {"2", 30}, {"4", 30}, {"8", 15}, {"24", 5},
};

static const choice provider_substitutability[] = {
    {"easy", 30}, {"medium", 40}, {"hard", 22}, {"none", 8},
};
static const choice cloud_substitutability[] = {
    {"medium", 20}, {"hard", 60}, {"none", 20},
};
static const choice software_substitutability[] = {
    {"easy", 45}, {"medium", 35}, {"hard", 15}, {"none", 5},
};
static const choice infra_substitutability[] = {
    {"easy", 10}, {"medium", 50}, {"hard", 35}, {"none", 5},
};

static const choice countries[] = {
    {"US", 30}, {"DE", 12}, {"GB", 9}, {"FR", 7}, {"IE", 6}, {"NL", 5},
    {"IN", 5}, {"SE", 3}, {"CH", 3}, {"IT", 3}, {"ES", 3}, {"PL", 3},
    {"CA", 2}, {"JP", 2}, {"SG", 2}, {"IL", 2}, {"CN", 2}, {"FI", 1},
    {"DK", 1}, {"AT", 1}, {"BE", 1}, {"LU", 1}, {"CZ", 1}, {"RO", 1},
};

/* Name parts.  A few carry a comma, a quote or non-ASCII UTF-8 on purpose, so
 * that importers meet RFC 4180 quoting and multibyte text at every scale. */
static const choice brands[] = {
    {"Kolvar", 6}, {"Nordlys", 6}, {"Acumen", 6}, {"Bluecrest", 6},
    {"Tessaro", 6}, {"Veridian", 6}, {"Quantis", 6}, {"Halden", 6},
    {"Orbitel", 6}, {"Sapphire", 6}, {"Granite", 6}, {"Lumen", 6},
    {"Meridian", 6}, {"Corvid", 6}, {"Ardent", 6}, {"Polaris", 6},
    {"Müller", 3}, {"Société Lyonnaise", 2}, {"Søndergaard", 2},
    {"Łódź Data", 1}, {"\"Prime\"", 1},
};
static const choice business_words[] = {
    {"Systems", 5}, {"Data", 5}, {"Consulting", 3}, {"Networks", 3},
    {"Solutions", 5}, {"Logistics", 2}, {"Security", 3}, {"Analytics", 2},
    {"Payments", 2}, {"Services", 4},
};
static const choice company_suffixes[] = {
    {"Ltd", 20}, {"GmbH", 15}, {"SA", 10}, {"Inc.", 20}, {"B.V.", 8},
    {"S.p.A.", 4}, {"AB", 4}, {"Holdings, Inc.", 4}, {"plc", 5},
};
static const choice products[] = {
    {"Cloud Backup", 3}, {"Payroll", 2}, {"CRM", 3}, {"Identity", 3},
    {"Managed SOC", 2}, {"Hosting", 3}, {"Email", 2}, {"Monitoring", 3},
    {"Card Processing", 2}, {"EDR Agent", 2}, {"RMM", 2}, {"Data Warehouse", 2},
};
static const choice function_areas[] = {
    {"Payments", 3}, {"Lending", 2}, {"Customer", 3}, {"Treasury", 2},
    {"Claims", 2}, {"Trading", 2}, {"HR", 2}, {"Logistics", 2},
    {"Finance", 3}, {"Compliance", 2},
};
static const choice function_processes[] = {
    {"clearing", 2}, {"onboarding", 2}, {"reporting", 3}, {"settlement", 2},
    {"support", 3}, {"billing", 2}, {"operations", 3}, {"analytics", 2},
};
static const choice syllables[] = {
    {"kor", 1}, {"van", 1}, {"zel", 1}, {"mir", 1}, {"tal", 1}, {"ux", 1},
    {"pra", 1}, {"don", 1}, {"sek", 1}, {"lib", 1}, {"ny", 1}, {"qua", 1},
};
static const choice cloud_providers[] = {
    {"Nimbus", 1}, {"Stratus", 1}, {"Cirrus", 1}, {"Altus", 1},
    {"Cumulus", 1}, {"Nubes", 1},
};
static const choice geographies[] = {
    {"eu-central", 3}, {"eu-west", 3}, {"eu-north", 1}, {"us-east", 4},
    {"us-west", 2}, {"ap-southeast", 1}, {"ap-northeast", 1}, {"sa-east", 1},
};

/* ---- node classes ------------------------------------------------------- */

enum node_class {
    C_FUNCTION,
    C_TIER1,        /* direct suppliers and services */
    C_TIER2,        /* subcontractors */
    C_TIER3,
    C_CLOUD,        /* cloud regions */
    C_SOFTWARE,     /* software components; popular ones at the end */
    C_TELECOM,
    C_HARDWARE,
    C_COUNT
};

typedef struct class_spec {
    const char *prefix;         /* id prefix when the class has one type */
    double share;               /* of the non-function nodes */
    size_t min_size;
    double out_weight;          /* relative mean out-degree */
    double mix[C_COUNT];        /* where its edges go (later classes only) */
    int cover[2];               /* classes whose every node it depends on, or -1 */
    int mutual;                 /* has mutual dependencies within the class */
} class_spec;

/* The software share is what is left after the others. */
static const class_spec classes[C_COUNT] = {
    [C_FUNCTION] = { "fn", 0, 1, 2.0,
        { [C_TIER1] = .80, [C_CLOUD] = .05, [C_SOFTWARE] = .10, [C_TELECOM] = .05 },
        { C_TIER1, -1 }, 0 },
    [C_TIER1] = { NULL, .20, 1, 1.2,
        { [C_TIER2] = .55, [C_CLOUD] = .20, [C_SOFTWARE] = .15, [C_TELECOM] = .10 },
        { C_TIER2, -1 }, 1 },
    [C_TIER2] = { NULL, .25, 1, 1.0,
        { [C_TIER3] = .45, [C_CLOUD] = .25, [C_SOFTWARE] = .20, [C_TELECOM] = .10 },
        { C_TIER3, -1 }, 1 },
    [C_TIER3] = { NULL, .17, 1, 0.8,
        { [C_CLOUD] = .40, [C_SOFTWARE] = .40, [C_TELECOM] = .10, [C_HARDWARE] = .10 },
        { C_SOFTWARE, C_HARDWARE }, 1 },
    [C_CLOUD] = { "region", .002, 2, 1.5,
        { [C_SOFTWARE] = .40, [C_TELECOM] = .35, [C_HARDWARE] = .25 }, { -1, -1 }, 0 },
    [C_SOFTWARE] = { "pkg", 0, 2, 0.6, { [C_SOFTWARE] = 1 }, { -1, -1 }, 0 },
    [C_TELECOM] = { "tel", .005, 2, 0.5, { [C_HARDWARE] = 1 }, { -1, -1 }, 0 },
    [C_HARDWARE] = { "hw", .07, 2, 0, { 0 }, { -1, -1 }, 0 },
};

/* The edge `kind` by the class of its target. */
static const char *const kind_by_target[C_COUNT] = {
    [C_TIER2] = "subcontract", [C_TIER3] = "subcontract", [C_CLOUD] = "hosting",
    [C_SOFTWARE] = "library", [C_TELECOM] = "network", [C_HARDWARE] = "hardware",
};

typedef struct options {
    size_t nodes;
    double degree;              /* mean out-edges per node */
    uint64_t seed;
    double function_share;
    double cycles;              /* fraction of edges that are back edges */
    double groups;              /* fraction of edges in redundancy groups */
    const char *outdir;
    int quiet;
} options;

/* Everything derived from the options; read-only once made. */
typedef struct plan {
    options opt;
    size_t lo[C_COUNT + 1];     /* class c is [lo[c], lo[c + 1]) */
    double mean_degree[C_COUNT];
    size_t cover_k[C_COUNT][2]; /* coverage edges per node, per cover class */
    double back_share[C_COUNT]; /* mutual pairs per out-edge */
    size_t perm_a[C_COUNT];     /* rank -> local index: (a * rank + b) % size */
    size_t perm_b[C_COUNT];
    int width;                  /* digits of an id's number */
} plan;

enum { PURPOSE_NODE = 1, PURPOSE_EDGES = 2, PURPOSE_PLAN = 3 };

static size_t class_size(const plan *p, int c)
{
    return p->lo[c + 1] - p->lo[c];
}

static int class_of(const plan *p, size_t idx)
{
    int c = 0;
    while (idx >= p->lo[c + 1])
        c++;
    return c;
}

/* ---- planning ----------------------------------------------------------- */

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Sizes of the classes; returns -1 when the node count cannot hold them. */
static int plan_sizes(plan *p)
{
    size_t n = p->opt.nodes;
    size_t nf = (size_t)llround(p->opt.function_share * (double)n);
    size_t size[C_COUNT] = { 0 };
    size[C_FUNCTION] = nf < 1 ? 1 : nf;
    size_t rest = n - size[C_FUNCTION], used = 0;
    for (int c = C_TIER1; c < C_COUNT; c++) {
        if (c == C_SOFTWARE)
            continue;
        size[c] = (size_t)(classes[c].share * (double)rest);
        if (size[c] < classes[c].min_size)
            size[c] = classes[c].min_size;
        used += size[c];
    }
    if (rest < used + classes[C_SOFTWARE].min_size)
        return -1;
    size[C_SOFTWARE] = rest - used;
    p->lo[0] = 0;
    for (int c = 0; c < C_COUNT; c++)
        p->lo[c + 1] = p->lo[c] + size[c];
    return 0;
}

/* Mean out-degree per class, scaled so that all edges add up to nodes x D;
 * mutual pairs only come from the tiers, so their share of those tiers' edges
 * is raised to keep the requested share of all edges. */
static void plan_degrees(plan *p)
{
    double weighted = 0, mutual_weighted = 0, cf = p->opt.cycles;
    for (int c = 0; c < C_COUNT; c++) {
        weighted += classes[c].out_weight * (double)class_size(p, c);
        if (classes[c].mutual)
            mutual_weighted += classes[c].out_weight * (double)class_size(p, c);
    }
    double base = p->opt.degree * (double)p->opt.nodes / weighted;
    for (int c = 0; c < C_COUNT; c++) {
        p->mean_degree[c] = classes[c].out_weight * base;
        for (int i = 0; i < 2; i++) {
            p->cover_k[c][i] = 0;
            if (classes[c].cover[i] >= 0) {
                size_t s = class_size(p, c), t = class_size(p, classes[c].cover[i]);
                p->cover_k[c][i] = (t + s - 1) / s;
            }
        }
        p->back_share[c] = 0;
        if (classes[c].mutual && mutual_weighted > 0)
            p->back_share[c] = cf / (1.0 - cf) * weighted / mutual_weighted;
    }
}

/* Popularity order of each class: a seeded affine permutation, except for
 * software, whose most popular components sit at the end of the range so
 * that component-to-component edges can point forward to them. */
static void plan_popularity(plan *p)
{
    rng r;
    rng_seed(&r, p->opt.seed, PURPOSE_PLAN, 0);
    for (int c = 0; c < C_COUNT; c++) {
        size_t n = class_size(p, c);
        size_t a = 1 + rng_below(&r, n);
        while (gcd(a, n) != 1)
            a++;
        p->perm_a[c] = a % n;
        p->perm_b[c] = rng_below(&r, n);
        if (n == 1)
            p->perm_a[c] = 1;
    }
}

static int plan_make(plan *p, const options *opt)
{
    memset(p, 0, sizeof *p);
    p->opt = *opt;
    if (plan_sizes(p) != 0)
        return -1;
    plan_degrees(p);
    plan_popularity(p);
    p->width = 1;
    for (size_t v = opt->nodes - 1; v >= 10; v /= 10)
        p->width++;
    return 0;
}

/* Global index of the class member with popularity `rank`. */
static size_t ranked_node(const plan *p, int c, size_t rank)
{
    size_t n = class_size(p, c);
    if (c == C_SOFTWARE)
        return p->lo[c] + n - 1 - rank;
    return p->lo[c] + (p->perm_a[c] * rank + p->perm_b[c]) % n;
}

/* ---- buffered output ---------------------------------------------------- */

typedef struct out {
    FILE *f;
    size_t len;
    int failed;
    char buf[1 << 20];
} out;

static void out_flush(out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = 1;
    o->len = 0;
}

/* Room for one field; fields never exceed 512 bytes. */
static void out_reserve(out *o)
{
    if (o->len > sizeof o->buf - 512)
        out_flush(o);
}

static void out_str(out *o, const char *s)
{
    size_t n = strlen(s);
    out_reserve(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_char(out *o, char ch)
{
    out_reserve(o);
    o->buf[o->len++] = ch;
}

static void out_uint(out *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    out_reserve(o);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

static void out_fmt(out *o, const char *fmt, ...)
{
    va_list ap;
    out_reserve(o);
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, 256, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)(n < 256 ? n : 255);
}

/* An RFC 4180 field: quoted only when it has to be. */
static void out_csv(out *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        out_str(o, s);
        return;
    }
    out_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            out_char(o, '"');
        out_char(o, *s);
    }
    out_char(o, '"');
}

/* ---- nodes -------------------------------------------------------------- */

/* The type of a node, from its own stream: the first draw of node_row(). */
static const char *node_type(const plan *p, size_t idx, rng *r)
{
    rng_seed(r, p->opt.seed, PURPOSE_NODE, idx);
    switch (class_of(p, idx)) {
    case C_FUNCTION: return "function";
    case C_TIER1:    return PICK(r, tier1_types);
    case C_TIER2:    return PICK(r, tier2_types);
    case C_TIER3:    return PICK(r, tier3_types);
    case C_CLOUD:    return "service";
    case C_SOFTWARE: return "component";
    case C_TELECOM:  return PICK(r, telecom_types);
    default:         return "supplier";
    }
}

static void out_id(out *o, const plan *p, size_t idx)
{
    rng r;
    int c = class_of(p, idx);
    const char *prefix = classes[c].prefix;
    if (!prefix)
        prefix = strcmp(node_type(p, idx, &r), "supplier") == 0 ? "sup" : "svc";
    out_str(o, prefix);
    out_char(o, '-');
    out_uint(o, idx, p->width);
}

/* Parent: the first ~5 % of a class are group heads (their own parent);
 * a third of the others belong to one of them, skewed to the big groups.
 * Cloud regions always belong to one of a handful of providers. */
static size_t node_parent(const plan *p, int c, size_t idx, rng *r)
{
    size_t local = idx - p->lo[c], n = class_size(p, c);
    size_t heads = c == C_CLOUD ? (n < 6 ? n : 6) : n / 20 + 1;
    if (local < heads || c == C_FUNCTION)
        return idx;
    if (c != C_CLOUD && rng_unit(r) >= 0.35)
        return idx;
    return p->lo[c] + rng_rank(r, heads);
}

static void node_name(char *buf, size_t size, const plan *p, int c,
                      const char *type, size_t idx, rng *r)
{
    unsigned long num = (unsigned long)(idx - p->lo[c] + 1);
    switch (c) {
    case C_FUNCTION:
        snprintf(buf, size, "%s %s %lu", PICK(r, function_areas),
                 PICK(r, function_processes), num);
        break;
    case C_CLOUD:
        snprintf(buf, size, "%s %s-%lu", PICK(r, cloud_providers), PICK(r, geographies), num);
        break;
    case C_SOFTWARE: {
        const char *a = PICK(r, syllables), *b = PICK(r, syllables);
        snprintf(buf, size, "%s%s-%lu", a, b, num);
        break;
    }
    default:
        if (strcmp(type, "service") == 0) {
            const char *brand = PICK(r, brands);
            snprintf(buf, size, "%s %s %lu", brand, PICK(r, products), num);
        } else {
            const char *brand = PICK(r, brands), *word = PICK(r, business_words);
            snprintf(buf, size, "%s %s %lu %s", brand, word, num, PICK(r, company_suffixes));
        }
        break;
    }
}

static const char *node_category(int c, rng *r)
{
    switch (c) {
    case C_FUNCTION: return "other";
    case C_TIER1:    return PICK(r, tier1_categories);
    case C_TIER2:    return PICK(r, tier2_categories);
    case C_TIER3:    return PICK(r, tier3_categories);
    case C_CLOUD:    return "cloud";
    case C_SOFTWARE: return "software";
    case C_TELECOM:  return "telecom";
    default:         return "hardware";
    }
}

static const char *node_substitutability(int c, rng *r)
{
    switch (c) {
    case C_CLOUD:    return PICK(r, cloud_substitutability);
    case C_SOFTWARE: return PICK(r, software_substitutability);
    case C_TELECOM:
    case C_HARDWARE: return PICK(r, infra_substitutability);
    default:         return PICK(r, provider_substitutability);
    }
}

/* Annual spend: log-normal for contracted providers (tier 1 and cloud),
 * nothing for the rest, which the organisation does not pay directly. */
static uint64_t node_spend(int c, rng *r)
{
    if (c != C_TIER1 && c != C_CLOUD)
        return 0;
    double u1 = rng_unit(r), u2 = rng_unit(r);
    double z = sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * 3.14159265358979323846 * u2);
    double spend = exp((c == C_CLOUD ? 12.5 : 11.0) + 1.5 * z);
    return (uint64_t)(spend / 100.0) * 100;
}

static void node_row(out *o, const plan *p, size_t idx)
{
    rng r;
    int c = class_of(p, idx);
    const char *type = node_type(p, idx, &r);   /* also seeds r */
    int fn = c == C_FUNCTION;
    char name[256];

    node_name(name, sizeof name, p, c, type, idx, &r);
    out_id(o, p, idx);
    out_char(o, ',');
    out_csv(o, name);
    out_fmt(o, ",%s,%s,%s,%s,%s,%llu,%s,", type, node_category(c, &r),
            fn ? PICK(&r, criticalities) : "1",
            fn ? PICK(&r, function_rto_hours) : PICK(&r, provider_rto_hours),
            fn ? PICK(&r, function_recovery_hours)
               : c == C_CLOUD ? PICK(&r, cloud_recovery_hours)
                              : PICK(&r, provider_recovery_hours),
            (unsigned long long)node_spend(c, &r), fn ? "DE" : PICK(&r, countries));
    out_id(o, p, node_parent(p, c, idx, &r));
    double u = rng_unit(&r);
    out_fmt(o, ",%s,%.4f\n", node_substitutability(c, &r),
            fn ? 0.001 + 0.009 * u : 0.0005 + 0.05 * u * u * u);
}

/* ---- edges -------------------------------------------------------------- */

typedef struct edge_stats {
    uint64_t edges, grouped, back, groups;
} edge_stats;

/* One dependant's out-edges while they are being drawn. */
typedef struct fanout {
    size_t from;
    size_t count;
    size_t to[GEN_MAX_DEGREE];
    unsigned group[GEN_MAX_DEGREE];     /* 0: no group */
    unsigned need[GEN_MAX_DEGREE];
    size_t back[GEN_MAX_DEGREE];        /* targets that depend back on `from` */
    size_t back_count;
} fanout;

static int fanout_has(const fanout *f, size_t to)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->to[i] == to)
            return 1;
    return 0;
}

/* Number of distinct nodes `from` may depend on. */
static size_t targets_available(const plan *p, int c, size_t from)
{
    size_t n = 0;
    for (int t = 0; t < C_COUNT; t++) {
        if (classes[c].mix[t] <= 0)
            continue;
        n += t == c ? p->lo[c + 1] - from - 1 : class_size(p, t);
    }
    return n;
}

/* Heavy-tailed: 5 % of the nodes are integrators with five times the mean. */
static size_t draw_degree(const plan *p, int c, size_t from, rng *r)
{
    double mean = p->mean_degree[c] / 1.2;
    if (rng_unit(r) < 0.05)
        mean *= 5;
    double d = 1 + floor(-log(1.0 - rng_unit(r)) * (mean > 0.5 ? mean - 0.5 : 0));
    if (p->mean_degree[c] <= 0)
        d = 0;
    size_t k = p->cover_k[c][0] + p->cover_k[c][1];
    size_t avail = targets_available(p, c, from) / 2;
    size_t degree = (size_t)d < k ? k : (size_t)d;
    if (degree > avail)
        degree = avail ? avail : targets_available(p, c, from);
    return degree < GEN_MAX_DEGREE ? degree : GEN_MAX_DEGREE;
}

static int draw_class(int c, rng *r)
{
    double x = rng_unit(r);
    int last = -1;
    for (int t = 0; t < C_COUNT; t++) {
        if (classes[c].mix[t] <= 0)
            continue;
        last = t;
        if (x < classes[c].mix[t])
            return t;
        x -= classes[c].mix[t];
    }
    return last;
}

/* A target in class t for `from` (of class c), by popularity or uniformly;
 * (size_t)-1 when the class has nothing to offer. */
static size_t draw_target(const plan *p, int c, size_t from, int t, int uniform, rng *r)
{
    size_t n = class_size(p, t);
    if (t == c) {       /* software -> software: only later, more basic ones */
        n = p->lo[c + 1] - from - 1;
        if (n == 0)
            return (size_t)-1;
    }
    return ranked_node(p, t, uniform ? rng_below(r, n) : rng_rank(r, n));
}

/* A new distinct target, or (size_t)-1 after repeated collisions. */
static size_t draw_new_target(const plan *p, int c, const fanout *f, int t, int uniform, rng *r)
{
    for (int attempt = 0; attempt < 32; attempt++) {
        int tc = t >= 0 ? t : draw_class(c, r);
        size_t to = draw_target(p, c, f->from, tc, uniform, r);
        if (to != (size_t)-1 && !fanout_has(f, to))
            return to;
    }
    return (size_t)-1;
}

static void fanout_add(fanout *f, size_t to, unsigned group, unsigned need)
{
    f->to[f->count] = to;
    f->group[f->count] = group;
    f->need[f->count] = need;
    f->count++;
}

/* Coverage: source s of S takes targets s*k .. s*k+k-1 of k*|S| slots spread
 * over each cover class, so every member of that class gets a dependant. */
static void add_cover_edges(const plan *p, int c, fanout *f)
{
    size_t s = f->from - p->lo[c], ns = class_size(p, c);
    for (int j = 0; j < 2; j++) {
        int t = classes[c].cover[j];
        size_t k = p->cover_k[c][j];
        if (t < 0 || k == 0)
            continue;
        size_t nt = class_size(p, t);
        for (size_t i = 0; i < k && f->count < GEN_MAX_DEGREE; i++) {
            size_t to = p->lo[t] + (size_t)(((uint64_t)(s * k + i) * nt) / ((uint64_t)ns * k));
            if (!fanout_has(f, to))
                fanout_add(f, to, 0, 0);
        }
    }
}

/* A redundancy group of `size` alternatives from one class: OR, or k-of-n.
 * Returns the members added (fewer when the class runs out of targets). */
static size_t add_group(const plan *p, int c, fanout *f, unsigned group, size_t size, rng *r)
{
    size_t added = 0;
    int t = draw_class(c, r);
    size_t first = f->count;
    for (size_t i = 0; i < size; i++) {
        size_t to = draw_new_target(p, c, f, t, 0, r);
        if (to == (size_t)-1)
            break;
        fanout_add(f, to, group, 1);
        added++;
    }
    if (added < 2) {    /* no alternative found: a plain dependency */
        if (added)
            f->group[first] = 0;
        return added;
    }
    unsigned need = 1;
    if (added >= 3 && rng_unit(r) < 0.4)
        need = 2 + (unsigned)rng_below(r, added - 2);
    for (size_t i = first; i < f->count; i++)
        f->need[i] = need;
    return added;
}

/* A mutual dependency: from -> t and t -> from, with t a later member of
 * the same tier (partners subcontracting each other).  Tiers have no forward
 * edges inside them, so such a cycle holds just the pair; pairs chain into
 * small components only, as long as the share of back edges stays low.
 * Choosing t only after `from` means that the pair is drawn once, by `from`. */
static size_t add_mutual(const plan *p, fanout *f, rng *r)
{
    size_t after = p->lo[class_of(p, f->from) + 1] - f->from - 1;
    for (int attempt = 0; after && attempt < 8; attempt++) {
        size_t to = f->from + 1 + rng_below(r, after);
        if (!fanout_has(f, to)) {
            fanout_add(f, to, 0, 0);
            f->back[f->back_count++] = to;
            return 1;
        }
    }
    return 0;
}

/* floor(x) or floor(x) + 1, with the fraction as the chance of the latter:
 * shares come out right on average even for small out-degrees. */
static size_t round_random(double x, rng *r)
{
    double whole = floor(x);
    return (size_t)whole + (rng_unit(r) < x - whole);
}

/* Redundancy groups of 2-4 members filling about `slots` edges, at most
 * `room`. */
static void add_groups(const plan *p, int c, fanout *f, size_t room, size_t slots, rng *r)
{
    unsigned group = 0;
    if (slots > room)
        slots = room;
    while (slots >= 2) {
        size_t size = 2 + rng_below(r, 3);
        if (size > slots)
            size = slots;
        if (slots - size == 1)          /* never strand a single slot */
            size = size < 4 ? size + 1 : size - 1;
        size_t added = add_group(p, c, f, ++group, size, r);
        if (added < 2)
            return;
        slots -= added;
    }
}

/* In this order: coverage edges, groups, mutual pairs, plain edges. */
static void draw_fanout(const plan *p, size_t from, fanout *f)
{
    rng r;
    int c = class_of(p, from);

    rng_seed(&r, p->opt.seed, PURPOSE_EDGES, from);
    f->from = from;
    f->count = f->back_count = 0;
    size_t degree = draw_degree(p, c, from, &r);
    add_cover_edges(p, c, f);
    size_t grouped = round_random(p->opt.groups * (double)degree, &r);
    if (grouped == 1)           /* a group needs two: keep the expectation */
        grouped = rng_unit(&r) < 0.5 ? 2 : 0;
    if (degree < f->count + grouped)    /* coverage took the slots: add some */
        degree = f->count + grouped < GEN_MAX_DEGREE ? f->count + grouped : GEN_MAX_DEGREE;
    size_t mutual = round_random(p->back_share[c] * (double)degree, &r);
    add_groups(p, c, f, degree - f->count, grouped, &r);
    for (size_t i = 0; i < mutual && f->count < degree; i++)
        add_mutual(p, f, &r);
    while (f->count < degree) {
        size_t to = draw_new_target(p, c, f, -1, 0, &r);
        if (to == (size_t)-1)
            break;      /* the reachable targets are exhausted */
        fanout_add(f, to, 0, 0);
    }
}

static const char *edge_kind(const plan *p, size_t from, size_t to)
{
    rng r;
    int t = class_of(p, to);
    if (t == class_of(p, from) && t != C_SOFTWARE)
        return "mutual";
    if (t != C_TIER1)
        return kind_by_target[t];
    return strcmp(node_type(p, to, &r), "service") == 0 ? "saas" : "outsourcing";
}

static void edge_row(out *o, const plan *p, size_t from, size_t to,
                     unsigned group, unsigned need, const char *kind)
{
    out_id(o, p, from);
    out_char(o, ',');
    out_id(o, p, to);
    if (group) {
        out_str(o, ",g");
        out_uint(o, group, 0);
        out_char(o, ',');
        out_uint(o, need, 0);
        out_char(o, ',');
    } else {
        out_str(o, ",,,");
    }
    out_str(o, kind);
    out_char(o, '\n');
}

static void write_fanout(out *o, const plan *p, const fanout *f, edge_stats *st)
{
    for (size_t i = 0; i < f->count; i++) {
        edge_row(o, p, f->from, f->to[i], f->group[i], f->need[i], edge_kind(p, f->from, f->to[i]));
        st->grouped += f->group[i] != 0;
        st->groups += f->group[i] != 0 && (i == 0 || f->group[i - 1] != f->group[i]);
    }
    for (size_t i = 0; i < f->back_count; i++)
        edge_row(o, p, f->back[i], f->from, 0, 0, "mutual");
    st->edges += f->count + f->back_count;
    st->back += f->back_count;
}

/* ---- files -------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[i] = saved;
    }
    return 0;
}

typedef void (*body_fn)(out *o, const plan *p, void *ctx);

/* Write OUTDIR/NAME through a temporary file and a rename, so that a reader
 * never sees half a file. */
static int write_file(const plan *p, const char *name, body_fn body, void *ctx)
{
    char path[4200], tmp[4300];
    int rc = -1;
    snprintf(path, sizeof path, "%s/%s", p->opt.outdir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", p->opt.outdir, name);
    out *o = malloc(sizeof *o);
    if (!o)
        goto out;
    o->len = 0;
    o->failed = 0;
    o->f = fopen(tmp, "wb");
    if (!o->f)
        goto out;
    body(o, p, ctx);
    out_flush(o);
    if (fclose(o->f) != 0 || o->failed) {
        remove(tmp);
        goto out;
    }
    rc = rename(tmp, path);
out:
    if (rc != 0)
        fprintf(stderr, "chainrisk-gen: cannot write '%s': %s\n", path, strerror(errno));
    free(o);
    return rc;
}

static void nodes_body(out *o, const plan *p, void *ctx)
{
    (void)ctx;
    out_str(o, "id,name,type,category,criticality,rto_hours,recovery_hours,"
               "spend,country,parent,substitutability,probability\n");
    for (size_t i = 0; i < p->opt.nodes; i++)
        node_row(o, p, i);
}

static void edges_body(out *o, const plan *p, void *ctx)
{
    edge_stats *st = ctx;
    fanout *f = malloc(sizeof *f);
    out_str(o, "from,to,group,need,kind\n");
    if (!f) {
        o->failed = 1;
        return;
    }
    for (size_t i = 0; i < p->opt.nodes; i++) {
        draw_fanout(p, i, f);
        write_fanout(o, p, f, st);
    }
    free(f);
}

/* ---- command line ------------------------------------------------------- */

static const char usage[] =
    "usage: chainrisk-gen --nodes N [options] -o OUTDIR\n"
    "\n"
    "Write a synthetic supply-chain inventory OUTDIR/nodes.csv + OUTDIR/edges.csv\n"
    "(chainrisk native format).  Same arguments, same bytes.\n"
    "\n"
    "  -n, --nodes N              number of nodes, 50 .. 100000000 (k/M suffixes ok)\n"
    "  -d, --edges-per-node D     mean out-edges per node (default 10)\n"
    "  -s, --seed S               random seed (default 1)\n"
    "      --functions-share F    share of nodes that are business functions (default 0.02)\n"
    "      --cycles FRACTION      share of edges that are back edges closing a cycle (default 0.005)\n"
    "      --groups FRACTION      share of edges inside OR / k-of-n groups (default 0.2)\n"
    "  -o, --output OUTDIR        directory to write (created if missing)\n"
    "  -q, --quiet                no summary on stderr\n"
    "  -h, --help                 this help\n";

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno)
        return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1e3, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1e6, end++;
    if (*end || v < 0 || v > 1e12 || v != floor(v))
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_real(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static const char *const value_options[] = {
    "-n", "--nodes", "-d", "--edges-per-node", "-s", "--seed", "--functions-share",
    "--cycles", "--groups", "-o", "--output",
};

static int is_value_option(const char *name)
{
    for (size_t i = 0; i < COUNT(value_options); i++)
        if (!strcmp(name, value_options[i]))
            return 1;
    return 0;
}

/* Apply one known option with its value; 0 ok, -1 bad value. */
static int apply_option(options *opt, const char *name, const char *value)
{
    size_t nodes;
    if (!strcmp(name, "-n") || !strcmp(name, "--nodes")) {
        if (parse_size(value, &nodes) || nodes < GEN_MIN_NODES || nodes > GEN_MAX_NODES)
            return -1;
        opt->nodes = nodes;
        return 0;
    }
    if (!strcmp(name, "-d") || !strcmp(name, "--edges-per-node"))
        return parse_real(value, 1, 100, &opt->degree);
    if (!strcmp(name, "-s") || !strcmp(name, "--seed"))
        return parse_seed(value, &opt->seed);
    if (!strcmp(name, "--functions-share"))
        return parse_real(value, 0.0001, 0.5, &opt->function_share);
    if (!strcmp(name, "--cycles"))
        return parse_real(value, 0, 0.2, &opt->cycles);
    if (!strcmp(name, "--groups"))
        return parse_real(value, 0, 0.9, &opt->groups);
    opt->outdir = value;        /* -o, --output */
    return 0;
}

static int usage_error(const char *fmt, const char *a, const char *b)
{
    fputs("chainrisk-gen: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return 2;
}

/* 0: run; 1: help printed; 2: usage error reported. */
static int parse_args(options *opt, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        char name[64];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return 1;
        }
        if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            opt->quiet = 1;
            continue;
        }
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), arg);
        if (!is_value_option(name))
            return usage_error("unknown option '%s'%s", arg, "");
        value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!value)
            return usage_error("missing value for '%s'%s", name, "");
        if (apply_option(opt, name, value) != 0)
            return usage_error("bad value '%s' for '%s'", value, name);
    }
    if (!opt->nodes)
        return usage_error("%s is required%s", "--nodes", "");
    if (!opt->outdir || !*opt->outdir)
        return usage_error("%s is required%s", "-o OUTDIR", "");
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const plan *p, const edge_stats *st, double seconds)
{
    double e = st->edges ? (double)st->edges : 1;
    fprintf(stderr,
            "chainrisk-gen: %zu nodes (%zu functions), %llu edges "
            "(%.1f%% in %llu groups, %.2f%% back edges) -> %s in %.1f s\n",
            p->opt.nodes, class_size(p, C_FUNCTION), (unsigned long long)st->edges,
            100.0 * (double)st->grouped / e, (unsigned long long)st->groups,
            100.0 * (double)st->back / e, p->opt.outdir, seconds);
}

int main(int argc, char **argv)
{
    options opt = { .degree = 10, .seed = 1, .function_share = 0.02,
                    .cycles = 0.005, .groups = 0.2 };
    plan *p = NULL;
    edge_stats st = { 0 };
    int rc = parse_args(&opt, argc, argv);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    double start = now_seconds();
    p = malloc(sizeof *p);
    if (!p || plan_make(p, &opt) != 0) {
        fprintf(stderr, "chainrisk-gen: %zu nodes cannot hold every node class\n", opt.nodes);
        free(p);
        return 2;
    }
    if (mkdir_p(opt.outdir) != 0) {
        fprintf(stderr, "chainrisk-gen: cannot create '%s': %s\n", opt.outdir, strerror(errno));
        rc = 3;
    } else if (write_file(p, "nodes.csv", nodes_body, NULL) != 0 ||
               write_file(p, "edges.csv", edges_body, &st) != 0) {
        rc = 3;
    } else if (!opt.quiet) {
        report(p, &st, now_seconds() - start);
    }
    free(p);
    return rc;
}
