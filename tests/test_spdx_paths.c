/*
 * test_spdx_paths.c - the SPDX reader's two ways of reading a document
 * (src/import/spdx.c): one entry at a time (the fast path) and one cJSON
 * tree of the whole document (the path every message was written for)
 * must give the same diagnostics, in the same order, the same model
 * (`export`'s native CSV) and the same `rank`, byte for byte.
 *
 * Every fixture under tests/fixtures/spdx/ and the real documents are read
 * both ways; so are hand-made documents that the fast path must take
 * (members in an unusual order, more entries than one batch, CRLF, a BOM,
 * one line) and ones it must hand to the whole-document path (a repeated
 * key deep in an entry, a "\u0000", a raw control character, bad UTF-8,
 * an escaped top-level key, text after the end, nesting near cJSON's
 * limit, mapping errors), and a few hundred random mutations of a real
 * document.  Where it matters, the test says which path must have made
 * the result, so that a fast path that always gave up could not pass.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/spdx.h"

enum { EITHER = -1, WHOLE = 0, FAST = 1 };

/* Everything a reading gives, as text. */
typedef struct outcome {
    char *text;
    int fast;
} outcome;

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 1);
    cr_assert_not_null(*buf);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static char *native_csv(const crisk_inventory *inv)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_not_null(f);
    cr_assert_eq(crisk_emit_native_nodes(f, inv, &err), CRISK_OK);
    cr_assert_eq(crisk_emit_native_edges(f, inv, &err), CRISK_OK);
    fclose(f);
    return text;
}

static outcome read_as(const void *data, size_t len, enum crisk__spdx_reading how,
                       int drop_optional)
{
    crisk_builder *b = NULL;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = drop_optional;
    outcome out = { NULL, -1 };
    size_t n = 0;
    char line[2048];
    crisk_diagnostics_init(&diags);
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    crisk_builder_begin_input(b);
    int rc = crisk__spdx_load_buffer_how(b, "doc.json", data, len, &opts, how, &out.fast, &diags,
                                         &err);
    if (rc == CRISK_OK)
        rc = crisk_builder_finish(b, &inv, &diags, &err);
    snprintf(line, sizeof line, "rc %d: %s\n", rc, rc == CRISK_OK ? "" : err.message);
    append(&out.text, &n, line);
    snprintf(line, sizeof line, "%zu errors, %zu warnings\n", diags.errors, diags.warnings);
    append(&out.text, &n, line);
    for (size_t i = 0; i < diags.count; i++) {
        crisk_diag_format(&diags.items[i], line, sizeof line);
        append(&out.text, &n, line);
        append(&out.text, &n, "\n");
    }
    if (inv != NULL) {
        char *csv = native_csv(inv), *rank = tl_rank_csv(inv);
        append(&out.text, &n, csv);
        append(&out.text, &n, rank);
        free(csv);
        free(rank);
    }
    crisk_inventory_free(inv);
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
    return out;
}

/* Read `data` both ways (and with --drop-optional); the same outcome, and
 * the fast path's result when `expect` says so.  Returns whether the fast
 * path made it. */
static int same_both_ways(const char *label, const void *data, size_t len, int expect)
{
    int fast = 0;
    for (int drop = 0; drop <= 1; drop++) {
        outcome quick = read_as(data, len, CRISK__SPDX_AUTO, drop);
        outcome whole = read_as(data, len, CRISK__SPDX_WHOLE, drop);
        cr_expect_eq(whole.fast, 0, "%s: the whole-document reading took the fast path", label);
        cr_expect_str_eq(quick.text, whole.text, "%s: the two readings differ", label);
        if (expect != EITHER)
            cr_expect_eq(quick.fast, expect, "%s: %s", label,
                         expect ? "the fast path gave up" : "the fast path took it");
        fast = quick.fast;
        free(quick.text);
        free(whole.text);
    }
    return fast;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        buf = realloc(buf, cap + 65536 + 1);
        cr_assert_not_null(buf);
        cap += 65536;
        size_t got = fread(buf + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static int same_for_file(const char *dir, const char *name, int expect)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s/%s", CRISK_FIXTURES, dir, name);
    char *data = slurp(path, &len);
    int fast = same_both_ways(name, data, len, expect);
    free(data);
    return fast;
}

static size_t same_for_dir(const char *dir)
{
    char path[1024];
    size_t read = 0;
    snprintf(path, sizeof path, "%s/%s", CRISK_FIXTURES, dir);
    DIR *d = opendir(path);
    cr_assert_not_null(d, "%s", path);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0) {
            same_for_file(dir, e->d_name, EITHER);
            read++;
        }
    }
    closedir(d);
    return read;
}

