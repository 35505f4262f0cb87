/*
 * main.c - the chainrisk command: a table of commands, each in cmd_<name>.c.
 */
#define _XOPEN_SOURCE 700   /* sigaltstack(), SA_ONSTACK */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    { "scenarios",     cmd_scenarios,     "scenario tests against impact tolerances (file or generated)" },
    { "incident",      cmd_incident,      "a live incident: breaches, NIS2/DORA reporting clocks, suspects" },
    { "map",           cmd_map,           "draw the risk map (SVG, PNG, PDF or DOT)" },
    { "report",        cmd_report,        "write everything as one self-contained HTML report" },
    { "export",        cmd_export,        "the model and all metrics as JSON, GraphML, DOT or CSV" },
    { "diff",          cmd_diff,          "what changed between two snapshots of an inventory" },
    { "check",         cmd_check,         "a policy gate: check rules, exit 1 on a violation" },
    /* Hidden (no summary): for the shell completions only. */
    { "__complete-ids", cmd_complete_ids, NULL },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: chainrisk <command> [options] INVENTORY...\n\n"
               "Supply-chain risk graph analyser.  INVENTORY is a directory holding\n"
               "nodes.csv and edges.csv (or --nodes F --edges F).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary != NULL)
            fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\noptions:\n"
               "  -h, --help     show this help\n"
               "  --version      print the version (and, for a build from git, the commit)\n"
               "\n'chainrisk <command> --help' describes a command's options.\n\n"
               "exit status: 0 success, 1 invalid input or failed check, 2 usage error,\n"
               "3 internal or resource error\n");
}

/* ---- a run that ends abnormally -------------------------------------------- */

/* Signals that end the run: the interrupts (Ctrl-C, a scheduler's SIGTERM,
 * a closed terminal, the file size limit), and the faults a library can die
 * of - Graphviz and its font stack crash this way when memory runs out
 * (SIGSEGV), GLib stops with SIGTRAP when it cannot start a thread, abort()
 * raises SIGABRT. */
static const struct { int sig; int fatal; const char *name; } ending_signals[] = {
    { SIGINT, 0, "SIGINT" },   { SIGTERM, 0, "SIGTERM" }, { SIGHUP, 0, "SIGHUP" },
    { SIGXFSZ, 0, "SIGXFSZ" }, { SIGSEGV, 1, "SIGSEGV" }, { SIGBUS, 1, "SIGBUS" },
    { SIGABRT, 1, "SIGABRT" }, { SIGFPE, 1, "SIGFPE" },   { SIGILL, 1, "SIGILL" },
    { SIGTRAP, 1, "SIGTRAP" },
};
#define N_ENDING (sizeof ending_signals / sizeof ending_signals[0])

static struct sigaction previous[N_ENDING];

static void say(const char *s)
{
    ssize_t n = write(STDERR_FILENO, s, strlen(s));
    (void)n;
}

/* Remove the temporary files of outputs not yet committed, say so for a
 * crash, then end the way the run would have ended without this handler:
 * the previous disposition (the default, or a sanitizer's report) runs, so
 * the caller still sees the signal (exit 130, 139, ...).  A fault returns
 * here only to fault again.  Async-signal-safe; targets are never touched:
 * an interrupted or crashed run leaves the previous file as it was. */
static void on_signal(int sig)
{
    size_t i = 0;
    while (i < N_ENDING && ending_signals[i].sig != sig)
        i++;
    crisk_remove_temporary_files();
    if (i < N_ENDING && ending_signals[i].fatal) {
        say("chainrisk: internal error: fatal signal ");
        say(ending_signals[i].name);
        say(" (out of memory in a library?); no output file was changed\n");
    }
    if (i < N_ENDING)
        sigaction(sig, &previous[i], NULL);
    else
        signal(sig, SIG_DFL);
    raise(sig);
}

/* A library that calls exit() in the middle of a run (Graphviz does on
 * some allocation failures) skips the command's own cleanup: remove what it
 * left and make it exit 3, not the library's "1" that would read as invalid
 * input.  A normal exit has no temporary file left and passes through. */
static void on_exit_check(void)
{
    if (crisk_remove_temporary_files() > 0) {
        say("chainrisk: internal error: a library ended the run early; no output file was "
            "changed\n");
        _exit(EXIT_INTERNAL);
    }
}

/* A crash from a stack overflow needs a stack of its own to run on. */
static void use_alternate_signal_stack(void)
{
    static char stack[64 * 1024];
    stack_t ss = { .ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
}

static void remove_temporary_files_on_signals(void)
{
    use_alternate_signal_stack();
    atexit(on_exit_check);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_ENDING; i++) {
        /* keep an inherited "ignore" (nohup) as it is */
        if (sigaction(ending_signals[i].sig, NULL, &previous[i]) == 0
            && previous[i].sa_handler != SIG_IGN)
            sigaction(ending_signals[i].sig, &sa, NULL);
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
