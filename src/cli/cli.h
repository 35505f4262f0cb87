/*
 * cli.h - what the chainrisk commands share: option parsing, loading the
 * inventory with diagnostics on stderr, and the exit-code conventions.
 */
#ifndef CRISK_CLI_H
#define CRISK_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "chainrisk/output.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

#define CLI_MAX_INPUTS 64
#define CLI_MAX_ARGS   256

/* Help lines for the common options, in the two layouts of the commands'
 * usage texts (options in 28 or 17 columns).  The importers' switches: */
#define CLI_HELP_IMPORTERS \
    "  --map MAPPING.json          read spreadsheets with their own column names\n" \
    "  --criticality N             criticality of each SBOM's root function (default 1)\n" \
    "  --criticality KEY=N,...     DORA criticality table override (docs/dora.md)\n" \
    "  --service-nodes, --chains provider|service  DORA mapping (docs/dora.md)\n" \
    "  --drop-optional             leave out dependencies on optional SBOM components\n" \
    "  --delimiter ,|;|tab         CSV delimiter (default: detected from the header row)\n" \
    "  --thousands .|,             thousands separator in CSV numbers (also a space\n" \
    "                              or an apostrophe; ';'- and tab-separated files\n" \
    "                              have decimal commas)\n" \
    "  --encoding utf-8|windows-1252|latin1|utf-16  CSV encoding (default UTF-8;\n" \
    "                              UTF-16 with a byte order mark is detected)\n" \
    "  --sheet NAME                the nodes sheet of an .xlsx workbook (default:\n" \
    "                              the first)\n" \
    "  --edges-sheet NAME          the edges sheet (of the --edges workbook, else\n" \
    "                              of the nodes one)\n"
#define CLI_HELP_INPUTS \
    "  --input PATH                one more input (like a positional INVENTORY)\n" \
    CLI_HELP_IMPORTERS
#define CLI_HELP_THREADS \
    "  --threads N                 analysis threads (default: one per CPU; results do\n" \
    "                              not depend on it)\n"
#define CLI_HELP_INPUTS_NARROW \
    "  --input PATH     one more input (like a positional INVENTORY)\n" \
    "  --map MAPPING.json  read spreadsheets with their own column names\n" \
    "  --criticality N  criticality of each SBOM's root function (default 1)\n" \
    "  --criticality KEY=N,...  DORA criticality table override (docs/dora.md)\n" \
    "  --service-nodes, --chains provider|service  DORA mapping (docs/dora.md)\n" \
    "  --drop-optional  leave out dependencies on optional SBOM components\n" \
    "  --delimiter ,|;|tab  CSV delimiter (default: detected from the header row)\n" \
    "  --thousands .|,  thousands separator in CSV numbers (also a space or an\n" \
    "                   apostrophe; ';'- and tab-separated files have decimal commas)\n" \
    "  --encoding utf-8|windows-1252|latin1|utf-16  CSV encoding (default UTF-8;\n" \
    "                   UTF-16 with a byte order mark is detected)\n" \
    "  --sheet NAME     the nodes sheet of an .xlsx workbook (default: the first)\n" \
    "  --edges-sheet NAME  the edges sheet (of the --edges workbook, else of the\n" \
    "                   nodes one)\n"
#define CLI_HELP_MAX_ROWS \
    "  --max-rows N                xlsx: keep the first N rows of each table (at\n" \
    "                              most and by default 1048574, what a sheet holds\n" \
    "                              under its header); a row below them says how\n" \
    "                              many were left out and which command writes all\n"

#define CLI_HELP_THREADS_NARROW \
    "  --threads N      analysis threads (default: one per CPU; results do\n" \
    "                   not depend on it)\n"