/* ---- the fixtures and the real documents ------------------------------------------ */

Test(spdx_paths, read_every_fixture_alike)
{
    cr_expect_geq(same_for_dir("spdx"), 19);
    cr_expect_geq(same_for_dir("spdx/real"), 3);
}

Test(spdx_paths, take_the_fast_path_for_the_clean_2_x_documents)
{
    same_for_file("spdx/real", "trivy-ubuntu-image.spdx.json", FAST);
    same_for_file("spdx/real", "sbom-tool-nita-webapp.spdx.json", FAST);
    same_for_file("spdx", "twin.spdx.json", FAST);
    same_for_file("spdx", "duplicate_id.json", FAST);        /* warnings only */
    same_for_file("spdx", "unknown_element.json", FAST);
    same_for_file("spdx", "no_described.json", FAST);
    same_for_file("spdx/real", "spdx3-appbomination.spdx.json", WHOLE);   /* 3.0 */
    same_for_file("spdx", "syntax_error.json", WHOLE);
    same_for_file("spdx", "wrong_types.json", WHOLE);
}

/* ---- documents made here ------------------------------------------------------------ */

/* A document of `n` packages (package i depends on i + 1 and i + 7), a file
 * and a snippet, with the members in the order `order` names them: 'v'
 * spdxVersion, 'i' SPDXID, 'n' name, 'd' documentDescribes, 'p' packages,
 * 'f' files, 's' snippets, 'r' relationships. */
static char *make_doc(size_t n, const char *order, const char *nl)
{
    char *buf = NULL;
    size_t len = 0;
    char part[512];
    append(&buf, &len, "{");
    for (const char *o = order; *o != '\0'; o++) {
        if (o != order)
            append(&buf, &len, ",");
        append(&buf, &len, nl);
        switch (*o) {
        case 'v': append(&buf, &len, " \"spdxVersion\": \"SPDX-2.3\""); break;
        case 'i': append(&buf, &len, " \"SPDXID\": \"SPDXRef-DOCUMENT\""); break;
        case 'n': append(&buf, &len, " \"name\": \"made \\u00e9 here\""); break;
        case 'd': append(&buf, &len, " \"documentDescribes\": [\"SPDXRef-p0\"]"); break;
        case 'f':
            append(&buf, &len, " \"files\": [{\"SPDXID\": \"SPDXRef-f\", \"fileName\": \"a\"}]");
            break;
        case 's':
            append(&buf, &len, " \"snippets\": [{\"SPDXID\": \"SPDXRef-s\"}, {\"name\": \"x\"}]");
            break;
        case 'p':
            append(&buf, &len, " \"packages\": [");
            for (size_t i = 0; i < n; i++) {
                snprintf(part, sizeof part,
                         "%s%s  {\"SPDXID\": \"SPDXRef-p%zu\", \"name\": \"p\xc3\xa9%zu\", "
                         "\"versionInfo\": \" 1.%zu \", \"supplier\": \"Organization: S%zu (a@b)\", "
                         "\"licenseConcluded\": \"MIT\", \"checksums\": [{\"algorithm\": \"SHA1\", "
                         "\"checksumValue\": \"0\"}], \"externalRefs\": [{\"referenceType\": "
                         "\"purl\", \"referenceLocator\": \"pkg:generic/p%zu\"}]}",
                         i > 0 ? "," : "", nl, i, i, i % 7, i % 13, i);
                append(&buf, &len, part);
            }
            append(&buf, &len, "]");
            break;
        case 'r':
            append(&buf, &len, " \"relationships\": [");
            for (size_t i = 0; i < n; i++) {
                snprintf(part, sizeof part,
                         "%s%s  {\"spdxElementId\": \"SPDXRef-p%zu\", \"relationshipType\": "
                         "\"DEPENDS_ON\", \"relatedSpdxElement\": \"SPDXRef-p%zu\"},"
                         "%s  {\"spdxElementId\": \"SPDXRef-p%zu\", \"relationshipType\": "
                         "\"OPTIONAL_DEPENDENCY_OF\", \"relatedSpdxElement\": \"SPDXRef-p%zu\"}",
                         i > 0 ? "," : "", nl, i, (i + 1) % n, nl, (i + 7) % n, i);
                append(&buf, &len, part);
            }
            append(&buf, &len, "]");
            break;
        }
    }
    append(&buf, &len, nl);
    append(&buf, &len, "}");
    append(&buf, &len, nl);
    return buf;
}

