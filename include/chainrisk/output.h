/*
 * chainrisk/output.h - writing results: atomic output files, safe CSV cells,
 * JSON provenance, and the emitters of each command's result.
 *
 * Every emitter writes to a FILE* the caller owns and returns CRISK_OK or
 * CRISK_EIO.  Output is deterministic: same inventory and options, same bytes.
 */
#ifndef CHAINRISK_OUTPUT_H
#define CHAINRISK_OUTPUT_H

#include <stdio.h>
#include "analysis.h"
#include "scenario.h"
#include "incident.h"
#include "diff.h"
#include "policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crisk_format { CRISK_FORMAT_TABLE, CRISK_FORMAT_CSV, CRISK_FORMAT_JSON } crisk_format;

/* "table", "csv", "json".  Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_format_parse(const char *s, crisk_format *out);

/* ---- atomic output ------------------------------------------------------- */

typedef struct crisk_output crisk_output;

/* Open `path` for writing (NULL or "-" = stdout, written directly).  A
 * regular file (or a new one) is written through a temporary file beside
 * it, FILE.tmp.XXXXXX (the name shortened to fit NAME_MAX): nothing
 * changes at `path` until crisk_output_commit(), which flushes, fsyncs and
 * renames it over the target, so the previous file stays intact on any
 * error.  The new file keeps an existing file's mode (and, where the
 * process may, its owner and group); a new file gets 0666 less the umask.
 * A symbolic link is followed and the file it names replaced (the link
 * stays).  An existing FIFO, device or socket is opened and written
 * directly (a FIFO's reader gets the data, /dev/null stays a device).
 * Errors: CRISK_EIO "cannot write: <strerror>", naming `path` as given. */
int   crisk_output_open(crisk_output **out, const char *path, crisk_error *err);
FILE *crisk_output_file(crisk_output *o);
/* Finish and free `o`.  On error the temporary file is removed. */
int   crisk_output_commit(crisk_output *o, crisk_error *err);
/* Drop the output (temporary file removed) and free `o`.  Accepts NULL.
 * An output written directly (stdout, a FIFO, a device) cannot be taken
 * back: what was written stays written. */
void  crisk_output_abort(crisk_output *o);

/* Remove every temporary file the library has open (atomic outputs not yet
 * committed, DORA members being read) and return how many were removed.
 * Async-signal-safe: meant for a signal handler (SIGINT, SIGTERM, and the
 * fatal ones: SIGSEGV, SIGABRT, ...) or an atexit() handler, after which
 * the process should end.  The outputs' targets are untouched. */
int   crisk_remove_temporary_files(void);

/* ---- CSV ------------------------------------------------------------------ */

/* Write one text cell, RFC 4180-quoted when needed.  A cell a spreadsheet
 * would evaluate (leading '=', '+', '-', '@', tab or CR) is prefixed with a
 * single quote (OWASP CSV injection); numbers are written with
 * crisk_csv_number and stay numeric. */
void crisk_csv_text(FILE *f, const char *s);
/* A number in the shortest form that reads back exactly; NaN = empty cell. */
void crisk_csv_number(FILE *f, double x);

/* Shortest "%.15g"/"%.17g" rendering that round-trips; "" for NaN. */
char *crisk_format_number(char *buf, size_t size, double x);

/* ---- JSON envelope (DESIGN §7) ------------------------------------------ */

/* What ran: the command and its options (name/value pairs, in order). */
typedef struct crisk_provenance {
    const char *command;
    size_t n_options;
    const char *option_names[32];
    const char *option_values[32];
} crisk_provenance;

/* Begin a JSON document: {"schema":"chainrisk/1","tool":{...},"command":...,
 * "inputs":[...],"options":{...},"notes":[...],"results":   - the caller then
 * writes the results value and calls crisk_json_end(). */
void crisk_json_begin(FILE *f, const crisk_inventory *inv, const crisk_provenance *prov);
void crisk_json_end(FILE *f);
/* A JSON string literal (escaped; invalid UTF-8 replaced by U+FFFD). */
void crisk_json_string(FILE *f, const char *s);
/* A JSON number, or null for NaN/inf. */
void crisk_json_number(FILE *f, double x);

