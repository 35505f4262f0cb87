/*
 * cmd_complete.c - `chainrisk __complete-ids`: the node ids the shell
 * completions (tools/dist/completion/) offer after --function, --focus and
 * impact's ID arguments.  Hidden: main.c's table gives it no summary, so
 * `chainrisk --help`, the man pages and the completions leave it out.
 *
 * It runs at every Tab, so it is quick and silent.  The inputs are loaded
 * through the library, so the ids are exactly those a command accepts, for
 * every kind of input (native, mapped, SBOM, DORA, merged) - but only when
 * they are small: past COMPLETE_MAX_BYTES in all (or COMPLETE_MAX_ENTRIES
 * directory entries looked at), or when a path is neither a regular file nor
 * a directory (a FIFO would block), nothing is loaded.
 * Rejected: reading the id column of nodes.csv here, which would be faster on
 * large inventories but a second CSV reader, wrong for every other input.
 * Output: the ids that start with --prefix, one per line, in inventory order,
 * and nothing else - never a diagnostic, never an id holding a control
 * character or a byte that is not UTF-8 (input text must not reach the
 * terminal as an escape sequence or break the one-id-per-line protocol).
 * Exit 0 when the inputs load (even with nothing to offer), 1 otherwise.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "cli.h"

/* About 100 000 nodes of the sample's shape: loads in a few tenths of a second. */
#define COMPLETE_MAX_BYTES (16u << 20)

static const char usage[] =
    "usage: chainrisk __complete-ids [--prefix TEXT] [options] INVENTORY...\n\n"
    "Print the ids of the inventory's nodes that start with TEXT, one per line,\n"
    "for shell completion.  Prints nothing for inputs of more than 16 MiB, and\n"
    "never an id holding a control character.\n\n"
    "options:\n"
    "  --prefix TEXT               only ids that start with TEXT\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    "  -h, --help                  show this help\n";

static int set_prefix(void *ctx, const char *value)
{
    *(const char **)ctx = value;
    return 0;
}

static const cli_option options[] = {
    { "prefix", required_argument, set_prefix },
    { NULL, 0, NULL }
};

/* What may be looked at before loading: bytes in all, and directory entries. */
typedef struct budget {
    unsigned long long bytes;
    unsigned entries;
} budget;

#define COMPLETE_MAX_ENTRIES 4096u
#define COMPLETE_DEPTH 3   /* a folder holding a DORA package: DIR/PKG/reports/FILE */

/* Charge the files under `path` (a file, or a directory COMPLETE_DEPTH
 * levels deep, deeper ones being what no reader opens) to the budget; -1
 * when a path is neither a file nor a directory, or the budget runs out. */
static int charge(const char *path, int depth, budget *b)
{
    struct stat st;
    if (path == NULL)
        return 0;
    if (stat(path, &st) != 0 || ++b->entries > COMPLETE_MAX_ENTRIES)
        return -1;
    if (S_ISREG(st.st_mode)) {
        b->bytes += (unsigned long long)st.st_size;
        return b->bytes <= COMPLETE_MAX_BYTES ? 0 : -1;
    }
    if (!S_ISDIR(st.st_mode))
        return -1;
    DIR *d = depth > 0 ? opendir(path) : NULL;
    if (d == NULL)
        return depth > 0 ? -1 : 0;
    int rc = 0;
    char sub[4096];
    for (struct dirent *e = readdir(d); rc == 0 && e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
            rc = -1;
        else
            rc = charge(sub, depth - 1, b);
    }
    closedir(d);
    return rc;
}

static int small_enough(const cli_common *c)
{
    budget b = { 0, 0 };
    for (size_t i = 0; i < c->n_inputs; i++)
        if (charge(c->inputs[i].path, COMPLETE_DEPTH, &b) != 0
            || charge(c->inputs[i].nodes, 0, &b) != 0 || charge(c->inputs[i].edges, 0, &b) != 0)
            return 0;
    return charge(c->load.map_path, 0, &b) == 0;
}

/* Valid UTF-8 without C0 or C1 controls or DEL: safe to print on a terminal. */
static int printable(const char *id)
{
    const unsigned char *s = (const unsigned char *)id;
    while (*s != '\0') {
        unsigned c = *s;
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || c < 0x20 || c == 0x7F || (c == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F))
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[k] & 0xC0) != 0x80)
                return 0;
        s += len;
    }
    return 1;
}

int cmd_complete_ids(int argc, char **argv)
{
    const char *prefix = "";
    cli_common c = { 0 };
    /* Completion must never write on the terminal it completes in. */
    if (freopen("/dev/null", "w", stderr) == NULL)
        return EXIT_INTERNAL;
    int rc = cli_parse(&c, argc, argv, usage, options, &prefix);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!small_enough(&c))
        return EXIT_OK;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    diags.limit = 1;   /* a broken input offers nothing: stop at its first error */
    crisk_error err = CRISK_ERROR_INIT;
    rc = crisk_inventory_load(&inv, c.inputs, c.n_inputs, &c.load, &diags, &err);
    crisk_diagnostics_release(&diags);
    if (rc != CRISK_OK)
        return EXIT_INVALID;
    size_t n = crisk_inventory_node_count(inv), len = strlen(prefix);
    for (size_t v = 0; v < n; v++) {
        const char *id = crisk_inventory_node_id(inv, v);
        if (strncmp(id, prefix, len) == 0 && printable(id))
            puts(id);
    }
    crisk_inventory_free(inv);
    return EXIT_OK;
}
