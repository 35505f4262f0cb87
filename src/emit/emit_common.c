/*
 * emit_common.c - typed rows written as CSV / JSON, and terminal tables
 * (see emit.h).
 */
#include "emit.h"
#include "workbook.h"
#include "util/quote.h"
#include "util/thread.h"
#include "util/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed fields (the constructors are inline, emit.h) ------------------- */

void crisk__csv_raw(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

void crisk__csv_header(FILE *f, const crisk__field *row, size_t n)
{
    crisk_workbook *wb = crisk__workbook_of(f);
    if (wb != NULL) {
        crisk__workbook_header(wb, row, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            putc(',', f);
        crisk_csv_text(f, row[i].key);
    }
    putc('\n', f);
}

/* The ids joined with ';' as one cell (quoted and neutralised as a whole). */
static int csv_ids(FILE *f, const crisk_inventory *inv, const uint32_t *nodes, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(crisk_inventory_node_id(inv, nodes[i])) + 1;
    char *buf = malloc(len);
    if (buf == NULL)
        return CRISK_ENOMEM;
    char *p = buf;
    for (size_t i = 0; i < n; i++) {
        const char *id = crisk_inventory_node_id(inv, nodes[i]);
        size_t l = strlen(id);
        if (i > 0)
            *p++ = ';';
        memcpy(p, id, l);
        p += l;
    }
    *p = '\0';
    crisk_csv_text(f, buf);
    free(buf);
    return CRISK_OK;
}

int crisk__id_cells_init(crisk__id_cells *c, const crisk_inventory *inv)
{
    size_t n = crisk_inventory_node_count(inv);
    memset(c, 0, sizeof *c);
    c->inv = inv;
    c->len = malloc((n + 1) * sizeof *c->len);
    c->flags = malloc(n + 1);
    if (c->len == NULL || c->flags == NULL) {
        crisk__id_cells_release(c);
        return CRISK_ENOMEM;
    }
    for (size_t v = 0; v < n; v++) {
        const char *id = crisk_inventory_node_id(inv, v);
        c->len[v] = (uint32_t)strlen(id);
        /* crisk_csv_text's two reasons to quote a cell */
        c->flags[v] = (uint8_t)((strpbrk(id, ",\"\r\n") != NULL ? CRISK__ID_QUOTED : 0)
                                | (strchr("=+-@\t\r", id[0]) != NULL && id[0] != '\0'
                                       ? CRISK__ID_FORMULA : 0));
    }
    return CRISK_OK;
}

void crisk__id_cells_release(crisk__id_cells *c)
{
    free(c->len);
    free(c->flags);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

char *crisk__id_cells_reserve(crisk__id_cells *c, size_t size)
{
    if (size > c->cap && crisk__grow((void **)&c->buf, &c->cap, size > 4096 ? size : 4096, 1))
        return NULL;
    return c->buf;
}

/* csv_ids through measured ids: a cell that needs no quoting (no id holds
 * a quoting character, the first starts no formula) is copied as it is. */
static int csv_ids_measured(FILE *f, crisk__id_cells *c, const uint32_t *nodes, size_t n)
{
    if (n == 0)
        return CRISK_OK;
    size_t len = n - 1;
    int quoted = (c->flags[nodes[0]] & CRISK__ID_FORMULA) != 0;
    for (size_t i = 0; i < n; i++) {
        len += c->len[nodes[i]];
        quoted |= c->flags[nodes[i]] & CRISK__ID_QUOTED;
    }
    if (quoted)
        return csv_ids(f, c->inv, nodes, n);
    char *buf = crisk__id_cells_reserve(c, len);
    if (buf == NULL)
        return CRISK_ENOMEM;
    char *p = buf;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *p++ = ';';
        memcpy(p, crisk_inventory_node_id(c->inv, nodes[i]), c->len[nodes[i]]);
        p += c->len[nodes[i]];
    }
    fwrite(buf, 1, len, f);
    return CRISK_OK;
}

/* Rows are gathered in c->buf and written this many bytes at a time. */
#define ID_ROWS_FLUSH ((size_t)64 << 10)

int crisk__csv_id_pairs(FILE *f, crisk__id_cells *c, size_t first, const uint32_t *nodes,
                        size_t n)
{
    if (crisk__workbook_of(f) != NULL) {
        for (size_t i = 0; i < n; i++) {
            crisk__field row[2] = {
                /* a workbook's text cells do not use the key */
                crisk__f_text("", crisk_inventory_node_id(c->inv, first)),
                crisk__f_text("", crisk_inventory_node_id(c->inv, nodes[i])),
            };
            if (crisk__csv_row(f, row, 2) != CRISK_OK)
                return CRISK_ENOMEM;
        }
        return CRISK_OK;
    }
    return crisk__csv_id_rows(f, c, first, nodes, n, 1, "");
}

int crisk__csv_id_rows(FILE *f, crisk__id_cells *c, size_t first, const uint32_t *nodes,
                       size_t n, int width, const char *tail)
{
    const char *first_id = crisk_inventory_node_id(c->inv, first);
    size_t first_len = c->len[first], tail_len = strlen(tail), used = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *cells = nodes + (size_t)width * i;
        size_t row = first_len + tail_len + 1;
        int plain = !c->flags[first];
        for (int x = 0; x < width; x++) {
            row += 1 + c->len[cells[x]];
            plain &= !c->flags[cells[x]];
        }
        if (used > 0 && (used + row > ID_ROWS_FLUSH || !plain)) {
            fwrite(c->buf, 1, used, f);
            used = 0;
        }
        if (!plain) {
            /* quoted or neutralised: crisk_csv_text's own path */
            crisk_csv_text(f, first_id);
            for (int x = 0; x < width; x++) {
                putc(',', f);
                crisk_csv_text(f, crisk_inventory_node_id(c->inv, cells[x]));
            }
            fputs(tail, f);
            putc('\n', f);
            continue;
        }
        char *buf = crisk__id_cells_reserve(c, used + row);
        if (buf == NULL)
            return CRISK_ENOMEM;
        char *p = buf + used;
        memcpy(p, first_id, first_len);
        p += first_len;
        for (int x = 0; x < width; x++) {
            *p++ = ',';
            memcpy(p, crisk_inventory_node_id(c->inv, cells[x]), c->len[cells[x]]);
            p += c->len[cells[x]];
        }
        memcpy(p, tail, tail_len);
        p += tail_len;
        *p++ = '\n';
        used += row;
    }
    if (used > 0)
        fwrite(c->buf, 1, used, f);
    return CRISK_OK;
}

/* One cell (no separator). */
static int csv_cell(FILE *f, const crisk__field *c)
{
    switch (c->kind) {
    case CRISK__F_TEXT:
        if (c->text != NULL)
            crisk_csv_text(f, c->text);
        break;
    case CRISK__F_NUMBER:
        crisk_csv_number(f, c->number);
        break;
    case CRISK__F_BOOL:
        if (!isnan(c->number))
            fputs(c->number != 0 ? "true" : "false", f);
        break;
    case CRISK__F_IDS:
        if (c->cells != NULL)
            return csv_ids_measured(f, c->cells, c->nodes, c->n);
        return csv_ids(f, c->inv, c->nodes, c->n);
    }
    return CRISK_OK;
}

int crisk__csv_row(FILE *f, const crisk__field *row, size_t n)
{
    crisk_workbook *wb = crisk__workbook_of(f);
    if (wb != NULL)
        return crisk__workbook_row(wb, row, n);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            putc(',', f);
        if (csv_cell(f, &row[i]) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    putc('\n', f);
    return CRISK_OK;
}

/* ---- buffered rows ---------------------------------------------------------- */

/* Rows are written this many bytes at a time. */
#define CSV_ROWS_FLUSH ((size_t)64 << 10)

void crisk__csv_rows_init(crisk__csv_rows *w, FILE *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
}

static void csv_rows_flush(crisk__csv_rows *w)
{
    if (w->used > 0)
        fwrite(w->buf, 1, w->used, w->f);
    w->used = 0;
}

void crisk__csv_rows_finish(crisk__csv_rows *w)
{
    csv_rows_flush(w);
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
}

/* Room for `more` bytes after what is gathered; NULL when out of memory.
 * The first block is two flushes' worth (an empty cell makes it too). */
static char *csv_rows_room(crisk__csv_rows *w, size_t more)
{
    size_t need = w->used + more;
    if ((w->buf == NULL || need > w->cap)
        && crisk__grow((void **)&w->buf, &w->cap,
                       need > 2 * CSV_ROWS_FLUSH ? need : 2 * CSV_ROWS_FLUSH, 1))
        return NULL;
    return w->buf + w->used;
}

/* crisk_csv_text's bytes for `s`. */
static int csv_rows_text(crisk__csv_rows *w, const char *s)
{
    size_t plain;
    if (crisk__csv_plain(s, &plain)) {
        char *o = csv_rows_room(w, plain);
        if (o == NULL)
            return CRISK_ENOMEM;
        memcpy(o, s, plain);
        w->used += plain;
        return CRISK_OK;
    }
    size_t len = plain + strlen(s + plain);
    char *o = csv_rows_room(w, 2 * len + 3), *start = o;
    if (o == NULL)
        return CRISK_ENOMEM;
    *o++ = '"';
    if (crisk__csv_formula(s))
        *o++ = '\'';
    for (; *s; s++) {
        if (*s == '"')
            *o++ = '"';
        *o++ = *s;
    }
    *o++ = '"';
    w->used += (size_t)(o - start);
    return CRISK_OK;
}

/* crisk_format_number's bytes for `x` (column `col`, for the memo). */
static int csv_rows_number(crisk__csv_rows *w, size_t col, double x)
{
    if (isnan(x))
        return CRISK_OK;
    char *o = csv_rows_room(w, CRISK__NUMBER_MAX);
    if (o == NULL)
        return CRISK_ENOMEM;
    if (x == 0)
        x = 0;   /* no "-0" */
    if (x == floor(x) && fabs(x) < 1e15) {
        /* whole numbers cost no printf in crisk__number_text: written in place */
        w->used += strlen(crisk__number_text(o, x));
        return CRISK_OK;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (col < CRISK__CSV_ROWS_MEMO && w->memo_len[col] > 0 && w->memo_bits[col] == bits) {
        memcpy(o, w->memo_text[col], w->memo_len[col]);
        w->used += w->memo_len[col];
        return CRISK_OK;
    }
    char text[CRISK__NUMBER_MAX];
    size_t len = strlen(crisk__number_text(text, x));
    memcpy(o, text, len);
    w->used += len;
    if (col < CRISK__CSV_ROWS_MEMO) {
        w->memo_bits[col] = bits;
        w->memo_len[col] = (uint8_t)len;
        memcpy(w->memo_text[col], text, len);
    }
    return CRISK_OK;
}

int crisk__csv_rows_add(crisk__csv_rows *w, const crisk__field *row, size_t n)
{
    if (w->f != NULL && crisk__workbook_of(w->f) != NULL)
        return crisk__csv_row(w->f, row, n);
    int rc = CRISK_OK;
    for (size_t i = 0; rc == CRISK_OK && i < n; i++) {
        const crisk__field *c = &row[i];
        if (i > 0) {
            char *o = csv_rows_room(w, 1);
            if (o == NULL)
                return CRISK_ENOMEM;
            *o = ',';
            w->used++;
        }
        switch (c->kind) {
        case CRISK__F_TEXT:
            if (c->text != NULL)
                rc = csv_rows_text(w, c->text);
            break;
        case CRISK__F_NUMBER:
            rc = csv_rows_number(w, i, c->number);
            break;
        case CRISK__F_BOOL:
            if (!isnan(c->number)) {
                const char *b = c->number != 0 ? "true" : "false";
                size_t len = c->number != 0 ? 4 : 5;
                char *o = csv_rows_room(w, len);
                if (o == NULL)
                    return CRISK_ENOMEM;
                memcpy(o, b, len);
                w->used += len;
            }
            break;
        case CRISK__F_IDS:
            if (w->f == NULL)
                return CRISK_EINTERNAL;   /* not for crisk__csv_rows_parallel */
            csv_rows_flush(w);   /* rows stay in order */
            rc = csv_cell(w->f, c);
            break;
        }
    }
    char *o = rc == CRISK_OK ? csv_rows_room(w, 1) : NULL;
    if (o == NULL)
        return rc != CRISK_OK ? rc : CRISK_ENOMEM;
    *o = '\n';
    w->used++;
    if (w->used >= CSV_ROWS_FLUSH && w->f != NULL)
        csv_rows_flush(w);
    return CRISK_OK;
}

/* Rows are formatted this many at a time by one thread. */
#define ROWS_CHUNK ((size_t)4096)

typedef struct rows_plan {
    FILE *f;
    size_t count, n_fields;
    crisk__row_fn fn;
    void *ctx;
    atomic_size_t next;        /* the next chunk to take */
    pthread_mutex_t lock;
    pthread_cond_t turn;
    size_t written;            /* chunks written (under lock) */
    int rc;                    /* the first failure (under lock) */
} rows_plan;

typedef struct rows_worker {
    rows_plan *plan;
} rows_worker;

/* Rows lo .. hi-1, made by fn into `row` (NULL: out of memory), into out. */
static int rows_format(crisk__csv_rows *out, crisk__field *row, size_t lo, size_t hi,
                       size_t n_fields, crisk__row_fn fn, void *ctx)
{
    int rc = row == NULL ? CRISK_ENOMEM : CRISK_OK;
    for (size_t i = lo; i < hi && rc == CRISK_OK; i++) {
        fn(ctx, i, row);
        rc = crisk__csv_rows_add(out, row, n_fields);
    }
    return rc;
}

/* Take chunks from the shared counter, format each into this worker's
 * block, and write it when every earlier chunk is written.  A chunk is
 * only waited for once another worker has taken it (crisk__run_workers). */
static void *rows_main(void *arg)
{
    rows_plan *p = ((rows_worker *)arg)->plan;
    crisk__csv_rows out;
    crisk__csv_rows_init(&out, NULL);
    crisk__field stack[32], *row = p->n_fields <= 32 ? stack : malloc(p->n_fields * sizeof *row);
    for (;;) {
        size_t c = atomic_fetch_add(&p->next, 1), lo = c * ROWS_CHUNK;
        if (lo >= p->count)
            break;
        size_t hi = p->count - lo < ROWS_CHUNK ? p->count : lo + ROWS_CHUNK;
        int rc = rows_format(&out, row, lo, hi, p->n_fields, p->fn, p->ctx);
        pthread_mutex_lock(&p->lock);
        while (p->written != c && p->rc == CRISK_OK)
            pthread_cond_wait(&p->turn, &p->lock);
        if (p->rc == CRISK_OK)
            p->rc = rc;
        if (p->rc == CRISK_OK && out.used > 0)
            fwrite(out.buf, 1, out.used, p->f);
        out.used = 0;
        p->written = c + 1;
        int stop = p->rc != CRISK_OK;
        pthread_cond_broadcast(&p->turn);
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
    }
    if (row != stack)
        free(row);
    free(out.buf);
    return NULL;
}

int crisk__csv_rows_parallel(FILE *f, size_t count, size_t n_fields, crisk__row_fn fn, void *ctx,
                             size_t threads)
{
    size_t chunks = (count + ROWS_CHUNK - 1) / ROWS_CHUNK;
    if (threads > chunks)
        threads = chunks;
    if (threads < 2 || crisk__workbook_of(f) != NULL) {
        crisk__csv_rows out;
        crisk__csv_rows_init(&out, f);
        crisk__field stack[32], *row = n_fields <= 32 ? stack : malloc(n_fields * sizeof *row);
        int rc = rows_format(&out, row, 0, count, n_fields, fn, ctx);
        crisk__csv_rows_finish(&out);
        if (row != stack)
            free(row);
        return rc;
    }
    rows_plan plan = { .f = f, .count = count, .n_fields = n_fields, .fn = fn, .ctx = ctx,
                       .written = 0, .rc = CRISK_OK };
    atomic_init(&plan.next, 0);
    if (pthread_mutex_init(&plan.lock, NULL) != 0)
        return CRISK_ENOMEM;
    if (pthread_cond_init(&plan.turn, NULL) != 0) {
        pthread_mutex_destroy(&plan.lock);
        return CRISK_ENOMEM;
    }
    rows_worker workers[8];
    if (threads > sizeof workers / sizeof *workers)
        threads = sizeof workers / sizeof *workers;
    for (size_t i = 0; i < threads; i++)
        workers[i].plan = &plan;
    fflush(f);   /* what is in the stream goes first */
    crisk__run_workers(rows_main, workers, sizeof *workers, threads);
    pthread_cond_destroy(&plan.turn);
    pthread_mutex_destroy(&plan.lock);
    return plan.rc;
}

/* The field of `row` whose key is `column`, or NULL. */
static const crisk__field *field_of(const crisk__field *row, size_t n, const char *column)
{
    for (size_t i = 0; i < n; i++)
        /* the first byte first: a wide table's rows name few of its columns */
        if (row[i].key[0] == column[0] && strcmp(row[i].key, column) == 0)
            return &row[i];
    return NULL;
}

/* A workbook's row of a wide table: every column, empty where the row has
 * no field for it. */
static int workbook_columns(crisk_workbook *wb, const char *const *columns, size_t n_columns,
                            const crisk__field *row, size_t n)
{
    crisk__field stack[32] = { { 0 } }, *full = stack;
    if (n_columns > 32 && (full = malloc(n_columns * sizeof *full)) == NULL)
        return CRISK_ENOMEM;
    for (size_t c = 0; c < n_columns; c++) {
        const crisk__field *x = field_of(row, n, columns[c]);
        full[c] = x != NULL ? *x : crisk__f_text(columns[c], NULL);
    }
    int rc = crisk__workbook_row(wb, full, n_columns);
    if (full != stack)
        free(full);
    return rc;
}

int crisk__csv_row_columns(FILE *f, const char *const *columns, size_t n_columns,
                           const crisk__field *row, size_t n)
{
    crisk_workbook *wb = crisk__workbook_of(f);
    if (wb != NULL)
        return workbook_columns(wb, columns, n_columns, row, n);
    for (size_t c = 0; c < n_columns; c++) {
        if (c > 0)
            putc(',', f);
        const crisk__field *x = field_of(row, n, columns[c]);
        if (x != NULL && csv_cell(f, x) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    putc('\n', f);
    return CRISK_OK;
}

void crisk__json_ids(FILE *f, const crisk_inventory *inv, const uint32_t *nodes, size_t n)
{
    putc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputs(", ", f);
        crisk_json_string(f, crisk_inventory_node_id(inv, nodes[i]));
    }
    putc(']', f);
}

void crisk__json_fields(FILE *f, const crisk__field *row, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const crisk__field *c = &row[i];
        if (i > 0)
            fputs(", ", f);
        crisk_json_string(f, c->key);
        fputs(": ", f);
        switch (c->kind) {
        case CRISK__F_TEXT:
            if (c->text != NULL)
                crisk_json_string(f, c->text);
            else
                fputs("null", f);
            break;
        case CRISK__F_NUMBER:
            crisk_json_number(f, c->number);
            break;
        case CRISK__F_BOOL:
            fputs(isnan(c->number) ? "null" : c->number != 0 ? "true" : "false", f);
            break;
        case CRISK__F_IDS:
            crisk__json_ids(f, c->inv, c->nodes, c->n);
            break;
        }
    }
}

void crisk__json_object(FILE *f, const crisk__field *row, size_t n)
{
    putc('{', f);
    crisk__json_fields(f, row, n);
    putc('}', f);
}

/* ---- terminal-safe text -------------------------------------------------------- */

/* Characters that would let input text take over a terminal: C0/C1 controls
 * and DEL (escape sequences) and the bidi controls that reorder what is
 * shown (CVE-2021-42574, "trojan source"): the set messages escape
 * (util/quote.h), replaced here by '?'. */
static int is_unsafe(uint32_t cp)
{
    return crisk__is_terminal_unsafe(cp);
}

/* Code points of `s` once made safe (each invalid byte counts as one). */
static size_t safe_length(const unsigned char *s)
{
    size_t count = 0;
    while (*s) {
        uint32_t cp;
        size_t n = crisk__utf8_decode(s, &cp);
        s += n ? n : 1;
        count++;
    }
    return count;
}

/* Write `s` made safe into buf (which holds 4 * strlen(s) + 4 bytes): at most
 * `max` code points, the last an ellipsis when cut. */
static size_t safe_copy(char *buf, const unsigned char *s, size_t max)
{
    size_t cut = max > 0 && safe_length(s) > max ? max - 1 : SIZE_MAX;
    size_t len = 0, count = 0;
    while (*s && count < cut) {
        uint32_t cp;
        size_t n = crisk__utf8_decode(s, &cp);
        if (n == 0 || is_unsafe(cp)) {
            buf[len++] = '?';
            s += n ? n : 1;
        } else {
            memcpy(buf + len, s, n);
            len += n;
            s += n;
        }
        count++;
    }
    if (cut != SIZE_MAX) {
        memcpy(buf + len, "\xE2\x80\xA6", 3);   /* U+2026 HORIZONTAL ELLIPSIS */
        len += 3;
    }
    buf[len] = '\0';
    return len;
}

const char *crisk__terminal_text(crisk__pool *pool, const char *s, size_t max)
{
    size_t size = strlen(s) + 4;
    char small[256];
    char *buf = size <= sizeof small ? small : malloc(size);
    if (buf == NULL)
        return NULL;
    size_t len = safe_copy(buf, (const unsigned char *)s, max);
    const char *out = crisk__pool_copy(pool, buf, len);
    if (buf != small)
        free(buf);
    return out;
}

int crisk__print_safe(FILE *f, const char *s, size_t max)
{
    size_t size = strlen(s) + 4;
    char small[256];
    char *buf = size <= sizeof small ? small : malloc(size);
    if (buf == NULL)
        return CRISK_ENOMEM;
    safe_copy(buf, (const unsigned char *)s, max);
    fputs(buf, f);
    if (buf != small)
        free(buf);
    return CRISK_OK;
}

/* Integers below 2^53 are exact doubles: all their digits mean something. */
#define EXACT_INTEGERS 9007199254740992.0

char *crisk__amount(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else if (x == floor(x) && fabs(x) < EXACT_INTEGERS)
        snprintf(buf, size, "%.0f", x == 0 ? 0.0 : x);
    else if (!(fabs(x) < 1e15))
        /* "%.2f" would print digits no double holds (1e23 as
         * 99999999999999991611392) and, past 1e61, more than a table's
         * buffer: the shortest form that reads back exactly instead. */
        crisk_format_number(buf, size, x);
    else {
        snprintf(buf, size, "%.2f", x);
        char *dot = strchr(buf, '.');
        if (dot != NULL) {
            char *end = buf + strlen(buf) - 1;
            while (end > dot && *end == '0')
                *end-- = '\0';
            if (end == dot)
                *end = '\0';
        }
        if (strcmp(buf, "-0") == 0)
            snprintf(buf, size, "0");
    }
    return buf;
}

char *crisk__duration_text(char *buf, size_t size, const crisk_duration *d)
{
    char lo[48], hi[48];
    crisk__amount(lo, sizeof lo, d->lo);
    crisk__amount(hi, sizeof hi, d->hi);
    if (crisk_duration_is_exact(d))
        snprintf(buf, size, "%s", lo);
    else if (d->lo == 0 && isinf(d->hi))
        snprintf(buf, size, "unknown");
    else if (isinf(d->hi))
        snprintf(buf, size, "%s+", lo);
    else if (d->lo == 0)
        snprintf(buf, size, "up to %s", hi);
    else
        snprintf(buf, size, "%s to %s", lo, hi);
    return buf;
}

/* ---- tables -------------------------------------------------------------------- */

void crisk__table_init(crisk__table *t, size_t cols, const char *const *head, const char *align)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->head = head;
    t->align = align;
    crisk__pool_init(&t->pool);
}

void crisk__table_release(crisk__table *t)
{
    free(t->cells);
    crisk__pool_release(&t->pool);
    memset(t, 0, sizeof *t);
}

/* Append an already safe cell (NULL after a failed copy).  Out of memory is
 * remembered and reported by crisk__table_print. */
static void push_cell(crisk__table *t, const char *cell)
{
    if (crisk__grow((void **)&t->cells, &t->cap, t->n_cells + 1, sizeof *t->cells) != 0) {
        t->nomem = 1;
        return;
    }
    if (cell == NULL) {
        t->nomem = 1;
        cell = "";
    }
    t->cells[t->n_cells++] = cell;
}

void crisk__table_text(crisk__table *t, const char *s, size_t max)
{
    push_cell(t, crisk__terminal_text(&t->pool, s != NULL ? s : "-", max));
}

void crisk__table_printf(crisk__table *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    crisk__table_text(t, buf, 0);
}

void crisk__table_amount(crisk__table *t, double x)
{
    char buf[64];
    crisk__table_text(t, crisk__amount(buf, sizeof buf, x), 0);
}

void crisk__table_percent(crisk__table *t, double share)
{
    if (isnan(share))
        crisk__table_text(t, "-", 0);
    else
        crisk__table_printf(t, "%.1f%%", 100.0 * share);
}

void crisk__table_ids(crisk__table *t, const crisk_inventory *inv, const uint32_t *nodes, size_t n,
                      size_t max)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(crisk_inventory_node_id(inv, nodes[i])) + 2;
    char *buf = malloc(len);
    if (buf == NULL) {
        push_cell(t, NULL);
        return;
    }
    char *p = buf;
    for (size_t i = 0; i < n; i++) {
        const char *id = crisk_inventory_node_id(inv, nodes[i]);
        size_t l = strlen(id);
        if (i > 0) {
            memcpy(p, ", ", 2);
            p += 2;
        }
        memcpy(p, id, l);
        p += l;
    }
    *p = '\0';
    crisk__table_text(t, n > 0 ? buf : "-", max);
    free(buf);
}

size_t crisk__table_rows(const crisk__table *t)
{
    return t->cols ? t->n_cells / t->cols : 0;
}

static void print_cell(FILE *f, const char *s, size_t width, char align, int last)
{
    size_t pad = width - safe_length((const unsigned char *)s);
    if (align == 'r')
        fprintf(f, "%*s", (int)pad, "");
    fputs(s, f);
    if (align != 'r' && !last)
        fprintf(f, "%*s", (int)pad, "");
}

int crisk__table_print(FILE *f, const crisk__table *t, const char *indent)
{
    if (t->nomem)
        return CRISK_ENOMEM;
    size_t *width = calloc(t->cols ? t->cols : 1, sizeof *width);
    if (width == NULL)
        return CRISK_ENOMEM;
    for (size_t c = 0; c < t->cols; c++)
        width[c] = safe_length((const unsigned char *)t->head[c]);
    for (size_t i = 0; i < t->n_cells; i++) {
        size_t w = safe_length((const unsigned char *)t->cells[i]);
        if (w > width[i % t->cols])
            width[i % t->cols] = w;
    }
    size_t rows = crisk__table_rows(t);
    for (size_t r = 0; r <= rows; r++) {
        fputs(indent, f);
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * t->cols + c];
            if (c > 0)
                fputs("  ", f);
            print_cell(f, s, width[c], t->align[c], c + 1 == t->cols);
        }
        putc('\n', f);
    }
    free(width);
    return CRISK_OK;
}

