/*
 * xlsx.c - one sheet of an Excel workbook as CSV records (see xlsx.h).
 *
 * Approach: a workbook is a zip of XML parts.  xl/workbook.xml lists the
 * sheets by name with a relationship id; xl/_rels/workbook.xml.rels maps
 * the ids to the parts (the sheet's, and the shared strings'); a sheet's
 * <sheetData> holds <row r="N"> elements of <c r="B3" t="type"><v>value</v>
 * cells, strings by index into xl/sharedStrings.xml unless inline.  Each
 * part is inflated in 64 KiB pieces straight into expat (libexpat, Debian's
 * libexpat1-dev; docs/design.md says why), so only the shared strings and
 * the current row are held.  Elements are matched by local name (expat's
 * namespace mode), so prefixed and Strict OOXML parts read alike.
 *
 * Rejected: reading the sheet through LibreOffice (a 300 MB dependency and
 * a process per file) or liborcus (C++ under a C shim, for the three parts
 * read here); a DOM parser (libxml2's tree) would hold a whole sheet.
 */
#include "xlsx.h"
#include "zip_limits.h"
#include "util/infile.h"
#include "util/quote.h"
#include "util/sha256.h"

#include <ctype.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define PIECE (64u * 1024u)
#define MAX_SHEETS 4096

struct crisk__xlsx {
    const char *path;
    zip_t *zip;
    crisk__zip_budget limits;
    uint64_t bytes;
    char sha256[65];
    char *sheet;          /* its name */
    char *sheet_part;     /* "xl/worksheets/sheet1.xml" */
    char *strings_part;   /* NULL: no shared strings */
};

int crisk__xlsx_path(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* ---- growing text -------------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static int text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (p == NULL)
            return -1;
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return 0;
}

/* ---- streaming one part through expat ----------------------------------------------- */

/* What every part's handlers share; first in each handler context. */
typedef struct xml_ctx {
    XML_Parser parser;
    int code;                            /* CRISK_OK, or why the parse stopped */
    char why[CRISK_ERROR_MESSAGE_MAX];   /* with CRISK_EINVALID/ELIMIT: the problem */
} xml_ctx;

static void xml_stop(xml_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void xml_stop(xml_ctx *c, int code, const char *fmt, ...)
{
    if (c->code != CRISK_OK)
        return;
    c->code = code;
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof c->why, fmt, ap);
        va_end(ap);
    }
    XML_StopParser(c->parser, XML_FALSE);
}

/* The local part of an expat namespace name "uri|local". */
static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar != NULL ? bar + 1 : name;
}

/* The value of the attribute whose local name is `name`, or NULL. */
static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    xml_stop(ud, CRISK_EINVALID, "a document type declaration (not allowed in a workbook)");
}

