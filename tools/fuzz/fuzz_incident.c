/*
 * fuzz_incident.c - libFuzzer target for the decision-record reader
 * (src/import/incident_file.c, crisk_incident_record_load) and everything
 * that renders a record (src/emit/emit_incident.c, report_incident.c).
 *
 * Input: the bytes of a record file (`report --incident FILE.json`),
 * arbitrary.  Each input is written to record.json in a private directory
 * (fuzz_workdir.h) and read.  Checks, beyond ASan/UBSan/LSan:
 *   - the status agrees with the diagnostics (CRISK_OK with none and a
 *     record; an error with no record, `err` set, and a diagnostic for
 *     invalid input); every diagnostic renders;
 *   - a record that loaded renders as a table, CSV and the incident page,
 *     and written back as JSON it reads back to the same bytes.
 * Seeds: tests/fixtures/incident/ (run.sh adds them).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_incident: %s\n", what);
    abort();
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();   /* the harness, not the library, failed */
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("incident");
    return 0;
}

static char *written(const crisk_incident_record *r, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    crisk_error err = CRISK_ERROR_INIT;
    if (f == NULL || crisk_incident_record_write(f, r, &err) != CRISK_OK || fclose(f) != 0)
        fail("writing a record");
    return buf;
}

static void check_record(const crisk_incident_record *r)
{
    crisk_error err = CRISK_ERROR_INIT;
    FILE *sink = fopen("/dev/null", "w");
    if (sink == NULL)
        abort();
    if (crisk_emit_incident(sink, r, CRISK_FORMAT_TABLE, &err) != CRISK_OK
        || crisk_emit_incident(sink, r, CRISK_FORMAT_CSV, &err) != CRISK_OK
        || crisk_incident_page_write(sink, r, &err) != CRISK_OK)
        fail(err.message);
    fclose(sink);
    size_t len = 0, len2 = 0;
    char *once = written(r, &len);
    write_file("again.json", once, len);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_incident_record *back = NULL;
    if (crisk_incident_record_load(&back, "again.json", &diags, &err) != CRISK_OK)
        fail("a written record does not read back");
    char *twice = written(back, &len2);
    if (len != len2 || memcmp(once, twice, len) != 0)
        fail("a written record reads back differently");
    free(once);
    free(twice);
    crisk_incident_record_free(back);
    crisk_diagnostics_release(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    write_file("record.json", data, size);
    crisk_incident_record *r = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_incident_record_load(&r, "record.json", &diags, &err);
    if (rc == CRISK_OK && (diags.errors > 0 || r == NULL))
        fail("load succeeded with errors");
    if (rc != CRISK_OK && (r != NULL || err.code != rc || err.message[0] == '\0'))
        fail("failed load returned a record or no error");
    if (rc == CRISK_EINVALID && diags.errors == 0)
        fail("invalid record without a diagnostic");
    char line[2048];
    for (size_t i = 0; i < diags.count; i++)
        crisk_diag_format(&diags.items[i], line, sizeof line);
    crisk_diagnostics_release(&diags);
    if (r != NULL) {
        check_record(r);
        crisk_incident_record_free(r);
    }
    fuzz_workdir_leave();
    return 0;
}
