/*
 * fuzz_dora.c - libFuzzer target for the DORA Register of Information
 * importer (src/import/dora/, and the CSV reader and libzip under it).
 *
 * A valid package is written once to a private folder.  Each input's first
 * byte chooses what the rest becomes:
 *   byte % 16 < 13   that table (parameters.csv, FilingIndicators.csv,
 *                    b_01.02.csv ... b_07.01.csv) is replaced by the bytes,
 *                    the folder loaded, the table restored;
 *   otherwise        the bytes are the .zip itself.
 * Bits 4-5 choose the mapping (provider level, service nodes, service
 * chains).  Every load must end in CRISK_OK or a reported error, without a
 * crash, leak or undefined behaviour.
 *
 * Build (see tools/fuzz/run.sh): clang -g -O1 -fsanitize=fuzzer,address
 * -std=c11 -D_POSIX_C_SOURCE=200809L -DCRISK_VERSION_STRING='"x"' -Iinclude
 * -Isrc tools/fuzz/fuzz_dora.c and every library source under src/ but
 * src/cli/, linked with
 * $(pkg-config --cflags --libs igraph libcjson libgvc libzip libcrypto) -lcsv -lm.
 * Seeds: each table of bank/ behind its selector byte, and the zips.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

typedef struct member {
    const char *name;
    const char *text;
} member;

/* A small package with every feature the importer maps: intra-group link,
 * an ended arrangement, a rank-3 chain, assessments, a branch. */
static const member base[] = {
    { "parameters.csv", "name,value\r\nentityID,rs:BANK.CON\r\nrefPeriod,2024-12-31\r\n" },
    { "FilingIndicators.csv", "templateID,reported\r\nB_01.02,true\r\nB_01.03,true\r\n"
      "B_02.01,true\r\nB_02.02,true\r\nB_02.03,true\r\nB_03.03,true\r\nB_04.01,true\r\n"
      "B_05.01,true\r\nB_05.02,true\r\nB_06.01,true\r\nB_07.01,true\r\n" },
    { "b_01.02.csv", "c0010,c0020,c0040\r\nBANK,Bank,eba_CT:x12\r\nGIT,Group IT,eba_CT:x317\r\n" },
    { "b_01.03.csv", "c0010,c0020,c0040\r\nBR1,BANK,eba_GA:LU\r\n" },
    { "b_02.01.csv", "c0010,c0020,c0030,c0040,c0050\r\nC1,eba_CO:x1,,eba_CU:EUR,1000\r\n"
      "C2,eba_CO:x1,,eba_CU:EUR,2000.5\r\nIG1,eba_CO:x1,,eba_CU:EUR,300\r\n"
      "C9,eba_CO:x1,,eba_CU:EUR,1\r\n" },
    { "b_02.02.csv", "c0010,c0020,c0030,c0050,c0060,c0080,c0090,c0130,c0180\r\n"
      "C1,BANK,PAY,F1,eba_TA:S19,9999-12-31,,eba_GA:DE,eba_ZZ:x797\r\n"
      "C2,BANK,CLOUD,F1,eba_TA:S17,9999-12-31,,eba_GA:IE,eba_ZZ:x796\r\n"
      "C2,BANK,CLOUD,F2,eba_TA:S18,9999-12-31,,eba_GA:IE,eba_ZZ:x795\r\n"
      "IG1,BANK,GIT,F2,eba_TA:S14,9999-12-31,,eba_GA:DE,eba_ZZ:x797\r\n"
      "C9,BANK,OLD,F2,eba_TA:S19,2023-01-01,eba_CO:x4,eba_GA:FR,\r\n" },
    { "b_02.03.csv", "c0010,c0020,c0030\r\nIG1,C2,true\r\n" },
    { "b_03.03.csv", "c0010,c0020,c0031\r\nIG1,GIT,true\r\n" },
    { "b_04.01.csv", "c0010,c0020,c0030,c0040\r\nC1,BANK,eba_ZZ:x838,BR1\r\n" },
    { "b_05.01.csv", "c0010,c0050,c0060,c0080,c0090,c0100,c0110\r\n"
      "PAY,PayCo,,eba_GA:DE,,,\r\nCLOUD,CloudCo,,eba_GA:US,eba_CU:EUR,5000,HYPER\r\n"
      "GIT,Group IT,,eba_GA:DE,,,\r\nHOST,HostCo,,eba_GA:NL,,,\r\nNET,NetCo,,eba_GA:FR,,,\r\n"
      "FIBRE,FibreCo,,eba_GA:FR,,,\r\nOLD,OldCo,,eba_GA:GB,,,\r\nHYPER,Hyper,,eba_GA:US,,,\r\n" },
    { "b_05.02.csv", "c0010,c0020,c0030,c0050,c0060\r\nC1,eba_TA:S19,PAY,1,\r\n"
      "C1,eba_TA:S19,HOST,2,PAY\r\nC1,eba_TA:S19,NET,2,PAY\r\nC1,eba_TA:S19,FIBRE,3,NET\r\n"
      "C2,eba_TA:S17,CLOUD,1,Not Applicable\r\nC2,eba_TA:S17,FIBRE,2,CLOUD\r\n" },
    { "b_06.01.csv", "c0010,c0030,c0040,c0050,c0080,c0100\r\n"
      "F1,Payments,BANK,eba_BT:x28,4,eba_ZZ:x793\r\nF2,Lending,BANK,eba_BT:x21,0,eba_ZZ:x791\r\n" },
    { "b_07.01.csv", "c0010,c0020,c0040,c0050,c0060\r\nC1,PAY,eba_TA:S19,eba_ZZ:x960,eba_ZZ:x963\r\n"
      "C2,CLOUD,eba_TA:S17,eba_ZZ:x961,\r\n" },
};
#define MEMBERS (sizeof base / sizeof base[0])

/* Inside the private directory (fuzz_workdir.h: the same paths every run). */
static const char root[] = "package";          /* the package folder */
static const char zip_path[] = "package.zip";

static int write_bytes(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void member_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/reports/%s", root, name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("dora");
    fuzz_workdir_enter();
    char path[512];
    mkdir(root, 0700);
    snprintf(path, sizeof path, "%s/reports", root);
    mkdir(path, 0700);
    for (size_t i = 0; i < MEMBERS; i++) {
        member_path(path, sizeof path, base[i].name);
        if (write_bytes(path, (const uint8_t *)base[i].text, strlen(base[i].text)) != 0)
            abort();
    }
    fuzz_workdir_leave();
    return 0;
}

static void load(const char *path, uint8_t mode)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.dora_service_nodes = (mode >> 4 & 3) != 0;
    opts.dora_chains_service = (mode >> 4 & 3) == 2;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_inventory *inv = NULL;
    crisk_input in = { path, NULL, NULL };
    int rc = crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err);
    /* The contract: a model exactly when there is no error. */
    if ((rc == CRISK_OK) != (inv != NULL) || (rc == CRISK_OK && diags.errors != 0))
        abort();
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    size_t which = mode % 16;
    fuzz_workdir_enter();
    if (which >= MEMBERS) {
        if (write_bytes(zip_path, data + 1, size - 1) == 0)
            load(zip_path, mode);
        unlink(zip_path);
    } else {
        char path[512];
        member_path(path, sizeof path, base[which].name);
        if (write_bytes(path, data + 1, size - 1) == 0)
            load(root, mode);
        write_bytes(path, (const uint8_t *)base[which].text, strlen(base[which].text));
    }
    fuzz_workdir_leave();
    return 0;
}
