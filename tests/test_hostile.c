/*
 * test_hostile.c - hostile inputs (issue 6, docs/robustness.md): each one
 * ends in a clear error with its exact text and position, or in a correct
 * result, within bounded time and memory.
 *
 * Small cases are fixtures under tests/fixtures/hostile/<case>/.  Big ones
 * (a 128 MiB field, a 4 GiB sparse file, two million columns, a million
 * rows, a million-node chain, a 100 000-node ring, a million unknown ids)
 * are generated into a temporary directory and removed afterwards: nothing
 * over 1 MB is committed.  Memory bounds are checked with the peak RSS of
 * the test's own process (Criterion runs every test in a fresh one).
 *
 * tests/fixtures/fuzz-regressions/native/ holds every input the native fuzz
 * target (tools/fuzz/fuzz_native.c) ever crashed on, in its format (nodes.csv,
 * a 0xFF byte, edges.csv); each one is replayed through the same steps.
 */
#define _XOPEN_SOURCE 700   /* nftw() */
#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Peak RSS bounds are for the plain build; ASan's shadow memory, redzones
 * and quarantine add a roughly constant amount on top. */
#define RSS_SLACK_MIB (SANITIZED ? 320 : 0)

extern char **environ;

/* ---- temporary files ------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

typedef struct scratch {
    char dir[256];
    char nodes[300], edges[300];
} scratch;

static void scratch_init(scratch *s)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/crisk-hostile-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(s->dir), "mkdtemp failed");
    snprintf(s->nodes, sizeof s->nodes, "%s/nodes.csv", s->dir);
    snprintf(s->edges, sizeof s->edges, "%s/edges.csv", s->dir);
}

static void scratch_release(scratch *s)
{
    nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static FILE *create(const char *path)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    return f;
}

static void finish(FILE *f)
{
    cr_assert_eq(ferror(f), 0);
    cr_assert_eq(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = create(path);
    fputs(text, f);
    finish(f);
}

/* `count` copies of byte `c`, written a MiB at a time. */
static void write_repeated(FILE *f, int c, size_t count)
{
    static char block[1 << 20];
    memset(block, c, sizeof block);
    while (count > 0) {
        size_t n = count < sizeof block ? count : sizeof block;
        cr_assert_eq(fwrite(block, 1, n, f), n);
        count -= n;
    }
}

static long peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* ---- loading ------------------------------------------------------------------ */

typedef struct run {
    char nodes[512], edges[512];
    crisk_diagnostics diags;
    crisk_error err;
    crisk_inventory *inv;
    int rc;
} run;

static void load_paths(run *r, const char *nodes, const char *edges)
{
    memset(r, 0, sizeof *r);
    snprintf(r->nodes, sizeof r->nodes, "%s", nodes);
    snprintf(r->edges, sizeof r->edges, "%s", edges ? edges : "");
    crisk_diagnostics_init(&r->diags);
    r->err = (crisk_error)CRISK_ERROR_INIT;
    crisk_input in = { NULL, r->nodes, edges ? r->edges : NULL };
    r->rc = crisk_inventory_load(&r->inv, &in, 1, NULL, &r->diags, &r->err);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void load_fixture(run *r, const char *name)
{
    char nodes[512], edges[512];
    snprintf(nodes, sizeof nodes, "%s/hostile/%s/nodes.csv", CRISK_FIXTURES, name);
    snprintf(edges, sizeof edges, "%s/hostile/%s/edges.csv", CRISK_FIXTURES, name);
    load_paths(r, nodes, exists(edges) ? edges : NULL);
}

static void release(run *r)
{
    crisk_inventory_free(r->inv);
    crisk_diagnostics_release(&r->diags);
}

static void dump(const run *r, char *buf, size_t size)
{
    tl_diag_text(&r->diags, buf, size, "\n  ", "", NULL, 0);
}

/* Assert that some diagnostic renders exactly as the path of the nodes ('N')
 * or edges ('E') file followed by `rest`. */
static void expect_diag(const run *r, char which, const char *rest)
{
    char want[2048], all[16384];
    snprintf(want, sizeof want, "%s%s", which == 'E' ? r->edges : r->nodes, rest);
    for (size_t i = 0; i < r->diags.count; i++) {
        char got[2048];
        crisk_diag_format(&r->diags.items[i], got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
    }
    dump(r, all, sizeof all);
    cr_assert_fail("missing diagnostic\n  %s\namong:%s", want, all);
}

static void expect_errors(const run *r, size_t errors)
{
    char all[16384];
    dump(r, all, sizeof all);
    cr_assert_eq(r->diags.errors, errors, "expected %zu errors, got %zu:%s", errors,
                 r->diags.errors, all);
}

/* A load that must fail.  A limit error may come back as CRISK_ELIMIT or,
 * like every problem collected in the diagnostics, CRISK_EINVALID (both exit
 * 1; inventory.h allows either). */
static void expect_failed(const run *r, int code)
{
    int ok = r->rc == code || (code == CRISK_ELIMIT && r->rc == CRISK_EINVALID);
    cr_assert(ok, "load returned %d, expected %d", r->rc, code);
    cr_assert_null(r->inv);
}

static void expect_loaded(const run *r)
{
    char all[16384];
    dump(r, all, sizeof all);
    cr_assert_eq(r->rc, CRISK_OK, "load failed (%d):%s", r->rc, all);
    cr_assert_not_null(r->inv);
}

static size_t node(const run *r, const char *id)
{
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(r->inv, id, &v), CRISK_OK, "no node '%s'", id);
    return v;
}

/* ---- running the CLI ---------------------------------------------------------- */

/* The chainrisk binary beside the test binaries' directory (build/tests/..). */
static void cli_path(char *buf, size_t size)
{
    const char *env = getenv("CRISK_CLI");
    if (env != NULL && *env) {
        snprintf(buf, size, "%s", env);
        return;
    }
    char self[2048];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    cr_assert_gt(n, 0);
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(buf, size, "%s/../chainrisk", self);
    cr_assert_eq(access(buf, X_OK), 0, "no CLI at %s (set CRISK_CLI)", buf);
}

/* Run chainrisk with `argv` (NULL-terminated, without argv[0]); stdout and
 * stderr go to the files given.  Returns the exit status. */
static int run_cli(const char *const *args, const char *out, const char *errf)
{
    char bin[4096];
    cli_path(bin, sizeof bin);
    const char *argv[64] = { bin };
    size_t n = 1;
    for (; args[n - 1] != NULL && n < 63; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot run %s", bin);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "chainrisk died with signal %d", WTERMSIG(status));
    return WEXITSTATUS(status);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)size;
    return buf;
}

/* ---- the CSV syntax and the bytes of a file --------------------------------- */

Test(hostile, rejects_a_nul_byte_with_its_position)
{
    run r;
    load_fixture(&r, "nul_byte");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":2:2: field contains a NUL byte (at offset 1)");
    expect_errors(&r, 1);
    release(&r);
}

