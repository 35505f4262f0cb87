/*
 * incident_file.c - reading a decision record back from its JSON
 * (crisk_incident_record_load, chainrisk/incident.h).
 *
 * A record is outside data by the time it is read: it may have been edited,
 * cut short or made by someone else.  So it is read like every input:
 * bytes checked and parsed by json_text.c (which knows where every value
 * stands), then every member the record needs is looked up with its type,
 * and every problem - a missing member, a wrong type, a malformed time, a
 * number out of range, an index that points nowhere - is reported as
 * FILE:LINE:COLUMN at the value (or at the object that lacks it).  Members
 * the writer derives from others (facts.hours_so_far, the classification
 * sentence) and members it does not know are not read.  The result owns
 * copies of every string, in the record's arena.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_text.h"
#include "model/incident_record.h"
#include "util/infile.h"
#include "util/util.h"

#define MAX_RECORD_BYTES (256u << 20)

typedef struct place {
    const cJSON *item;
    size_t line, column;
} place;

typedef struct reader {
    const char *path;
    crisk_diagnostics *diags;
    crisk_incident_record *r;
    place *pos;
    size_t n_pos, pos_cap;
    size_t errors;
    size_t first_line, first_column;
    char first_message[CRISK_ERROR_MESSAGE_MAX];
    int status;              /* CRISK_ENOMEM once memory ran out */
} reader;

/* ---- positions and problems -------------------------------------------------------- */

static int record_position(void *ctx, const crisk__json_place *at)
{
    reader *rd = ctx;
    if (crisk__grow((void **)&rd->pos, &rd->pos_cap, rd->n_pos + 1, sizeof *rd->pos) != 0)
        return rd->status = CRISK_ENOMEM;
    rd->pos[rd->n_pos++] = (place){ at->item, at->line, at->column };
    return CRISK_OK;
}

static int by_item(const void *pa, const void *pb)
{
    const place *a = pa, *b = pb;
    return (uintptr_t)a->item < (uintptr_t)b->item ? -1 : (uintptr_t)a->item > (uintptr_t)b->item;
}

static void fail(reader *rd, const cJSON *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(reader *rd, const cJSON *item, const char *fmt, ...)
{
    place key = { item, 0, 0 };
    const place *p = rd->pos != NULL ? bsearch(&key, rd->pos, rd->n_pos, sizeof *rd->pos, by_item) : NULL;
    size_t line = p ? p->line : 0, column = p ? p->column : 0;
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (rd->errors == 0 || line < rd->first_line || (line == rd->first_line && column < rd->first_column)) {
        rd->first_line = line;
        rd->first_column = column;
        snprintf(rd->first_message, sizeof rd->first_message, "%s", msg);
    }
    rd->errors++;
    if (crisk_diagnostics_add(rd->diags, CRISK_SEV_ERROR, rd->path, line, column, "%s", msg) != CRISK_OK)
        rd->status = CRISK_ENOMEM;
}

/* ---- typed members --------------------------------------------------------------------- */

enum { NULLABLE = 1 };

/* Member `key` of `obj` of JSON type `type` (cJSON_*), or NULL after a
 * problem - or for a null when `flags` allow it (*is_null set). */
static const cJSON *member(reader *rd, const cJSON *obj, const char *key, int type, int flags,
                           int *is_null)
{
    if (is_null != NULL)
        *is_null = 0;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL) {
        fail(rd, obj, "missing member '%s'", key);
        return NULL;
    }
    if ((flags & NULLABLE) && cJSON_IsNull(item)) {
        if (is_null != NULL)
            *is_null = 1;
        return NULL;
    }
    if ((item->type & 0xFF) != type && !(type == cJSON_True && cJSON_IsBool(item))) {
        fail(rd, item, "'%s' must be %s%s, not %s", key, crisk__json_type_name(type),
             flags & NULLABLE ? " or null" : "", crisk__json_type_name(item->type & 0xFF));
        return NULL;
    }
    return item;
}

static const char *text(reader *rd, const cJSON *obj, const char *key, int flags)
{
    int is_null;
    const cJSON *item = member(rd, obj, key, cJSON_String, flags, &is_null);
    if (item == NULL)
        return NULL;
    const char *s = crisk__record_copy(rd->r, item->valuestring);
    if (s == NULL)
        rd->status = CRISK_ENOMEM;
    return s;
}

/* A finite number (cJSON reads 1e999 as infinity, which JSON cannot write
 * back). */