static int report(crisk__csv_report *rep, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A problem of the whole workbook, at the report's file. */
static int report(crisk__csv_report *rep, int code, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return crisk__csv_report_add(rep, CRISK_SEV_ERROR, code, 0, 0, "%s", msg) == CRISK_OK
           ? code : CRISK_ENOMEM;
}

/* Parse the part `name` with the handlers given (ud starts with an
 * xml_ctx).  A missing part is CRISK_ENOTFOUND, unreported; every other
 * problem is reported.  Returns CRISK_OK, CRISK_ENOTFOUND, CRISK_EINVALID,
 * CRISK_ELIMIT, CRISK_ENOMEM or a code a handler stopped with. */
static int parse_part(crisk__xlsx *x, crisk__csv_report *rep, const char *name,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      XML_CharacterDataHandler chars, xml_ctx *ud)
{
    zip_int64_t index = zip_name_locate(x->zip, name, 0);
    if (index < 0)
        return CRISK_ENOTFOUND;
    char why[CRISK_ERROR_MESSAGE_MAX];
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)index, 0, &st) != 0)
        return report(rep, CRISK_EINVALID, "%s: %s", name, zip_strerror(x->zip));
    uint64_t compressed = st.valid & ZIP_STAT_COMP_SIZE ? st.comp_size : UINT64_MAX;
    if ((st.valid & ZIP_STAT_SIZE)
        && crisk__zip_check_declared(&x->limits, st.size, compressed, why, sizeof why) != 0)
        return report(rep, CRISK_ELIMIT, "%s: %s", name, why);
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)index, 0);
    if (zf == NULL)
        return report(rep, CRISK_EINVALID, "%s: %s", name, zip_strerror(x->zip));
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    char *buf = malloc(PIECE);
    if (p == NULL || buf == NULL) {
        if (p != NULL)
            XML_ParserFree(p);
        free(buf);
        zip_fclose(zf);
        return CRISK_ENOMEM;
    }
    ud->parser = p;
    ud->code = CRISK_OK;
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, chars);
    XML_SetStartDoctypeDeclHandler(p, no_doctype);
    uint64_t inflated = 0;
    int rc = CRISK_OK, last = 0;
    while (rc == CRISK_OK && !last) {
        zip_int64_t n = zip_fread(zf, buf, PIECE);
        if (n < 0) {
            rc = report(rep, CRISK_EINVALID, "%s: cannot read it from the zip archive: %s", name,
                        zip_file_strerror(zf));
            break;
        }
        inflated += (uint64_t)n;
        if (crisk__zip_count_inflated(&x->limits, (uint64_t)n, inflated, compressed, why,
                                      sizeof why) != 0) {
            rc = report(rep, CRISK_ELIMIT, "%s: %s", name, why);
            break;
        }
        last = n == 0;
        if (XML_Parse(p, buf, (int)n, last) == XML_STATUS_ERROR) {
            if (ud->code == CRISK_EINVALID || ud->code == CRISK_ELIMIT)
                rc = report(rep, ud->code, "%s:%lu: %s", name,
                            (unsigned long)XML_GetCurrentLineNumber(p), ud->why);
            else if (ud->code != CRISK_OK)
                rc = ud->code;
            else
                rc = report(rep, CRISK_EINVALID, "%s:%lu: not well-formed XML (%s)", name,
                            (unsigned long)XML_GetCurrentLineNumber(p),
                            XML_ErrorString(XML_GetErrorCode(p)));
        }
    }
    XML_ParserFree(p);
    free(buf);
    zip_fclose(zf);
    return rc;
}

/* ---- the workbook and its relationships -------------------------------------------- */

typedef struct book_ctx {
    xml_ctx x;
    const char *wanted;      /* NULL = the first sheet */
    char *name, *rid;        /* the sheet found */
    int exact;               /* found by its exact name */
    text names;              /* every sheet's name, for the message */
    size_t sheets;
} book_ctx;

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p != NULL ? memcpy(p, s, n) : NULL;
}

static void XMLCALL book_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    book_ctx *b = ud;
    if (strcmp(local(el), "sheet") != 0)
        return;
    const char *name = attr(atts, "name"), *rid = attr(atts, "id");
    if (name == NULL || rid == NULL)
        return;
    if (++b->sheets > MAX_SHEETS) {
        xml_stop(&b->x, CRISK_ELIMIT, "more than %d sheets", MAX_SHEETS);
        return;
    }
    char q[CRISK__QUOTE_MAX];
    if ((b->names.len > 0 && text_add(&b->names, ", ", 2) != 0)
        || text_add(&b->names, "'", 1) != 0
        || text_add(&b->names, crisk__quote(q, name), strlen(crisk__quote(q, name))) != 0
        || text_add(&b->names, "'", 1) != 0) {
        xml_stop(&b->x, CRISK_ENOMEM, NULL);
        return;
    }
    int take = b->wanted == NULL ? b->name == NULL
             : strcmp(name, b->wanted) == 0 ? !b->exact
             : strcasecmp(name, b->wanted) == 0 && b->name == NULL;
    if (!take)
        return;
    free(b->name);
    free(b->rid);
    b->name = copy_text(name);
    b->rid = copy_text(rid);
    b->exact = b->wanted != NULL && strcmp(name, b->wanted) == 0;
    if (b->name == NULL || b->rid == NULL)
        xml_stop(&b->x, CRISK_ENOMEM, NULL);
}

static void XMLCALL ignore_end(void *ud, const XML_Char *el)
{
    (void)ud;
    (void)el;
}

static void XMLCALL ignore_text(void *ud, const XML_Char *s, int len)
{
    (void)ud;
    (void)s;
    (void)len;
}

typedef struct rels_ctx {
    xml_ctx x;
    const char *rid;
    char *sheet_target, *strings_target;
} rels_ctx;