static void same_made(const char *label, size_t n, const char *order, const char *nl,
                      int expect)
{
    char *doc = make_doc(n, order, nl);
    same_both_ways(label, doc, strlen(doc), expect);
    free(doc);
}

Test(spdx_paths, read_members_in_any_order_and_across_many_batches_alike)
{
    same_made("the usual order", 700, "vindpfsr", "\n", FAST);
    same_made("relationships first, version last", 700, "rsfpdniv", "\n", FAST);
    same_made("one line", 300, "vinpr", "", FAST);
    same_made("CRLF", 300, "vinrp", "\r\n", FAST);
    same_made("nothing described", 20, "vinpr", "\n", FAST);
    same_made("no packages", 0, "vinfsr", "\n", FAST);
    same_made("only the version", 0, "v", "\n", FAST);
}

Test(spdx_paths, read_a_document_with_a_bom_alike)
{
    char *doc = make_doc(30, "vindpr", "\n");
    size_t len = strlen(doc);
    char *bom = malloc(len + 4);
    memcpy(bom, "\xef\xbb\xbf", 3);
    memcpy(bom + 3, doc, len + 1);
    same_both_ways("BOM", bom, len + 3, FAST);
    free(bom);
    free(doc);
}

/* The document made with `from` replaced by `to` at its `nth` occurrence. */
static void same_edited(const char *label, const char *order, const char *from, const char *to,
                        int nth, int expect)
{
    char *doc = make_doc(300, order, "\n");
    char *at = doc;
    for (int k = 0; at != NULL && k <= nth; k++)
        at = strstr(k == 0 ? at : at + 1, from);
    cr_assert_not_null(at, "%s: no '%s' in the document", label, from);
    size_t len = strlen(doc), head = (size_t)(at - doc), fl = strlen(from), tl = strlen(to);
    char *edited = malloc(len - fl + tl + 1);
    memcpy(edited, doc, head);
    memcpy(edited + head, to, tl);
    memcpy(edited + head + tl, at + fl, len - head - fl + 1);
    same_both_ways(label, edited, strlen(edited), expect);
    free(edited);
    free(doc);
}

Test(spdx_paths, hand_what_is_not_clean_to_the_whole_document_path)
{
    const char *o = "vindpfsr";
    same_edited("repeated key in a package", o, "\"licenseConcluded\"", "\"name\"", 250, WHOLE);
    same_edited("repeated key in a checksum", o, "\"checksumValue\"", "\"algorithm\"", 3, WHOLE);
    same_edited("\\u0000 in a relationship", o, "DEPENDS_ON", "DEPENDS\\u0000ON", 200, WHOLE);
    same_edited("control character in a name", o, "p\xc3\xa9" "1", "p\x01", 0, WHOLE);
    same_edited("tab in a string", o, "\"MIT\"", "\"M\tIT\"", 40, WHOLE);
    same_edited("bad UTF-8", o, "p\xc3\xa9" "2", "p\xc3" "2", 0, WHOLE);
    same_edited("escaped top-level key", o, "\"packages\"", "\"\\u0070ackages\"", 0, WHOLE);
    same_edited("repeated top-level key", o, "\"name\": \"made", "\"SPDXID\": \"made", 0, WHOLE);
    same_edited("text after the end", o, "]\n}\n", "]\n}\n]", 0, WHOLE);
    same_edited("two documents", o, "]\n}\n", "]\n}{}", 0, WHOLE);
    same_edited("missing comma between entries", o, "},\n  {\"SPDXID\"", "}\n  {\"SPDXID\"", 9,
                WHOLE);
    same_edited("trailing comma", o, "}]}]", "}]},]", 0, WHOLE);
    same_edited("not an object", o, "{\"SPDXID\": \"SPDXRef-p4\"", "7, {\"SPDXID\": \"SPDXRef-p4\"",
                0, WHOLE);
    same_edited("id of the wrong type", o, "\"SPDXRef-p8\"", "8", 0, WHOLE);
    same_edited("packages not an array", o, "\"files\": [", "\"files\": 3, \"x\": [", 0, WHOLE);
    same_edited("a number cut short", o, "\"checksumValue\": \"0\"", "\"checksumValue\": 0x1", 5,
                WHOLE);
    same_edited("a BOM inside", o, "{\"SPDXID\": \"SPDXRef-p5\"",
                "\xef\xbb\xbf{\"SPDXID\": \"SPDXRef-p5\"", 0, WHOLE);
    same_edited("SPDX 3.0 context", o, "\"SPDXID\": \"SPDXRef-DOCUMENT\"",
                "\"SPDXID\": \"SPDXRef-DOCUMENT\", \"@context\": \"x\"", 0, WHOLE);
    same_edited("unsupported version", o, "SPDX-2.3", "SPDX-2.1", 0, FAST);
    same_edited("self relationship", o, "\"SPDXRef-p3\"}", "\"SPDXRef-p2\"}", 0, FAST);
    same_edited("relationship without a target", o, ", \"relatedSpdxElement\": \"SPDXRef-p9\"",
                "", 0, FAST);
    same_edited("to another document", o, "\"SPDXRef-p9\"}", "\"DocumentRef-x:SPDXRef-y\"}", 0,
                FAST);
    same_edited("empty string", o, "\"SPDXRef-p11\"", "\"\"", 0, FAST);
}