static double number(reader *rd, const cJSON *obj, const char *key, int flags)
{
    const cJSON *item = member(rd, obj, key, cJSON_Number, flags, NULL);
    if (item != NULL && !isfinite(item->valuedouble)) {
        fail(rd, item, "'%s' must be a finite number", key);
        return NAN;
    }
    return item != NULL ? item->valuedouble : NAN;
}

/* A whole number from 0 to 2^53. */
static uint64_t count(reader *rd, const cJSON *obj, const char *key)
{
    const cJSON *item = member(rd, obj, key, cJSON_Number, 0, NULL);
    if (item == NULL)
        return 0;
    double v = item->valuedouble;
    if (!(v >= 0 && v <= 9007199254740992.0 && v == floor(v))) {
        fail(rd, item, "'%s' must be a whole number from 0 to 9007199254740992", key);
        return 0;
    }
    return (uint64_t)v;
}

static double probability(reader *rd, const cJSON *obj, const char *key, int flags, int open)
{
    double p = number(rd, obj, key, flags);
    if (!isnan(p) && (open ? !(p > 0 && p < 1) : !(p >= 0 && p <= 1))) {
        fail(rd, cJSON_GetObjectItemCaseSensitive(obj, key), "'%s' must be a probability %s",
             key, open ? "above 0 and below 1" : "from 0 to 1");
        return NAN;
    }
    return p;
}

static crisk_time when(reader *rd, const cJSON *obj, const char *key, int flags)
{
    int is_null;
    const cJSON *item = member(rd, obj, key, cJSON_String, flags, &is_null);
    crisk_time t = CRISK_TIME_NONE;
    crisk_error e = CRISK_ERROR_INIT;
    if (item != NULL && crisk_time_parse(item->valuestring, &t, &e) != CRISK_OK) {
        fail(rd, item, "'%s': invalid time: %s at character %zu", key, e.message, e.column);
        return CRISK_TIME_NONE;
    }
    return t;
}

/* One of `names`: its index, or -1 after a problem. */
static int choice(reader *rd, const cJSON *obj, const char *key, const char *const *names, int n)
{
    const cJSON *item = member(rd, obj, key, cJSON_String, 0, NULL);
    if (item == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(item->valuestring, names[i]) == 0)
            return i;
    char list[160] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'", i ? ", " : "", names[i]);
    fail(rd, item, "'%s' must be one of %s", key, list);
    return -1;
}

/* An array member: its items in *items (n of them); 0 after a problem. */
static int array(reader *rd, const cJSON *obj, const char *key, const cJSON **first, size_t *n)
{
    const cJSON *a = member(rd, obj, key, cJSON_Array, 0, NULL);
    *first = NULL;
    *n = 0;
    if (a == NULL)
        return 0;
    *first = a->child;
    for (const cJSON *c = a->child; c != NULL; c = c->next)
        (*n)++;
    return 1;
}

static int is_object(reader *rd, const cJSON *item, const char *what)
{
    if (cJSON_IsObject(item))
        return 1;
    fail(rd, item, "%s must be an object, not %s", what, crisk__json_type_name(item->type & 0xFF));
    return 0;
}

/* ---- the parts ------------------------------------------------------------------------------ */

static void *alloc(reader *rd, size_t n, size_t size)
{
    void *p = crisk__record_alloc(rd->r, n, size);
    if (p == NULL)
        rd->status = CRISK_ENOMEM;
    return p;
}

static void read_inputs(reader *rd, const cJSON *root)
{
    const cJSON *item;
    size_t n;
    crisk_incident_record *r = rd->r;
    if (!array(rd, root, "inputs", &item, &n) || (r->inputs = alloc(rd, n, sizeof *r->inputs)) == NULL)
        return;
    for (; item != NULL; item = item->next) {
        if (!is_object(rd, item, "an input"))
            continue;
        crisk_incident_input *in = &r->inputs[r->n_inputs++];
        in->path = text(rd, item, "path", 0);
        in->kind = text(rd, item, "kind", 0);
        in->sha256 = text(rd, item, "sha256", 0);
        in->bytes = count(rd, item, "bytes");
        in->rows = count(rd, item, "rows");
    }
}

