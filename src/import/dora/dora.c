/*
 * dora.c - crisk__dora_load(): import a DORA Register of Information report
 * package (ITS 2024/2956, xBRL-CSV) as a native inventory.
 *
 * Contract: docs/dora.md (the user's view) and formats/dora-roi-mapping.md.
 * Stages, each its own module (see dora_internal.h): open the package,
 * read and check every table, check across tables, map to records.  Every
 * problem of the package goes to `diags`, positioned as
 * reports/b_XX.YY.csv:LINE:COL; records reach the builder only when the
 * package has no error at all, so a bad package is never half-loaded (and
 * the builder's finish fails on the errors in `diags`).
 *
 * Options: --service-nodes, --chains provider|service, --criticality SPEC
 * (grammar below).  The mapping used is recorded as a provenance note.
 */
#include "dora.h"
#include "dora_internal.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- --criticality ------------------------------------------------------------------- */

/* SPEC = KEY=NUMBER[,KEY=NUMBER...], applied left to right over the default
 * table (mapping §3); NUMBER is a decimal >= 0.  `other` sets both
 * not-assessed and not-critical, `impact` all four impact bonuses. */
typedef struct weight_key {
    const char *name;
    int base;                    /* DORA_CRIT_* or -1 */
    int bonus;                   /* DORA_IMPACT_* or -1 */
    int base2, bonus_all;        /* `other`, `impact` */
} weight_key;

static const weight_key weight_keys[] = {
    { "critical", DORA_CRIT_YES, -1, -1, 0 },
    { "not-assessed", DORA_CRIT_NOT_ASSESSED, -1, -1, 0 },
    { "not-critical", DORA_CRIT_NO, -1, -1, 0 },
    { "other", DORA_CRIT_NOT_ASSESSED, -1, DORA_CRIT_NO, 0 },
    { "high", -1, DORA_IMPACT_HIGH, -1, 0 },
    { "medium", -1, DORA_IMPACT_MEDIUM, -1, 0 },
    { "low", -1, DORA_IMPACT_LOW, -1, 0 },
    { "impact-not-assessed", -1, DORA_IMPACT_NOT_ASSESSED, -1, 0 },
    { "impact", -1, -1, -1, 1 },
};

static const dora_weights default_weights = {
    { [DORA_CRIT_YES] = 3, [DORA_CRIT_NO] = 1, [DORA_CRIT_NOT_ASSESSED] = 2 },
    { [DORA_IMPACT_LOW] = 0, [DORA_IMPACT_MEDIUM] = 1, [DORA_IMPACT_HIGH] = 2,
      [DORA_IMPACT_NOT_ASSESSED] = 0 },
};

static void apply_weight(dora_weights *w, const weight_key *k, double v)
{
    if (k->base >= 0)
        w->base[k->base] = v;
    if (k->base2 >= 0)
        w->base[k->base2] = v;
    if (k->bonus >= 0)
        w->bonus[k->bonus] = v;
    for (int i = 0; k->bonus_all && i < 4; i++)
        w->bonus[i] = v;
}

static char *strip(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *e = '\0';
    return s;
}

static int bad_spec(const char *spec, crisk_error *err, const char *why)
{
    char q[CRISK__QUOTE_MAX];
    return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "invalid --criticality '%s': %s "
                           "(expected KEY=NUMBER,... with KEY critical, not-assessed, "
                           "not-critical, other, high, medium, low, impact-not-assessed or impact)",
                           crisk__quote(q, spec), why);
}

static int parse_item(dora_weights *w, const char *spec, char *item, crisk_error *err)
{
    char why[2 * CRISK__QUOTE_MAX], q[CRISK__QUOTE_MAX];
    char *eq = strchr(item, '=');
    if (eq == NULL) {
        snprintf(why, sizeof why, "no '=' in '%s'", crisk__quote(q, strip(item)));
        return bad_spec(spec, err, why);
    }
    *eq = '\0';
    const char *key = strip(item), *value = strip(eq + 1);
    size_t k = 0;
    while (k < sizeof weight_keys / sizeof weight_keys[0]
           && crisk__strcasecmp_ascii(key, weight_keys[k].name) != 0)
        k++;
    double v;
    if (k == sizeof weight_keys / sizeof weight_keys[0])
        snprintf(why, sizeof why, "unknown key '%s'", crisk__quote(q, key));
    else if (value[0] == '-' || dora_parse_amount(value, &v) != 0)
        snprintf(why, sizeof why, "not a number >= 0: '%s'", crisk__quote(q, value));
    else if (v > CRISK_MAX_CRITICALITY)
        snprintf(why, sizeof why, "more than 1000000: '%s'", crisk__quote(q, value));
    else {
        apply_weight(w, &weight_keys[k], v);
        return CRISK_OK;
    }
    return bad_spec(spec, err, why);
}