Test(hostile, rejects_truncated_overlong_surrogate_and_out_of_range_utf8)
{
    run r;
    load_fixture(&r, "invalid_utf8");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":2:2: invalid UTF-8 in field (byte 0xc3 at offset 3)");
    expect_diag(&r, 'N', ":3:2: invalid UTF-8 in field (byte 0xc0 at offset 0)");
    expect_diag(&r, 'N', ":4:2: invalid UTF-8 in field (byte 0xed at offset 0)");
    expect_diag(&r, 'N', ":5:2: invalid UTF-8 in field (byte 0xf4 at offset 0)");
    expect_errors(&r, 4);
    release(&r);
}

/* A byte order mark past the start of a file is what `cat a.csv b.csv`
 * makes: the second header would silently become a node called "\uFEFFid".
 * It must be an error at the line where it is. */
Test(hostile, rejects_a_byte_order_mark_in_the_middle_of_a_file)
{
    run r;
    load_fixture(&r, "bom_middle");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":3:1: byte order mark inside the file (files joined together?)");
    expect_errors(&r, 1);
    release(&r);
}

Test(hostile, reports_an_unbalanced_quote_where_it_opened_and_swallows_nothing_silently)
{
    run r;
    load_fixture(&r, "unbalanced_quote");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":2:2: unterminated quoted field");
    expect_errors(&r, 1);
    release(&r);
}

Test(hostile, reports_every_stray_quote_and_resynchronises_at_the_next_line)
{
    run r;
    load_fixture(&r, "stray_quotes");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":2:2: stray quote in unquoted field (quote the whole field and "
                         "double the quote)");
    expect_diag(&r, 'N', ":3:2: unexpected text after the closing quote of a quoted field");
    expect_errors(&r, 2);
    release(&r);
}

Test(hostile, rejects_a_need_too_large_for_any_integer_type)
{
    run r;
    load_fixture(&r, "huge_need");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'E', ":2:4: invalid need '99999999999999999999999' (expected a whole "
                         "number from 1 to 1000000)");
    expect_errors(&r, 1);
    release(&r);
}

/* ---- sizes ---------------------------------------------------------------------- */

/* 128 MiB in one field: one error, and the reader's memory stays at the
 * field limit, not the field. */
Test(hostile, reports_a_128_mib_field_once_in_bounded_memory)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id,name\na,", f);
    write_repeated(f, 'x', (size_t)128 << 20);
    fputs("\nb,ok\n", f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_failed(&r, CRISK_ELIMIT);
    expect_diag(&r, 'N', ":2:2: field is longer than 65536 bytes");
    expect_errors(&r, 1);
    long rss = peak_rss_mib();
    cr_assert_lt(rss, 64 + RSS_SLACK_MIB, "peak RSS %ld MiB reading a 128 MiB field", rss);
    release(&r);
    scratch_release(&s);
}

