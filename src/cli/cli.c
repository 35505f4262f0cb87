/*
 * cli.c - option parsing and inventory loading shared by every command.
 *
 * Options follow DESIGN §6: -o FILE, --format, --top N, -q, --help,
 * --nodes/--edges, plus each command's own through a small table.  Usage
 * errors exit 2; invalid input 1; resource and internal errors 3.
 */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "chainrisk %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'chainrisk %s --help')\n", command);
    return -1;
}

int cli_fail(const crisk_error *err)
{
    char buf[CRISK_ERROR_FILE_MAX + CRISK_ERROR_MESSAGE_MAX + 64];
    fprintf(stderr, "chainrisk: %s\n", crisk_error_format(err, buf, sizeof buf));
    return crisk_exit_code(err->code);
}

/* ---- numbers -----------------------------------------------------------------
 *
 * One reader for every numeric option, so that all follow one rule and say
 * the same thing: digits, and for a decimal one decimal point between
 * digits - no sign, no blanks, no hexadecimal or octal prefix, no exponent,
 * no "inf" or "nan".  (strtod() and strtol() take all of these; that is how
 * `--hours 0x10` came to mean 16 while `--seed 0x10` was refused.)  The
 * message names the option, the value and the first character that does
 * not fit. */

#define DIGITS "0123456789"

const char *cli_escape(char *buf, size_t size, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    for (; p[i] != '\0' && i < max && o + 10 < size; i++) {
        if (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)   /* C1: U+0080..U+009F */
            o += (size_t)snprintf(buf + o, size - o, "\\u%04x", p[++i]);
        else if (p[i] < 0x20 || p[i] == 0x7F)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", p[i]);
        else
            buf[o++] = (char)p[i];
    }
    buf[o] = '\0';
    if (p[i] != '\0' && o + 4 <= size)
        strcpy(buf + o, "...");
    return buf;
}

/* Where `value` stops being digits [ "." digits ] (the point only when
 * `decimal`): strlen(value) when it is all number. */
static size_t number_end(const char *value, int decimal)
{
    size_t i = strspn(value, DIGITS);
    if (i > 0 && decimal && value[i] == '.' && strspn(value + i + 1, DIGITS) > 0)
        i += 1 + strspn(value + i + 1, DIGITS);
    return i;
}

/* The usage error for a value that is not a number of the kind `expected`
 * describes ("" when it is one, but out of range). */
static int bad_number(const char *command, const char *opt, const char *value, int decimal,
                      const char *expected)
{
    char v[400], ch[16], one[5] = { 0 };
    size_t end = number_end(value, decimal);
    cli_escape(v, sizeof v, value, 80);
    /* the whole character: everything before it is digits, so "character
     * N" counts bytes and characters alike */
    one[0] = value[end];
    for (size_t k = 1; k < 4 && ((unsigned char)value[end + k] & 0xC0) == 0x80; k++)
        one[k] = value[end + k];
    if (value[0] == '\0')
        return cli_usage_error(command, "invalid %s '': empty (expected %s)", opt, expected);
    if (value[end] == '\0')
        return cli_usage_error(command, "invalid %s '%s': out of range (expected %s)", opt, v,
                               expected);
    return cli_usage_error(command, "invalid %s '%s': unexpected '%s' at character %zu (expected %s)",
                           opt, v, cli_escape(ch, sizeof ch, one, sizeof one), end + 1, expected);
}

int cli_parse_integer(const char *command, const char *opt, const char *value, uint64_t min,
                      uint64_t max, uint64_t *out)
{
    char expected[96];
    snprintf(expected, sizeof expected, "a whole number from %llu to %llu",
             (unsigned long long)min, (unsigned long long)max);
    size_t len = number_end(value, 0);
    uint64_t v = 0;
    int in_range = len > 0 && value[len] == '\0';
    for (size_t i = 0; in_range && i < len; i++) {
        unsigned digit = (unsigned)(value[i] - '0');
        in_range = v <= (UINT64_MAX - digit) / 10;
        v = v * 10 + digit;
    }
    if (!in_range || v < min || v > max)
        return bad_number(command, opt, value, 0, expected);
    *out = v;
    return 0;
}

int cli_parse_long(const char *command, const char *opt, const char *value, long *out)
{
    uint64_t v;
    if (cli_parse_integer(command, opt, value, 0, LONG_MAX, &v) != 0)
        return -1;
    *out = (long)v;
    return 0;
}