/* ---- command results --------------------------------------------------- */

typedef struct crisk_rank_options {
    int type;          /* a crisk_node_type, or -1 for all */
    int category;      /* a crisk_category, or -1 for all */
    long top;          /* rows to show; -1 = all */
} crisk_rank_options;

#define CRISK_RANK_OPTIONS_INIT { -1, -1, -1 }

/* The §5 per-node table, ranked.  CSV header:
 * id,name,type,category,tier,direct_dependants,dependants,functions,exposure,
 * impact,impact_weight,impact_share,spof,breaches */
int crisk_emit_rank(FILE *f, const crisk_analysis *a, const crisk_rank_options *opts,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err);

/* ---- appended with the impact, spof, shared and concentration emitters ---- */

/* What fails in the scenario `c` ran, and why (DESIGN §4): every failed node
 * with the redundancy group that failed it and the failed members of that
 * group it depended on (as an indented cascade tree in a table), the failed
 * functions with their criticality and the share of total criticality lost.
 * `d` (may be NULL: nothing judged) gives every node's downtime for the same
 * initial set; `hours` says how it was made: one duration H for every
 * initial node, or NaN when each was down for its own recovery_hours (the
 * table then shows each function's downtime).  A failed function breaches
 * its tolerance when its downtime exceeds rto_hours.  CSV header:
 * id,name,type,round,cause_group,cause_members,criticality,breach,
 * downtime_min_hours,downtime_max_hours
 * (one row per failed node in propagation order; breach empty when it
 * cannot be judged, downtime_max_hours empty when unbounded).  O(V + E). */
int crisk_emit_impact(FILE *f, const crisk_inventory *inv, const crisk_cascade *c,
                      const crisk_downtime *d, double hours, crisk_format fmt,
                      const crisk_provenance *prov, crisk_error *err);

/* Single points of failure per function (functions by id), or of one
 * function (`function` = its node index; -1 = all; CRISK_EUSAGE if that node
 * is not a function).  With `pairs`, also the minimal SPOF pairs.  CSV
 * header: function,spof  (with pairs: function,spof,spof2; a single SPOF
 * has an empty spof2).  Needs an analysis run with keep_spofs. */
int crisk_emit_spof(FILE *f, const crisk_analysis *a, long function, int pairs,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err);

/* Shared Nth-party dependencies (tier >= 2, two or more tier-1 dependants;
 * the first `top` of them, -1 = all) with their tier-1 dependants, then every
 * false-redundancy finding with the members the shared node fails.  CSV: one
 * row per finding, `kind` = shared | false-redundancy.  Needs an analysis
 * run with keep_false_redundancy.  O(S * (V + E)) for S distinct shared nodes
 * of false-redundancy findings. */
int crisk_emit_shared(FILE *f, const crisk_analysis *a, long top, crisk_format fmt,
                      const crisk_provenance *prov, crisk_error *err);

/* Concentration (DESIGN §5) for each basis of `by[0..n_by)`, one section
 * each: per market the providers, entities, total spend and exposure, top-1 /
 * top-3 shares and HHI on the spend basis and on the reliance basis
 * (exposure normalised within the market), then its share rows (the first
 * `top` per market; -1 = all).  CSV: one row per share, market summary
 * repeated on every row, basis in the column names. */
int crisk_emit_concentration(FILE *f, const crisk_analysis *a, const crisk_concentration_by *by,
                             size_t n_by, long top, crisk_format fmt,
                             const crisk_provenance *prov, crisk_error *err);

/* ---- appended for issue 4: the risk map and the HTML report ------------- */

typedef enum crisk_map_format {
    CRISK_MAP_SVG, CRISK_MAP_PNG, CRISK_MAP_PDF, CRISK_MAP_DOT
} crisk_map_format;

typedef enum crisk_map_layout {
    CRISK_LAYOUT_AUTO,    /* dot; sfdp when collapsed by size or past CRISK_MAP_DOT_LIMIT vertices */
    CRISK_LAYOUT_DOT, CRISK_LAYOUT_SFDP, CRISK_LAYOUT_NEATO
} crisk_map_layout;