/* The same inside quotes, with line breaks: the lines after it keep their
 * numbers. */
Test(hostile, keeps_line_numbers_after_a_huge_quoted_multiline_field)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id,name\na,\"", f);
    for (int i = 0; i < 1000; i++) {
        write_repeated(f, 'y', 100000);
        fputc('\n', f);
    }
    fputs("\"\nb,\"x\"y\n", f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_diag(&r, 'N', ":2:2: field is longer than 65536 bytes");
    expect_diag(&r, 'N', ":1003:2: unexpected text after the closing quote of a quoted field");
    expect_errors(&r, 2);
    release(&r);
    scratch_release(&s);
}

/* A sparse file one byte over the 4 GiB limit: rejected from its size,
 * unread and unhashed (in well under the time reading it would take). */
Test(hostile, rejects_a_file_over_4_gib_without_reading_it)
{
    scratch s;
    scratch_init(&s);
    int fd = open(s.nodes, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    if (ftruncate(fd, (off_t)CRISK_MAX_FILE_BYTES + 1) != 0) {
        close(fd);
        scratch_release(&s);
        cr_skip_test("the temporary file system has no sparse files");
    }
    close(fd);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_failed(&r, CRISK_ELIMIT);
    expect_diag(&r, 'N', ": file is too large (4294967297 bytes, limit 4294967296)");
    expect_errors(&r, 1);
    release(&r);
    scratch_release(&s);
}

Test(hostile, accepts_a_header_of_exactly_1024_columns)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id", f);
    for (int i = 1; i < 1024; i++)
        fprintf(f, ",c%d", i);
    fputs("\na", f);
    for (int i = 1; i < 1024; i++)
        fprintf(f, ",%d", i);
    fputc('\n', f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_attr_count(r.inv), 1023);
    cr_assert_str_eq(crisk_inventory_node_attr(r.inv, 0, 1022), "1023");
    release(&r);
    scratch_release(&s);
}

Test(hostile, rejects_1025_columns)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id", f);
    for (int i = 1; i < 1025; i++)
        fprintf(f, ",c%d", i);
    fputs("\na\n", f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_failed(&r, CRISK_ELIMIT);
    expect_diag(&r, 'N', ":1:0: too many columns (1025, limit 1024)");
    expect_errors(&r, 1);
    release(&r);
    scratch_release(&s);
}

/* Two million columns in the header: one error, linear time (the duplicate
 * column check is quadratic and must not run on it), bounded memory. */
Test(hostile, rejects_two_million_header_columns_quickly)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id", f);
    for (int i = 1; i < 2000000; i++)
        fprintf(f, ",c%d", i);
    fputs("\na\nb\n", f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_failed(&r, CRISK_ELIMIT);
    expect_diag(&r, 'N', ":1:0: too many columns (2000000, limit 1024)");
    expect_errors(&r, 1);
    long rss = peak_rss_mib();
    cr_assert_lt(rss, 64 + RSS_SLACK_MIB, "peak RSS %ld MiB", rss);
    release(&r);
    scratch_release(&s);
}

Test(hostile, rejects_a_data_row_of_two_million_fields_as_ragged)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id,name\nok,fine\nx", f);
    for (int i = 1; i < 2000000; i++)
        fputs(",v", f);
    fputs("\nlast,row\n", f);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'N', ":3:0: expected 2 fields, found 2000000");
    expect_errors(&r, 1);
    long rss = peak_rss_mib();
    cr_assert_lt(rss, 64 + RSS_SLACK_MIB, "peak RSS %ld MiB", rss);
    release(&r);
    scratch_release(&s);
}

Test(hostile, loads_a_million_row_nodes_file)
{
    scratch s;
    scratch_init(&s);
    FILE *f = create(s.nodes);
    fputs("id,type,category,spend\n", f);
    for (size_t i = 0; i < 1000000; i++)
        fprintf(f, "r%zu,supplier,cloud,%zu\n", i, i % 1000);
    finish(f);
    run r;
    load_paths(&r, s.nodes, NULL);
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_node_count(r.inv), 1000000);
    cr_assert_eq(node(&r, "r999999"), 999999);
    /* Every provider has no dependant: one warning each, 50 kept. */
    cr_assert_eq(r.diags.warnings, 1000000);
    cr_assert_eq(r.diags.stored_warnings, CRISK_DIAGNOSTICS_LIMIT);
    long rss = peak_rss_mib();
    cr_assert_lt(rss, 512 + RSS_SLACK_MIB, "peak RSS %ld MiB for 1M nodes", rss);
    release(&r);
    scratch_release(&s);
}

