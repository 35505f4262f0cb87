/*
 * fault_shim.c - faults on demand for tests/test_output.c.  Preloaded into
 * the chainrisk binary (LD_PRELOAD), it wraps two library calls and fails
 * them as the environment variable CRISK_FAULT says:
 *
 *   layout:SIGSEGV   gvLayout() dies of a fault - what Graphviz and its
 *   layout:SIGBUS    font stack do when memory runs out - by a null write
 *   layout:SIGABRT   (SIGSEGV), abort() (SIGABRT), a trap instruction
 *   layout:SIGFPE    (SIGILL), a breakpoint (SIGTRAP, as GLib's g_error())
 *   layout:SIGILL    or raise() for the others;
 *   layout:SIGTRAP
 *   layout:exit      gvLayout() calls exit(1), as Graphviz's writer does
 *                    when realloc() fails;
 *   link:EPERM       link() fails, as on a file system without hard links.
 *
 * Anything else (or no CRISK_FAULT) calls the real function.  Built
 * without sanitizers: it only forwards calls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fault(const char *where)
{
    const char *f = getenv("CRISK_FAULT");
    size_t len = strlen(where);
    if (f == NULL || strncmp(f, where, len) != 0 || f[len] != ':')
        return NULL;
    return f + len + 1;
}

static void die(const char *how)
{
    if (strcmp(how, "SIGSEGV") == 0) {
        volatile int *volatile nowhere = NULL;
        *nowhere = 1;
    } else if (strcmp(how, "SIGABRT") == 0) {
        abort();
    } else if (strcmp(how, "SIGILL") == 0) {
        __builtin_trap();
    } else if (strcmp(how, "SIGTRAP") == 0) {
#if defined(__x86_64__) || defined(__i386__)
        __asm__ volatile("int3");
#else
        raise(SIGTRAP);
#endif
    } else if (strcmp(how, "SIGBUS") == 0) {
        raise(SIGBUS);
    } else if (strcmp(how, "SIGFPE") == 0) {
        raise(SIGFPE);
    } else if (strcmp(how, "exit") == 0) {
        exit(1);
    }
}

int gvLayout(void *gvc, void *graph, const char *engine)
{
    const char *how = fault("layout");
    if (how != NULL)
        die(how);
    int (*real)(void *, void *, const char *) =
        (int (*)(void *, void *, const char *))dlsym(RTLD_NEXT, "gvLayout");
    return real(gvc, graph, engine);
}

int link(const char *from, const char *to)
{
    const char *how = fault("link");
    if (how != NULL && strcmp(how, "EPERM") == 0) {
        errno = EPERM;
        return -1;
    }
    int (*real)(const char *, const char *) =
        (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "link");
    return real(from, to);
}