/* Views larger than this many inventory nodes are collapsed by default
 * (top CRISK_MAP_DEFAULT_TOP providers, CRISK_MAP_MAX_FUNCTIONS functions)
 * and laid out with sfdp, as is any view of more than CRISK_MAP_DOT_LIMIT
 * drawn vertices. */
#define CRISK_MAP_FULL_LIMIT     250u
#define CRISK_MAP_DEFAULT_TOP    40
#define CRISK_MAP_MAX_FUNCTIONS  60u
#define CRISK_MAP_DOT_LIMIT      250u

typedef struct crisk_map_options {
    crisk_map_format format;
    crisk_map_layout layout;
    const char *focus;     /* node id: draw its neighbourhood only; NULL = all */
    long depth;            /* with focus: levels of dependants and of dependencies */
    long top;              /* providers drawn; the rest collapse per category; -1 = auto */
    int false_redundancy;  /* mark false-redundancy groups (needs keep_false_redundancy);
                            * 0: the legend says "not checked" */
} crisk_map_options;

#define CRISK_MAP_OPTIONS_INIT { CRISK_MAP_SVG, CRISK_LAYOUT_AUTO, NULL, 2, -1, 1 }

/* The map format named by a file name's extension (.svg .png .pdf .dot,
 * case-insensitive).  Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_map_format_from_path(const char *path, crisk_map_format *out);
/* The map format named "svg", "png", "pdf" or "dot" (case-insensitive).
 * Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_map_format_parse(const char *name, crisk_map_format *out);
/* "dot", "sfdp", "neato" (or "auto").  Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_map_layout_parse(const char *s, crisk_map_layout *out);

/* Draw the risk map of DESIGN §7 (colour = impact_share, shape = type,
 * clusters = category, SPOFs outlined, redundancy groups as "need k of n"
 * junctions) with Graphviz in-process and write it to `f`.  Every input
 * text reaches Graphviz only inside escaped labels; node names are
 * synthetic.  Same analysis and options, same bytes.  Errors: CRISK_ENOTFOUND
 * "unknown node 'x' (did you mean 'y'?)" for a bad focus, CRISK_EINTERNAL
 * when Graphviz fails (e.g. no cairo plugin for PNG/PDF), CRISK_EIO.
 * Time O(V + E) to select and collapse, then the layout of what is drawn.
 * Keeps one Graphviz context for the process and reseeds rand() before a
 * layout (Graphviz 2.42 needs both for repeatable output). */
int crisk_map_write(FILE *f, const crisk_analysis *a, const crisk_map_options *opts,
                    crisk_error *err);
/* The same into memory: `*out` (NUL-terminated, `*len` bytes) is owned by the
 * caller, free() it. */
int crisk_map_render(char **out, size_t *len, const crisk_analysis *a,
                     const crisk_map_options *opts, crisk_error *err);

typedef struct crisk_report_options {
    const crisk_provenance *prov;  /* command and options shown in provenance; may be NULL */
    const char *timestamp;         /* shown when not NULL; NULL keeps the output byte-stable */
    long top;                      /* rows of the top-risks table; default 25 */
    int map;                       /* embed the risk map (default 1) */
    const crisk_scenario_run *scenarios;  /* scenario tests to show; NULL = no such section.
                                    * It must keep the functions down of its first
                                    * CRISK_REPORT_SCENARIO_ROWS results. */
    const crisk_simulation *simulation;   /* outages and annual loss with the loss exceedance
                                           * curve (an inline SVG chart); NULL = no section */
    const crisk_diff *baseline;    /* a diff whose NEW side is the report's analysis: adds
                                    * "Changes since the baseline"; NULL = none */
    const crisk_check *policy;     /* a check of the report's analysis: adds "Policy" */
} crisk_report_options;

#define CRISK_REPORT_OPTIONS_INIT { NULL, NULL, 25, 1, NULL, NULL, NULL, NULL }

/* The scenario heat table: scenarios (by criticality lost) and functions
 * (by criticality, then id) shown at most. */
#define CRISK_REPORT_SCENARIO_ROWS    40
#define CRISK_REPORT_SCENARIO_COLUMNS 30

