/*
 * csvinv.c - an inventory from native CSV text (csvinv.h).
 */
#include "csvinv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    size_t len = strlen(text);
    int rc = fwrite(text, 1, len, f) == len ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

int csvinv_load(crisk_inventory **out, const char *nodes, const char *edges, char *why,
                size_t why_size)
{
    char dir[] = "/tmp/crisk-csvinv-XXXXXX";
    char nodes_path[64], edges_path[64];
    *out = NULL;
    if (mkdtemp(dir) == NULL) {
        if (why != NULL)
            snprintf(why, why_size, "cannot make a temporary directory");
        return CRISK_EIO;
    }
    snprintf(nodes_path, sizeof nodes_path, "%s/nodes.csv", dir);
    snprintf(edges_path, sizeof edges_path, "%s/edges.csv", dir);
    int rc = CRISK_EIO;
    if (write_text(nodes_path, nodes) == 0
        && write_text(edges_path, edges != NULL ? edges : "from,to\n") == 0) {
        crisk_input in = { dir, NULL, NULL };
        crisk_diagnostics diags;
        crisk_diagnostics_init(&diags);
        crisk_error err = CRISK_ERROR_INIT;
        rc = crisk_inventory_load(out, &in, 1, NULL, &diags, &err);
        if (rc != CRISK_OK && why != NULL) {
            char buf[1024];
            snprintf(why, why_size, "%s",
                     diags.count > 0 ? crisk_diag_format(&diags.items[0], buf, sizeof buf)
                                     : crisk_error_format(&err, buf, sizeof buf));
        }
        crisk_diagnostics_release(&diags);
    } else if (why != NULL) {
        snprintf(why, why_size, "cannot write the CSV files");
    }
    unlink(nodes_path);
    unlink(edges_path);
    rmdir(dir);
    return rc;
}
