/*
 * csv_reader.c - a streaming CSV record reader over libcsv (see csv_reader.h).
 *
 * libcsv does the RFC 4180 state machine; this file adds what libcsv lacks
 * (DEPENDENCIES.md): positions, field counting, byte checks and limits.
 *
 * Positions.  libcsv keeps no line numbers and calls back at the *end* of a
 * field, so lines are counted from what the callbacks see: with
 * CSV_REPALL_NL the row callback fires for every unquoted line end (blank
 * lines included), and a line break anywhere else is inside a quoted field's
 * content.  A field therefore starts on the line count current when it ends,
 * before its own line breaks are added.  '\n' counts, so CRLF and LF files
 * number alike and a lone CR ends a row without starting a line.
 *
 * Speed.  The input goes to libcsv in 64 KiB pieces.  A piece that is all
 * "plain" bytes (ASCII, no NUL, no quote) can hold no line break inside a
 * field and nothing to validate, so its fields are copied without a look;
 * other fields are scanned once for UTF-8, NUL and line breaks.  Hashing,
 * when asked, runs on a second thread (see the hasher).
 *
 * Bounded memory.  libcsv grows its field buffer without limit.  After each
 * piece, a field past CRISK_MAX_FIELD_BYTES is marked too long and the
 * parser's `entry_pos` rewound (content dropped, parsing state kept), so the
 * buffer never exceeds the limit plus one piece.  This writes libcsv's
 * public struct; it was checked against libcsv 3.0.3, whose SUBMIT_FIELD
 * subtracts `spaces` (and one more byte after a closing quote), which is
 * why those are reset together.
 *
 * Rejected: reading the whole file (up to 4 GiB); feeding libcsv one line
 * at a time to know positions (a call and a memchr per line, 15% slower);
 * a hand-written CSV parser (libcsv is the project's chosen dependency).
 */
#include "csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BYTES   (1u << 20)    /* read() size */
#define SEGMENT_BYTES (1u << 16)    /* most bytes fed to libcsv between checks */
#define MAX_STORED    (CRISK_MAX_COLUMNS + 1u)   /* fields kept per record */

/* ---- reporting ------------------------------------------------------------ */

int crisk__csv_report_add(crisk__csv_report *rep, crisk_severity sev, int code, size_t line,
                          size_t column, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == CRISK_SEV_ERROR && rep->status == CRISK_OK)
        rep->status = code;
    return crisk_diagnostics_add(rep->diags, sev, rep->path, line, column, "%s", msg);
}

/* Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and
 * for stray continuation bytes: quoting must never overrun). */
static size_t utf8_seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

const char *crisk__csv_quote(char buf[CRISK__CSV_QUOTE_MAX], const char *s)
{
    static const size_t shown = 80;
    size_t o = 0;
    for (size_t i = 0; s[i] != '\0';) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_seq_len(c);
        if (o + 7 > shown) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(buf + o, 6, c == '\n' ? "\\n" : c == '\t' ? "\\t"
                                  : c == '\r' ? "\\r" : "\\x%02x", c);
            i++;
            continue;
        }
        if (c == 0xC2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F) {
            /* C1 controls: U+009B is a terminal's CSI. */
            o += (size_t)snprintf(buf + o, 7, "\\u%04x", (unsigned char)s[i + 1]);
            i += 2;
            continue;
        }
        for (size_t k = 0; k < n && s[i] != '\0'; k++)
            buf[o++] = s[i++];
    }
    buf[o] = '\0';
    return buf;
}

/* ---- byte checks ---------------------------------------------------------- */

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero if some byte of `w` equals `b` (exact, no false positives). */
static uint64_t has_byte(uint64_t w, unsigned char b)
{
    uint64_t x = w ^ (ONES * b);
    return (x - ONES) & ~x & HIGHS;
}

/* Plain bytes need no per-field check: ASCII, no NUL, and no quote (so no
 * quoted field, so no line break inside a field). */
static int is_plain(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w & HIGHS) | has_byte(w, 0) | has_byte(w, '"'))
            return 0;
    }
    for (; i < len; i++)
        if (s[i] >= 0x80 || s[i] == 0 || s[i] == '"')
            return 0;
    return 1;
}