/* One self-contained HTML page (DESIGN §7): summary, the changes since a
 * baseline and the policy's verdicts when the options carry them, risk map
 * (inline SVG), top risks, single points of failure per function, outages
 * and annual loss (with opts->simulation: its figures and the loss
 * exceedance curve as an inline SVG chart), shared dependencies and false
 * redundancy, concentration (both bases, and the joint impact of parent and
 * country groups), scenario tests when opts->scenarios is given (a scenario
 * x function heat table, breaches marked), the load's
 * validation warnings from `diags` (may be NULL) and provenance.  No external resource;
 * all input text escaped; a Content-Security-Policy admits only the page's
 * own sorting script.  Needs an analysis run with keep_false_redundancy and
 * either keep_spofs or count_spofs with the lists of
 * crisk_report_spof_functions (CRISK_EUSAGE otherwise, before anything is
 * written).  Errors as crisk_map_write, plus CRISK_ENOMEM. */
int crisk_report_write(FILE *f, const crisk_analysis *a, const crisk_diagnostics *diags,
                       const crisk_report_options *opts, crisk_error *err);

/* The functions whose SPOF lists the report shows (its 100 most critical:
 * criticality desc, id asc), for crisk_analysis_options.spof_functions: an
 * analysis with count_spofs and these lists costs what the page needs
 * rather than every function's list (4 bytes a (function, SPOF) pair).
 * Caller frees *out with free().  Errors: CRISK_ENOMEM.  O(F log F) for the
 * F functions. */
int crisk_report_spof_functions(const crisk_inventory *inv, uint32_t **out, size_t *count,
                                crisk_error *err);

/* ---- appended with the native-CSV emitter (chainrisk import) ------------ */

/* Write an inventory as the native CSV files of DESIGN §3, so that loading
 * them again gives the same model (node order, groups, members and kinds).
 * nodes: id,name,type,category,criticality,rto_hours,recovery_hours,spend,
 * country,parent,substitutability,probability,loss_per_hour, then the pass-through
 * attributes in inventory order; edges: from,to,group,need,kind, by
 * dependant, group and member order.  A name equal to the id, a criticality
 * the input did not give (or 1 on a provider), and the need of an edge
 * without a group are left empty (the defaults).  Numbers use crisk_format_number.  Cells are quoted
 * per RFC 4180 but, unlike the report CSVs, not neutralised against
 * spreadsheet formulas: that would change ids such as '@scope/pkg'.
 * Returns CRISK_OK; CRISK_EINVALID, before writing anything, for a value the
 * native reader would not read back (leading or trailing white space, longer
 * than CRISK_MAX_FIELD_BYTES, invalid UTF-8, attribute names equal ignoring
 * case or equal to a native column); CRISK_EIO.  O(V + E). */
int crisk_emit_native_nodes(FILE *f, const crisk_inventory *inv, crisk_error *err);
int crisk_emit_native_edges(FILE *f, const crisk_inventory *inv, crisk_error *err);

/* Write DIR/nodes.csv and DIR/edges.csv (DIR and missing parents created)
 * as one pair: every value is checked first, both files are written to
 * temporary files and fsync'ed, then renamed into place; if the second
 * rename fails the first file's previous version is put back, so DIR never
 * holds a new nodes.csv with an old edges.csv (docs/robustness.md states
 * the guarantee and its limits).  Errors as above, plus CRISK_EIO naming
 * the path. */
int crisk_inventory_write_native(const crisk_inventory *inv, const char *dir, crisk_error *err);

/* ---- appended for simulate and export ----------------------------------- */

