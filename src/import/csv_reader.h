/*
 * csv_reader.h - a streaming CSV record reader over libcsv (private).
 *
 * Shared by the importers that read CSV (native nodes/edges, DORA report
 * packages).  The reader owns every check that concerns the CSV syntax or
 * the bytes of a file, and reports each problem as FILE:LINE:COLUMN where
 * LINE is the physical line on which a field starts and COLUMN its 1-based
 * field number:
 *
 *   - a UTF-8 byte order mark is skipped; a file with a UTF-16 one, or in
 *     the encoding the dialect names, is converted to UTF-8 (iconv) as it
 *     is read; a file read as UTF-8 that looks like Windows-1252 gets one
 *     error saying so;
 *   - the delimiter is the dialect's, else detected from the header row
 *     (',', ';' or tab; one other than ',' is said in a warning);
 *   - CRLF and LF line ends; RFC 4180 quoting (embedded commas, quotes,
 *     line breaks); spaces and tabs around unquoted fields are dropped;
 *   - stray quotes and unterminated quoted fields (at the line where the
 *     field opened), ragged rows (field count differs from the header's);
 *   - invalid UTF-8, NUL bytes, and the limits CRISK_MAX_FIELD_BYTES,
 *     CRISK_MAX_COLUMNS and CRISK_MAX_FILE_BYTES.
 *
 * Blank lines, and rows whose fields are all empty (spreadsheet exports end
 * with ",,,," rows), are skipped and not counted.  A record with a problem is
 * reported and not delivered; reading goes on, so one pass reports every
 * problem of the file.
 *
 * Threads: the file is read and parsed on a second thread (and hashed on a
 * third); records, problems and progress reach the caller through a queue
 * and are delivered on the calling thread, in file order, exactly as a
 * one-thread reader would deliver them.  The callback and `rep` are only
 * ever used from the calling thread.
 *
 * Sources: a path (crisk__csv_read: regular files only) or any byte
 * stream (crisk__csv_read_source: a DORA zip member, inflated as it is
 * read); a small source (up to 1 MiB, size known) is hashed inline.
 *
 * Memory: the file is read in 1 MiB chunks; up to 512 KiB of parsed records
 * wait in the queue.  libcsv's field buffer is kept within the field limit
 * (plus 64 KiB) however long a field in the file is.  No allocation per
 * field or per record once the buffers have grown to the widest record.
 */
#ifndef CRISK_CSV_READER_H
#define CRISK_CSV_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "chainrisk/chainrisk.h"

/* Where an importer's problems go: every diagnostic of one file names
 * `path` (as the user gave it).  `status` is CRISK_OK until the first error
 * reported through this file, then that error's code. */
struct crisk__csv_dialect;

typedef struct crisk__csv_report {
    const char *path;
    crisk_diagnostics *diags;
    int status;
    crisk_progress_fn progress;   /* optional: bytes read of the file's size */
    void *progress_ctx;
    const struct crisk__csv_dialect *dialect;   /* optional (csv_dialect.h): the
                                                 * delimiter and encoding; NULL =
                                                 * detect the delimiter, UTF-8 */
} crisk__csv_report;

/* Append a diagnostic positioned at `line`/`column` (0 = not given) of the
 * report's file.  Errors set `rep->status` (first one wins) with `code`.
 * Returns CRISK_OK or CRISK_ENOMEM. */
int crisk__csv_report_add(crisk__csv_report *rep, crisk_severity sev, int code, size_t line,
                          size_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

typedef struct crisk__csv_field {
    char  *text;        /* NUL-terminated, no NUL inside, valid UTF-8; the
                         * callback may modify it (trim, case-fold) */
    size_t len;         /* bytes, excluding the terminator */
    size_t line;        /* physical line (1-based) on which the field starts */
} crisk__csv_field;

typedef struct crisk__csv_record {
    size_t number;      /* 0 = the header row, then 1, 2, ... per data row */
    size_t line;        /* line on which the record starts */
    size_t count;       /* fields; for data rows, equal to the header's */
    crisk__csv_field *fields;   /* valid during the callback only */
    char delimiter;     /* the file's: ',', ';' or '\t' (numbers with a decimal
                         * comma come with the other two) */
} crisk__csv_record;

/* Called for every well-formed record, header first.  If the header itself
 * is malformed it is reported and not delivered: the first call then has
 * number >= 1.  Returns CRISK_OK to go on; anything else stops the read
 * (use it for resource errors only) and is returned by crisk__csv_read(). */
typedef int (*crisk__csv_record_fn)(void *ctx, crisk__csv_record *rec);

typedef struct crisk__csv_info {
    uint64_t bytes;     /* bytes read, BOM included */
    size_t rows;        /* data rows (not the header), with or without problems */
    char sha256[65];    /* of the bytes read; "" unless `want_sha256` */
    int header_ok;      /* the header row was delivered */
} crisk__csv_info;

/* Where the reader's bytes come from.  `read` fills `buf` with up to `size`
 * bytes and returns how many, 0 at the end, or -1 after setting `code`
 * (CRISK_EIO, CRISK_EINVALID or CRISK_ELIMIT) and `why` (the message, said
 * of the whole file).  It is called on the reader's thread, one call at a
 * time, and the caller's thread leaves the source alone until the read
 * returns, so a source needs no lock of its own. */
typedef struct crisk__csv_source {
    ssize_t (*read)(struct crisk__csv_source *src, char *buf, size_t size);
    void *ctx;
    uint64_t size;               /* total bytes, when `size_known`: for
                                  * progress, the buffer size, hashing small
                                  * files inline and the limit up front */
    int size_known;
    int code;
    char why[CRISK_ERROR_MESSAGE_MAX];
} crisk__csv_source;

/* A source reading the open descriptor `fd` (not closed by the reader) of
 * a regular file of `size` bytes. */
void crisk__csv_source_fd(crisk__csv_source *src, int fd, uint64_t size);

/* Read the CSV file `rep->path`, delivering records to `fn`.  Problems of
 * the file go to `rep`.  If `want_sha256`, the SHA-256 of the bytes read is
 * computed on the way (no second pass over the file).  Only a regular file
 * is read (util/infile.h): anything else is refused with its kind.
 *
 * Returns CRISK_OK when the file was read to its end, whatever problems it
 * has (see rep->status); CRISK_EIO (unreadable), CRISK_ENOTFOUND (missing),
 * CRISK_ELIMIT (too large), CRISK_EINVALID (UTF-16, not a regular file)
 * when it could not be read - each also reported to `rep`; CRISK_ENOMEM; or
 * the code `fn` returned.  Time O(bytes). */
int crisk__csv_read(crisk__csv_report *rep, crisk__csv_record_fn fn, void *ctx,
                    int want_sha256, crisk__csv_info *info);

/* The same from `src`; `rep->path` only names the file in messages.  A
 * source that fails reports `src->why` with `src->code`, which the read
 * returns: the records delivered before stay delivered, so the caller must
 * treat the file as failed (the report says so). */
int crisk__csv_read_source(crisk__csv_report *rep, crisk__csv_source *src,
                           crisk__csv_record_fn fn, void *ctx, int want_sha256,
                           crisk__csv_info *info);

#endif