static size_t count_newlines(const char *s, size_t len)
{
    size_t n = 0;
    const char *end = s + len, *p = s;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* Validate one multi-byte sequence at s[i]; returns its length or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t i, size_t len)
{
    unsigned char c = s[i];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;   /* allowed range of the 2nd byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;         /* overlong */
        if (c == 0xED) hi = 0x9F;         /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;         /* overlong */
        if (c == 0xF4) hi = 0x8F;         /* > U+10FFFF */
    } else
        return 0;
    if (i + n > len || s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* The offset of the first byte of s[0..len) that is NUL or not valid UTF-8
 * (`*is_nul` tells which), or `len`; counts the line breaks before it. */
static size_t scan_field(const unsigned char *s, size_t len, int *is_nul, size_t *newlines)
{
    size_t i = 0;
    *is_nul = 0;
    while (i < len) {
        /* Nearly every byte of a real inventory is plain ASCII: 8 at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & HIGHS) | has_byte(w, 0) | has_byte(w, '\n'))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] == 0) {
            *is_nul = 1;
            return i;
        }
        if (s[i] < 0x80) {
            *newlines += s[i] == '\n';
            i++;
            continue;
        }
        size_t n = utf8_sequence(s, i, len);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

size_t crisk__utf8_check(const unsigned char *s, size_t len, int *is_nul)
{
    size_t newlines = 0;
    return scan_field(s, len, is_nul, &newlines);
}

/* ---- hashing beside parsing ------------------------------------------------- */

/* SHA-256 (libmd, ~320 MB/s) would cost as much as parsing, so a second
 * thread hashes chunk k while the reader parses it.  One job at a time:
 * hasher_add() waits until the previous chunk is hashed, so with two read
 * buffers the one being refilled is never the one being hashed.  If the
 * thread cannot start, hashing is done inline. */
typedef struct hasher {
    SHA2_CTX ctx;
    int threaded;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const uint8_t *job;
    size_t job_len;
    int busy, quit;
} hasher;

static void *hasher_main(void *arg)
{
    hasher *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (!h->busy && !h->quit)
            pthread_cond_wait(&h->cv, &h->mu);
        if (!h->busy)
            break;   /* quit, nothing left */
        const uint8_t *job = h->job;
        size_t len = h->job_len;
        pthread_mutex_unlock(&h->mu);
        SHA256Update(&h->ctx, job, len);
        pthread_mutex_lock(&h->mu);
        h->busy = 0;
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

static void hasher_start(hasher *h)
{
    memset(h, 0, sizeof *h);
    SHA256Init(&h->ctx);
    if (pthread_mutex_init(&h->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&h->cv, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        return;
    }
    h->threaded = pthread_create(&h->thread, NULL, hasher_main, h) == 0;
    if (!h->threaded) {
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
    }
}

static void hasher_add(hasher *h, const void *data, size_t len)
{
    if (!h->threaded) {
        SHA256Update(&h->ctx, data, len);
        return;
    }
    pthread_mutex_lock(&h->mu);
    while (h->busy)
        pthread_cond_wait(&h->cv, &h->mu);
    h->job = data;
    h->job_len = len;
    h->busy = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* Wait for the last chunk, stop the thread; `out` gets the digest if not NULL. */
static void hasher_stop(hasher *h, char out[65])
{
    if (h->threaded) {
        pthread_mutex_lock(&h->mu);
        h->quit = 1;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->thread, NULL);
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        h->threaded = 0;
    }
    if (out != NULL)
        SHA256End(&h->ctx, out);
}

/* ---- the reader ----------------------------------------------------------- */

typedef struct slot {
    size_t off, len, line;       /* into `text` */
} slot;

typedef struct reader {
    crisk__csv_report *rep;
    crisk__csv_record_fn fn;
    void *ctx;
    struct csv_parser parser;
    int stop;                    /* non-zero: a fatal code, stop reading */

    /* Positions: `line` is where the parser is as far as the callbacks
     * have told: each row end at '\n' and each line break inside a field
     * advance it, so a field starts on the `line` current when it ends. */
    size_t line;
    size_t dropped_newlines;     /* in content dropped from a too-long field */
    int field_too_long;          /* current field passed the limit */
    int skip_to_eol;             /* after a stray quote: drop the rest of the line */
    int piece_dirty;             /* the bytes being parsed are not all plain */
    int dirty_pending;           /* the current field may hold non-plain bytes */

    /* the record being assembled */
    size_t count;                /* fields seen */
    size_t rec_line;
    int rec_bad;                 /* a problem was reported: do not deliver */
    int rec_nonempty;            /* some field had content */
    int rec_aborted;             /* cut short by a syntax error: count unknown */
    slot *slots;                 /* MAX_STORED */
    crisk__csv_field *fields;    /* MAX_STORED */
    char *text;
    size_t text_len, text_cap;

    int header_seen;
    size_t expected;             /* the header's field count; 0 = unknown */
    size_t data_rows;            /* delivered or rejected, excluding the header */
    int header_ok;
    uint64_t content_bytes;      /* bytes after the BOM */
} reader;

static void fail(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Report a problem of the current record (or file) and mark the record bad. */
static void fail(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->rec_bad = 1;
    if (crisk__csv_report_add(r->rep, CRISK_SEV_ERROR, code, line, column, "%s", msg) != CRISK_OK)
        r->stop = CRISK_ENOMEM;
}

static void reset_record(reader *r)
{
    r->count = 0;
    r->rec_bad = 0;
    r->rec_nonempty = 0;
    r->rec_aborted = 0;
    r->text_len = 0;
}

static int store_field(reader *r, const char *s, size_t len, size_t line)
{
    size_t need = r->text_len + len + 1;
    if (need > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *text = realloc(r->text, cap);
        if (text == NULL)
            return CRISK_ENOMEM;
        r->text = text;
        r->text_cap = cap;
    }
    slot *sl = &r->slots[r->count - 1];
    sl->off = r->text_len;
    sl->len = len;
    sl->line = line;
    memcpy(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    r->text_len = need;
    return CRISK_OK;
}

static int has_bom(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if (s[i] == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
            return 1;
    return 0;
}

/* Check a field that may hold non-plain bytes, and count its line breaks. */
static void check_field(reader *r, const unsigned char *s, size_t len, size_t line,
                        size_t column)
{
    int is_nul;
    size_t newlines = 0;
    size_t at = scan_field(s, len, &is_nul, &newlines);
    if (at != len) {
        newlines += count_newlines((const char *)s + at, len - at);
        if (is_nul)
            fail(r, CRISK_EINVALID, line, column, "field contains a NUL byte (at offset %zu)", at);
        else
            fail(r, CRISK_EINVALID, line, column,
                 "invalid UTF-8 in field (byte 0x%02x at offset %zu)", s[at], at);
    } else if (has_bom(s, len)) {
        /* U+FEFF is valid UTF-8 but invisible: an id holding it looks like
         * another id.  It usually means two exported files were joined. */
        fail(r, CRISK_EINVALID, line, column, "byte order mark inside the file (files joined together?)");
    }
    r->line += newlines;
}

/* libcsv field callback: a field ended; it started on `r->line`. */
static void on_field(void *data, size_t len, void *ctx)
{
    reader *r = ctx;
    if (r->stop)
        return;
    size_t column = ++r->count, line = r->line;
    if (column == 1)
        r->rec_line = line;
    if (r->field_too_long || len > CRISK_MAX_FIELD_BYTES) {
        r->line += r->dropped_newlines + count_newlines(data, len);
        r->dropped_newlines = 0;
        r->field_too_long = 0;
        r->rec_nonempty = 1;
        fail(r, CRISK_ELIMIT, line, column, "field is longer than %u bytes",
             CRISK_MAX_FIELD_BYTES);
    } else {
        r->rec_nonempty |= len > 0;
        if (r->dirty_pending)
            check_field(r, data, len, line, column);
        if (!r->rec_bad && column <= MAX_STORED && store_field(r, data, len, line) != CRISK_OK)
            r->stop = CRISK_ENOMEM;
    }
    /* The next field starts in the bytes being parsed now. */
    r->dirty_pending = r->piece_dirty;
}

static void deliver(reader *r)
{
    crisk__csv_record rec;
    for (size_t i = 0; i < r->count; i++) {
        r->fields[i].text = r->text + r->slots[i].off;
        r->fields[i].len = r->slots[i].len;
        r->fields[i].line = r->slots[i].line;
    }
    rec.number = r->header_seen ? r->data_rows : 0;
    rec.line = r->rec_line;
    rec.count = r->count;
    rec.fields = r->fields;
    int rc = r->fn(r->ctx, &rec);
    if (rc != CRISK_OK)
        r->stop = rc;
}

static void end_header(reader *r)
{
    r->expected = r->count;
    if (r->count > CRISK_MAX_COLUMNS) {
        r->expected = 0;   /* every row would be "ragged": one error is enough */
        fail(r, CRISK_ELIMIT, r->rec_line, 0, "too many columns (%zu, limit %u)", r->count,
             CRISK_MAX_COLUMNS);
    }
    if (!r->rec_bad) {
        r->header_ok = 1;
        deliver(r);
    }
    r->header_seen = 1;
}

/* libcsv row callback (and the end of an aborted row). */
static void end_record(reader *r)
{
    if (r->stop)
        return;
    if (!r->rec_nonempty && !r->rec_bad) {
        reset_record(r);   /* ",,,," is a blank line */
        return;
    }
    if (!r->header_seen) {
        end_header(r);
    } else {
        r->data_rows++;
        if (r->expected != 0 && r->count != r->expected && !r->rec_aborted)
            fail(r, CRISK_EINVALID, r->rec_line, 0, "expected %zu fields, found %zu",
                 r->expected, r->count);
        else if (r->count > MAX_STORED)
            r->rec_bad = 1;   /* no usable header: already reported */
        if (!r->rec_bad)
            deliver(r);
    }
    reset_record(r);
}

/* With CSV_REPALL_NL libcsv calls this for every unquoted CR and LF, also
 * on blank lines (as empty rows): so counting '\n' here counts lines. */
static void on_row(int c, void *ctx)
{
    reader *r = ctx;
    end_record(r);
    if (c == '\n')
        r->line++;
}

/* libcsv's defaults otherwise (CR and LF end rows, space and tab around
 * unquoted fields are trimmed); STRICT turns stray quotes into errors,
 * STRICT_FINI an unterminated quote at the end of the input. */
static int parser_start(reader *r)
{
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
        return CRISK_ENOMEM;
    csv_set_blk_size(&r->parser, 1024);
    return CRISK_OK;
}

/* Lines of the open field's content held by the parser (and dropped). */
static size_t open_field_newlines(reader *r)
{
    size_t n = r->dropped_newlines;
    if (r->parser.entry_buf != NULL)
        n += count_newlines((const char *)r->parser.entry_buf, r->parser.entry_pos);
    r->dropped_newlines = 0;
    return n;
}

/* Report a row cut short at the open field, and drop it. */
static void abort_record(reader *r, const char *message)
{
    size_t column = r->count + 1, line = r->line;
    if (r->count == 0)
        r->rec_line = line;
    fail(r, CRISK_EINVALID, line, column, "%s", message);
    r->line += open_field_newlines(r);
    r->rec_nonempty = 1;
    r->rec_aborted = 1;
    r->count = column;
    int in_header = !r->header_seen;
    end_record(r);
    if (in_header)
        r->expected = 0;   /* the header's width is unknown */
    r->field_too_long = 0;
}

/* A stray quote: report it, drop the record, resynchronise at the next line. */
static void stray_quote(reader *r)
{
    abort_record(r, r->parser.quoted
                 ? "unexpected text after the closing quote of a quoted field"
                 : "stray quote in unquoted field (quote the whole field and double the quote)");
    csv_free(&r->parser);
    if (parser_start(r) != CRISK_OK)
        r->stop = CRISK_ENOMEM;
    r->dirty_pending = r->piece_dirty;
    r->skip_to_eol = 1;
}

/* Keep libcsv's buffer bounded: past the limit, forget the field's content
 * but keep parsing it (see the file comment).  A quoted field keeps its last
 * byte: after a closing quote libcsv subtracts it. */
static void bound_field(reader *r)
{
    struct csv_parser *p = &r->parser;
    if (p->entry_pos <= CRISK_MAX_FIELD_BYTES)
        return;
    size_t keep = p->quoted ? 1 : 0;
    r->dropped_newlines += count_newlines((const char *)p->entry_buf, p->entry_pos - keep);
    if (keep)
        p->entry_buf[0] = p->entry_buf[p->entry_pos - 1];
    p->entry_pos = keep;
    p->spaces = 0;
    r->field_too_long = 1;
}

/* Drop bytes up to the end of the line; returns how many were used. */
static size_t skip_line(reader *r, const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    if (nl == NULL)
        return len;
    r->skip_to_eol = 0;
    r->line++;
    return (size_t)(nl - data) + 1;
}

/* Feed bytes to libcsv in pieces of at most 64 KiB. */
static void feed(reader *r, const char *data, size_t len)
{
    while (len > 0 && !r->stop) {
        size_t n = len < SEGMENT_BYTES ? len : SEGMENT_BYTES;
        if (r->skip_to_eol) {
            n = skip_line(r, data, n);
        } else {
            r->piece_dirty = !is_plain((const unsigned char *)data, n);
            r->dirty_pending |= r->piece_dirty;
            size_t used = csv_parse(&r->parser, data, n, on_field, on_row, r);
            if (used < n && !r->stop) {
                if (csv_error(&r->parser) != CSV_EPARSE) {
                    r->stop = CRISK_ENOMEM;
                    return;
                }
                stray_quote(r);
                n = used;   /* the rest of the line is skipped from the bad byte on */
            }
            bound_field(r);
        }
        data += n;
        len -= n;
    }
}

/* End of input: the last row may lack its line end, or its closing quote. */
static void finish(reader *r)
{
    if (r->stop)
        return;
    if (csv_fini(&r->parser, on_field, on_row, r) != 0)
        abort_record(r, "unterminated quoted field");
}

/* ---- the file ------------------------------------------------------------- */

static int report_errno(crisk__csv_report *rep, int code, const char *what, int errnum)
{
    char text[256];
    if (strerror_r(errnum, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", errnum);
    if (crisk__csv_report_add(rep, CRISK_SEV_ERROR, code, 0, 0, "%s: %s", what, text) != CRISK_OK)
        return CRISK_ENOMEM;
    return code;
}

/* Open the file and check what can be checked before reading it.  `*chunk`
 * is the read size: 1 MiB, or less for a small file. */
static int open_input(crisk__csv_report *rep, int *fd_out, size_t *chunk)
{
    int fd = open(rep->path, O_RDONLY);
    if (fd < 0)
        return report_errno(rep, errno == ENOENT || errno == ENOTDIR ? CRISK_ENOTFOUND : CRISK_EIO,
                            "cannot open file", errno);
    struct stat st;
    int rc = CRISK_OK;
    if (fstat(fd, &st) != 0)
        rc = report_errno(rep, CRISK_EIO, "cannot read file", errno);
    else if (S_ISDIR(st.st_mode))
        rc = report_errno(rep, CRISK_EINVALID, "cannot read file", EISDIR);
    else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > CRISK_MAX_FILE_BYTES)
        rc = crisk__csv_report_add(rep, CRISK_SEV_ERROR, CRISK_ELIMIT, 0, 0,
                                   "file is too large (%llu bytes, limit %llu)",
                                   (unsigned long long)st.st_size,
                                   (unsigned long long)CRISK_MAX_FILE_BYTES) == CRISK_OK
             ? CRISK_ELIMIT : CRISK_ENOMEM;
    if (rc != CRISK_OK) {
        close(fd);
        return rc;
    }
    *chunk = CHUNK_BYTES;
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < CHUNK_BYTES)
        *chunk = (size_t)st.st_size < 4096 ? 4096 : (size_t)st.st_size + 1;
    *fd_out = fd;
    return CRISK_OK;
}

/* read() until `size` bytes or the end of the file: the BOM test wants the
 * first three bytes together even from a pipe. */
static ssize_t read_full(int fd, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The byte order mark, if any, at the start of the file: returns the bytes
 * to skip, or -1 for UTF-16 (reported). */
static int skip_bom(reader *r, const unsigned char *s, size_t n)
{
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return 3;
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        if (crisk__csv_report_add(r->rep, CRISK_SEV_ERROR, CRISK_EINVALID, 0, 0,
                                  "file is UTF-16 encoded (save it as UTF-8)") != CRISK_OK)
            r->stop = CRISK_ENOMEM;
        return -1;
    }
    return 0;
}

static int too_large(reader *r)
{
    return crisk__csv_report_add(r->rep, CRISK_SEV_ERROR, CRISK_ELIMIT, 0, 0,
                                 "file is too large (more than %llu bytes)",
                                 (unsigned long long)CRISK_MAX_FILE_BYTES) == CRISK_OK
           ? CRISK_ELIMIT : CRISK_ENOMEM;
}

/* Read, hash and parse the file chunk by chunk; `bufs` holds two chunks. */
static int read_chunks(reader *r, int fd, char *bufs, size_t chunk, hasher *h,
                       crisk__csv_info *info)
{
    struct stat st;
    uint64_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    for (unsigned k = 0;; k ^= 1) {
        char *buf = bufs + (size_t)k * chunk;
        ssize_t n = read_full(fd, buf, chunk);
        if (n < 0)
            return report_errno(r->rep, CRISK_EIO, "cannot read file", errno);
        if (n == 0)
            break;
        if (info->bytes + (uint64_t)n > CRISK_MAX_FILE_BYTES)   /* a growing file or a pipe */
            return too_large(r);
        if (h != NULL)
            hasher_add(h, buf, (size_t)n);
        size_t skip = 0;
        if (info->bytes == 0) {
            int bom = skip_bom(r, (const unsigned char *)buf, (size_t)n);
            if (bom < 0)
                return r->stop ? r->stop : CRISK_EINVALID;
            skip = (size_t)bom;
        }
        info->bytes += (uint64_t)n;
        r->content_bytes += (uint64_t)n - skip;
        feed(r, buf + skip, (size_t)n - skip);
        if (r->stop)
            return r->stop;
        if (r->rep->progress != NULL)
            r->rep->progress(r->rep->progress_ctx, "reading", info->bytes, size);
    }
    finish(r);
    return r->stop;
}

static int check_header_seen(reader *r)
{
    if (r->header_seen || r->rep->status != CRISK_OK)
        return CRISK_OK;
    const char *msg = r->content_bytes == 0 ? "empty file (expected a header row)"
                                            : "missing header row (only blank or empty rows)";
    return crisk__csv_report_add(r->rep, CRISK_SEV_ERROR, CRISK_EINVALID, 0, 0, "%s", msg);
}

int crisk__csv_read(crisk__csv_report *rep, crisk__csv_record_fn fn, void *ctx,
                    int want_sha256, crisk__csv_info *info)
{
    memset(info, 0, sizeof *info);
    reader r;
    memset(&r, 0, sizeof r);
    r.rep = rep;
    r.fn = fn;
    r.ctx = ctx;
    r.line = 1;

    int fd = -1;
    size_t chunk = 0;
    int rc = open_input(rep, &fd, &chunk);
    if (rc != CRISK_OK)
        return rc;
    hasher h;
    char *bufs = malloc(2 * chunk);
    r.slots = malloc(MAX_STORED * sizeof *r.slots);
    r.fields = malloc(MAX_STORED * sizeof *r.fields);
    if (bufs == NULL || r.slots == NULL || r.fields == NULL || parser_start(&r) != CRISK_OK) {
        rc = CRISK_ENOMEM;
        goto out;
    }
    if (want_sha256)
        hasher_start(&h);
    rc = read_chunks(&r, fd, bufs, chunk, want_sha256 ? &h : NULL, info);
    if (want_sha256)
        hasher_stop(&h, rc == CRISK_OK ? info->sha256 : NULL);
    if (rc == CRISK_OK)
        rc = check_header_seen(&r);
    info->rows = r.data_rows;
    info->header_ok = r.header_ok;
out:
    csv_free(&r.parser);
    close(fd);
    free(bufs);
    free(r.slots);
    free(r.fields);
    free(r.text);
    return rc;
}
