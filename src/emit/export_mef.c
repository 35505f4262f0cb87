/*
 * export_mef.c - the inventory as an Open-PSA Model Exchange Format fault
 * tree (`chainrisk export --format mef`), as SCRAM 0.16 reads it.
 *
 * Every node x that a function depends on (and every function) becomes
 *   - the basic event  x        "x fails on its own", with x's probability
 *                                (0 when not given: it never fails on its own,
 *                                as in `simulate`, but still shows in cut sets,
 *                                as in `spof`);
 *   - the gate         x-down   "x is down": OR of its basic event and its
 *                                groups; a group needing k of its n members
 *                                fails when at least n-k+1 of them are down:
 *                                `or` when that is 1, `and` when it is n,
 *                                `atleast min=n-k+1` otherwise, a bare
 *                                reference for a group of one;
 * and each function f the top gate top-f (a bare reference to f-down: a
 * function another function depends on would not be a top event itself).
 * Nodes no function depends on are left out: they cannot change a top event,
 * and their gates would be extra top events.
 *
 * Names.  MEF names are XML NCNames matching [^-.]+(-[^-.]+)* (SCRAM's
 * input.rng): no dots, no leading, trailing or doubled hyphens.  A name is
 * the id with every byte other than an ASCII letter, digit, '_' or a hyphen
 * between two such characters turned into '_', and '_' in front of a leading
 * digit.  Names are made unique in one fixed order - basic events, gates,
 * top gates, each in inventory order - by appending -2, -3, ... to a name
 * already taken; SCRAM's names are case-sensitive, so are ours.  Every
 * element carries the original id in its <label> (tab, CR and LF as spaces:
 * a label is a normalizedString).
 *
 * Cycles.  MEF forbids them.  Without break_cycles a cyclic inventory is an
 * error naming the first cycle of cycles.c's walk; with it, the walk's cuts
 * are left out of the groups (a cut dependency counts as always working) and
 * listed in a comment.  A group that can then no longer fail is left out.
 */
#include "emit.h"
#include "xml.h"
#include "model/model.h"
#include "util/quote.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct mef {
    FILE *f;
    const crisk_inventory *inv;
    crisk__pool pool;            /* the names; its intern set tells which are taken */
    const char **event, **gate, **top;   /* per node; NULL when left out */
    uint8_t *cut;                /* per edge (member slot): 1 = cut */
    uint8_t *kept;               /* per node: a function depends on it, or a function */
} mef;

/* ---- names -------------------------------------------------------------------------- */

static int is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The MEF name for `id` followed by `suffix`, into buf (malloc'ed; NULL when
 * out of memory). */
static char *sanitise(const char *id, const char *suffix)
{
    size_t len = strlen(id), extra = strlen(suffix);
    char *buf = malloc(len + extra + 2);
    if (buf == NULL)
        return NULL;
    size_t o = 0;
    if (id[0] >= '0' && id[0] <= '9')
        buf[o++] = '_';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        int hyphen_ok = c == '-' && i > 0 && i + 1 < len && is_name_char((unsigned char)id[i - 1])
                        && is_name_char((unsigned char)id[i + 1]);
        buf[o++] = is_name_char(c) || hyphen_ok ? (char)c : '_';
    }
    memcpy(buf + o, suffix, extra + 1);
    return buf;
}

/* Intern `name`, or name-2, name-3, ... : the first one not taken yet. */
static const char *unique(crisk__pool *pool, const char *name)
{
    size_t len = strlen(name);
    char *buf = malloc(len + 24);
    if (buf == NULL)
        return NULL;
    const char *got = NULL;
    memcpy(buf, name, len + 1);
    for (unsigned long k = 2; got == NULL; k++) {
        size_t before = pool->set_count;
        const char *p = crisk__pool_intern(pool, buf, strlen(buf));
        if (p == NULL)
            break;
        if (pool->set_count > before)
            got = p;
        else
            snprintf(buf + len, 24, "-%lu", k);
    }
    free(buf);
    return got;
}

static int name_all(mef *m, const char **names, const char *prefix, const char *suffix,
                    int functions_only)
{
    const crisk_inventory *inv = m->inv;
    for (size_t v = 0; v < inv->n; v++) {
        if (!m->kept[v] || (functions_only && inv->type[v] != CRISK_NODE_FUNCTION))
            continue;
        char *base = sanitise(inv->id[v], suffix);
        char *full = base != NULL ? malloc(strlen(prefix) + strlen(base) + 1) : NULL;
        if (full != NULL) {
            strcpy(full, prefix);
            strcat(full, base);
            names[v] = unique(&m->pool, full);
        }
        free(base);
        free(full);
        if (names[v] == NULL)
            return -1;
    }
    return 0;
}

/* ---- what is written ------------------------------------------------------------------ */