/* ---- misc ----------------------------------------------------------------------- */

typedef struct id_key {
    const char *id;
    uint32_t node;
} id_key;

static int compare_id_key(const void *pa, const void *pb)
{
    const id_key *a = pa, *b = pb;
    return strcmp(a->id, b->id);
}

int crisk__sort_by_id(const crisk_inventory *inv, uint32_t *nodes, size_t n)
{
    id_key *keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return CRISK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        keys[i] = (id_key){ crisk_inventory_node_id(inv, nodes[i]), nodes[i] };
    crisk__sort(keys, n, sizeof *keys, compare_id_key);
    for (size_t i = 0; i < n; i++)
        nodes[i] = keys[i].node;
    free(keys);
    return CRISK_OK;
}

int crisk__emit_status(FILE *f, crisk_error *err)
{
    if (ferror(f))
        return crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    return CRISK_OK;
}

/* ---- cause trees ------------------------------------------------------------- */

/* Deeper cascades keep this indentation and show their level instead. */
#define MAX_INDENT_LEVELS 24

void crisk__cause_indent(FILE *f, size_t depth)
{
    size_t indent = depth < MAX_INDENT_LEVELS ? depth : MAX_INDENT_LEVELS;
    fprintf(f, "%*s", (int)(2 * indent), "");
    if (depth > MAX_INDENT_LEVELS)
        fprintf(f, "[level %zu] ", depth);
}

