/*
 * main.c - the chainrisk command: a table of commands, each in cmd_<name>.c.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    { "validate",      cmd_validate,      "load and check an inventory; print every problem" },
    { "import",        cmd_import,        "merge inputs (CSV, SBOM, DORA) into one native inventory" },
    { "rank",          cmd_rank,          "rank nodes by cascade impact (the per-node metrics)" },
    { "impact",        cmd_impact,        "what fails when given nodes fail, and why" },
    { "spof",          cmd_spof,          "single points of failure per business function" },
    { "shared",        cmd_shared,        "shared Nth-party dependencies and false redundancy" },
    { "concentration", cmd_concentration, "market shares and HHI by category, parent, country" },
    { "simulate",      cmd_simulate,      "Monte Carlo over node probability: failure odds per function" },
    { "map",           cmd_map,           "draw the risk map (SVG, PNG, PDF or DOT)" },
    { "report",        cmd_report,        "write everything as one self-contained HTML report" },
    { "export",        cmd_export,        "the model and all metrics as JSON, GraphML, DOT or CSV" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: chainrisk <command> [options] INVENTORY...\n\n"
               "Supply-chain risk graph analyser.  INVENTORY is a directory holding\n"
               "nodes.csv and edges.csv (or --nodes F --edges F).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'chainrisk <command> --help' describes a command's options.\n"
               "exit status: 0 success, 1 invalid input or failed check, 2 usage error,\n"
               "3 internal or resource error\n");
}

/* Interrupted (Ctrl-C, a scheduler's SIGTERM, a closed terminal, the file
 * size limit): remove
 * the temporary files of outputs not yet committed, then die of the same
 * signal so the caller sees how the run ended.  Targets are never touched:
 * an interrupted run leaves the previous file as it was. */
static void on_signal(int sig)
{
    crisk_remove_temporary_files();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remove_temporary_files_on_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGXFSZ };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* keep an inherited "ignore" (nohup) as it is */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    remove_temporary_files_on_signals();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("chainrisk %s\n", crisk_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "chainrisk: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
