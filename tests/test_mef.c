/*
 * test_mef.c - `export --format mef`: the Open-PSA fault tree and the cycle
 * walk behind --break-cycles.
 *
 * The formulas of a hand-worked inventory are in the CLI golden test
 * tests/cli/export_mef_small; here: names (the MEF pattern, uniqueness,
 * collisions), the cycle error's exact text, what --break-cycles cuts and
 * what a cut makes of a k-of-n group, the cycle walk against a brute force
 * on random graphs, and the output read back by Python's XML parser and
 * validated by SCRAM when they are installed.  The SCRAM cross-check of the
 * numbers is tests/scram/check_scram.py.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "csvinv.h"
#include "reference.h"

static crisk_inventory *load(const char *nodes, const char *edges)
{
    crisk_inventory *inv = NULL;
    char why[1024] = "";
    cr_assert_eq(csvinv_load(&inv, nodes, edges, why, sizeof why), CRISK_OK, "%s", why);
    return inv;
}

/* The MEF text, or NULL with the error in *err. */
static char *mef(const crisk_inventory *inv, int break_cycles, crisk_error *err)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    cr_assert_not_null(f);
    crisk_mef_options o = CRISK_MEF_OPTIONS_INIT;
    o.break_cycles = break_cycles;
    int rc = crisk_export_mef(f, inv, &o, err);
    fclose(f);
    if (rc != CRISK_OK) {
        free(data);
        return NULL;
    }
    return data;
}

static char *mef_ok(const crisk_inventory *inv, int break_cycles)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *text = mef(inv, break_cycles, &err);
    cr_assert_not_null(text, "export failed: %s", err.message);
    return text;
}

/* The name of the element `kind` ("define-gate", "define-basic-event")
 * whose label (its first child) is `label` and whose name starts with
 * `prefix`, in buf; NULL if there is none. */
static const char *name_of(const char *text, const char *kind, const char *label,
                           const char *prefix, char *buf, size_t size)
{
    char open[64], lab[256];
    snprintf(open, sizeof open, "<%s name=\"", kind);
    snprintf(lab, sizeof lab, "\">\n      <label>%s</label>", label);
    for (const char *p = strstr(text, open); p != NULL; p = strstr(p + 1, open)) {
        const char *name = p + strlen(open);
        const char *end = strchr(name, '"');
        if (strncmp(end, lab, strlen(lab)) == 0 && strncmp(name, prefix, strlen(prefix)) == 0) {
            snprintf(buf, size, "%.*s", (int)(end - name), name);
            return buf;
        }
    }
    return NULL;
}

/* [A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*: the MEF pattern, ASCII. */
static int is_mef_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++) {
        int word = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                   || *p == '_';
        if (*p == '-' && (p[1] == '\0' || p[1] == '-'))
            return 0;
        if (!word && *p != '-')
            return 0;
    }
    return 1;
}

/* Every defined name: valid and defined once. */
static void assert_names_valid(const char *text)
{
    static const char *const kinds[] = { "<define-gate name=\"", "<define-basic-event name=\"" };
    char **seen = NULL;
    size_t n = 0;
    for (size_t k = 0; k < 2; k++)
        for (const char *p = strstr(text, kinds[k]); p != NULL; p = strstr(p + 1, kinds[k])) {
            const char *name = p + strlen(kinds[k]);
            size_t len = (size_t)(strchr(name, '"') - name);
            char *copy = strndup(name, len);
            cr_assert(is_mef_name(copy), "'%s' is not a MEF name", copy);
            for (size_t i = 0; i < n; i++)
                cr_assert_str_neq(seen[i], copy, "'%s' is defined twice", copy);
            seen = realloc(seen, (n + 1) * sizeof *seen);
            seen[n++] = copy;
        }
    cr_assert_gt(n, 0);
    for (size_t i = 0; i < n; i++)
        free(seen[i]);
    free(seen);
}

/* ---- names ------------------------------------------------------------------------- */

static const char names_nodes[] =
    "id,type,probability\n"
    "x,function,\n"
    "1st.provider,supplier,0.1\n"
    "a--b,supplier,\n"
    "-edge-,supplier,\n"
    "a.b,supplier,\n"
    "a_b,supplier,\n"
    "x-down,supplier,\n"
    "top-x,supplier,\n"
    "A,supplier,\n"
    "a,supplier,\n"
    "pkg:npm/@scope/lib@1.0,component,\n"
    "Zürich,supplier,\n";