/* ---- graph shapes that break recursive code --------------------------------- */

/* The sizes the issue asks for.  Under AddressSanitizer (a Debug build, and
 * the analysis is quadratic on these shapes: docs/robustness.md) they shrink
 * so the sanitizer stage stays within ctest's time limit; deep enough still
 * for any recursion to blow the stack. */
#define CHAIN_LENGTH (SANITIZED ? 200000u : 1000000u)
#define RING_LENGTH  (SANITIZED ? 20000u : 100000u)

/* n0 (a function) -> n1 -> ... -> n(len-1); with `ring`, n(len-1) -> n0;
 * with `extra`, an isolated supplier "x". */
static void write_chain(const scratch *s, size_t len, int ring, int extra)
{
    FILE *f = create(s->nodes);
    fputs("id,type\nn0,function\n", f);
    for (size_t i = 1; i < len; i++)
        fprintf(f, "n%zu,supplier\n", i);
    if (extra)
        fputs("x,supplier\n", f);
    finish(f);
    f = create(s->edges);
    fputs("from,to\n", f);
    for (size_t i = 0; i + 1 < len; i++)
        fprintf(f, "n%zu,n%zu\n", i, i + 1);
    if (ring)
        fprintf(f, "n%zu,n0\n", len - 1);
    finish(f);
}

static crisk_analysis *analyse(const run *r)
{
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis *a = NULL;
    int rc = crisk_analysis_run(&a, r->inv, &opts, &err);
    cr_assert_eq(rc, CRISK_OK, "analysis failed: %s", err.message);
    return a;
}

/* A chain a million long: every algorithm is iterative (a recursive DFS
 * would overflow the 8 MiB stack long before). */
/* The scale tests measure bounded time and memory, which sanitizers
 * distort tenfold: the sanitizer stage of tools/test.sh sets
 * CRISK_SKIP_SCALE and they return at once (stage 1 always runs them).
 * Not cr_skip_test(): Criterion 2.4 leaks the skip message, which
 * LeakSanitizer then reports as a failure. */
static int skip_under_sanitizers(void)
{
    return getenv("CRISK_SKIP_SCALE") != NULL;
}

Test(scale, analyses_a_dependency_chain_a_million_long)
{
    if (skip_under_sanitizers())
        return;
    const size_t n = CHAIN_LENGTH;
    char last_id[32];
    snprintf(last_id, sizeof last_id, "n%zu", n - 1);
    scratch s;
    scratch_init(&s);
    write_chain(&s, n, 0, 0);
    run r;
    load_paths(&r, s.nodes, s.edges);
    expect_loaded(&r);
    crisk_analysis *a = analyse(&r);
    size_t v = node(&r, last_id);
    const crisk_node_metrics *last = crisk_analysis_metrics(a, v);
    cr_assert_eq(last->dependants, n - 1);
    cr_assert_eq(last->direct_dependants, 1);
    cr_assert_eq(last->tier, (long)(n - 1));
    cr_assert_eq(last->functions, 1);
    cr_assert_eq(last->impact, 1);
    const crisk_node_metrics *first = crisk_analysis_metrics(a, node(&r, "n0"));
    cr_assert_eq(first->dependants, 0);
    cr_assert_eq(first->tier, 0);
    crisk_cascade *c = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_cascade_run(&c, r.inv, &v, 1, &err), CRISK_OK);
    cr_assert_eq(crisk_cascade_failed_count(c), n);
    cr_assert_eq(crisk_cascade_round(c, node(&r, "n0")), n - 1);
    crisk_cascade_free(c);
    crisk_analysis_free(a);
    release(&r);
    scratch_release(&s);
}

/* A ring of 100 000: each node depends on all others transitively.  Fed by
 * nothing, the least fixed point (DESIGN §4) fails all of it when any one
 * member fails, and none of it when only an outsider fails. */