int cli_parse_double(const char *command, const char *opt, const char *value, double *out)
{
    static const char expected[] = "a number >= 0: digits with an optional decimal point, "
                                   "such as 8 or 0.5";
    size_t len = number_end(value, 1);
    double v = len > 0 && value[len] == '\0' ? strtod(value, NULL) : NAN;
    if (!isfinite(v))
        return bad_number(command, opt, value, 1, expected);
    *out = v;
    return 0;
}

enum { OPT_NODES = 1000, OPT_EDGES, OPT_FORMAT, OPT_TOP, OPT_MAP, OPT_INPUT,
       OPT_SERVICE_NODES, OPT_CHAINS, OPT_DROP_OPTIONAL, OPT_CRITICALITY, OPT_THREADS,
       OPT_DELIMITER, OPT_THOUSANDS, OPT_ENCODING, OPT_SHEET, OPT_EDGES_SHEET,
       OPT_MAX_ROWS, OPT_EXTRA };

static const struct option common_options[] = {
    { "help",          no_argument,       NULL, 'h' },
    { "output",        required_argument, NULL, 'o' },
    { "quiet",         no_argument,       NULL, 'q' },
    { "nodes",         required_argument, NULL, OPT_NODES },
    { "edges",         required_argument, NULL, OPT_EDGES },
    { "format",        required_argument, NULL, OPT_FORMAT },
    { "top",           required_argument, NULL, OPT_TOP },
    { "map",           required_argument, NULL, OPT_MAP },
    { "input",         required_argument, NULL, OPT_INPUT },
    { "service-nodes", no_argument,       NULL, OPT_SERVICE_NODES },
    { "chains",        required_argument, NULL, OPT_CHAINS },
    { "drop-optional", no_argument,       NULL, OPT_DROP_OPTIONAL },
    { "delimiter",     required_argument, NULL, OPT_DELIMITER },
    { "thousands",     required_argument, NULL, OPT_THOUSANDS },
    { "encoding",      required_argument, NULL, OPT_ENCODING },
    { "sheet",         required_argument, NULL, OPT_SHEET },
    { "edges-sheet",   required_argument, NULL, OPT_EDGES_SHEET },
    { "criticality",   required_argument, NULL, OPT_CRITICALITY },
    { "threads",       required_argument, NULL, OPT_THREADS },
    { "max-rows",      required_argument, NULL, OPT_MAX_ROWS },
};
#define N_COMMON (sizeof common_options / sizeof common_options[0])

static int add_input(cli_common *c, const char *path)
{
    if (c->n_inputs == CLI_MAX_INPUTS)
        return cli_usage_error(c->command, "too many inputs (at most %d)", CLI_MAX_INPUTS);
    c->inputs[c->n_inputs++] = (crisk_input){ path, NULL, NULL };
    return 0;
}

