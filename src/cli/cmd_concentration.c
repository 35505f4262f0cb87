/*
 * cmd_concentration.c - `chainrisk concentration`: market shares and HHI by
 * category, parent and country.
 */
#include "cli_emit.h"

#include <string.h>

static const char usage[] =
    "usage: chainrisk concentration [options] INVENTORY...\n\n"
    "Concentration of providers (every node that is not a function): within each\n"
    "category (entities: the providers), and across all providers grouped by\n"
    "parent (a provider without one is its own parent) or by country.  Two\n"
    "bases, always both: spend (annual spend) and reliance (exposure - the\n"
    "criticality of the functions depending on a provider - normalised within\n"
    "the market).  HHI = sum of squared shares x 10 000.\n\n"
    "options:\n"
    "  --by category|parent|country  one grouping (repeat or comma-separate for\n"
    "                              several; default all three, one section each)\n"
    "  --top N                     only the first N entities of each market\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input, 2 usage error, 3 internal error\n";

typedef struct concentration_cli {
    crisk_concentration_by by[3];
    size_t n_by;
    const cli_common *c;
    const crisk_analysis *a;
} concentration_cli;

static const char *const by_names[] = { "category", "parent", "country" };

static int add_by(concentration_cli *k, const char *name, size_t len)
{
    for (int i = 0; i < 3; i++) {
        if (strlen(by_names[i]) != len || strncmp(name, by_names[i], len) != 0)
            continue;
        for (size_t j = 0; j < k->n_by; j++)
            if (k->by[j] == (crisk_concentration_by)i)
                return 0;
        k->by[k->n_by++] = (crisk_concentration_by)i;
        return 0;
    }
    return cli_usage_error("concentration", "--by expects category, parent or country, not '%.*s'",
                           (int)len, name);
}

static int parse_by(void *ctx, const char *value)
{
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (add_by(ctx, p, len) != 0)
            return -1;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static const cli_option options[] = {
    { "by", required_argument, parse_by },
    { NULL, 0, NULL }
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    concentration_cli *k = ctx;
    crisk_provenance prov;
    cli_provenance(k->c, &prov);
    return crisk_emit_concentration(f, k->a, k->by, k->n_by, k->c->top, k->c->format, &prov, err);
}

int cmd_concentration(int argc, char **argv)
{
    cli_common c = { 0 };
    concentration_cli k = { .n_by = 0, .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &k);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0)
        return EXIT_USAGE;
    if (k.n_by == 0) {
        for (int i = 0; i < 3; i++)
            k.by[i] = (crisk_concentration_by)i;
        k.n_by = 3;
    }
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    rc = cli_analyse(&c, CLI_KEEP_TOPOLOGY, &inv, &a);   /* joint failures sweep on it */
    if (rc != EXIT_OK)
        return rc;
    k.a = a;
    rc = cli_write(&c, emit, &k);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return rc;
}