Test(scale, analyses_a_ring_of_a_hundred_thousand)
{
    if (skip_under_sanitizers())
        return;
    const size_t n = RING_LENGTH;
    char probes[4][32];
    snprintf(probes[0], sizeof probes[0], "n0");
    snprintf(probes[1], sizeof probes[1], "n1");
    snprintf(probes[2], sizeof probes[2], "n%zu", n / 2);
    snprintf(probes[3], sizeof probes[3], "n%zu", n - 1);
    scratch s;
    scratch_init(&s);
    write_chain(&s, n, 1, 1);
    run r;
    load_paths(&r, s.nodes, s.edges);
    expect_loaded(&r);
    crisk_analysis *a = analyse(&r);
    for (size_t i = 0; i < 4; i++) {
        const crisk_node_metrics *m = crisk_analysis_metrics(a, node(&r, probes[i]));
        cr_assert_eq(m->dependants, n - 1, "%s: dependants %zu", probes[i], m->dependants);
        cr_assert_eq(m->direct_dependants, 1);
        /* n0 is the only function: it fails with any other member. */
        cr_assert_eq(m->impact, i == 0 ? 0u : 1u, "%s: impact %zu", probes[i], m->impact);
    }
    crisk_error err = CRISK_ERROR_INIT;
    size_t v = node(&r, probes[2]);
    crisk_cascade *c = NULL;
    cr_assert_eq(crisk_cascade_run(&c, r.inv, &v, 1, &err), CRISK_OK);
    cr_assert_eq(crisk_cascade_failed_count(c), n);
    cr_assert(crisk_cascade_is_failed(c, v - 1));
    cr_assert_not(crisk_cascade_is_failed(c, node(&r, "x")));
    crisk_cascade_free(c);
    v = node(&r, "x");
    cr_assert_eq(crisk_cascade_run(&c, r.inv, &v, 1, &err), CRISK_OK);
    cr_assert_eq(crisk_cascade_failed_count(c), 1);
    crisk_cascade_free(c);
    crisk_analysis_free(a);
    release(&r);
    scratch_release(&s);
}

/* ---- identifiers ------------------------------------------------------------------ */

Test(hostile, keeps_ids_that_differ_only_in_case_distinct)
{
    run r;
    load_fixture(&r, "case_ids");
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_node_count(r.inv), 3);
    size_t upper = node(&r, "AWS"), lower = node(&r, "aws"), f = node(&r, "f");
    cr_assert_neq(upper, lower);
    size_t g = crisk_inventory_group_begin(r.inv, f);
    cr_assert_eq(crisk_inventory_group_begin(r.inv, f + 1) - g, 2, "f has two dependencies");
    cr_assert_eq(crisk_inventory_group_member(r.inv, g, 0), upper);
    cr_assert_eq(crisk_inventory_group_member(r.inv, g + 1, 0), lower);
    release(&r);
}

Test(hostile, suggests_the_id_that_differs_only_in_case)
{
    run r;
    load_fixture(&r, "case_hint");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'E', ":2:2: unknown node 'aws' (did you mean 'AWS'?)");
    expect_errors(&r, 1);
    release(&r);
}

/* Ids are compared byte for byte: "café" in NFC (c a f U+00E9) and in NFD
 * (c a f e U+0301) are two ids (docs/robustness.md says why). */
Test(hostile, keeps_nfc_and_nfd_spellings_of_an_id_distinct)
{
    run r;
    load_fixture(&r, "unicode_nf");
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_node_count(r.inv), 3);
    cr_assert_neq(node(&r, "caf\xc3\xa9"), node(&r, "cafe\xcc\x81"));
    release(&r);
}

Test(hostile, reports_an_nfd_id_where_only_the_nfc_one_exists)
{
    run r;
    load_fixture(&r, "unicode_nf_unknown");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'E', ":2:2: unknown node 'cafe\xcc\x81'");
    expect_errors(&r, 1);
    release(&r);
}

/* Input text must not reach a terminal raw: an id with ESC sequences is
 * shown escaped in every message (as the reader's cell messages are). */
Test(hostile, escapes_control_characters_of_ids_in_messages)
{
    run r;
    load_fixture(&r, "control_chars");
    expect_failed(&r, CRISK_EINVALID);
    expect_diag(&r, 'E', ":2:2: unknown node '\\x1b]0;owned\\x07'");
    char dup[1024];
    snprintf(dup, sizeof dup, ":4:2: duplicate edge 'f' -> 'a\\x1b[2Jb' (first on %s:3)", r.edges);
    expect_diag(&r, 'E', dup);
    release(&r);
}

/* The same property over every hostile fixture: one line per diagnostic,
 * no control character in it. */
Test(hostile, no_diagnostic_carries_a_control_character)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/hostile", CRISK_FIXTURES);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        run r;
        load_fixture(&r, e->d_name);
        for (size_t i = 0; i < r.diags.count; i++) {
            char line[2048];
            crisk_diag_format(&r.diags.items[i], line, sizeof line);
            for (const unsigned char *p = (const unsigned char *)line; *p; p++)
                cr_expect(*p >= 0x20 && *p != 0x7f, "%s: control byte 0x%02x in: %s",
                          e->d_name, *p, line);
        }
        release(&r);
    }
    closedir(d);
}

/* Issue 11 §3.3: 2,000 ids of 256 bytes sharing a prefix and 50 edges to
 * unknown ids of the same shape.  A hint used to fill a 256 x 256 table per
 * candidate: 21 s for the 50 hints.  Now the common prefix is stripped and
 * the table banded, well within the time limit even under a sanitizer.  The
 * work bound itself is checked without a clock in test_suggest.c. */