/* Parent of node i: its last-failed cause member, or n for a root. */
static size_t tree_parent(size_t n, const size_t *cause_start, const uint32_t *cause_pos, size_t i)
{
    size_t parent = n;
    for (size_t k = cause_start[i]; k < cause_start[i + 1]; k++) {
        size_t p = cause_pos[k];
        if (p < i && (parent == n || p > parent))
            parent = p;
    }
    return parent;
}

int crisk__cause_tree_walk(size_t n, const size_t *cause_start, const uint32_t *cause_pos,
                           int (*line)(void *ctx, size_t i, size_t depth), void *ctx)
{
    size_t *parent = malloc((n + 1) * sizeof *parent);
    size_t *start = calloc(n + 3, sizeof *start);    /* children of p: child[start[p]..start[p+1]) */
    uint32_t *child = malloc((n + 1) * sizeof *child);
    size_t *fill = calloc(n + 2, sizeof *fill);
    size_t *stack = malloc((2 * n + 2) * sizeof *stack);   /* (position, depth) */
    int rc = parent && start && child && fill && stack ? CRISK_OK : CRISK_ENOMEM;
    for (size_t i = 0; rc == CRISK_OK && i < n; i++) {
        parent[i] = tree_parent(n, cause_start, cause_pos, i);
        start[parent[i] + 1]++;
    }
    for (size_t p = 0; rc == CRISK_OK && p <= n; p++)
        start[p + 1] += start[p];
    for (size_t i = 0; rc == CRISK_OK && i < n; i++)   /* in order: children stay ordered */
        child[start[parent[i]] + fill[parent[i]]++] = (uint32_t)i;
    /* depth first, iteratively: a cascade can be as deep as the graph is long */
    size_t top = 0;
    for (size_t k = rc == CRISK_OK ? start[n + 1] : 0; rc == CRISK_OK && k > start[n]; k--) {
        stack[top++] = child[k - 1];
        stack[top++] = 0;
    }
    while (rc == CRISK_OK && top > 0) {
        size_t depth = stack[--top], i = stack[--top];
        rc = line(ctx, i, depth);
        for (size_t k = start[i + 1]; rc == CRISK_OK && k > start[i]; k--) {
            stack[top++] = child[k - 1];
            stack[top++] = depth + 1;
        }
    }
    free(parent);
    free(start);
    free(child);
    free(fill);
    free(stack);
    return rc;
}