/* The result of crisk_simulate_run: per function (probability desc, id;
 * the first `top` functions, -1 = all) P(down), P(breach), expected
 * downtime and loss with standard errors, the probability that some
 * function is down, the statistics of the criticality and of the money
 * lost per run, the loss exceedance curve, and the importance of the
 * measured providers for the total loss and for the functions shown.  An
 * exact figure's standard error is the text "exact" (CSV, JSON) or the word
 * "exact" (table).  Runs, seed and the default recovery are always
 * written.  CSV header:
 * kind,id,name,target,criticality,rto_hours,loss_per_hour,failures,
 * probability,std_error,breach_probability,breach_std_error,downtime_hours,
 * downtime_std_error,loss,loss_std_error,exact,x,q,birnbaum,
 * birnbaum_std_error,criticality_importance,criticality_importance_std_error,
 * fussell_vesely,fussell_vesely_std_error,raw,raw_std_error,rrw,
 * rrw_std_error,criticality_lost,runs,seed,default_recovery_hours,
 * default_recovery_nodes
 * where kind is `function`, `any`, `criticality` (id = mean, p50, p90,
 * p95, p99 or max; criticality_lost = that statistic), `loss` (id = mean,
 * p50, p90, p95, p99, p99.9, max or bound; loss = that statistic),
 * `exceedance` (x, probability = P(loss > x)), `loss_importance` (id =
 * the provider) or `importance` (target = the function).  O(functions *
 * providers). */
int crisk_emit_simulation(FILE *f, const crisk_simulation *s, long top, crisk_format fmt,
                          const crisk_provenance *prov, crisk_error *err);

typedef enum crisk_export_format {
    CRISK_EXPORT_JSON, CRISK_EXPORT_GRAPHML, CRISK_EXPORT_DOT, CRISK_EXPORT_CSV,
    CRISK_EXPORT_MEF, CRISK_EXPORT_XLSX
} crisk_export_format;

/* "json", "graphml", "dot", "csv", "mef", "xlsx".  Returns CRISK_OK or
 * CRISK_ENOTFOUND. */
int crisk_export_format_parse(const char *s, crisk_export_format *out);

/* The model and every per-node metric (DESIGN §5), for other tools.
 * Node columns, in this order: the rank columns (id, name, type, category,
 * tier, direct_dependants, dependants, functions, exposure, impact,
 * impact_weight, impact_share, spof, breaches), tier1_dependants, the other
 * native columns (criticality, rto_hours, recovery_hours, spend, country,
 * parent, substitutability, probability, loss_per_hour), then the pass-through attributes
 * (an attribute whose name equals one of those columns, ignoring case, is
 * renamed "attr:NAME" in CSV and GraphML).
 *   json     the crisk_json_begin envelope; results = {"total_criticality",
 *            "nodes" (inventory order, each with "attributes": {...}),
 *            "edges" ({from, to, group, need, kind}, by dependant, group,
 *            member), "groups" (named redundancy groups: dependant, group,
 *            need, size, members)}.
 *   graphml  GraphML 1.0: a typed <key> per column, nodes n0.. and edges
 *            e0.. with group/need/kind; text escaped, characters XML 1.0
 *            forbids (and invalid UTF-8) replaced by U+FFFD.
 *   dot      a Graphviz digraph (no layout): nodes n0.., input text only in
 *            escaped HTML-like labels, metrics and enums as attributes.
 *   csv      one row per node, sorted by id, cells neutralised (DESIGN §7).
 *   mef      crisk_export_mef() with its default options (below).
 *   xlsx     an Excel workbook (crisk_workbook_new) with one sheet per
 *            table: "nodes" (the csv rows), "edges" (from, to, group,
 *            need, kind, group_size), "spofs" (function, spof), "minimal
 *            pairs" (function, spof, spof2), "shared" and "false
 *            redundancy" (the shared command's two tables), "concentration
 *            by category", "... by parent", "... by country" (the
 *            concentration command's rows, top 3 and HHI on both bases),
 *            then "provenance".  Needs an analysis run with keep_spofs and
 *            keep_false_redundancy; the minimal pairs cost what `spof
 *            --pairs` costs.
 * Returns CRISK_OK, CRISK_ENOMEM or CRISK_EIO (mef: also CRISK_EINVALID).
 * O(V + E) (+ V log V for csv). */
int crisk_export_write(FILE *f, const crisk_analysis *a, crisk_export_format fmt,
                       const crisk_provenance *prov, crisk_error *err);

/* ---- appended for scenario tests (issue 13 §1) --------------------------- */