Test(hostile, hints_unknown_long_ids_sharing_a_prefix_in_bounded_time, .timeout = 8)
{
    scratch s;
    scratch_init(&s);
    char prefix[241];
    memset(prefix, 'x', 240);
    prefix[240] = '\0';
    FILE *f = create(s.nodes);
    fputs("id,type\nf,function\n", f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "%s%016d,supplier\n", prefix, i);
    finish(f);
    f = create(s.edges);
    fputs("from,to\n", f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "f,%s%016d\n", prefix, i);
    for (int i = 0; i < 50; i++)
        fprintf(f, "f,%sunknown-%07d\n", prefix, i);
    finish(f);
    run r;
    load_paths(&r, s.nodes, s.edges);
    expect_failed(&r, CRISK_EINVALID);
    cr_assert_eq(r.diags.errors, 50);
    for (size_t i = 0; i < r.diags.count; i++)
        cr_assert_not_null(strstr(r.diags.items[i].message, "(did you mean '"), "%s",
                           r.diags.items[i].message);
    release(&r);
    scratch_release(&s);
}

/* ---- ids that try to drive the terminal (issue 11 §3.8) ---------------------------- */

/* Ids holding an ESC sequence (clear screen, colour), an OSC hyperlink
 * ending in BEL, a C1 CSI (U+009B), the bidi override and isolates
 * (U+202E, U+2066-U+2069), RLM and the Arabic letter mark. */
#define ID_ESC  "esc\x1b[2J\x1b[31mred"
#define ID_OSC  "osc\x1b]8;;http://x.example/\x07link\x1b]8;;\x07"
#define ID_C1   "c1\xc2\x9b" "31m"
#define ID_BIDI "bidi\xe2\x80\xae" "evil\xe2\x81\xa6" "x\xe2\x81\xa9"
#define ID_ISO  "iso\xe2\x81\xa7\xe2\x81\xa8\xe2\x80\x8f\xd8\x9c"

/* The first raw terminal control in text: a C0 control other than a line
 * break, DEL, a C1 control, a bidi control or a line/paragraph separator;
 * NULL if there is none. */
static const char *raw_control(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
            return (const char *)p;
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return (const char *)p;
        if (p[0] == 0xd8 && p[1] == 0x9c)
            return (const char *)p;
        if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8e || p[2] == 0x8f
                                             || (p[2] >= 0xa8 && p[2] <= 0xae)))
            return (const char *)p;
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
            return (const char *)p;
    }
    return NULL;
}

/* Run the CLI; neither stdout nor stderr may hold a raw control.  Returns
 * the exit status; *err_text gets stderr (caller frees) when not NULL. */
static int run_clean(const scratch *s, const char *const *args, char **err_text)
{
    char out[400], err[400];
    snprintf(out, sizeof out, "%s/out", s->dir);
    snprintf(err, sizeof err, "%s/err", s->dir);
    int status = run_cli(args, out, err);
    const char *files[2] = { out, err };
    for (int i = 0; i < 2; i++) {
        char *text = slurp(files[i], NULL);
        const char *bad = raw_control(text);
        cr_assert_null(bad, "chainrisk %s %s: raw byte 0x%02x on %s:\n%s", args[0], args[1],
                       bad ? *(const unsigned char *)bad : 0, i ? "stderr" : "stdout", text);
        if (i == 1 && err_text != NULL)
            *err_text = text;
        else
            free(text);
    }
    return status;
}

static void expect_stderr(const scratch *s, const char *const *args, int status,
                          const char *want)
{
    char *text = NULL;
    cr_assert_eq(run_clean(s, args, &text), status, "chainrisk %s: stderr:\n%s", args[0], text);
    cr_assert_str_eq(text, want);
    free(text);
}