static void read_head(reader *rd, const cJSON *root)
{
    crisk_incident_record *r = rd->r;
    const cJSON *schema = member(rd, root, "schema", cJSON_String, 0, NULL);
    if (schema != NULL && strcmp(schema->valuestring, "chainrisk/incident/1") != 0)
        fail(rd, schema, "unknown schema '%s' (expected 'chainrisk/incident/1': a decision record "
                         "of 'chainrisk incident')", schema->valuestring);
    r->schema = "chainrisk/incident/1";
    const cJSON *tool = member(rd, root, "tool", cJSON_Object, 0, NULL);
    r->tool = tool != NULL ? text(rd, tool, "version", 0) : NULL;
    read_inputs(rd, root);
    const cJSON *model = member(rd, root, "model", cJSON_Object, 0, NULL);
    if (model != NULL) {
        r->model_nodes = count(rd, model, "nodes");
        r->model_edges = count(rd, model, "edges");
        r->model_groups = count(rd, model, "groups");
    }
}

static void read_times(reader *rd, const cJSON *root)
{
    static const char *const from[] = { "option", "clock" };
    static const char *const regimes[] = { "nis2", "dora", "both" };
    crisk_incident_record *r = rd->r;
    const cJSON *t = member(rd, root, "times", cJSON_Object, 0, NULL);
    if (t != NULL) {
        r->since = when(rd, t, "since", 0);
        r->aware = when(rd, t, "aware", 0);
        r->classified = when(rd, t, "classified", NULLABLE);
        r->now = when(rd, t, "now", 0);
        r->now_from_clock = choice(rd, t, "now_from", from, 2) == 1;
    }
    r->regime = (unsigned)(choice(rd, root, "regime", regimes, 3) + 1);
}

static void read_terms(reader *rd, const cJSON *obj, const char *key, int suspects,
                       crisk_incident_term **out, size_t *n_out)
{
    const cJSON *item;
    size_t n;
    if (!array(rd, obj, key, &item, &n) || (*out = alloc(rd, n, sizeof **out)) == NULL)
        return;
    for (; item != NULL; item = item->next) {
        if (!is_object(rd, item, "a term"))
            continue;
        crisk_incident_term *t = &(*out)[(*n_out)++];
        t->term = text(rd, item, "term", 0);
        t->probability = suspects ? probability(rd, item, "probability", 0, 1) : 1;
        const cJSON *id;
        size_t k;
        if (!array(rd, item, "nodes", &id, &k) || (t->nodes = alloc(rd, k, sizeof *t->nodes)) == NULL)
            continue;
        for (; id != NULL; id = id->next) {
            if (!cJSON_IsString(id)) {
                fail(rd, id, "a node id must be a string, not %s", crisk__json_type_name(id->type & 0xFF));
                continue;
            }
            if ((t->nodes[t->n_nodes++] = crisk__record_copy(rd->r, id->valuestring)) == NULL)
                rd->status = CRISK_ENOMEM;
        }
    }
}

static void read_assumptions(reader *rd, const cJSON *root)
{
    static const char *const methods[] = { "none", "exact", "monte-carlo" };
    crisk_incident_record *r = rd->r;
    const cJSON *a = member(rd, root, "assumptions", cJSON_Object, 0, NULL);
    if (a == NULL)
        return;
    read_terms(rd, a, "down", 0, &r->down, &r->n_down);
    read_terms(rd, a, "suspects", 1, &r->suspects, &r->n_suspects);
    int m = choice(rd, a, "method", methods, 3);
    r->method = m >= 0 ? methods[m] : "none";
    r->runs = count(rd, a, "runs");
    int is_null;
    const cJSON *seed = member(rd, a, "seed", cJSON_Number, NULLABLE, &is_null);
    if (seed != NULL)
        r->seed = count(rd, a, "seed");
    if (m == 2 && is_null)
        fail(rd, cJSON_GetObjectItemCaseSensitive(a, "seed"), "'seed' must be given for Monte Carlo");
}

static void read_facts(reader *rd, const cJSON *root)
{
    crisk_incident_record *r = rd->r;
    const cJSON *f = member(rd, root, "facts", cJSON_Object, 0, NULL);
    if (f == NULL)
        return;
    r->functions_total = count(rd, f, "functions_total");
    r->functions_down = count(rd, f, "functions_down");
    r->criticality_total = number(rd, f, "criticality_total", 0);
    r->criticality_lost = number(rd, f, "criticality_lost", 0);
    r->lost_share = number(rd, f, "lost_share", NULLABLE);
    r->tolerances_breached = count(rd, f, "tolerances_breached");
}