/* Scenario tests (crisk_scenarios_run): per scenario, sorted by criticality
 * lost, the duration used, initial and failed nodes, functions down,
 * criticality lost and its share, functions breached and cannot be judged,
 * the earliest breach (hours after the onset) and the verdict; the first
 * `top` scenarios (-1 = all).  The table lists each breaching scenario's
 * breached functions; CSV and JSON carry the scenario x function matrix
 * (unaffected / down / breached / unknown).  CSV header:
 * id,name,fails,hours,initial_nodes,failed_nodes,functions_down,
 * criticality_lost,lost_share,breached,unknown,earliest_breach_hours,
 * tolerance, then fn:ID per function in id order.  JSON results also list
 * each scenario's functions down with their downtime bounds.  The run must
 * have kept the functions down of the results shown (keep_functions >=
 * top), else CRISK_EUSAGE.  O(scenarios * functions). */
int crisk_emit_scenarios(FILE *f, const crisk_scenario_run *r, long top, crisk_format fmt,
                         const crisk_provenance *prov, crisk_error *err);

/* Write a scenario set as a scenario file (id,name,fails,hours,description)
 * that crisk_scenario_set_load reads back as the same set.  Ids and terms
 * are quoted but kept as they are; names and descriptions are neutralised
 * against spreadsheet formulas.  Returns CRISK_OK or CRISK_EIO. */
int crisk_scenario_set_write(FILE *f, const crisk_scenario_set *s, crisk_error *err);

/* ---- appended for incidents (issue 13 §3) ------------------------------------ */

/* A live incident's decision record: the times, the terms, the facts that
 * feed the classification, what is down and why (the cause tree, as
 * `impact` prints it), every function the incident reaches by breach time
 * with its probability of being down, when it is back and the suspect
 * whose confirmation changes it most, and the reporting deadlines with
 * their rules and citations.  JSON is crisk_incident_record_write.  CSV
 * header: kind,key,name,criticality,rto_hours,p_down,std_error,breach_at,
 * breach_hours_from_now,back_min_hours,back_max_hours,swing_suspect,swing,
 * swing_std_error,due,due_hours_from_now,submitted,rule,citation,basis
 * (kind = function | deadline).  O(size of the record). */
int crisk_emit_incident(FILE *f, const crisk_incident_record *r, crisk_format fmt, crisk_error *err);

/* The record as one self-contained HTML page in the report's style (the
 * report's style sheet, escaping and Content-Security-Policy): the times
 * and the facts, the reporting clocks with their citations, the functions
 * by breach time, what is down and why, the assumptions and the inputs
 * with their SHA-256.  Same record, same bytes.  CRISK_OK, CRISK_ENOMEM or
 * CRISK_EIO. */
int crisk_incident_page_write(FILE *f, const crisk_incident_record *r, crisk_error *err);

/* ---- appended for issue 15: the Open-PSA MEF fault tree ----------------- */

typedef struct crisk_mef_options {
    int break_cycles;   /* cut the dependencies crisk_cycles_find() cuts, instead of failing */
} crisk_mef_options;

#define CRISK_MEF_OPTIONS_INIT { 0 }

/* The inventory as an Open-PSA Model Exchange Format fault tree that SCRAM
 * 0.16 reads (docs/commands-extra.md): for every function and every node a
 * function depends on, the basic event X (X fails on its own, with its
 * probability; 0 when not given) and the gate X-down (OR of the basic event
 * and the node's groups; a group needing k of n members as `atleast`
 * n-k+1, `or` when that is 1, `and` when it is n, a bare reference for one
 * member); per function the top gate top-F.  Names are the ids made MEF
 * names ([^-.]+(-[^-.]+)*, ASCII) and unique (-2, -3, ...), with the id in
 * each element's <label>.  Errors: CRISK_EINVALID naming a dependency cycle
 * (MEF forbids them) unless break_cycles, which leaves the cuts out (each
 * cut dependency counts as always working) and lists them in a comment;
 * CRISK_ENOMEM; CRISK_EIO.  Same inventory, same bytes.  O(V + E). */
int crisk_export_mef(FILE *f, const crisk_inventory *inv, const crisk_mef_options *opts,
                     crisk_error *err);

/* ---- appended for issue 16: Excel workbooks ----------------------------- */