static const char names_edges[] =
    "from,to\n"
    "x,1st.provider\nx,a--b\nx,-edge-\nx,a.b\nx,a_b\nx,x-down\nx,top-x\nx,A\nx,a\n"
    "x,pkg:npm/@scope/lib@1.0\nx,Zürich\n";

Test(mef, turns_ids_into_mef_names)
{
    crisk_inventory *inv = load(names_nodes, names_edges);
    char *text = mef_ok(inv, 0);
    char buf[128];
    static const struct {
        const char *id, *event;
    } expect[] = {
        { "1st.provider", "_1st_provider" },
        { "a--b", "a__b" },
        { "-edge-", "_edge_" },
        { "pkg:npm/@scope/lib@1.0", "pkg_npm__scope_lib_1_0" },
        { "Zürich", "Z__rich" },
        { "A", "A" },
        { "a", "a" },      /* SCRAM's names are case-sensitive: no clash */
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert_str_eq(name_of(text, "define-basic-event", expect[i].id, "", buf, sizeof buf),
                         expect[i].event, "basic event of '%s'", expect[i].id);
    assert_names_valid(text);
    free(text);
    crisk_inventory_free(inv);
}

/* Basic events first, then gates, then top gates, each in inventory order:
 * a later name that is taken gets -2, -3, ... */
Test(mef, resolves_name_collisions_in_a_fixed_order)
{
    crisk_inventory *inv = load(names_nodes, names_edges);
    char *text = mef_ok(inv, 0);
    char buf[128];
    cr_assert_str_eq(name_of(text, "define-basic-event", "a.b", "", buf, sizeof buf), "a_b");
    cr_assert_str_eq(name_of(text, "define-basic-event", "a_b", "", buf, sizeof buf), "a_b-2");
    /* the basic event of x-down takes "x-down" before the gate of x */
    cr_assert_str_eq(name_of(text, "define-basic-event", "x-down", "", buf, sizeof buf), "x-down");
    cr_assert_str_eq(name_of(text, "define-gate", "x", "x", buf, sizeof buf), "x-down-2");
    cr_assert_str_eq(name_of(text, "define-gate", "x-down", "x", buf, sizeof buf), "x-down-down");
    /* the basic event of top-x takes "top-x" before the top gate of x */
    cr_assert_str_eq(name_of(text, "define-basic-event", "top-x", "", buf, sizeof buf), "top-x");
    cr_assert_str_eq(name_of(text, "define-gate", "x", "top", buf, sizeof buf), "top-x-2");
    cr_assert_not_null(strstr(text, "<define-gate name=\"top-x-2\">\n      <label>x</label>\n"
                                    "      <gate name=\"x-down-2\"/>\n"));
    free(text);
    crisk_inventory_free(inv);
}

Test(mef, output_is_the_same_bytes_every_time)
{
    crisk_inventory *inv = load(names_nodes, names_edges);
    char *a = mef_ok(inv, 0), *b = mef_ok(inv, 0);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    crisk_inventory_free(inv);
}

/* Labels are normalizedStrings: no tab, CR or LF, markup escaped. */
Test(mef, labels_hold_the_id_escaped)
{
    crisk_inventory *inv = load("id,type\nf,function\n\"a<&>\"\"b\"\"\tc\",supplier\n",
                                "from,to\nf,\"a<&>\"\"b\"\"\tc\"\n");
    char *text = mef_ok(inv, 0);
    cr_assert_not_null(strstr(text, "<label>a&lt;&amp;&gt;&quot;b&quot; c</label>"), "%s", text);
    assert_names_valid(text);
    free(text);
    crisk_inventory_free(inv);
}

/* A provider no function depends on is left out; so is what only it uses. */
Test(mef, leaves_out_nodes_no_function_depends_on)
{
    crisk_inventory *inv = load("id,type,probability\nf,function,\na,supplier,0.1\n"
                                "orphan,supplier,0.2\nbelow,supplier,0.3\n",
                                "from,to\nf,a\norphan,below\n");
    char *text = mef_ok(inv, 0);
    cr_assert_null(strstr(text, "orphan"));
    cr_assert_null(strstr(text, "below"));
    cr_assert_not_null(strstr(text, "<define-basic-event name=\"a\">"));
    free(text);
    crisk_inventory_free(inv);
}

/* ---- cycles ----------------------------------------------------------------------- */

static const char cycle_nodes[] =
    "id,type,probability\nbilling,function,\napp,service,0.1\ndb,service,0.05\n"
    "storage,supplier,0.01\n";
static const char cycle_edges[] =
    "from,to\nbilling,app\napp,db\ndb,storage\ndb,app\n";

Test(mef, refuses_a_cycle_and_names_it)
{
    crisk_inventory *inv = load(cycle_nodes, cycle_edges);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_null(mef(inv, 0, &err));
    cr_assert_eq(err.code, CRISK_EINVALID);
    cr_assert_str_eq(err.message, "dependency cycle 'app' -> 'db' -> 'app': an Open-PSA fault "
                                  "tree cannot hold a cycle (--break-cycles cuts it)");
    crisk_inventory_free(inv);
}

Test(mef, names_the_first_eight_nodes_of_a_long_cycle)
{
    char nodes[512] = "id,type\nf,function\n", edges[512] = "from,to\nf,n0\n";
    for (int i = 0; i < 10; i++) {
        char line[64];
        snprintf(line, sizeof line, "n%d,supplier\n", i);
        strcat(nodes, line);
        snprintf(line, sizeof line, "n%d,n%d\n", i, (i + 1) % 10);
        strcat(edges, line);
    }
    crisk_inventory *inv = load(nodes, edges);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_null(mef(inv, 0, &err));
    cr_assert_str_eq(err.message,
                     "dependency cycle 'n0' -> 'n1' -> 'n2' -> 'n3' -> 'n4' -> 'n5' -> 'n6' -> "
                     "'n7' -> ... (10 nodes) -> 'n0': an Open-PSA fault tree cannot hold a "
                     "cycle (--break-cycles cuts it)");
    crisk_inventory_free(inv);
}

/* The walk from billing reaches app, db, storage, then db -> app closes the
 * cycle: that dependency is cut (app stays up as far as db is concerned). */
Test(mef, break_cycles_cuts_the_edge_that_closes_the_walk)
{
    crisk_inventory *inv = load(cycle_nodes, cycle_edges);
    crisk_cycles *cy = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_cycles_find(&cy, inv, &err), CRISK_OK);
    size_t n;
    const crisk_cut *cuts = crisk_cycles_cuts(cy, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(crisk_inventory_node_id(inv, cuts[0].dependant), "db");
    cr_assert_str_eq(crisk_inventory_node_id(inv, cuts[0].member), "app");
    crisk_cycles_free(cy);
    char *text = mef_ok(inv, 1);
    cr_assert_not_null(strstr(text, "<!-- Cycles broken: 1 dependency cut, each taken as always "
                                    "working:\n       db -> app\n  -->\n"), "%s", text);
    cr_assert_not_null(strstr(text, "<define-gate name=\"db-down\">\n      <label>db</label>\n"
                                    "      <or>\n        <basic-event name=\"db\"/>\n"
                                    "        <gate name=\"storage-down\"/>\n      </or>\n"));
    assert_names_valid(text);
    free(text);
    crisk_inventory_free(inv);
}

/* A cut member of a k-of-n group counts as working: need 1 of {f, y, z}
 * with f cut cannot fail any more (left out); need 2 fails when both y and
 * z are down; need 3 when either is. */
Test(mef, a_cut_member_counts_as_working_in_its_group)
{
    crisk_inventory *inv = load(
        "id,type,probability\nf,function,\nx1,service,0.1\nx2,service,0.1\nx3,service,0.1\n"
        "y,supplier,0.2\nz,supplier,0.3\n",
        "from,to,group,need\nf,x1,,\nf,x2,,\nf,x3,,\n"
        "x1,f,k,1\nx1,y,k,1\nx1,z,k,1\n"
        "x2,f,k,2\nx2,y,k,2\nx2,z,k,2\n"
        "x3,f,k,3\nx3,y,k,3\nx3,z,k,3\n");
    char *text = mef_ok(inv, 1);
    cr_assert_not_null(strstr(text, "<define-gate name=\"x1-down\">\n      <label>x1</label>\n"
                                    "      <basic-event name=\"x1\"/>\n    </define-gate>"), "%s", text);
    cr_assert_not_null(strstr(text, "<define-gate name=\"x2-down\">\n      <label>x2</label>\n"
                                    "      <or>\n        <basic-event name=\"x2\"/>\n"
                                    "        <and>\n          <gate name=\"y-down\"/>\n"
                                    "          <gate name=\"z-down\"/>\n        </and>\n"));
    cr_assert_not_null(strstr(text, "<define-gate name=\"x3-down\">\n      <label>x3</label>\n"
                                    "      <or>\n        <basic-event name=\"x3\"/>\n"
                                    "        <or>\n          <gate name=\"y-down\"/>\n"
                                    "          <gate name=\"z-down\"/>\n        </or>\n"));
    cr_assert_not_null(strstr(text, "Cycles broken: 3 dependencies cut"));
    free(text);
    crisk_inventory_free(inv);
}

/* A comment cannot hold "--": ids with hyphens in a row keep every other
 * one as U+2010 in the list of cuts. */
Test(mef, lists_cuts_of_hyphenated_ids_in_a_valid_comment)
{
    crisk_inventory *inv = load("id,type\nf,function\nx--y,supplier\nz---,supplier\n",
                                "from,to\nf,x--y\nx--y,z---\nz---,x--y\n");
    char *text = mef_ok(inv, 1);
    const char *start = strstr(text, "<!-- Cycles broken");
    cr_assert_not_null(start);
    const char *end = strstr(start + 4, "-->");
    cr_assert_not_null(end);
    cr_assert_not_null(strstr(start, "z-\xE2\x80\x90- -> x-\xE2\x80\x90y\n"), "%s", text);
    for (const char *p = start + 4; p < end; p++)
        cr_assert(!(p[0] == '-' && p[1] == '-'), "\"--\" inside the comment:\n%.*s",
                  (int)(end - start), start);
    free(text);
    crisk_inventory_free(inv);
}

/* ---- the cycle walk against a brute force ----------------------------------------- */

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* Whether the graph without the cut edges (slot k of each group is cut
 * when cut[group start + k]) has a cycle: Kahn's algorithm. */
static int has_cycle(const crisk_inventory *inv, const unsigned char *cut)
{
    size_t n = crisk_inventory_node_count(inv), done = 0;
    size_t *pending = calloc(n, sizeof *pending), *queue = malloc(n * sizeof *queue);
    size_t head = 0, tail = 0, e = 0;
    for (size_t v = 0; v < n; v++)
        for (size_t g = crisk_inventory_group_begin(inv, v); g < crisk_inventory_group_begin(inv, v + 1); g++)
            for (size_t i = 0; i < crisk_inventory_group_size(inv, g); i++, e++)
                pending[v] += !cut[e];
    for (size_t v = 0; v < n; v++)
        if (pending[v] == 0)
            queue[tail++] = v;
    while (head < tail) {
        size_t u = queue[head++];
        done++;
        /* u is settled: every dependant loses one pending edge per edge to u */
        e = 0;
        for (size_t v = 0; v < n; v++)
            for (size_t g = crisk_inventory_group_begin(inv, v); g < crisk_inventory_group_begin(inv, v + 1); g++)
                for (size_t i = 0; i < crisk_inventory_group_size(inv, g); i++, e++)
                    if (!cut[e] && crisk_inventory_group_member(inv, g, i) == u && --pending[v] == 0)
                        queue[tail++] = v;
    }
    free(pending);
    free(queue);
    return done < n;
}

static size_t edge_slot(const crisk_inventory *inv, size_t group, size_t index)
{
    size_t e = 0;
    for (size_t g = 0; g < group; g++)
        e += crisk_inventory_group_size(inv, g);
    return e + index;
}

Test(cycles, cuts_make_random_graphs_acyclic_and_name_a_real_cycle)
{
    unsigned seed = 15;
    for (int round = 0; round < 300; round++) {
        ref_model g;
        ref_model_init(&g);
        int n = 2 + (int)(rnd(&seed) % 9);
        for (int v = 0; v < n; v++) {
            char id[16];
            snprintf(id, sizeof id, "n%d", v);
            ref_add_node(&g, id, v == 0 ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER);
        }
        int m = (int)(rnd(&seed) % (unsigned)(2 * n + 1));
        for (int k = 0; k < m; k++) {
            int from = (int)(rnd(&seed) % (unsigned)n), to = (int)(rnd(&seed) % (unsigned)n);
            if (from == to)
                continue;
            int dup = 0;
            for (int e = 0; e < g.m; e++)
                dup |= g.edges[e].from == from && g.edges[e].to == to;
            if (!dup)
                ref_add_edge(&g, from, to, rnd(&seed) % 2 ? "" : "g", 0);
        }
        ref_fix_needs(&g);
        crisk_inventory *inv = NULL;
        char why[256];
        cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
        size_t edges = crisk_inventory_edge_count(inv);
        unsigned char *none = calloc(edges + 1, 1), *cut = calloc(edges + 1, 1);
        crisk_cycles *cy = NULL;
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_cycles_find(&cy, inv, &err), CRISK_OK);
        size_t n_cuts, n_first;
        const crisk_cut *cuts = crisk_cycles_cuts(cy, &n_cuts);
        const uint32_t *first = crisk_cycles_first(cy, &n_first);
        cr_assert_eq(n_cuts > 0, has_cycle(inv, none), "round %d", round);
        cr_assert_eq(n_first > 0, n_cuts > 0);
        for (size_t k = 0; k < n_cuts; k++) {
            cr_assert_eq(crisk_inventory_group_member(inv, cuts[k].group, cuts[k].index),
                         cuts[k].member);
            cr_assert_eq(crisk_inventory_group_owner(inv, cuts[k].group), cuts[k].dependant);
            cut[edge_slot(inv, cuts[k].group, cuts[k].index)] = 1;
        }
        cr_assert(!has_cycle(inv, cut), "round %d: still cyclic after the cuts", round);
        /* node k of the first cycle depends on node k+1, the last on the first */
        for (size_t k = 0; k < n_first; k++) {
            size_t v = first[k], u = first[(k + 1) % n_first];
            int found = 0;
            for (size_t gi = crisk_inventory_group_begin(inv, v);
                 gi < crisk_inventory_group_begin(inv, v + 1); gi++)
                for (size_t i = 0; i < crisk_inventory_group_size(inv, gi); i++)
                    found |= crisk_inventory_group_member(inv, gi, i) == u;
            cr_assert(found, "round %d: no edge %zu -> %zu in the reported cycle", round, v, u);
        }
        crisk_cycles_free(cy);
        free(none);
        free(cut);
        crisk_inventory_free(inv);
        ref_model_release(&g);
    }
}