static int handle_common(cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case 'o': c->output = arg; return 0;
    case 'q': c->quiet = 1; return 0;
    case OPT_NODES: c->nodes = arg; return 0;
    case OPT_EDGES: c->edges = arg; return 0;
    case OPT_FORMAT:
        c->format_name = arg;
        if (c->own_format)
            return 0;   /* the command reads its own formats */
        /* A workbook is made of the CSV tables' typed rows (cli_emit.c). */
        c->xlsx = strcmp(arg, "xlsx") == 0;
        if (c->xlsx)
            c->format = CRISK_FORMAT_CSV;
        else if (crisk_format_parse(arg, &c->format) != CRISK_OK)
            return cli_usage_error(c->command, "unknown format '%s' (table, csv, json or xlsx)",
                                   arg);
        return 0;
    case OPT_TOP: return cli_parse_long(c->command, "--top", arg, &c->top);
    case OPT_MAP: c->load.map_path = arg; return 0;
    case OPT_INPUT: return add_input(c, arg);
    case OPT_SERVICE_NODES: c->load.dora_service_nodes = 1; return 0;
    case OPT_CHAINS:
        if (strcmp(arg, "provider") == 0)
            c->load.dora_chains_service = 0;
        else if (strcmp(arg, "service") == 0)
            c->load.dora_chains_service = 1;
        else
            return cli_usage_error(c->command, "--chains expects 'provider' or 'service', not '%s'", arg);
        return 0;
    case OPT_DROP_OPTIONAL: c->load.cdx_drop_optional = 1; return 0;
    /* checked by the library (crisk_inventory_load), which knows the values */
    case OPT_DELIMITER: c->load.csv_delimiter = arg; return 0;
    case OPT_THOUSANDS: c->load.csv_thousands = arg; return 0;
    case OPT_ENCODING: c->load.csv_encoding = arg; return 0;
    case OPT_SHEET: c->load.xlsx_sheet = arg; return 0;
    case OPT_EDGES_SHEET: c->load.xlsx_edges_sheet = arg; return 0;
    case OPT_THREADS: {
        uint64_t k = 0;
        if (cli_parse_integer(c->command, "--threads", arg, 1, CRISK_ANALYSIS_MAX_THREADS, &k) != 0)
            return -1;
        c->threads = (unsigned)k;
        return 0;
    }
    case OPT_MAX_ROWS: {
        uint64_t k = 0;
        if (cli_parse_integer(c->command, "--max-rows", arg, 1, CRISK_WORKBOOK_MAX_ROWS, &k) != 0)
            return -1;
        c->max_rows = (size_t)k;
        return 0;
    }
    case OPT_CRITICALITY:
        /* One flag, two importers: a number is the criticality of every
         * SBOM's root function; KEY=NUMBER,... overrides the DORA table. */
        if (strchr(arg, '=') != NULL) {
            c->load.dora_criticality = arg;
            return 0;
        }
        return cli_parse_double(c->command, "--criticality", arg, &c->load.cdx_criticality);
    default:
        return cli_usage_error(c->command, "unrecognised option");
    }
}

/* Positionals: inputs first (all of them, or the first `positional_inputs`),
 * then the command's arguments. */
static int take_positionals(cli_common *c, int argc, char **argv, int first)
{
    int inputs_left = c->positional_inputs;
    if (c->nodes != NULL && inputs_left > 0)
        inputs_left = 0;   /* --nodes names the inventory: every positional is an argument */
    for (int i = first; i < argc; i++) {
        if (inputs_left != 0) {
            if (add_input(c, argv[i]) != 0)
                return -1;
            if (inputs_left > 0)
                inputs_left--;
        } else {
            if (c->n_args == CLI_MAX_ARGS)
                return cli_usage_error(c->command, "too many arguments");
            c->args[c->n_args++] = argv[i];
        }
    }
    if (c->edges != NULL && c->nodes == NULL)
        return cli_usage_error(c->command, "--edges needs --nodes");
    if (c->nodes != NULL) {
        if (c->n_inputs == CLI_MAX_INPUTS)
            return cli_usage_error(c->command, "too many inputs");
        c->inputs[c->n_inputs++] = (crisk_input){ NULL, c->nodes, c->edges };
    }
    if (c->n_inputs == 0 && !c->inputs_optional)
        return cli_usage_error(c->command, "no inventory given");
    return 0;
}

/* Keep what changes results for the JSON provenance: not where inputs and
 * output are (inputs are listed with their hashes), not -q, not --threads
 * (results never depend on it). */
static void record_option(cli_common *c, int opt, const char *name, const char *value)
{
    if (opt == 'o' || opt == 'q' || opt == OPT_NODES || opt == OPT_EDGES || opt == OPT_INPUT
        || opt == OPT_THREADS || c->prov.n_options == 32)
        return;
    c->prov.option_names[c->prov.n_options] = name ? name : "?";
    c->prov.option_values[c->prov.n_options] = value ? value : "";
    c->prov.n_options++;
}

int cli_workbook_output(const cli_common *c)
{
    if (c->output == NULL)
        return cli_usage_error(c->command, "--format xlsx needs -o FILE.xlsx (a workbook is not "
                               "text for a terminal)");
    if (strcmp(c->output, "-") == 0 && isatty(STDOUT_FILENO))
        return cli_usage_error(c->command, "will not write a workbook to a terminal: redirect "
                               "stdout or use -o FILE.xlsx");
    return 0;
}