/* A document cut short right after a backslash in a string: the outline
 * must stop at the end, not step over the NUL after the text (a fuzz
 * finding, tests/fixtures/fuzz-regressions/spdx/outline-backslash-last:
 * under ASan a read past the buffer fails this test). */
Test(spdx_paths, stop_at_a_backslash_at_the_very_end)
{
    static const char *const cut[] = {
        "{\"\\",
        "{\"\\ u@(r\\",
        "{\"spdxVersion\": \"SPDX-2.3\\",
        "{\"packages\": [{\"SPDXID\": \"SPDXRef-a\\",
        "{\"packages\": [\"\\",
    };
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        size_t len = strlen(cut[i]);
        char *exact = malloc(len + 1);   /* nothing after the NUL for a read to land on */
        cr_assert_not_null(exact);
        memcpy(exact, cut[i], len + 1);
        same_both_ways(cut[i], exact, len, WHOLE);
        free(exact);
    }
}

/* Nesting near 1000 deep inside an entry: cJSON's limit counts from the
 * document, not from the entry (997 levels in a package load, 1001 do
 * not); the fast path leaves what is near it to the whole document. */
Test(spdx_paths, leave_nesting_near_cjson_s_limit_to_the_whole_document)
{
    for (size_t depth = 985; depth <= 1001; depth += 4) {
        char *doc = make_doc(3, "vinpr", "\n");
        char *at = strstr(doc, "\"licenseConcluded\": \"MIT\"");
        cr_assert_not_null(at);
        size_t len = strlen(doc), head = (size_t)(at - doc);
        char *deep = malloc(len + 2 * depth + 64);
        memcpy(deep, doc, head);
        size_t k = head;
        k += (size_t)sprintf(deep + k, "\"deep\": ");
        for (size_t d = 0; d < depth; d++)
            deep[k++] = '[';
        for (size_t d = 0; d < depth; d++)
            deep[k++] = ']';
        deep[k++] = ',';
        memcpy(deep + k, at, len - head + 1);
        char label[64];
        snprintf(label, sizeof label, "nesting %zu", depth);
        /* the outline gives up past 992 levels below the top (packages,
         * the package, then `depth`), leaving a margin to cJSON's limit */
        same_both_ways(label, deep, strlen(deep), depth + 2 > 992 ? WHOLE : FAST);
        free(deep);
        free(doc);
    }
}

/* ---- random mutations --------------------------------------------------------------- */

static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

/* Mutants of a made document with members in sbom-tool's order: a byte
 * changed to one JSON gives meaning to, inserted or deleted, a few at a
 * time; whichever path each takes, the two readings agree. */
Test(spdx_paths, read_random_mutations_alike)
{
    static const char bytes[] = "{}[],:\"\\ \n\t\x01\x7f\xc3\xa9u0aZ-";
    char *doc = make_doc(12, "fprsdvin", "\n");
    size_t len = strlen(doc);
    uint64_t state = 16;
    size_t fast = 0;
    char *m = malloc(len + 16);
    for (int round = 0; round < 400; round++) {
        size_t n = len;
        memcpy(m, doc, len + 1);
        for (int edits = 1 + (int)(next_random(&state) % 3); edits > 0; edits--) {
            size_t at = next_random(&state) % n;
            char ch = bytes[next_random(&state) % (sizeof bytes - 1)];
            switch (next_random(&state) % 3) {
            case 0: m[at] = ch; break;
            case 1: memmove(m + at + 1, m + at, n - at + 1); m[at] = ch; n++; break;
            default: memmove(m + at, m + at + 1, n - at); n--; break;
            }
        }
        char label[64];
        snprintf(label, sizeof label, "mutant %d", round);
        fast += (size_t)same_both_ways(label, m, n, EITHER);
    }
    cr_expect_gt(fast, 40, "only %zu mutants took the fast path", fast);
    free(m);
    free(doc);
}