typedef struct crisk_workbook crisk_workbook;

/* An Excel workbook (.xlsx, DESIGN §7) to be written to `f` (the caller's:
 * an atomic output's file, say) by crisk_workbook_close().  Every emitter
 * fills one: give it crisk_workbook_rows(wb) as its FILE* and
 * CRISK_FORMAT_CSV as its format, and each table it would write as CSV
 * becomes a sheet - the CSV header as a bold header row, frozen, with a
 * filter on every column; numbers as numbers (shares formatted as
 * percentages), true/false as booleans, text as text cells, never a
 * formula, so no cell can run whatever the input holds.  The first sheet
 * is named `sheet` (at most 31 characters, none of []:*?/\), a second
 * table's `sheet (2)`, and so on.  Columns are as wide as their text (up
 * to 60 characters).  Text that is not valid UTF-8 is written with U+FFFD
 * for the bad bytes; a cell longer than Excel's 32,767 characters is cut
 * with an ellipsis; a table longer than a sheet can hold keeps its first
 * CRISK_WORKBOOK_MAX_ROWS rows and says below them what was left out
 * (crisk_workbook_set_max_rows).
 * Returns CRISK_OK, CRISK_ENOMEM, or CRISK_EIO when the temporary file
 * libxlsxwriter needs cannot be made (it writes to a file name: the
 * workbook is made in $TMPDIR, else /tmp, and copied to `f`). */
int   crisk_workbook_new(crisk_workbook **out, FILE *f, const char *sheet, crisk_error *err);
/* The stream to hand to emitters.  Bytes written to it that are not typed
 * rows (an emitter writing text of its own) make crisk_workbook_close()
 * fail with CRISK_EINTERNAL rather than lose them. */
FILE *crisk_workbook_rows(crisk_workbook *wb);
/* Add the "provenance" sheet (tool version, command, every input of `inv`
 * with its kind, SHA-256, size and rows, the options of `prov`, the
 * model's size and the importers' notes; `inv` and `prov` may be NULL),
 * write the workbook to `f` and free `wb`.  The workbook's creation time
 * (its document properties) is the newest modification time of the
 * inventory's input files, not the clock, so the same files and options
 * give the same bytes (1980-01-01 when none can be read).  On error
 * nothing more is written to `f`, but part of the workbook may have been.
 * Errors: the first problem any table met (CRISK_ENOMEM, CRISK_EINTERNAL),
 * CRISK_EIO "write error: ...". */
int   crisk_workbook_close(crisk_workbook *wb, const crisk_inventory *inv,
                           const crisk_provenance *prov, crisk_error *err);
/* The same for two inventories, a diff's sides: the provenance sheet lists
 * OLD's inputs and model as "old input", "old model nodes", ... and NEW's
 * as "new ..."; the creation time is the newest input of either. */
int   crisk_workbook_close_pair(crisk_workbook *w, const crisk_inventory *old_inv,
                                const crisk_inventory *new_inv, const crisk_provenance *prov,
                                crisk_error *err);
/* The data rows a sheet keeps at most: Excel's 1,048,576 rows less the
 * header and the note that says what was left out. */
#define CRISK_WORKBOOK_MAX_ROWS 1048574u

/* Keep at most `rows` data rows of each table (1 to CRISK_WORKBOOK_MAX_ROWS;
 * the default is the most).  A table with more rows keeps the first
 * `rows`; the row below them says how many were left out and which command
 * writes them all, and the provenance sheet lists the table.  CRISK_EUSAGE
 * ("--max-rows must be ...") for a count out of range. */
int   crisk_workbook_set_max_rows(crisk_workbook *wb, size_t rows, crisk_error *err);

/* List a file the result was made from besides the inventory's inputs
 * (a policy file: kind "policy"; a scenario file: kind "scenarios") on
 * the provenance sheet, after the inventory's, in the order added, with
 * its SHA-256 (64 hex digits), size and data rows; the strings are copied.  The same path and digest again is listed once.
 * CRISK_ENOMEM. */
int   crisk_workbook_add_input(crisk_workbook *wb, const char *path, const char *kind,
                               const char *sha256, uint64_t bytes, size_t rows,
                               crisk_error *err);