/* ---- other readers ------------------------------------------------------------------ */

/* Write text to a new temporary file named after `path` (a mkstemp
 * template, filled in). */
static void write_temp(char *path, const char *text)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* expat (Python's parser) reads it, and every label comes back as the id. */
Test(mef, reads_back_in_python)
{
    if (access("/usr/bin/python3", X_OK) != 0)
        cr_skip_test("python3 is not installed");
    crisk_inventory *inv = load(names_nodes, names_edges);
    char *text = mef_ok(inv, 0);
    char path[] = "/tmp/crisk-mef-XXXXXX";
    write_temp(path, text);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, xml.dom.minidom as m\n"
             "d = m.parse(sys.argv[1])\n"
             "labels = sorted(set(e.firstChild.data for e in d.getElementsByTagName(\"label\")))\n"
             "print(\"|\".join(labels))' %s", path);
    FILE *p = popen(cmd, "r");
    char out[1024] = "";
    cr_assert_not_null(fgets(out, sizeof out, p));
    cr_assert_eq(pclose(p), 0);
    cr_assert_str_eq(out, "-edge-|1st.provider|A|Zürich|a|a--b|a.b|a_b|pkg:npm/@scope/lib@1.0|"
                          "top-x|x|x-down\n");
    unlink(path);
    free(text);
    crisk_inventory_free(inv);
}

/* SCRAM's own reader and schema accept it (tools/setup.sh installs scram). */
Test(mef, scram_validates_it)
{
    if (access("/usr/bin/scram", X_OK) != 0)
        cr_skip_test("scram is not installed (tools/setup.sh installs it)");
    crisk_inventory *inv = load(names_nodes, names_edges);
    char *text = mef_ok(inv, 0);
    char path[] = "/tmp/crisk-mef-XXXXXX";
    write_temp(path, text);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "scram --validate %s >/dev/null 2>&1", path);
    cr_assert_eq(system(cmd), 0, "scram --validate refused:\n%s", text);
    unlink(path);
    free(text);
    crisk_inventory_free(inv);
}