/* Nodes some function depends on, through dependencies that are not cut. */
static int mark_kept(mef *m)
{
    const crisk_inventory *inv = m->inv;
    uint32_t *stack = malloc((inv->n + 1) * sizeof *stack);
    if (stack == NULL)
        return -1;
    size_t top = 0;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION) {
            m->kept[v] = 1;
            stack[top++] = (uint32_t)v;
        }
    while (top > 0) {
        uint32_t v = stack[--top];
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++) {
                uint32_t u = inv->member[e];
                if (!m->cut[e] && !m->kept[u]) {
                    m->kept[u] = 1;
                    stack[top++] = u;
                }
            }
    }
    free(stack);
    return 0;
}

/* An error naming the first cycle: 'a' -> 'b' -> 'a', the first eight
 * nodes of a longer one. */
static int cycle_error(const crisk_inventory *inv, const crisk_cycles *cy, crisk_error *err)
{
    size_t n;
    const uint32_t *cycle = crisk_cycles_first(cy, &n);
    char path[CRISK_ERROR_MESSAGE_MAX - 128], q[CRISK__QUOTE_MAX];
    size_t o = 0, shown = n < 8 ? n : 8;
    path[0] = '\0';
    for (size_t k = 0; k < shown && o < sizeof path; k++)
        o += (size_t)snprintf(path + o, sizeof path - o, "%s'%s'", k ? " -> " : "",
                              crisk__quote(q, inv->id[cycle[k]]));
    if (shown < n && o < sizeof path)
        o += (size_t)snprintf(path + o, sizeof path - o, " -> ... (%zu nodes)", n);
    if (o < sizeof path)
        snprintf(path + o, sizeof path - o, " -> '%s'", crisk__quote(q, inv->id[cycle[0]]));
    return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0,
                           "dependency cycle %s: an Open-PSA fault tree cannot hold a cycle "
                           "(--break-cycles cuts it)", path);
}

/* Mark the cuts, or fail on the first cycle. */
static int cut_cycles(mef *m, int break_cycles, crisk_error *err)
{
    crisk_cycles *cy = NULL;
    int rc = crisk_cycles_find(&cy, m->inv, err);
    if (rc != CRISK_OK)
        return rc;
    size_t n;
    const crisk_cut *cuts = crisk_cycles_cuts(cy, &n);
    if (n > 0 && !break_cycles)
        rc = cycle_error(m->inv, cy, err);
    for (size_t k = 0; rc == CRISK_OK && k < n; k++)
        m->cut[m->inv->member_start[cuts[k].group] + cuts[k].index] = 1;
    crisk_cycles_free(cy);
    return rc;
}

/* ---- XML ----------------------------------------------------------------------------- */

/* A label: the text with tab, CR and LF as spaces, escaped. */
static void label(FILE *f, const char *indent, const char *s)
{
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    fprintf(f, "%s<label>", indent);
    if (copy != NULL) {
        for (size_t i = 0; i <= len; i++)
            copy[i] = s[i] == '\t' || s[i] == '\r' || s[i] == '\n' ? ' ' : s[i];
        crisk__xml_text(f, copy);
    }
    free(copy);
    fputs("</label>\n", f);
}

/* Group g's formula as an argument of its owner's `or`, given its members
 * that are not cut; nothing when it can no longer fail. */
static void group_formula(const mef *m, uint32_t g, const char *indent)
{
    const crisk_inventory *inv = m->inv;
    size_t live = 0;
    for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
        live += !m->cut[e];
    size_t size = inv->member_start[g + 1] - inv->member_start[g];
    size_t fail_at = size - inv->need[g] + 1;   /* members down that fail the group */
    if (fail_at > live)
        return;
    int bare = live == 1;
    if (!bare) {
        if (fail_at == 1)
            fprintf(m->f, "%s<or>\n", indent);
        else if (fail_at == live)
            fprintf(m->f, "%s<and>\n", indent);
        else
            fprintf(m->f, "%s<atleast min=\"%zu\">\n", indent, fail_at);
    }
    for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
        if (!m->cut[e])
            fprintf(m->f, "%s%s<gate name=\"%s\"/>\n", indent, bare ? "" : "  ",
                    m->gate[inv->member[e]]);
    if (!bare)
        fprintf(m->f, "%s</%s>\n", indent,
                fail_at == 1 ? "or" : fail_at == live ? "and" : "atleast");
}

/* Whether group g can still fail (see group_formula). */
static int group_can_fail(const mef *m, uint32_t g)
{
    const crisk_inventory *inv = m->inv;
    size_t live = 0;
    for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
        live += !m->cut[e];
    size_t size = inv->member_start[g + 1] - inv->member_start[g];
    return size - inv->need[g] + 1 <= live;
}