Test(hostile, no_message_shows_an_id_that_drives_the_terminal_raw)
{
    scratch s;
    scratch_init(&s);
    write_text(s.nodes, "id,type\n" ID_ESC ",function\n" ID_OSC ",supplier\n" ID_C1 ",supplier\n"
                        ID_BIDI ",supplier\n" ID_ISO ",supplier\norphan\xc2\x85x,supplier\n");
    write_text(s.edges, "from,to,group\n" ID_ESC "," ID_OSC ",up\n" ID_ESC "," ID_C1 ",up\n"
                        ID_ESC "," ID_BIDI ",\n" ID_BIDI "," ID_ISO ",\n");
    char svg[400];
    snprintf(svg, sizeof svg, "%s/map.svg", s.dir);
#define ESC_Q "esc\\x1b[2J\\x1b[31m"   /* ID_ESC's beginning, quoted */
    /* the CLI's "did you mean": impact, spof --function, map --focus */
    const char *impact[] = { "impact", "-q", s.dir, "esc\x1b[2J\x1b[31mrex", NULL };
    expect_stderr(&s, impact, 1, "chainrisk: unknown node '" ESC_Q "rex' (did you mean '"
                                 ESC_Q "red'?)\n");
    const char *spof_fn[] = { "spof", "-q", s.dir, "--function", "c1\xc2\x9b" "32m", NULL };
    expect_stderr(&s, spof_fn, 1, "chainrisk: unknown node 'c1\\u009b32m' (did you mean "
                                  "'c1\\u009b31m'?)\n");
    const char *focus[] = { "map", "-q", s.dir, "--focus", ID_BIDI "!", "-o", svg, NULL };
    expect_stderr(&s, focus, 1, "chainrisk: unknown node 'bidi\\u202eevil\\u2066x\\u2069!' "
                                "(did you mean 'bidi\\u202eevil\\u2066x\\u2069'?)\n");
    /* a node that is not a function */
    const char *not_fn[] = { "spof", "-q", s.dir, "--function", ID_ISO, NULL };
    expect_stderr(&s, not_fn, 2, "chainrisk: node 'iso\\u2067\\u2068\\u200f\\u061c' is a "
                                 "supplier, not a function\n");
    /* a warning (a provider nothing depends on: U+0085 is a C1 control) */
    const char *valid[] = { "validate", s.dir, NULL };
    char *warned = NULL;
    cr_assert_eq(run_clean(&s, valid, &warned), 0);
    cr_assert_not_null(strstr(warned, "'orphan\\u0085x'"), "%s", warned);
    free(warned);
    /* the minimal-pairs limit, as a note in the table */
    const char *pairs[] = { "spof", s.dir, "--pairs", "--pairs-max-work", "0.5", NULL };
    cr_assert_eq(run_clean(&s, pairs, NULL), 0);
    char out[400];
    snprintf(out, sizeof out, "%s/out", s.dir);
    char *text = slurp(out, NULL);
    cr_assert_not_null(strstr(text, "  minimal pairs of '" ESC_Q "red' not computed: "), "%s", text);
    free(text);
    /* ids in tables: impact, rank, spof, shared */
    const char *impact_ok[] = { "impact", s.dir, ID_ISO, "--hours", "4", NULL };
    cr_assert_eq(run_clean(&s, impact_ok, NULL), 0);
    const char *tables[][4] = { { "rank", s.dir, NULL }, { "spof", s.dir, NULL },
                                { "shared", s.dir, NULL } };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        cr_assert_eq(run_clean(&s, tables[i], NULL), 0);
    /* the builder: unknown node with a hint, duplicate id, duplicate edge,
     * self-dependency, need, warnings */
    write_text(s.nodes, "id,type\n" ID_ESC ",function\n" ID_OSC ",supplier\n" ID_C1 ",supplier\n"
                        ID_BIDI ",supplier\n" ID_BIDI ",supplier\n" ID_ISO ",function\n");
    write_text(s.edges, "from,to,group,need\n" ID_ESC ",c1\xc2\x9b" "32m,,\n"
                        ID_ESC "," ID_OSC ",,\n" ID_ESC "," ID_OSC ",,\n"
                        ID_BIDI "," ID_BIDI ",,\n" ID_ESC "," ID_BIDI ",g,2\n");
    const char *validate[] = { "validate", s.dir, NULL };
    char *err_text = NULL;
    cr_assert_eq(run_clean(&s, validate, &err_text), 1);
    const char *expected[] = {
        "unknown node 'c1\\u009b32m' (did you mean 'c1\\u009b31m'?)",
        "duplicate id 'bidi\\u202eevil\\u2066x\\u2069'",
        "duplicate edge '" ESC_Q "red' -> 'osc\\x1b]8;;http://x.example/\\x07link\\x1b]8;;\\x07'",
        "'bidi\\u202eevil\\u2066x\\u2069' depends on itself",
        "need 2 exceeds the 1 member of group 'g' of '" ESC_Q "red'",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert_not_null(strstr(err_text, expected[i]), "no \"%s\" in:\n%s", expected[i],
                           err_text);
    free(err_text);
#undef ESC_Q
    scratch_release(&s);
}

/* ---- error floods ----------------------------------------------------------------- */

/* A million edges to unknown ids: every one counted, 50 stored (with a
 * hint each, at most), memory linear in the input, and the CLI ends with
 * "and N more errors". */
static void write_unknown_edges(const scratch *s, size_t count)
{
    write_text(s->nodes, "id,type\nf,function\n");
    FILE *f = create(s->edges);
    fputs("from,to\n", f);
    for (size_t i = 0; i < count; i++)
        fprintf(f, "f,u%zu\n", i);
    finish(f);
}

Test(hostile, caps_a_million_unknown_endpoint_errors)
{
    scratch s;
    scratch_init(&s);
    write_unknown_edges(&s, 1000000);
    run r;
    load_paths(&r, s.nodes, s.edges);
    expect_failed(&r, CRISK_EINVALID);
    cr_assert_eq(r.diags.errors, 1000000);
    cr_assert_eq(r.diags.stored_errors, CRISK_DIAGNOSTICS_LIMIT);
    expect_diag(&r, 'E', ":2:2: unknown node 'u0'");
    expect_diag(&r, 'E', ":51:2: unknown node 'u49'");
    long rss = peak_rss_mib();
    cr_assert_lt(rss, 256 + RSS_SLACK_MIB, "peak RSS %ld MiB", rss);
    release(&r);
    scratch_release(&s);
}

Test(hostile, cli_says_how_many_more_errors_there_are)
{
    scratch s;
    scratch_init(&s);
    write_unknown_edges(&s, 1000000);
    char out[400], err[400];
    snprintf(out, sizeof out, "%s/out", s.dir);
    snprintf(err, sizeof err, "%s/err", s.dir);
    const char *args[] = { "validate", "--nodes", s.nodes, "--edges", s.edges, NULL };
    cr_assert_eq(run_cli(args, out, err), 1);
    char *text = slurp(err, NULL);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, CRISK_DIAGNOSTICS_LIMIT + 2, "stderr:\n%s", text);
    cr_assert_not_null(strstr(text, "\nchainrisk: and 999950 more errors\n"), "stderr:\n%s", text);
    cr_assert_not_null(strstr(text, "\nchainrisk: 1000000 errors, 0 warnings\n"), "stderr:\n%s",
                       text);
    free(text);
    scratch_release(&s);
}

