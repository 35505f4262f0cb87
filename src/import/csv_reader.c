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
 * other fields are scanned once for UTF-8, NUL and line breaks.  Parsing
 * runs on a second thread beside the caller's importer and builder (see the
 * record stream), and hashing, when asked, on a third (see the hasher).
 *
 * Bounded memory.  libcsv grows its field buffer without limit.  After each
 * piece, a field past CRISK_MAX_FIELD_BYTES is marked too long and the
 * parser's `entry_pos` rewound (content dropped, parsing state kept), so the
 * buffer never exceeds the limit plus one piece.  This writes libcsv's
 * public struct; it was checked against libcsv 3.0.3, whose SUBMIT_FIELD
 * subtracts `spaces` (and one more byte after a closing quote), which is
 * why those are reset together.
 *
 * Sources.  The reader thread pulls its bytes from a crisk__csv_source: a
 * regular file's descriptor (crisk__csv_read opens the path, refusing
 * anything else, see util/infile.h) or any other byte stream, such as a
 * DORA zip member inflated on the fly.  Positions, checks and the digest
 * depend only on the bytes, so they are the same whatever the source.
 *
 * Rejected: reading the whole file (up to 4 GiB); feeding libcsv one line
 * at a time to know positions (a call and a memchr per line, 15% slower);
 * a hand-written CSV parser (libcsv is the project's chosen dependency);
 * a FILE * as the source (a zip member is no file, and fopencookie is a
 * GNU extension).
 */
#include "csv_reader.h"
#include "csv_dialect.h"
#include "util/infile.h"
#include "util/sha256.h"
#include "util/utf8.h"
#include "util/thread.h"
#include "util/util.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BYTES   (1u << 20)    /* read() size */
#define SEGMENT_BYTES (1u << 16)    /* most bytes fed to libcsv between checks */
#define MAX_STORED    (CRISK_MAX_COLUMNS + 1u)   /* fields kept per record */
#define SMALL_SOURCE_BYTES (1u << 20)   /* hashed inline, not on a thread */

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

/* ---- byte checks ---------------------------------------------------------- */

/* Plain bytes need no per-field check: ASCII, no NUL, and no quote (so no
 * quoted field, so no line break inside a field). */
static int is_plain(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w & CRISK__HIGH_BITS) | crisk__has_byte(w, 0) | crisk__has_byte(w, '"'))
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

/* ---- hashing beside parsing ------------------------------------------------- */

/* SHA-256 costs a good part of parsing (libcrypto: about 1.4 GB/s), so a
 * second thread hashes chunk k while the reader parses it.  One job at a
 * time: hasher_add() waits until the previous chunk is hashed, so with two
 * read buffers the one being refilled is never the one being hashed.  If
 * the thread cannot start, hashing is done inline. */