static void write_gate(const mef *m, uint32_t v)
{
    const crisk_inventory *inv = m->inv;
    size_t args = 1;
    for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
        args += (size_t)group_can_fail(m, g);
    fprintf(m->f, "    <define-gate name=\"%s\">\n", m->gate[v]);
    label(m->f, "      ", inv->id[v]);
    const char *indent = args > 1 ? "        " : "      ";
    if (args > 1)
        fputs("      <or>\n", m->f);
    fprintf(m->f, "%s<basic-event name=\"%s\"/>\n", indent, m->event[v]);
    for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
        group_formula(m, g, indent);
    if (args > 1)
        fputs("      </or>\n", m->f);
    fputs("    </define-gate>\n", m->f);
}

static void write_cuts(const mef *m)
{
    const crisk_inventory *inv = m->inv;
    size_t n = 0;
    for (size_t e = 0; e < inv->n_edges; e++)
        n += m->cut[e];
    if (n == 0)
        return;
    fprintf(m->f, "  <!-- Cycles broken: %zu dependenc%s cut, each taken as always working:\n",
            n, n == 1 ? "y" : "ies");
    for (uint32_t v = 0; v < inv->n; v++)
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
                if (m->cut[e]) {
                    /* ids may hold "--", which a comment cannot: labels' escaping */
                    fputs("       ", m->f);
                    crisk__xml_comment_text(m->f, inv->id[v]);
                    fputs(" -> ", m->f);
                    crisk__xml_comment_text(m->f, inv->id[inv->member[e]]);
                    putc('\n', m->f);
                }
    fputs("  -->\n", m->f);
}

static void write_model(const mef *m)
{
    const crisk_inventory *inv = m->inv;
    FILE *f = m->f;
    /* No version here: the same inventory gives the same model file
     * whichever build wrote it. */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- chainrisk export: an Open-PSA MEF fault tree.\n"
          "     X: the basic event \"X fails on its own\" (its probability; 0 when not given)\n"
          "     X-down: the gate \"X is down\": its basic event or one of its redundancy groups\n"
          "     top-F: the top event of function F\n"
          "     A group needing k of n members fails when at least n-k+1 are down.\n"
          "     Labels hold the original ids. -->\n"
          "<opsa-mef>\n", f);
    write_cuts(m);
    fputs("  <define-fault-tree name=\"chainrisk\">\n", f);
    for (uint32_t v = 0; v < inv->n; v++)
        if (m->top[v] != NULL) {
            fprintf(f, "    <define-gate name=\"%s\">\n", m->top[v]);
            label(f, "      ", inv->id[v]);
            fprintf(f, "      <gate name=\"%s\"/>\n    </define-gate>\n", m->gate[v]);
        }
    for (uint32_t v = 0; v < inv->n; v++)
        if (m->kept[v])
            write_gate(m, v);
    fputs("  </define-fault-tree>\n  <model-data>\n", f);
    char num[40];
    for (uint32_t v = 0; v < inv->n; v++)
        if (m->kept[v]) {
            double p = inv->probability[v];
            fprintf(f, "    <define-basic-event name=\"%s\">\n", m->event[v]);
            label(f, "      ", inv->id[v]);
            fprintf(f, "      <float value=\"%s\"/>\n    </define-basic-event>\n",
                    crisk_format_number(num, sizeof num, isnan(p) ? 0.0 : p));
        }
    fputs("  </model-data>\n</opsa-mef>\n", f);
}

static void release(mef *m)
{
    crisk__pool_release(&m->pool);
    free(m->event);
    free(m->gate);
    free(m->top);
    free(m->cut);
    free(m->kept);
}

int crisk_export_mef(FILE *f, const crisk_inventory *inv, const crisk_mef_options *opts,
                     crisk_error *err)
{
    static const crisk_mef_options defaults = CRISK_MEF_OPTIONS_INIT;
    const crisk_mef_options *o = opts != NULL ? opts : &defaults;
    mef m = { .f = f, .inv = inv };
    crisk__pool_init(&m.pool);
    size_t n = inv->n + 1;
    m.event = calloc(n, sizeof *m.event);
    m.gate = calloc(n, sizeof *m.gate);
    m.top = calloc(n, sizeof *m.top);
    m.cut = calloc(inv->n_edges + 1, 1);
    m.kept = calloc(n, 1);
    int rc = m.event && m.gate && m.top && m.cut && m.kept ? CRISK_OK : CRISK_ENOMEM;
    if (rc == CRISK_OK)
        rc = cut_cycles(&m, o->break_cycles, err);
    else
        crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK
        && (mark_kept(&m) != 0 || name_all(&m, m.event, "", "", 0) != 0
            || name_all(&m, m.gate, "", "-down", 0) != 0
            || name_all(&m, m.top, "top-", "", 1) != 0))
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        write_model(&m);
        rc = crisk__emit_status(f, err);
    }
    release(&m);
    return rc;
}