static void read_cause(reader *rd, const cJSON *item, crisk_incident_down *d, size_t index)
{
    int is_null;
    const cJSON *c = member(rd, item, "cause", cJSON_Object, NULLABLE, &is_null);
    if (c == NULL)
        return;
    d->group = text(rd, c, "group", 0);
    if (d->group == NULL)
        d->group = "";
    d->need = count(rd, c, "need");
    d->size = count(rd, c, "size");
    const cJSON *m;
    size_t n;
    if (!array(rd, c, "members", &m, &n) || (d->members = alloc(rd, n, sizeof *d->members)) == NULL)
        return;
    for (; m != NULL; m = m->next) {
        double v = cJSON_IsNumber(m) ? m->valuedouble : -1;
        if (!(v >= 0 && v < (double)index && v == floor(v))) {
            fail(rd, m, "a cause member must be the index of an earlier node of 'down' (0 to %zu)",
                 index ? index - 1 : 0);
            continue;
        }
        d->members[d->n_members++] = (size_t)v;
    }
}

static void read_down(reader *rd, const cJSON *root)
{
    const cJSON *item;
    size_t n;
    crisk_incident_record *r = rd->r;
    if (!array(rd, root, "down", &item, &n) || (r->down_nodes = alloc(rd, n, sizeof *r->down_nodes)) == NULL)
        return;
    for (; item != NULL; item = item->next) {
        if (!is_object(rd, item, "a node"))
            continue;
        size_t i = r->n_down_nodes++;
        crisk_incident_down *d = &r->down_nodes[i];
        d->id = text(rd, item, "id", 0);
        d->name = text(rd, item, "name", 0);
        d->type = text(rd, item, "type", 0);
        d->criticality = number(rd, item, "criticality", NULLABLE);
        d->round = count(rd, item, "round");
        read_cause(rd, item, d, i);
    }
}

static void read_function(reader *rd, const cJSON *item, crisk_incident_function *fn)
{
    fn->id = text(rd, item, "id", 0);
    fn->name = text(rd, item, "name", 0);
    fn->criticality = number(rd, item, "criticality", 0);
    fn->rto_hours = number(rd, item, "rto_hours", NULLABLE);
    fn->p_down = probability(rd, item, "p_down", 0, 0);
    fn->p_std_error = number(rd, item, "std_error", 0);
    fn->breach_at = when(rd, item, "breach_at", NULLABLE);
    fn->back_lo = number(rd, item, "back_min_hours", NULLABLE);
    const cJSON *open = member(rd, item, "back_min_open", cJSON_True, 0, NULL);
    fn->back_lo_open = open != NULL && cJSON_IsTrue(open);
    fn->back_hi = number(rd, item, "back_max_hours", NULLABLE);
    if (!isnan(fn->back_lo) && isnan(fn->back_hi))
        fn->back_hi = INFINITY;   /* null beside a lower bound: unbounded */
    int is_null;
    const cJSON *s = member(rd, item, "swing_suspect", cJSON_Number, NULLABLE, &is_null);
    fn->swing_suspect = SIZE_MAX;
    if (s != NULL) {
        double v = s->valuedouble;
        if (!(v >= 0 && v < (double)rd->r->n_suspects && v == floor(v)))
            fail(rd, s, "'swing_suspect' must be the index of a suspect (0 to %zu)",
                 rd->r->n_suspects ? rd->r->n_suspects - 1 : 0);
        else
            fn->swing_suspect = (size_t)v;
    }
    fn->swing = number(rd, item, "swing", NULLABLE);
    fn->swing_std_error = number(rd, item, "swing_std_error", NULLABLE);
}

static void read_functions(reader *rd, const cJSON *root)
{
    const cJSON *item;
    size_t n;
    crisk_incident_record *r = rd->r;
    if (!array(rd, root, "functions", &item, &n) || (r->functions = alloc(rd, n, sizeof *r->functions)) == NULL)
        return;
    for (; item != NULL; item = item->next)
        if (is_object(rd, item, "a function"))
            read_function(rd, item, &r->functions[r->n_functions++]);
}

