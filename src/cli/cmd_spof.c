/*
 * cmd_spof.c - `chainrisk spof`: single points of failure per function.
 */
#include "cli_emit.h"

static const char usage[] =
    "usage: chainrisk spof [options] INVENTORY...\n\n"
    "For every business function (sorted by id), the nodes whose lone failure\n"
    "takes it down (DESIGN §4 semantics: a redundancy group shields its members\n"
    "unless one node fails enough of them).\n\n"
    "options:\n"
    "  --function ID               only the function ID\n"
    "  --pairs                     also the minimal pairs: two nodes whose joint\n"
    "                              failure takes the function down, neither alone\n"
    "  --pairs-max-work N          the work allowed for the pairs of all functions\n"
    "                              together, in edge visits (default 20000000000,\n"
    "                              about a minute of CPU across the threads); a\n"
    "                              function that would exceed what is left is cut:\n"
    "                              its pairs are not computed and the output says\n"
    "                              so\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "                              CSV columns function,spof (with --pairs:\n"
    "                              function,spof,spof2,pairs_cut)\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input or unknown node, 2 usage error, 3 internal error\n";

typedef struct spof_cli {
    const char *function_id;   /* --function; NULL = all */
    long function;             /* its node index; -1 = all */
    int pairs;
    double pairs_max_work;     /* --pairs-max-work; 0 = the library's default */
    const cli_common *c;
    const crisk_analysis *a;
} spof_cli;

static int parse_function(void *ctx, const char *value)
{
    ((spof_cli *)ctx)->function_id = value;
    return 0;
}

static int parse_pairs(void *ctx, const char *value)
{
    (void)value;
    ((spof_cli *)ctx)->pairs = 1;
    return 0;
}

static int parse_max_work(void *ctx, const char *value)
{
    spof_cli *s = ctx;
    if (cli_parse_double("spof", "--pairs-max-work", value, &s->pairs_max_work) != 0)
        return -1;
    if (s->pairs_max_work == 0)
        return cli_usage_error("spof", "--pairs-max-work must be more than 0");
    return 0;
}

static const cli_option options[] = {
    { "function",        required_argument, parse_function },
    { "pairs",           no_argument,       parse_pairs },
    { "pairs-max-work",  required_argument, parse_max_work },
    { NULL, 0, NULL }
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    spof_cli *s = ctx;
    crisk_provenance prov;
    cli_provenance(s->c, &prov);
    return crisk_emit_spof(f, s->a, s->function, s->pairs, s->c->format, &prov, err);
}

int cmd_spof(int argc, char **argv)
{
    cli_common c = { 0 };
    spof_cli s = { .function = -1, .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &s);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0)
        return EXIT_USAGE;
    c.pairs_max_work = s.pairs_max_work;
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    rc = cli_analyse(&c, CLI_KEEP_SPOFS | (s.pairs ? CLI_KEEP_TOPOLOGY : 0), &inv, &a);
    if (rc != EXIT_OK)
        return rc;
    size_t v;
    if (s.function_id != NULL && cli_find_node(inv, s.function_id, &v) != 0)
        rc = EXIT_INVALID;
    else {
        s.function = s.function_id != NULL ? (long)v : -1;
        s.a = a;
        rc = cli_write(&c, emit, &s);
    }
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return rc;
}