int cli_parse(cli_common *c, int argc, char **argv, const char *usage,
              const cli_option *extra, void *ctx)
{
    const char *command = c->command = argv[0];
    c->top = -1;
    c->load = (crisk_load_options)CRISK_LOAD_OPTIONS_INIT;
    if (c->positional_inputs == 0)
        c->positional_inputs = -1;

    struct option longopts[N_COMMON + 32 + 1];
    size_t n = 0;
    for (size_t i = 0; i < N_COMMON; i++)
        longopts[n++] = common_options[i];
    size_t n_extra = 0;
    for (; extra != NULL && extra[n_extra].name != NULL && n_extra < 32; n_extra++)
        longopts[n++] = (struct option){ extra[n_extra].name, extra[n_extra].has_arg, NULL,
                                         OPT_EXTRA + (int)n_extra };
    longopts[n] = (struct option){ NULL, 0, NULL, 0 };

    optind = 1;
    opterr = 0;
    for (;;) {
        int longindex = -1;
        int opt = getopt_long(argc, argv, "ho:q", longopts, &longindex);
        if (opt == -1)
            break;
        if (opt == 'h') {
            fputs(usage, stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            const char *bad = argv[optind - 1];
            if (optopt != 0 && optopt < 256)
                return cli_usage_error(command, "unknown or incomplete option '-%c'", optopt);
            return cli_usage_error(command, "unknown or incomplete option '%s'", bad);
        }
        int rc = opt >= OPT_EXTRA ? extra[opt - OPT_EXTRA].handle(ctx, optarg)
                                  : handle_common(c, opt, optarg);
        if (rc != 0)
            return -1;
        record_option(c, opt, longindex >= 0 ? longopts[longindex].name : NULL, optarg);
    }
    (void)command;
    if (c->xlsx && cli_workbook_output(c) != 0)
        return -1;
    if (c->max_rows != 0 && !c->xlsx && !c->own_format)   /* export checks its own */
        return cli_usage_error(c->command, "--max-rows applies to --format xlsx only");
    return take_positionals(c, argc, argv, optind);
}

/* Set by every successful load; the CLI loads, writes and frees in that
 * order, so it never outlives what it points to while it is read. */
static const crisk_inventory *loaded;

const crisk_inventory *cli_loaded(void)
{
    return loaded;
}

/* Every stored diagnostic (warnings only without -q), how many more there
 * were, and for a failed load the summary line or the error itself. */
void cli_print_diagnostics(const cli_common *c, const crisk_diagnostics *diags, int rc,
                           const crisk_error *err)
{
    char buf[2048];
    size_t limit = diags->limit ? diags->limit : CRISK_DIAGNOSTICS_LIMIT;
    for (size_t i = 0; i < diags->count; i++) {
        const crisk_diag *d = &diags->items[i];
        if (d->severity == CRISK_SEV_WARNING && c->quiet)
            continue;
        fprintf(stderr, "%s\n", crisk_diag_format(d, buf, sizeof buf));
    }
    if (diags->errors > diags->stored_errors || diags->errors > limit)
        fprintf(stderr, "chainrisk: and %zu more errors\n", diags->errors - diags->stored_errors);
    if (!c->quiet && diags->warnings > diags->stored_warnings)
        fprintf(stderr, "chainrisk: and %zu more warnings\n",
                diags->warnings - diags->stored_warnings);
    if (rc == CRISK_OK)
        return;
    if (diags->errors == 0)
        cli_fail(err);
    else
        fprintf(stderr, "chainrisk: %zu error%s, %zu warning%s\n", diags->errors,
                diags->errors == 1 ? "" : "s", diags->warnings, diags->warnings == 1 ? "" : "s");
}

int cli_load_diagnostics(const cli_common *c, crisk_inventory **out, crisk_diagnostics *diags)
{
    crisk_error err = CRISK_ERROR_INIT;
    cli_progress progress;
    cli_progress_init(&progress, c->quiet);
    crisk_load_options load = c->load;
    load.progress = cli_progress_update;
    load.progress_ctx = &progress;
    int rc = crisk_inventory_load(out, c->inputs, c->n_inputs, &load, diags, &err);
    cli_progress_done(&progress);
    if (rc == CRISK_OK)
        loaded = *out;
    cli_print_diagnostics(c, diags, rc, &err);
    return rc;
}

int cli_load(const cli_common *c, crisk_inventory **out)
{
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    int rc = cli_load_diagnostics(c, out, &diags);
    crisk_diagnostics_release(&diags);
    return rc;
}

int cli_open_output(const cli_common *c, crisk_output **out, crisk_error *err)
{
    return crisk_output_open(out, c->output, err);
}

void cli_provenance(const cli_common *c, crisk_provenance *p)
{
    *p = c->prov;
    p->command = c->command;
}