/* ---- fuzz regressions ---------------------------------------------------------- */

/* What tools/fuzz/fuzz_native.c does with one input. */
static void replay_native(const scratch *s, const char *data, size_t size)
{
    const char *sep = memchr(data, 0xFF, size);
    size_t nodes_len = sep ? (size_t)(sep - data) : size;
    FILE *f = create(s->nodes);
    fwrite(data, 1, nodes_len, f);
    finish(f);
    if (sep != NULL) {
        f = create(s->edges);
        fwrite(sep + 1, 1, size - nodes_len - 1, f);
        finish(f);
    }
    run r;
    load_paths(&r, s->nodes, sep ? s->edges : NULL);
    cr_assert_eq(r.rc == CRISK_OK, r.inv != NULL);
    if (r.rc == CRISK_OK) {
        cr_assert_eq(r.diags.errors, 0);
        crisk_analysis *a = analyse(&r);
        crisk_error err = CRISK_ERROR_INIT;
        uint32_t *list = NULL;
        size_t count = 0;
        if (crisk_analysis_shared(a, 2, &list, &count, &err) == CRISK_OK)
            free(list);
        FILE *sink = fopen("/dev/null", "wb");
        crisk_rank_options rank = CRISK_RANK_OPTIONS_INIT;
        crisk_emit_rank(sink, a, &rank, CRISK_FORMAT_JSON, NULL, &err);
        crisk_emit_shared(sink, a, -1, CRISK_FORMAT_CSV, NULL, &err);
        fclose(sink);
        crisk_analysis_free(a);
    }
    release(&r);
    unlink(s->edges);
}

Test(hostile, replays_every_native_fuzz_regression)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fuzz-regressions/native", CRISK_FIXTURES);
    DIR *d = opendir(dir);
    if (d == NULL)
        cr_skip_test("no %s", dir);
    scratch s;
    scratch_init(&s);
    struct dirent *e;
    size_t replayed = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".md") != NULL)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *data = slurp(path, &len);
        replay_native(&s, data, len);
        free(data);
        replayed++;
    }
    closedir(d);
    cr_assert_gt(replayed, 0);
    scratch_release(&s);
}

/* Every DORA reproducer (a report package .zip) loads to a model or to
 * reported errors - the contract fuzz_dora.c checks - without a sanitizer
 * report. */
Test(hostile, replays_every_dora_fuzz_regression)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fuzz-regressions/dora", CRISK_FIXTURES);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no %s", dir);
    struct dirent *e;
    size_t replayed = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".zip") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        crisk_input in = { path, NULL, NULL };
        crisk_diagnostics diags;
        crisk_diagnostics_init(&diags);
        crisk_error err = CRISK_ERROR_INIT;
        crisk_inventory *inv = NULL;
        int rc = crisk_inventory_load(&inv, &in, 1, NULL, &diags, &err);
        cr_expect_eq(rc == CRISK_OK, inv != NULL, "%s: status %d", e->d_name, rc);
        cr_expect(rc == CRISK_OK ? diags.errors == 0 : diags.errors > 0 || err.code != CRISK_OK,
                  "%s: status %d with %zu errors", e->d_name, rc, diags.errors);
        crisk_inventory_free(inv);
        crisk_diagnostics_release(&diags);
        replayed++;
    }
    closedir(d);
    cr_assert_gt(replayed, 0);
}