/* crisk_export_write(CRISK_EXPORT_XLSX) keeping at most `max_rows` data
 * rows of each sheet (0: CRISK_WORKBOOK_MAX_ROWS; crisk_workbook_set_max_rows
 * says what a sheet cut short shows and its errors). */
int   crisk_export_xlsx(FILE *f, const crisk_analysis *a, const crisk_provenance *prov,
                        size_t max_rows, crisk_error *err);

/* Drop the workbook (its temporary files removed) and free it; accepts
 * NULL.  Nothing is written to `f`. */
void  crisk_workbook_free(crisk_workbook *wb);

/* ---- appended for issue 14: diff ---------------------------------------- */

/* What changed between two snapshots (crisk_diff_run), section by section
 * in the order of chainrisk/diff.h: nodes, edges, redundancy groups, single
 * points of failure, provider moves (the first `top`; -1 = all), shared Nth
 * parties, false redundancy, concentration, tolerance breaches.
 *   table  one table per section that has changes, after a line naming
 *          both sides and counting the changes ("no changes" when none);
 *          of the single points of failure and of the breaches, the first
 *          1000 rows each, then "... and K more (--format csv or json
 *          lists them all)".
 *   csv    one row per change: kind,id,name,type,category,function,to,
 *          group,need,by,market,field,old,new,change,rto_hours,
 *          recovery_hours,same_name; a provider's move and a market's
 *          move give one row per number that moved.  To a workbook's rows
 *          stream (crisk_workbook_rows), the same rows as one sheet.
 *   json   the envelope of crisk_json_begin with the inputs of both sides
 *          ("side": "old" / "new"); results = {"changes", "min_change",
 *          then one array per section}.
 * The pairs are read from the diff's cursors as they are written, never
 * held.  Returns CRISK_OK, CRISK_ENOMEM, CRISK_EIO (the output), or
 * CRISK_EINTERNAL (the diff's temporary file could not be read back).
 * O(changes). */
int crisk_emit_diff(FILE *f, const crisk_diff *d, long top, crisk_format fmt,
                    const crisk_provenance *prov, crisk_error *err);

/* ---- appended for issue 14: check ---------------------------------------- */

/* A policy check's verdicts (crisk_check_run):
 *   table  the rules (where each stands in the policy file as
 *          POLICY:LINE:COLUMN, verdict, what it checked, its violations,
 *          what it requires), then every violation listed (the offending
 *          nodes, measured value, limit, the violation in words), then a
 *          line "all N rules hold" or "K of N rules violated, V violations".
 *   csv    one row per rule and per violation listed: kind,rule,name,line,
 *          column,verdict,checked,violations,requires,nodes,measured,limit,
 *          message (kind = rule | violation).
 *   json   the crisk_json_begin envelope; results = {"policy" (path,
 *          sha256, name), "holds", "rules_checked", "rules_violated",
 *          "violations", "keep", "rules": [each rule with its "listed"
 *          violations]}.
 * csv to a workbook's rows stream (crisk_workbook_rows) writes two sheets
 * instead of the one wide table: "rules" (the rule rows) and "violations"
 * (kind,rule,line,column,nodes,measured,limit,message).
 * Returns CRISK_OK, CRISK_ENOMEM or CRISK_EIO.  O(rules + violations). */
int crisk_emit_check(FILE *f, const crisk_check *c, crisk_format fmt,
                     const crisk_provenance *prov, crisk_error *err);

/* The same as JUnit XML for CI systems: one <testsuite> for the policy
 * (properties: tool version, the policy file and every input with their
 * SHA-256), one <testcase> per rule (classname chainrisk.check.RULE, the
 * policy file and line), one <failure> per violation listed (type = the
 * rule, message = the violation; its text adds the position, the nodes and
 * the figures), and one saying how many more a rule did not list.
 * `failures` counts the rules violated.  No timestamps.  Returns CRISK_OK or
 * CRISK_EIO. */
int crisk_emit_check_junit(FILE *f, const crisk_check *c, crisk_error *err);

#ifdef __cplusplus
}
#endif
#endif