/* Parse `spec` (NULL = the defaults) into `w`.  CRISK_EUSAGE on a bad spec. */
static int parse_weights(dora_weights *w, const char *spec, crisk_error *err)
{
    *w = default_weights;
    if (spec == NULL)
        return CRISK_OK;
    char *copy = strdup(spec);
    if (copy == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int rc = CRISK_OK;
    char *item = copy;
    if (strip(copy)[0] == '\0')
        rc = bad_spec(spec, err, "empty");
    while (rc == CRISK_OK && item != NULL) {
        char *comma = strchr(item, ',');
        if (comma != NULL)
            *comma = '\0';
        rc = parse_item(w, spec, item, err);
        item = comma != NULL ? comma + 1 : NULL;
    }
    free(copy);
    return rc;
}

/* The rule as the provenance note states it. */
static void describe_weights(const dora_weights *w, char *buf, size_t size)
{
    snprintf(buf, size, "critical=%g,not-assessed=%g,not-critical=%g,high=+%g,medium=+%g,"
             "low=+%g,impact-not-assessed=+%g",
             w->base[DORA_CRIT_YES], w->base[DORA_CRIT_NOT_ASSESSED], w->base[DORA_CRIT_NO],
             w->bonus[DORA_IMPACT_HIGH], w->bonus[DORA_IMPACT_MEDIUM], w->bonus[DORA_IMPACT_LOW],
             w->bonus[DORA_IMPACT_NOT_ASSESSED]);
}

static int parse_options(dora_import *x, const crisk_load_options *opts, crisk_error *err)
{
    x->service_nodes = opts->dora_service_nodes;
    x->chains_service = opts->dora_chains_service;
    if (x->chains_service && !x->service_nodes)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--chains service needs --service-nodes (the chains hang under "
                               "service nodes)");
    int rc = parse_weights(&x->weights, opts->dora_criticality, err);
    if (rc == CRISK_OK)
        describe_weights(&x->weights, x->weights_text, sizeof x->weights_text);
    return rc;
}

/* ---- the import ---------------------------------------------------------------------- */

/* The package itself, first among its sources: the .zip with its hash, or
 * the folder (no bytes of its own: its members carry the hashes). */
static int add_package_source(dora_import *x, size_t *index)
{
    const dora_package *p = &x->pkg;
    return crisk_builder_add_source(x->b, index, dora_package_label(p), "dora-package",
                                    p->sha256[0] ? p->sha256 : NULL, p->bytes, x->err);
}

static int import(dora_import *x, const char *path)
{
    int rc = dora_package_open(&x->pkg, path, x->diags, x->err);
    if (rc == CRISK_EINVALID)
        return CRISK_OK;   /* reported: the builder's finish fails on it */
    size_t package_source = 0;
    if (rc == CRISK_OK)
        rc = add_package_source(x, &package_source);
    if (rc != CRISK_OK)
        return rc;
    rc = dora_tables_read(x);
    size_t members = 0;
    for (size_t i = 0; i < TAB_COUNT; i++)
        members += x->tab[i].present;
    crisk_builder_set_source_rows(x->b, package_source, members);
    if (rc == CRISK_OK)
        rc = dora_check(x);
    if (rc == CRISK_OK && x->diags->errors == x->errors_at_start)
        rc = dora_map_records(x);
    return rc;
}

int crisk__dora_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err)
{
    dora_import x;
    memset(&x, 0, sizeof x);
    x.b = b;
    x.diags = diags;
    x.err = err;
    x.errors_at_start = diags->errors;
    crisk__pool_init(&x.pool);
    dora_map *maps[] = { &x.arrangements, &x.providers, &x.entities, &x.branches,
                         &x.intra_group, &x.services, &x.live_services };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        dora_map_init(maps[i], i < 5 ? 1 : 2);
    dora_map_init(&x.functions, 2);
    dora_map_init(&x.provider_services, 3);
    dora_map_init(&x.live_provider_services, 3);
    int rc = parse_options(&x, opts, err);
    if (rc == CRISK_OK) {
        x.empty = crisk__pool_intern(&x.pool, "", 0);
        rc = x.empty ? CRISK_OK : CRISK_ENOMEM;
    }
    /* Amounts are read in the C locale whatever the caller set. */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;
    if (rc == CRISK_OK)
        rc = import(&x, path);
    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    dora_import_release(&x);
    if (rc == CRISK_ENOMEM && (err == NULL || err->code != CRISK_ENOMEM))
        crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}