/* A target relative to xl/, or absolute from the package's root. */
static char *part_name(const char *target)
{
    if (target[0] == '/')
        return copy_text(target + 1);
    size_t n = strlen(target);
    char *p = malloc(n + 4);
    if (p != NULL) {
        memcpy(p, "xl/", 3);
        memcpy(p + 3, target, n + 1);
    }
    return p;
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    rels_ctx *r = ud;
    if (strcmp(local(el), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (id == NULL || target == NULL)
        return;
    char **slot = NULL;
    if (strcmp(id, r->rid) == 0 && r->sheet_target == NULL)
        slot = &r->sheet_target;
    else if (type != NULL && strlen(type) >= 14
             && strcmp(type + strlen(type) - 14, "/sharedStrings") == 0
             && r->strings_target == NULL)
        slot = &r->strings_target;
    if (slot != NULL && (*slot = part_name(target)) == NULL)
        xml_stop(&r->x, CRISK_ENOMEM, NULL);
}

void crisk__xlsx_close(crisk__xlsx *x)
{
    if (x == NULL)
        return;
    if (x->zip != NULL)
        zip_discard(x->zip);
    free(x->sheet);
    free(x->sheet_part);
    free(x->strings_part);
    free(x);
}

/* The file's SHA-256 and size, then the descriptor rewound for libzip. */
static int hash_file(crisk__xlsx *x, int fd)
{
    crisk__sha256 h;
    if (crisk__sha256_begin(&h) != 0)
        return CRISK_ENOMEM;
    char *buf = malloc(PIECE);
    if (buf == NULL) {
        crisk__sha256_discard(&h);
        return CRISK_ENOMEM;
    }
    ssize_t n;
    while ((n = read(fd, buf, PIECE)) > 0) {
        crisk__sha256_add(&h, buf, (size_t)n);
        x->bytes += (uint64_t)n;
    }
    free(buf);
    if (n < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        crisk__sha256_discard(&h);
        return CRISK_EIO;
    }
    return crisk__sha256_end_hex(&h, x->sha256) == 0 ? CRISK_OK : CRISK_ENOMEM;
}

static int open_zip(crisk__xlsx *x, crisk__csv_report *rep)
{
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    int rc = crisk__infile_open(x->path, 0, &fd, &st, why, sizeof why);
    if (rc != CRISK_OK)
        return report(rep, rc, "%s", why);
    if ((uint64_t)st.st_size > CRISK_MAX_FILE_BYTES) {
        close(fd);
        return report(rep, CRISK_ELIMIT, "file is too large (%llu bytes, limit %llu)",
                      (unsigned long long)st.st_size, (unsigned long long)CRISK_MAX_FILE_BYTES);
    }
    rc = hash_file(x, fd);
    if (rc != CRISK_OK) {
        close(fd);
        return rc == CRISK_EIO ? report(rep, CRISK_EIO, "cannot read file") : rc;
    }
    int code = 0;
    x->zip = zip_fdopen(fd, ZIP_RDONLY, &code);
    if (x->zip == NULL) {
        close(fd);
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        char msg[CRISK_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", zip_error_strerror(&ze));
        msg[0] = (char)tolower((unsigned char)msg[0]);   /* libzip's "Not a zip archive" */
        rc = report(rep, CRISK_EINVALID, "not an Excel workbook (.xlsx): %s", msg);
        zip_error_fini(&ze);
        return rc;
    }
    return CRISK_OK;
}

/* Find the sheet and the parts to read. */
static int find_sheet(crisk__xlsx *x, crisk__csv_report *rep, const char *wanted)
{
    book_ctx b;
    memset(&b, 0, sizeof b);
    b.wanted = wanted;
    int rc = parse_part(x, rep, "xl/workbook.xml", book_start, ignore_end, ignore_text, &b.x);
    if (rc == CRISK_ENOTFOUND)
        rc = report(rep, CRISK_EINVALID, "not an Excel workbook (.xlsx): it has no "
                    "xl/workbook.xml (save it from Excel or LibreOffice as .xlsx)");
    if (rc == CRISK_OK && b.name == NULL) {
        char q[CRISK__QUOTE_MAX];
        rc = wanted == NULL ? report(rep, CRISK_EINVALID, "the workbook has no sheet")
                            : report(rep, CRISK_EINVALID, "no sheet '%s' (the workbook has %.300s)",
                                     crisk__quote(q, wanted), b.names.s);
    }
    rels_ctx r;
    memset(&r, 0, sizeof r);
    r.rid = b.rid;
    if (rc == CRISK_OK) {
        rc = parse_part(x, rep, "xl/_rels/workbook.xml.rels", rels_start, ignore_end,
                        ignore_text, &r.x);
        if (rc == CRISK_ENOTFOUND || (rc == CRISK_OK && r.sheet_target == NULL)) {
            char q[CRISK__QUOTE_MAX];
            rc = report(rep, CRISK_EINVALID, "sheet '%s' has no part in the workbook (a broken "
                        "xl/_rels/workbook.xml.rels)", crisk__quote(q, b.name));
        }
    }
    if (rc == CRISK_OK) {
        x->sheet = b.name;
        x->sheet_part = r.sheet_target;
        x->strings_part = r.strings_target;
        b.name = NULL;
        r.sheet_target = r.strings_target = NULL;
    }
    free(b.name);
    free(b.rid);
    free(b.names.s);
    free(r.sheet_target);
    free(r.strings_target);
    return rc;
}

int crisk__xlsx_open(crisk__xlsx **out, crisk__csv_report *rep, const char *path,
                     const char *sheet, char *display, size_t display_size)
{
    *out = NULL;
    crisk__xlsx *x = calloc(1, sizeof *x);
    if (x == NULL)
        return CRISK_ENOMEM;
    x->path = path;
    crisk__zip_budget_init(&x->limits);
    int rc = open_zip(x, rep);
    if (rc == CRISK_OK)
        rc = find_sheet(x, rep, sheet);
    if (rc != CRISK_OK) {
        crisk__xlsx_close(x);
        return rc;
    }
    snprintf(display, display_size, "%s[%s]", path, x->sheet);
    *out = x;
    return CRISK_OK;
}

/* ---- shared strings ------------------------------------------------------------------ */

typedef struct strings_ctx {
    xml_ctx x;
    text all;                /* every string, each with its NUL */
    size_t *at;              /* offset of each in `all` */
    size_t count, cap;
    int in_si, in_t, in_rph;
} strings_ctx;

static void XMLCALL strings_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    (void)atts;
    strings_ctx *s = ud;
    const char *n = local(el);
    if (strcmp(n, "si") == 0) {
        if (s->count == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 1024;
            size_t *p = realloc(s->at, cap * sizeof *p);
            if (p == NULL) {
                xml_stop(&s->x, CRISK_ENOMEM, NULL);
                return;
            }
            s->at = p;
            s->cap = cap;
        }
        s->at[s->count] = s->all.len;
        s->in_si = 1;
    } else if (strcmp(n, "t") == 0) {
        s->in_t = 1;
    } else if (strcmp(n, "rPh") == 0) {
        s->in_rph = 1;   /* phonetic reading: not the cell's text */
    }
}

static void XMLCALL strings_end(void *ud, const XML_Char *el)
{
    strings_ctx *s = ud;
    const char *n = local(el);
    if (strcmp(n, "si") == 0 && s->in_si) {
        if (text_add(&s->all, "", 1) != 0) {   /* the terminator, kept */
            xml_stop(&s->x, CRISK_ENOMEM, NULL);
            return;
        }
        s->count++;
        s->in_si = 0;
    } else if (strcmp(n, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        s->in_rph = 0;
    }
}

static void XMLCALL strings_text(void *ud, const XML_Char *t, int len)
{
    strings_ctx *s = ud;
    if (s->in_si && s->in_t && !s->in_rph && text_add(&s->all, t, (size_t)len) != 0)
        xml_stop(&s->x, CRISK_ENOMEM, NULL);
}

/* ---- the sheet --------------------------------------------------------------------- */

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_BOOL, CELL_ERROR, CELL_TEXT };

typedef struct sheet_ctx {
    xml_ctx x;
    crisk__csv_report *rep;
    crisk__csv_record_fn fn;
    void *ctx;
    crisk__csv_info *info;
    const strings_ctx *strings;
    /* the row being read */
    size_t row, last_row;       /* its number; the one before */
    text cells;                 /* its cells' texts, each with its NUL */
    size_t *offset;             /* per column (0-based): offset in `cells` + 1; 0 = none */
    size_t width;               /* columns with room in `offset` */
    size_t last_column;         /* of the last cell read, 1-based */
    int bad;                    /* a cell of the row was reported */
    /* the cell being read */
    size_t column;
    enum cell_type type;
    text value;
    int in_cell, in_v, in_is, in_t, in_rph, too_long;
    /* the records */
    size_t header_width;        /* 0 until the header is read */
    size_t records;
    crisk__csv_field *fields;
    char empty[1];
} sheet_ctx;

/* "B3" -> 2; 0 when it does not start with one to three letters. */
static size_t column_of(const char *ref)
{
    size_t c = 0, n = 0;
    for (; n < 3 && ref[n] >= 'A' && ref[n] <= 'Z'; n++)
        c = c * 26 + (size_t)(ref[n] - 'A' + 1);
    return n > 0 && !(ref[n] >= 'A' && ref[n] <= 'Z') ? c : 0;
}

static void cell_problem(sheet_ctx *s, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cell_problem(sheet_ctx *s, size_t column, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->bad = 1;
    if (crisk__csv_report_add(s->rep, CRISK_SEV_ERROR, CRISK_EINVALID, s->row, column, "%s",
                              msg) != CRISK_OK)
        xml_stop(&s->x, CRISK_ENOMEM, NULL);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    sheet_ctx *s = ud;
    const char *n = local(el);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        char *end = NULL;
        unsigned long long v = r != NULL ? strtoull(r, &end, 10) : 0;
        s->row = r != NULL && end != r && *end == '\0' && v > s->last_row && v <= 1048576
                 ? (size_t)v : s->last_row + 1;
        s->cells.len = 0;
        if (s->width > 0)
            memset(s->offset, 0, s->width * sizeof *s->offset);
        s->last_column = 0;
        s->bad = 0;
    } else if (strcmp(n, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        size_t c = r != NULL ? column_of(r) : 0;
        s->column = c > s->last_column ? c : s->last_column + 1;
        s->last_column = s->column;
        s->type = t == NULL || strcmp(t, "n") == 0 ? CELL_NUMBER
                : strcmp(t, "s") == 0              ? CELL_SHARED
                : strcmp(t, "inlineStr") == 0      ? CELL_INLINE
                : strcmp(t, "b") == 0              ? CELL_BOOL
                : strcmp(t, "e") == 0              ? CELL_ERROR
                                                   : CELL_TEXT;   /* str, d */
        s->value.len = 0;
        if (s->value.s != NULL)
            s->value.s[0] = '\0';
        s->in_cell = 1;
        s->too_long = 0;
    } else if (s->in_cell && strcmp(n, "v") == 0) {
        s->in_v = 1;
    } else if (s->in_cell && strcmp(n, "is") == 0) {
        s->in_is = 1;
    } else if (s->in_is && strcmp(n, "t") == 0) {
        s->in_t = 1;
    } else if (s->in_is && strcmp(n, "rPh") == 0) {
        s->in_rph = 1;
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
    sheet_ctx *s = ud;
    if (!(s->in_v || (s->in_is && s->in_t && !s->in_rph)) || s->too_long)
        return;
    if (s->value.len + (size_t)len > CRISK_MAX_FIELD_BYTES) {
        s->too_long = 1;
        return;
    }
    if (text_add(&s->value, t, (size_t)len) != 0)
        xml_stop(&s->x, CRISK_ENOMEM, NULL);
}

static char *letters(char out[8], size_t column)
{
    char rev[8];
    size_t n = 0;
    for (; column > 0 && n < 7; column = (column - 1) / 26)
        rev[n++] = (char)('A' + (column - 1) % 26);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return out;
}

/* The text of the cell just read, or NULL (reported). */
static const char *cell_value(sheet_ctx *s)
{
    const char *v = s->value.s != NULL ? s->value.s : "";
    if (s->too_long) {
        cell_problem(s, s->column, "field is longer than %u bytes", CRISK_MAX_FIELD_BYTES);
        return NULL;
    }
    switch (s->type) {
    case CELL_SHARED: {
        char *end = NULL;
        unsigned long long k = strtoull(v, &end, 10);
        if (end == v || *end != '\0' || k >= s->strings->count) {
            char q[CRISK__QUOTE_MAX];
            cell_problem(s, s->column, "shared string '%s' is not in the workbook (%zu strings)",
                         crisk__quote(q, v), s->strings->count);
            return NULL;
        }
        return s->strings->all.s + s->strings->at[k];
    }
    case CELL_BOOL:
        return strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v;
    case CELL_ERROR: {
        char q[CRISK__QUOTE_MAX];
        cell_problem(s, s->column, "the cell holds the error value '%s'", crisk__quote(q, v));
        return NULL;
    }
    default:
        return v;
    }
}

static void end_cell(sheet_ctx *s)
{
    s->in_cell = 0;
    const char *v = cell_value(s);
    if (v == NULL || v[0] == '\0')
        return;
    if (s->column > CRISK_MAX_COLUMNS) {
        cell_problem(s, 0, "too many columns (%zu, limit %u)", s->column, CRISK_MAX_COLUMNS);
        return;
    }
    if (s->column > s->width) {
        size_t width = s->width ? s->width : 16;
        while (width < s->column)
            width *= 2;
        size_t *p = realloc(s->offset, width * sizeof *p);
        if (p == NULL) {
            xml_stop(&s->x, CRISK_ENOMEM, NULL);
            return;
        }
        memset(p + s->width, 0, (width - s->width) * sizeof *p);
        s->offset = p;
        s->width = width;
    }
    s->offset[s->column - 1] = s->cells.len + 1;
    if (text_add(&s->cells, v, strlen(v) + 1) != 0)
        xml_stop(&s->x, CRISK_ENOMEM, NULL);
}

/* Deliver the row just read: the header (the first row holding anything)
 * or a record; an empty row is skipped. */
static void end_row(sheet_ctx *s)
{
    size_t used = 0;
    for (size_t c = 0; c < s->width; c++)
        if (s->offset[c] != 0)
            used = c + 1;
    if (used == 0 && !s->bad)
        return;
    int header = s->header_width == 0;
    if (header)
        s->header_width = used > 0 ? used : 1;
    else
        s->info->rows++;
    if (!header && used > s->header_width) {
        char col[8], last[8], q[CRISK__QUOTE_MAX];
        cell_problem(s, used, "value '%s' in column %s, right of the header's last column (%s)",
                     crisk__quote(q, s->cells.s + s->offset[used - 1] - 1), letters(col, used),
                     letters(last, s->header_width));
    }
    if (s->bad || s->x.code != CRISK_OK) {
        if (header)
            s->header_width = 0;   /* a header with a problem: the next row is tried */
        return;
    }
    if (s->fields == NULL) {
        s->fields = calloc(s->header_width, sizeof *s->fields);
        if (s->fields == NULL) {
            xml_stop(&s->x, CRISK_ENOMEM, NULL);
            return;
        }
    }
    for (size_t c = 0; c < s->header_width; c++) {
        crisk__csv_field *f = &s->fields[c];
        s->empty[0] = '\0';
        f->text = c < s->width && s->offset[c] != 0 ? s->cells.s + s->offset[c] - 1 : s->empty;
        f->len = strlen(f->text);
        f->line = s->row;
    }
    crisk__csv_record rec = { header ? 0 : ++s->records, s->row, s->header_width, s->fields,
                              ',' };
    if (header)
        s->info->header_ok = 1;
    int rc = s->fn(s->ctx, &rec);
    if (rc != CRISK_OK)
        xml_stop(&s->x, rc, NULL);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
    sheet_ctx *s = ud;
    const char *n = local(el);
    if (strcmp(n, "c") == 0 && s->in_cell) {
        end_cell(s);
    } else if (strcmp(n, "row") == 0) {
        end_row(s);
        s->last_row = s->row;
    } else if (strcmp(n, "v") == 0) {
        s->in_v = 0;
    } else if (strcmp(n, "is") == 0) {
        s->in_is = 0;
    } else if (strcmp(n, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        s->in_rph = 0;
    }
}

int crisk__xlsx_read(crisk__xlsx *x, crisk__csv_report *rep, crisk__csv_record_fn fn, void *ctx,
                     crisk__csv_info *info)
{
    memset(info, 0, sizeof *info);
    info->bytes = x->bytes;
    memcpy(info->sha256, x->sha256, sizeof info->sha256);
    strings_ctx strings;
    memset(&strings, 0, sizeof strings);
    int rc = CRISK_OK;
    if (x->strings_part != NULL) {
        rc = parse_part(x, rep, x->strings_part, strings_start, strings_end, strings_text,
                        &strings.x);
        if (rc == CRISK_ENOTFOUND)
            rc = CRISK_OK;   /* then no cell may name one: each that does is reported */
    }
    sheet_ctx s;
    memset(&s, 0, sizeof s);
    s.rep = rep;
    s.fn = fn;
    s.ctx = ctx;
    s.info = info;
    s.strings = &strings;
    if (rc == CRISK_OK) {
        rc = parse_part(x, rep, x->sheet_part, sheet_start, sheet_end, sheet_text, &s.x);
        if (rc == CRISK_ENOTFOUND) {
            char q[CRISK__QUOTE_MAX];
            rc = report(rep, CRISK_EINVALID, "sheet '%s' is missing from the workbook (no %s)",
                        crisk__quote(q, x->sheet), x->sheet_part);
        }
    }
    free(strings.all.s);
    free(strings.at);
    free(s.cells.s);
    free(s.value.s);
    free(s.offset);
    free(s.fields);
    return rc;
}