typedef struct hasher {
    crisk__sha256 ctx;
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
        crisk__sha256_add(&h->ctx, job, len);
        pthread_mutex_lock(&h->mu);
        h->busy = 0;
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* `threaded`: hash on a thread of its own; starting it costs more than
 * hashing a small file inline.  Returns -1 when out of memory. */
static int hasher_start(hasher *h, int threaded)
{
    memset(h, 0, sizeof *h);
    if (crisk__sha256_begin(&h->ctx) != 0)
        return -1;
    if (!threaded)
        return 0;
    if (pthread_mutex_init(&h->mu, NULL) != 0)
        return 0;
    if (pthread_cond_init(&h->cv, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        return 0;
    }
    h->threaded = crisk__thread_start(&h->thread, hasher_main, h) == 0;
    if (!h->threaded) {
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
    }
    return 0;
}

static void hasher_add(hasher *h, const void *data, size_t len)
{
    if (!h->threaded) {
        crisk__sha256_add(&h->ctx, data, len);
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

/* Wait for the last chunk, stop the thread; `out` gets the digest if not
 * NULL.  Returns -1 when libcrypto failed (out of memory). */
static int hasher_stop(hasher *h, char out[65])
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
    if (out == NULL) {
        crisk__sha256_discard(&h->ctx);
        return 0;
    }
    return crisk__sha256_end_hex(&h->ctx, out);
}

/* ---- the record stream ---------------------------------------------------- */

/* Parsing runs on a second thread, and the records' consumer (the importer,
 * and the builder behind it) on the calling one, so that the two overlap.
 * Everything the reader used to do to its caller - deliver a record, report
 * a problem, report progress - it now writes as an event into a batch, in
 * the same order; the calling thread replays the events.  So diagnostics
 * keep their order, the cap counts them exactly as before, and the reader
 * thread never touches the caller's state (the diagnostics, rep->status,
 * the builder).  A consumer that stops (out of memory, a builder limit)
 * cancels the producer at its next batch; events after the stop are
 * dropped, as the reader would not have produced them.  Rejected: a
 * second diagnostics list merged afterwards (the interleaving with the
 * importer's own messages, and so the cap, would be lost).
 *
 * If the thread cannot start, the same code runs inline: each batch is
 * replayed as soon as it is full. */
#define STREAM_BATCHES 16
#define STOPPED_BY_CONSUMER 1         /* r->stop: not a crisk code (those are < 0) */
#define BATCH_BYTES    (32u << 10)   /* a batch is handed over past this */

enum event_kind { EVENT_RECORD, EVENT_DIAG, EVENT_PROGRESS };

/* An event's header; a record's field sizes and text, or a diagnostic's
 * message, follow it.  Events are kept small because every byte of them
 * moves from one core's cache to the other's: that transfer, not the copy,
 * is what the stream costs. */
typedef struct event {
    uint32_t size;               /* bytes, header included; a multiple of 8 */
    uint16_t kind;               /* enum event_kind */
    uint16_t severity;           /* diagnostic */
    int32_t code;                /* diagnostic */
    uint32_t count;              /* record: fields */
    uint64_t a, b;               /* record: number, line; diagnostic: line,
                                  * column; progress: bytes read, file size */
} event;

/* A record's field in the stream; the texts follow all of them, each with
 * its NUL.  A delivered record holds at most MAX_STORED fields of at most
 * CRISK_MAX_FIELD_BYTES, so its size and its lines fit 32 bits. */
typedef struct field_ref {
    uint32_t len;                /* bytes, excluding the NUL */
    uint32_t line_delta;         /* the field's line minus the record's */
} field_ref;

typedef struct batch {
    char *data;
    size_t len, cap;             /* bytes */
} batch;

typedef struct stream {
    batch batches[STREAM_BATCHES];
    size_t produced, consumed;   /* batches handed over / given back */
    int done;                    /* the producer has finished */
    int cancel;                  /* the consumer has stopped */
    int threaded;
    pthread_mutex_t mu;
    pthread_cond_t cv;

    /* the consumer's side */
    crisk__csv_report *rep;
    crisk__csv_record_fn fn;
    void *ctx;
    crisk__csv_field *fields;    /* MAX_STORED */
    int rc;                      /* CRISK_OK, or why the consumer stopped */
    char delimiter;              /* the file's, set by the reader before its first event */
} stream;

typedef struct slot {
    size_t off, len, line;       /* into the record's text */
} slot;

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static int replay_record(stream *st, const event *ev)
{
    const field_ref *refs = (const field_ref *)(ev + 1);
    char *text = (char *)(refs + ev->count);
    for (size_t i = 0; i < ev->count; i++) {
        st->fields[i].text = text;
        st->fields[i].len = refs[i].len;
        st->fields[i].line = (size_t)ev->b + refs[i].line_delta;
        text += refs[i].len + 1;
    }
    crisk__csv_record rec = { (size_t)ev->a, (size_t)ev->b, ev->count, st->fields,
                              st->delimiter };
    return st->fn(st->ctx, &rec);
}

/* Do what the events of batch `bt` say, until one fails (st->rc). */
static void replay(stream *st, batch *bt)
{
    for (size_t off = 0; off < bt->len && st->rc == CRISK_OK;) {
        const event *ev = (const event *)(bt->data + off);
        switch (ev->kind) {
        case EVENT_RECORD:
            st->rc = replay_record(st, ev);
            break;
        case EVENT_DIAG:
            if (crisk__csv_report_add(st->rep, (crisk_severity)ev->severity, ev->code, ev->a, ev->b,
                                      "%s", (const char *)(ev + 1)) != CRISK_OK)
                st->rc = CRISK_ENOMEM;
            break;
        case EVENT_PROGRESS:
            st->rep->progress(st->rep->progress_ctx, "reading", ev->a, ev->b);
            break;
        }
        off += ev->size;
    }
    bt->len = 0;
}

/* Hand the batch being filled to the consumer and wait for a free one.
 * Returns non-zero once the consumer has stopped. */
static int stream_push(stream *st)
{
    if (!st->threaded) {
        replay(st, &st->batches[0]);
        return st->rc != CRISK_OK;
    }
    pthread_mutex_lock(&st->mu);
    st->produced++;
    pthread_cond_broadcast(&st->cv);
    /* The consumer is usually the slower: once the queue is full, wait
     * until half of it is free (one wake-up per half queue, not per batch). */
    if (st->produced - st->consumed == STREAM_BATCHES)
        while (st->produced - st->consumed > STREAM_BATCHES / 2 && !st->cancel)
            pthread_cond_wait(&st->cv, &st->mu);
    int cancel = st->cancel;
    pthread_mutex_unlock(&st->mu);
    return cancel;
}

/* The batch the producer is filling. */
static batch *stream_filling(stream *st)
{
    return &st->batches[st->threaded ? st->produced % STREAM_BATCHES : 0];
}

/* Room for an event of `size` bytes in the batch being filled, or NULL. */
static event *stream_reserve(stream *st, size_t size)
{
    batch *bt = stream_filling(st);
    if (bt->len + size > bt->cap) {
        size_t cap = bt->cap ? bt->cap : BATCH_BYTES + 4096;
        while (cap < bt->len + size)
            cap *= 2;
        char *data = realloc(bt->data, cap);
        if (data == NULL)
            return NULL;
        bt->data = data;
        bt->cap = cap;
    }
    event *ev = (event *)(bt->data + bt->len);
    memset(ev, 0, sizeof *ev);
    ev->size = (uint32_t)size;
    bt->len += size;
    return ev;
}

/* The event just reserved is written: hand the batch over once it is full.
 * Returns non-zero once the consumer has stopped. */
static int stream_commit(stream *st)
{
    return stream_filling(st)->len >= BATCH_BYTES ? stream_push(st) : 0;
}

/* The producer has finished: hand over what is left. */
static void stream_close(stream *st)
{
    if (!st->threaded) {
        replay(st, &st->batches[0]);
        return;
    }
    pthread_mutex_lock(&st->mu);
    if (stream_filling(st)->len > 0)
        st->produced++;
    st->done = 1;
    pthread_cond_broadcast(&st->cv);
    pthread_mutex_unlock(&st->mu);
}

/* The consumer: replay batches until the producer is done.  After a failure
 * the batches are only given back, so the producer never waits forever. */
static void stream_consume(stream *st)
{
    pthread_mutex_lock(&st->mu);
    for (;;) {
        while (st->consumed == st->produced && !st->done)
            pthread_cond_wait(&st->cv, &st->mu);
        if (st->consumed == st->produced)
            break;
        batch *bt = &st->batches[st->consumed % STREAM_BATCHES];
        pthread_mutex_unlock(&st->mu);
        if (st->rc == CRISK_OK)
            replay(st, bt);
        bt->len = 0;
        pthread_mutex_lock(&st->mu);
        if (st->rc != CRISK_OK)
            st->cancel = 1;
        st->consumed++;
        if (st->cancel || st->produced - st->consumed == STREAM_BATCHES / 2)
            pthread_cond_broadcast(&st->cv);
    }
    pthread_mutex_unlock(&st->mu);
}

static void stream_release(stream *st)
{
    for (size_t i = 0; i < STREAM_BATCHES; i++)
        free(st->batches[i].data);
    free(st->fields);
}

/* ---- the reader ----------------------------------------------------------- */

typedef struct reader {
    stream *st;                  /* where records and problems go */
    int want_progress;
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
    char *text;
    size_t text_len, text_cap;

    int header_seen;
    size_t expected;             /* the header's field count; 0 = unknown */
    size_t data_rows;            /* delivered or rejected, excluding the header */
    int header_ok;
    uint64_t content_bytes;      /* bytes after the BOM */

    /* The dialect (csv_dialect.h): the delimiter, chosen at the first chunk,
     * and the conversion to UTF-8 of a file in another encoding. */
    const crisk__csv_dialect *dialect;   /* NULL: the default */
    char delimiter;              /* 0 until chosen */
    iconv_t cd;                  /* (iconv_t)-1: the file is UTF-8 */
    const char *encoding;        /* the words for it in messages */
    char *in, *out;              /* the chunk with what the last one left over, converted */
    size_t in_cap, out_cap, carry;
    uint64_t converted;          /* input bytes converted so far (for offsets) */
    int not_utf8_said;           /* the one "looks like Windows-1252" error is out */
} reader;

/* Report an error of the file through the stream.  Returns CRISK_OK, or
 * CRISK_ENOMEM (also in r->stop); a stopped consumer stops the reader. */
static int reader_event_v(reader *r, crisk_severity sev, int code, size_t line, size_t column,
                          const char *fmt, va_list ap)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    event *ev = stream_reserve(r->st, align8(sizeof *ev + len + 1));
    if (ev == NULL) {
        r->stop = CRISK_ENOMEM;
        return CRISK_ENOMEM;
    }
    ev->kind = EVENT_DIAG;
    ev->severity = sev;
    ev->code = code;
    ev->a = line;
    ev->b = column;
    memcpy(ev + 1, msg, len + 1);
    if (stream_commit(r->st) && r->stop == CRISK_OK)
        r->stop = STOPPED_BY_CONSUMER;
    return CRISK_OK;
}

static int reader_report_v(reader *r, int code, size_t line, size_t column, const char *fmt,
                           va_list ap)
{
    return reader_event_v(r, CRISK_SEV_ERROR, code, line, column, fmt, ap);
}

static int reader_report(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int reader_warn(reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reader_warn(reader *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = reader_event_v(r, CRISK_SEV_WARNING, CRISK_OK, line, 0, fmt, ap);
    va_end(ap);
    return rc;
}

static int reader_report(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = reader_report_v(r, code, line, column, fmt, ap);
    va_end(ap);
    return rc;
}

static void fail(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Report a problem of the current record (or file) and mark the record bad. */
static void fail(reader *r, int code, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reader_report_v(r, code, line, column, fmt, ap);
    va_end(ap);
    r->rec_bad = 1;
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

/* Bytes 0x80-0xFF that Windows-1252 leaves undefined. */
static int is_cp1252(unsigned char byte)
{
    return byte >= 0x80 && byte != 0x81 && byte != 0x8D && byte != 0x8F && byte != 0x90
           && byte != 0x9D;
}

/* Whether the field s[0..len), valid UTF-8 up to s[at], reads as
 * Windows-1252 text: no UTF-8 sequence before the bad byte, which
 * Windows-1252 defines and which is no start of a broken sequence (a lead
 * byte followed by a continuation byte, or cut off by the field's end). */
static int looks_cp1252(const unsigned char *s, size_t len, size_t at)
{
    for (size_t i = 0; i < at; i++)
        if (s[i] >= 0x80)
            return 0;
    return is_cp1252(s[at]) && at + 1 < len && (s[at + 1] < 0x80 || s[at + 1] >= 0xC0);
}

/* Every byte of s[0..len) that is not UTF-8 made a '?'. */
static void replace_invalid(unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = s[i] < 0x80 ? 1 : crisk__utf8_decode(s + i, &cp);
        if (n == 0 || i + n > len) {
            s[i++] = '?';
            continue;
        }
        i += n;
    }
}

/* A byte that is not UTF-8.  A file read as UTF-8 whose bytes read as
 * Windows-1252 is such a file (Excel on Windows saves it): one error says
 * so and names the option, instead of one per accented letter.  From then
 * on such bytes become '?' and the rows are delivered: the load fails
 * anyway, and rows dropped would only make their ids "unknown" in every
 * edge that names them. */
static void not_utf8(reader *r, unsigned char *s, size_t len, size_t at, size_t line,
                     size_t column)
{
    if (!r->not_utf8_said && r->cd == (iconv_t)-1 && looks_cp1252(s, len, at)) {
        reader_report(r, CRISK_EINVALID, line, column,
                      "not UTF-8 (byte 0x%02x): the file looks like Windows-1252; read it with "
                      "--encoding windows-1252, or save it as UTF-8", s[at]);
        r->not_utf8_said = 1;
    }
    if (r->not_utf8_said) {
        replace_invalid(s, len);
        return;
    }
    fail(r, CRISK_EINVALID, line, column, "invalid UTF-8 in field (byte 0x%02x at offset %zu)",
         s[at], at);
}

/* Check a field that may hold non-plain bytes, and count its line breaks. */
static void check_field(reader *r, unsigned char *s, size_t len, size_t line,
                        size_t column)
{
    int is_nul;
    size_t newlines = 0;
    size_t at = crisk__utf8_scan(s, len, &is_nul, &newlines);
    if (at != len) {
        newlines += count_newlines((const char *)s + at, len - at);
        if (is_nul)
            fail(r, CRISK_EINVALID, line, column, "field contains a NUL byte (at offset %zu)", at);
        else
            not_utf8(r, s, len, at, line, column);
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

/* Send the record to the consumer.  Its fields' texts are stored one after
 * the other in r->text, each with its NUL, as the stream wants them. */
static void deliver(reader *r)
{
    size_t refs = r->count * sizeof(field_ref);
    event *ev = stream_reserve(r->st, align8(sizeof *ev + refs + r->text_len));
    if (ev == NULL) {
        r->stop = CRISK_ENOMEM;
        return;
    }
    ev->kind = EVENT_RECORD;
    ev->count = (uint32_t)r->count;
    ev->a = r->header_seen ? r->data_rows : 0;
    ev->b = r->rec_line;
    field_ref *ref = (field_ref *)(ev + 1);
    for (size_t i = 0; i < r->count; i++) {
        ref[i].len = (uint32_t)r->slots[i].len;
        ref[i].line_delta = (uint32_t)(r->slots[i].line - r->rec_line);
    }
    memcpy(ref + r->count, r->text, r->text_len);
    if (stream_commit(r->st))
        r->stop = STOPPED_BY_CONSUMER;
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

static ssize_t read_fd(crisk__csv_source *src, char *buf, size_t size)
{
    int fd = (int)(intptr_t)src->ctx;
    for (;;) {
        ssize_t n = read(fd, buf, size);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        char text[256];
        if (strerror_r(errno, text, sizeof text) != 0)
            snprintf(text, sizeof text, "error %d", errno);
        src->code = CRISK_EIO;
        snprintf(src->why, sizeof src->why, "cannot read file: %s", text);
        return -1;
    }
}

void crisk__csv_source_fd(crisk__csv_source *src, int fd, uint64_t size)
{
    memset(src, 0, sizeof *src);
    src->read = read_fd;
    src->ctx = (void *)(intptr_t)fd;
    src->size = size;
    src->size_known = 1;
}

/* Read until `size` bytes or the end: the BOM test wants the first three
 * bytes together even from a source that returns less. */
static ssize_t read_full(crisk__csv_source *src, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = src->read(src, buf + got, size - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The byte order mark, if any, at the start of the file: returns the bytes
 * to skip.  A UTF-16 one (Excel's "Unicode text") says how to read the
 * file: the conversion takes the mark (and the byte order) itself. */
static size_t skip_bom(reader *r, const unsigned char *s, size_t n)
{
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        r->encoding = NULL;   /* the mark says UTF-8, whatever --encoding said */
        return 3;
    }
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        r->encoding = "UTF-16";
    return 0;
}

/* Start converting the file from r->encoding to UTF-8 (nothing to do for
 * UTF-8).  Returns CRISK_OK, else the stop code (reported). */
static int start_conversion(reader *r)
{
    if (r->encoding == NULL)
        return CRISK_OK;
    r->cd = iconv_open("UTF-8", r->encoding);
    if (r->cd != (iconv_t)-1)
        return CRISK_OK;
    reader_report(r, CRISK_EINVALID, 0, 0, "cannot read the encoding '%s' (this system's iconv "
                  "lacks it)", r->encoding);
    return r->stop ? r->stop : CRISK_EINVALID;
}

/* Make room for `need` bytes in *buf. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    char *bigger = realloc(*buf, need);
    if (bigger == NULL)
        return -1;
    *buf = bigger;
    *cap = need;
    return 0;
}

/* Convert data[0..len) (after what the last chunk left: a character cut at
 * its end) to UTF-8 in r->out; *text and *text_len say where it is.
 * `last`: no more input, so a cut character is an error.  Returns
 * CRISK_OK, else the stop code (reported). */
static int convert(reader *r, const char *data, size_t len, int last, const char **text,
                   size_t *text_len)
{
    if (reserve(&r->in, &r->in_cap, r->carry + len + 1) != 0
        || reserve(&r->out, &r->out_cap, 4 * (r->carry + len) + 16) != 0)
        return r->stop = CRISK_ENOMEM;
    memcpy(r->in + r->carry, data, len);
    char *in = r->in, *out = r->out;
    size_t in_left = r->carry + len, out_left = r->out_cap;
    size_t rc = iconv(r->cd, &in, &in_left, &out, &out_left);
    uint64_t at = r->converted + (uint64_t)(in - r->in);
    r->converted = at;
    if (rc == (size_t)-1 && errno == EILSEQ) {
        reader_report(r, CRISK_EINVALID, 0, 0, "not %s: byte 0x%02x at offset %llu cannot be "
                      "read in that encoding", crisk__csv_encoding_word(r->encoding),
                      (unsigned char)*in,
                      (unsigned long long)at);
        return r->stop = r->stop ? r->stop : CRISK_EINVALID;
    }
    if (in_left > 0 && last) {
        reader_report(r, CRISK_EINVALID, 0, 0, "the file ends inside a character (%s)",
                      crisk__csv_encoding_word(r->encoding));
        return r->stop = r->stop ? r->stop : CRISK_EINVALID;
    }
    memmove(r->in, in, in_left);   /* a character cut by the chunk's end */
    r->carry = in_left;
    *text = r->out;
    *text_len = (size_t)(out - r->out);
    return CRISK_OK;
}

/* The delimiter: the dialect's, else the header row's (the first line of
 * the first chunk); one other than the comma is said once. */
static void choose_delimiter(reader *r, const char *text, size_t len)
{
    char d = r->dialect != NULL ? r->dialect->delimiter : 0;
    if (d == 0) {
        d = crisk__csv_detect_delimiter(text, len);
        if (d != ',')
            reader_warn(r, 1, "reading %s-separated values (the delimiter was detected from "
                        "the header row; --delimiter sets it)", d == ';' ? "';'" : "tab");
    }
    r->delimiter = d;
    r->st->delimiter = d;
    csv_set_delim(&r->parser, (unsigned char)d);
}

static int too_large(reader *r)
{
    return reader_report(r, CRISK_ELIMIT, 0, 0, "file is too large (more than %llu bytes)",
                         (unsigned long long)CRISK_MAX_FILE_BYTES) == CRISK_OK
           ? CRISK_ELIMIT : CRISK_ENOMEM;
}

/* The source failed: report why, on the reader thread. */
static int read_error(reader *r, const crisk__csv_source *src)
{
    int code = src->code != CRISK_OK ? src->code : CRISK_EIO;
    return reader_report(r, code, 0, 0, "%s", src->why[0] ? src->why : "cannot read file")
           == CRISK_OK ? code : CRISK_ENOMEM;
}

/* Progress after each chunk, through the stream like everything else. */
static void progress(reader *r, uint64_t done, uint64_t size)
{
    event *ev = stream_reserve(r->st, sizeof *ev);
    if (ev == NULL) {
        r->stop = CRISK_ENOMEM;
        return;
    }
    ev->kind = EVENT_PROGRESS;
    ev->a = done;
    ev->b = size;
    if (stream_commit(r->st))
        r->stop = STOPPED_BY_CONSUMER;
}

/* The first bytes of the file: the byte order mark, the encoding. */
static int start_file(reader *r, const char *buf, size_t n, size_t *skip)
{
    r->encoding = r->dialect != NULL ? r->dialect->encoding : NULL;
    *skip = skip_bom(r, (const unsigned char *)buf, n);
    return start_conversion(r);
}

/* One chunk's bytes (`last`: the end of the file, maybe no bytes) to the
 * parser, in UTF-8. */
static void parse_chunk(reader *r, const char *data, size_t len, int last)
{
    if (r->cd != (iconv_t)-1 && convert(r, data, len, last, &data, &len) != CRISK_OK)
        return;
    if (r->delimiter == 0 && (len > 0 || last))
        choose_delimiter(r, data, len);
    feed(r, data, len);
}

/* Read, hash and parse the file chunk by chunk; `bufs` holds two chunks. */
static int read_chunks(reader *r, crisk__csv_source *src, char *bufs, size_t chunk, hasher *h,
                       crisk__csv_info *info)
{
    for (unsigned k = 0;; k ^= 1) {
        char *buf = bufs + (size_t)k * chunk;
        ssize_t n = read_full(src, buf, chunk);
        if (n < 0)
            return read_error(r, src);
        if (n == 0)
            break;
        if (info->bytes + (uint64_t)n > CRISK_MAX_FILE_BYTES)   /* a growing file or a pipe */
            return too_large(r);
        if (h != NULL)
            hasher_add(h, buf, (size_t)n);
        size_t skip = 0;
        if (info->bytes == 0 && start_file(r, buf, (size_t)n, &skip) != CRISK_OK)
            return r->stop ? r->stop : CRISK_EINVALID;
        info->bytes += (uint64_t)n;
        r->content_bytes += (uint64_t)n - skip;
        parse_chunk(r, buf + skip, (size_t)n - skip, 0);
        if (r->stop)
            return r->stop;
        if (r->want_progress)
            progress(r, info->bytes, src->size);
    }
    if (r->cd != (iconv_t)-1 || r->delimiter == 0)
        parse_chunk(r, "", 0, 1);
    if (r->stop)
        return r->stop;
    finish(r);
    return r->stop;
}

/* After the stream is replayed (rep->status is final), on the calling thread. */
static int check_header_seen(const reader *r, crisk__csv_report *rep)
{
    if (r->header_seen || rep->status != CRISK_OK)
        return CRISK_OK;
    const char *msg = r->content_bytes == 0 ? "empty file (expected a header row)"
                                            : "missing header row (only blank or empty rows)";
    return crisk__csv_report_add(rep, CRISK_SEV_ERROR, CRISK_EINVALID, 0, 0, "%s", msg);
}

/* What the reader thread needs. */
typedef struct read_job {
    reader *r;
    crisk__csv_source *src;
    char *bufs;                  /* two chunks */
    size_t chunk;
    hasher *h;                   /* NULL: no digest */
    crisk__csv_info *info;
    int rc;                      /* read_chunks()'s */
} read_job;

static void *read_main(void *arg)
{
    read_job *job = arg;
    job->rc = read_chunks(job->r, job->src, job->bufs, job->chunk, job->h, job->info);
    stream_close(job->r->st);
    return NULL;
}

/* Run the reader on a second thread and replay its stream here; inline if
 * the thread cannot start.  Returns the consumer's code if it stopped, else
 * the reader's. */
static int run_pipeline(stream *st, read_job *job)
{
    pthread_t thread;
    st->threaded = 0;
    if (pthread_mutex_init(&st->mu, NULL) == 0) {
        if (pthread_cond_init(&st->cv, NULL) == 0) {
            /* Set before the thread starts: it reads the flag. */
            st->threaded = 1;
            if (crisk__thread_start(&thread, read_main, job) != 0)
                st->threaded = 0;
            if (!st->threaded)
                pthread_cond_destroy(&st->cv);
        }
        if (!st->threaded)
            pthread_mutex_destroy(&st->mu);
    }
    if (st->threaded) {
        stream_consume(st);
        pthread_join(thread, NULL);
        pthread_cond_destroy(&st->cv);
        pthread_mutex_destroy(&st->mu);
    } else {
        read_main(job);
    }
    return st->rc != CRISK_OK ? st->rc : job->rc;
}

/* Bytes read at a time: 1 MiB, or a small source at once. */
static size_t chunk_size(const crisk__csv_source *src)
{
    if (!src->size_known || src->size >= CHUNK_BYTES)
        return CHUNK_BYTES;
    return src->size < 4096 ? 4096 : (size_t)src->size + 1;
}

/* What can be said before reading: a source declared too large. */
static int check_size(crisk__csv_report *rep, uint64_t size)
{
    if (size <= CRISK_MAX_FILE_BYTES)
        return CRISK_OK;
    return crisk__csv_report_add(rep, CRISK_SEV_ERROR, CRISK_ELIMIT, 0, 0,
                                 "file is too large (%llu bytes, limit %llu)",
                                 (unsigned long long)size,
                                 (unsigned long long)CRISK_MAX_FILE_BYTES) == CRISK_OK
           ? CRISK_ELIMIT : CRISK_ENOMEM;
}

int crisk__csv_read_source(crisk__csv_report *rep, crisk__csv_source *src,
                           crisk__csv_record_fn fn, void *ctx, int want_sha256,
                           crisk__csv_info *info)
{
    memset(info, 0, sizeof *info);
    int rc = src->size_known ? check_size(rep, src->size) : CRISK_OK;
    if (rc != CRISK_OK)
        return rc;
    stream st;
    memset(&st, 0, sizeof st);
    st.rep = rep;
    st.fn = fn;
    st.ctx = ctx;
    reader r;
    memset(&r, 0, sizeof r);
    r.st = &st;
    r.want_progress = rep->progress != NULL;
    r.line = 1;
    r.dialect = rep->dialect;
    r.cd = (iconv_t)-1;

    size_t chunk = chunk_size(src);
    hasher h;
    char *bufs = malloc(2 * chunk);
    r.slots = malloc(MAX_STORED * sizeof *r.slots);
    st.fields = malloc(MAX_STORED * sizeof *st.fields);
    if (bufs == NULL || r.slots == NULL || st.fields == NULL || parser_start(&r) != CRISK_OK) {
        rc = CRISK_ENOMEM;
        goto out;
    }
    if (want_sha256 && hasher_start(&h, !src->size_known || src->size > SMALL_SOURCE_BYTES) != 0) {
        rc = CRISK_ENOMEM;
        goto out;
    }
    read_job job = { &r, src, bufs, chunk, want_sha256 ? &h : NULL, info, CRISK_OK };
    rc = run_pipeline(&st, &job);
    if (want_sha256 && hasher_stop(&h, rc == CRISK_OK ? info->sha256 : NULL) != 0)
        rc = CRISK_ENOMEM;
    if (rc == CRISK_OK)
        rc = check_header_seen(&r, rep);
    info->rows = r.data_rows;
    info->header_ok = r.header_ok;
out:
    if (r.cd != (iconv_t)-1)
        iconv_close(r.cd);
    free(r.in);
    free(r.out);
    csv_free(&r.parser);
    free(bufs);
    free(r.slots);
    free(r.text);
    stream_release(&st);
    return rc;
}

int crisk__csv_read(crisk__csv_report *rep, crisk__csv_record_fn fn, void *ctx,
                    int want_sha256, crisk__csv_info *info)
{
    memset(info, 0, sizeof *info);
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    int rc = crisk__infile_open(rep->path, 0, &fd, &st, why, sizeof why);
    if (rc != CRISK_OK)
        return crisk__csv_report_add(rep, CRISK_SEV_ERROR, rc, 0, 0, "%s", why) == CRISK_OK
               ? rc : CRISK_ENOMEM;
    crisk__csv_source src;
    crisk__csv_source_fd(&src, fd, (uint64_t)st.st_size);
    rc = crisk__csv_read_source(rep, &src, fn, ctx, want_sha256, info);
    close(fd);
    return rc;
}