static void read_deadlines(reader *rd, const cJSON *root)
{
    const cJSON *item;
    size_t n;
    crisk_incident_record *r = rd->r;
    if (!array(rd, root, "deadlines", &item, &n) || (r->deadlines = alloc(rd, n, sizeof *r->deadlines)) == NULL)
        return;
    for (; item != NULL; item = item->next) {
        if (!is_object(rd, item, "a deadline"))
            continue;
        crisk_incident_deadline *d = &r->deadlines[r->n_deadlines++];
        d->key = text(rd, item, "key", 0);
        d->regime = text(rd, item, "regime", 0);
        d->report = text(rd, item, "report", 0);
        d->due = when(rd, item, "due", 0);
        d->submitted = when(rd, item, "submitted", NULLABLE);
        d->rule = text(rd, item, "rule", 0);
        d->citation = text(rd, item, "citation", 0);
        d->basis = text(rd, item, "basis", 0);
    }
}

/* Strings a problem left unset become "", so a record that loaded with
 * errors is never used, and one without cannot hold a NULL. */
static void read_record(reader *rd, const cJSON *root)
{
    if (!is_object(rd, root, "a decision record"))
        return;
    read_head(rd, root);
    read_times(rd, root);
    read_assumptions(rd, root);
    read_facts(rd, root);
    read_down(rd, root);
    read_functions(rd, root);
    read_deadlines(rd, root);
}

/* ---- the file ------------------------------------------------------------------------------- */

static int read_bytes(reader *rd, unsigned char **out, size_t *len, crisk_error *err)
{
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    *out = NULL;
    int code = crisk__infile_open(rd->path, 0, &fd, &st, why, sizeof why);
    if (code != CRISK_OK) {
        crisk_diagnostics_add(rd->diags, CRISK_SEV_ERROR, rd->path, 0, 0, "%s", why);
        return crisk_error_set(err, code, rd->path, 0, 0, "%s", why);
    }
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap + 1);
    ssize_t got = 1;
    while (buf != NULL && got > 0 && n <= MAX_RECORD_BYTES) {
        if (n == cap) {
            unsigned char *bigger = realloc(buf, 2 * cap + 1);
            if (bigger == NULL)
                break;
            buf = bigger;
            cap *= 2;
        }
        got = read(fd, buf + n, cap - n);
        if (got > 0)
            n += (size_t)got;
    }
    int failed = got < 0 ? errno : 0;
    close(fd);
    if (buf == NULL || (got > 0 && n <= MAX_RECORD_BYTES)) {
        free(buf);
        return crisk_error_set(err, CRISK_ENOMEM, rd->path, 0, 0, "out of memory");
    }
    if (failed || n > MAX_RECORD_BYTES) {
        free(buf);
        if (failed) {
            crisk_diagnostics_add(rd->diags, CRISK_SEV_ERROR, rd->path, 0, 0, "cannot read file: %s", strerror(failed));
            return crisk_error_set(err, CRISK_EIO, rd->path, 0, 0, "cannot read file: %s", strerror(failed));
        }
        crisk_diagnostics_add(rd->diags, CRISK_SEV_ERROR, rd->path, 0, 0,
                              "file is too large (more than %u bytes)", MAX_RECORD_BYTES);
        return crisk_error_set(err, CRISK_ELIMIT, rd->path, 0, 0, "file is too large (more than %u bytes)",
                               MAX_RECORD_BYTES);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CRISK_OK;
}

int crisk_incident_record_load(crisk_incident_record **out, const char *path,
                               crisk_diagnostics *diags, crisk_error *err)
{
    reader rd = { .path = path, .diags = diags };
    unsigned char *bytes = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    *out = NULL;
    int rc = read_bytes(&rd, &bytes, &len, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_error json = CRISK_ERROR_INIT;
    rc = crisk__json_parse(&root, bytes, len, "a decision record (JSON)", record_position, &rd, &json);
    if (rc == CRISK_EINVALID) {
        crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, json.line, json.column, "%s", json.message);
        rc = crisk_error_set(err, CRISK_EINVALID, path, json.line, json.column, "%s", json.message);
    } else if (rc != CRISK_OK) {
        rc = crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    } else if (crisk__record_new(&rd.r) != CRISK_OK) {
        rc = crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    } else {
        crisk__sort(rd.pos, rd.n_pos, sizeof *rd.pos, by_item);
        read_record(&rd, root);
        if (rd.status != CRISK_OK)
            rc = crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
        else if (rd.errors > 0)
            rc = crisk_error_set(err, CRISK_EINVALID, path, rd.first_line, rd.first_column, "%s",
                                 rd.first_message);
    }
    cJSON_Delete(root);
    free(bytes);
    free(rd.pos);
    if (rc != CRISK_OK) {
        crisk_incident_record_free(rd.r);
        return rc;
    }
    *out = rd.r;
    return CRISK_OK;
}