/* Options every command understands (DESIGN §6), parsed by cli_parse(). */
typedef struct cli_common {
    const char *command;
    crisk_input inputs[CLI_MAX_INPUTS];
    size_t n_inputs;
    const char *nodes, *edges;         /* --nodes/--edges */
    const char *output;                /* -o FILE; NULL = stdout */
    crisk_format format;               /* --format (CSV for xlsx: the rows the workbook takes) */
    int xlsx;                          /* --format xlsx: a workbook of the CSV tables */
    const char *format_name;           /* --format as given */
    int own_format;                    /* set before cli_parse(): --format is the command's
                                        * own (format_name), not table|csv|json */
    long top;                          /* --top N; -1 = all */
    int quiet;                         /* -q */
    unsigned threads;                  /* --threads N; 0 = one per CPU */
    double pairs_max_work;             /* spof --pairs-max-work N; 0 = the library's */
    size_t max_rows;                   /* --max-rows N: data rows a sheet keeps; 0 = all
                                        * a sheet holds (CRISK_WORKBOOK_MAX_ROWS) */
    crisk_load_options load;
    const char *args[CLI_MAX_ARGS];    /* positionals after the inventory (ids) */
    size_t n_args;
    int positional_inputs;             /* how many positionals are inputs: -1 = all */
    int inputs_optional;               /* set before cli_parse(): no inventory is not an
                                        * error (the command checks; diff takes its
                                        * inputs through --old/--new) */
    crisk_provenance prov;             /* options as parsed, for JSON output */
    const crisk_inventory *old_side;   /* diff: OLD's inventory, whose inputs a workbook's
                                        * provenance lists beside NEW's (cli_loaded()) */
} cli_common;

/* A command's own option: `handle` gets the value (NULL for flags) and
 * returns 0, or -1 after printing a usage error. */
typedef struct cli_option {
    const char *name;
    int has_arg;                       /* no_argument / required_argument */
    int (*handle)(void *ctx, const char *value);
} cli_option;

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;               /* NULL: hidden from --help, man pages, completion */
} cli_command;

/* Parse argv (argv[0] = command name).  Prints --help (`usage`) and returns
 * 1 when asked; returns 0 on success; -1 after a usage error on stderr. */
int cli_parse(cli_common *c, int argc, char **argv, const char *usage,
              const cli_option *extra, void *ctx);

/* Load the inventory named on the command line, printing every diagnostic
 * to stderr (warnings too unless -q).  Returns the crisk status. */
int cli_load(const cli_common *c, crisk_inventory **out);

/* cli_load() that keeps the diagnostics in `diags` (the caller's: init
 * before, release after), for a command that reports them itself. */
int cli_load_diagnostics(const cli_common *c, crisk_inventory **out, crisk_diagnostics *diags);

/* Print every stored diagnostic (warnings only without -q), how many more
 * there were, and for a failed read (rc) the summary line or the error. */
void cli_print_diagnostics(const cli_common *c, const crisk_diagnostics *diags, int rc,
                           const crisk_error *err);

/* Print an error as "chainrisk: FILE:LINE:COL: message" and return its exit code. */
int cli_fail(const crisk_error *err);
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `s` made safe for a terminal: text as it is, control characters as \xNN
 * (C1 ones as \u0080..\u009f) - input text can hold terminal escapes -
 * cut with "..." after `max` bytes of `s` or when `buf` (`size` bytes) is
 * full.  Returns `buf`. */
const char *cli_escape(char *buf, size_t size, const char *s, size_t max);

/* The numeric option readers (one rule, one message for all, cli.c): a
 * whole number from `min` to `max` (digits only); one from 0 to LONG_MAX;
 * a number >= 0 (digits, optionally a decimal point and digits).  Each
 * returns 0, or -1 after a usage error naming the option, the value and
 * the first character that does not fit. */
int cli_parse_integer(const char *command, const char *opt, const char *value, uint64_t min,
                      uint64_t max, uint64_t *out);
int cli_parse_long(const char *command, const char *opt, const char *value, long *out);
int cli_parse_double(const char *command, const char *opt, const char *value, double *out);

/* A workbook is binary: -o is required, and "-o -" only when stdout is not
 * a terminal.  Returns 0, or -1 after a usage error. */
int cli_workbook_output(const cli_common *c);

/* Open the command's output (-o FILE atomically, or stdout). */
int cli_open_output(const cli_common *c, crisk_output **out, crisk_error *err);

/* The inventory the last successful cli_load() gave (borrowed; NULL before
 * one): what a workbook's provenance sheet lists. */
const crisk_inventory *cli_loaded(void);

/* Provenance for JSON output. */
void cli_provenance(const cli_common *c, crisk_provenance *p);

/* The progress line (progress.c): pass cli_progress_update and a
 * cli_progress as the library's progress callback and context. */
typedef struct cli_progress {
    int enabled, shown;
    double start, stage_start, last;   /* seconds, monotonic */
    const char *stage;
} cli_progress;

void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_update(void *ctx, const char *stage, uint64_t done, uint64_t total);
void cli_progress_done(cli_progress *p);

int cmd_validate(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_impact(int argc, char **argv);
int cmd_spof(int argc, char **argv);
int cmd_shared(int argc, char **argv);
int cmd_concentration(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_complete_ids(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_incident(int argc, char **argv);

#endif
