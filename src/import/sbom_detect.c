/*
 * sbom_detect.c - tell CycloneDX JSON from SPDX JSON, and recognise the
 * SPDX serialisations chainrisk does not read (see sbom_detect.h).
 *
 * Both SBOM formats are JSON objects, told apart by their top-level keys:
 * CycloneDX's "bomFormat", SPDX 2's "spdxVersion"/"SPDXID", SPDX 3's
 * "@context"/"@graph".  Key order is free (Microsoft's sbom-tool writes
 * "files" and "packages" before "spdxVersion"), so the scan reads the keys
 * of the outermost object in order and skips every value by counting
 * brackets outside strings - no tree, no allocation, one pass at most.
 * Rejected: parsing the file and handing the tree to the right reader (the
 * readers take bytes and find positions on them; a second entry point for
 * each would be the only gain), and peeking at the first few KiB (misses
 * sbom-tool's documents).
 */
#include "sbom_detect.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536
#define KEY_MAX 16     /* longer keys are none of the telling ones */

/* The scanner's state across chunks. */
typedef struct scan {
    int depth;         /* bracket depth; 1 = inside the outermost object */
    int in_string, escape;
    int key_next;      /* at depth 1, the next string is a key */
    int in_key;        /* reading a key's text */
    char key[KEY_MAX + 1];
    size_t key_len;
    crisk__sbom_kind verdict;   /* CRISK__SBOM_NONE until a key decides */
} scan;

static crisk__sbom_kind judge(const char *key)
{
    static const struct { const char *key; crisk__sbom_kind kind; } telling[] = {
        { "bomFormat", CRISK__SBOM_CYCLONEDX }, { "spdxVersion", CRISK__SBOM_SPDX },
        { "SPDXID", CRISK__SBOM_SPDX },         { "@context", CRISK__SBOM_SPDX },
        { "@graph", CRISK__SBOM_SPDX },
    };
    for (size_t i = 0; i < sizeof telling / sizeof *telling; i++)
        if (strcmp(key, telling[i].key) == 0)
            return telling[i].kind;
    return CRISK__SBOM_NONE;
}

static void end_key(scan *s)
{
    s->in_key = 0;
    if (s->key_len <= KEY_MAX) {
        s->key[s->key_len] = '\0';
        s->verdict = judge(s->key);
    }
}

static void string_byte(scan *s, char c)
{
    if (s->escape) {
        s->escape = 0;
    } else if (c == '\\') {
        s->escape = 1;
    } else if (c == '"') {
        s->in_string = 0;
        if (s->in_key)
            end_key(s);
        return;
    }
    if (s->in_key && s->key_len++ < KEY_MAX)
        s->key[s->key_len - 1] = c;
}

static void structure_byte(scan *s, char c)
{
    switch (c) {
    case '"':
        s->in_string = 1;
        s->in_key = s->depth == 1 && s->key_next;
        s->key_next = 0;
        s->key_len = 0;
        break;
    case '{':
    case '[':
        s->depth++;
        s->key_next = s->depth == 1 && c == '{';
        break;
    case '}':
    case ']':
        s->depth--;
        break;
    case ',':
        s->key_next = s->depth == 1;
        break;
    }
}

/* Feed buf[0..n); returns 1 once the verdict is in or the object ended. */
static int feed(scan *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->in_string)
            string_byte(s, buf[i]);
        else
            structure_byte(s, buf[i]);
        if (s->verdict != CRISK__SBOM_NONE || s->depth <= 0)
            return 1;
    }
    return 0;
}

/* read() until `size` bytes or the end; the count read. */
static size_t read_some(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n < size) {
        ssize_t got = read(fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    return n;
}

static crisk__sbom_kind json_kind(int fd, char *buf)
{
    scan s;
    memset(&s, 0, sizeof s);
    size_t n;
    while ((n = read_some(fd, buf, CHUNK)) > 0)
        if (feed(&s, buf, n))
            break;
    return s.verdict == CRISK__SBOM_SPDX ? CRISK__SBOM_SPDX : CRISK__SBOM_CYCLONEDX;
}

/* The line (1-based) of buf[0..at), with the BOM-free column of `at`. */
static void place(const char *buf, size_t at, crisk__sbom_detection *out)
{
    out->line = 1;
    for (size_t i = 0; i < at; i++)
        out->line += buf[i] == '\n';
    out->column = 1;
}

/* A line of buf[0..n) that starts with `prefix`: its offset, or n. */
static size_t line_starting(const char *buf, size_t n, const char *prefix)
{
    size_t len = strlen(prefix);
    for (size_t i = 0; i + len <= n; i++)
        if ((i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, prefix, len) == 0)
            return i;
    return n;
}

static void text_kind(int fd, int first, char *buf, crisk__sbom_detection *out)
{
    size_t n = read_some(fd, buf, CHUNK);
    buf[n] = '\0';
    size_t bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t at;
    if ((at = line_starting(buf + bom, n - bom, "SPDXVersion:")) < n - bom)
        out->format = "tag-value";
    else if ((at = line_starting(buf + bom, n - bom, "spdxVersion:")) < n - bom)
        out->format = "YAML";
    else if (first == '<' && strstr(buf, "spdx.org/rdf") != NULL) {
        out->format = "RDF/XML";
        at = (size_t)(strchr(buf + bom, '<') - (buf + bom));
    } else
        return;
    out->kind = CRISK__SBOM_SPDX_TEXT;
    place(buf + bom, at, out);
}

void crisk__sbom_detect(int fd, int first, crisk__sbom_detection *out)
{
    *out = (crisk__sbom_detection){ CRISK__SBOM_NONE, NULL, 0, 0 };
    /* Out of memory or not seekable: "not a chainrisk input", the least
     * wrong of the answers. */
    char *buf = malloc(CHUNK + 1);
    if (buf != NULL && lseek(fd, 0, SEEK_SET) == 0) {
        if (first == '{')
            out->kind = json_kind(fd, buf);
        else
            text_kind(fd, first, buf, out);
    }
    free(buf);
}

int crisk__spdx_refuse(crisk_builder *b, const char *path, const crisk__sbom_detection *d,
                       crisk_diagnostics *diags, crisk_error *err)
{
    size_t source;
    int rc = crisk_builder_add_source(b, &source, path, "spdx", NULL, 0, err);
    if (rc != CRISK_OK)
        return rc;
    rc = crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, d->line, d->column,
                               "an SPDX %s document: not supported, convert it to SPDX JSON "
                               "(for example: pyspdxtools -i FILE -o FILE.json)", d->format);
    return rc == CRISK_OK ? CRISK_OK : crisk_error_set(err, rc, path, 0, 0, "out of memory");
}
