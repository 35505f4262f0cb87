/*
 * fuzz_workdir.h - a private working directory for a fuzz target's files.
 *
 * The library reads inputs by path, so a target writes each input to files.
 * Their names must be the same in every run: a path reaches the library's
 * hash tables and messages, and libFuzzer's comparison tracing feeds the
 * strings a target compares back into its mutations, so a random directory
 * name (mkdtemp's) would make a fixed-seed run explore different inputs on
 * every run and CI's bounded run (tools/fuzz/run.sh --ci) would not be
 * deterministic.  A target therefore creates a private directory once,
 * works inside it while an input runs (fuzz_workdir_enter / _leave) and
 * names its files relatively ("nodes.csv").
 *
 * A crash writes its reproducer while the target is inside: give libFuzzer
 * an absolute -artifact_prefix (run.sh does).  The directory and what is in
 * it (two levels deep) are removed at exit.
 */
#ifndef CRISK_FUZZ_WORKDIR_H
#define CRISK_FUZZ_WORKDIR_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[256];
static int fuzz_home_fd = -1;   /* the directory libFuzzer was started in */
static int fuzz_dir_fd = -1;

/* Remove the entries of directory `fd` (and of its subdirectories, one
 * level down), then close it. */
static void fuzz_workdir_empty(int fd, int depth)
{
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0 || depth == 0)
            continue;
        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (sub >= 0) {
            fuzz_workdir_empty(sub, depth - 1);
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
        }
    }
    closedir(d);
}

static void fuzz_workdir_remove(void)
{
    if (fuzz_home_fd >= 0)
        fchdir(fuzz_home_fd);
    if (fuzz_dir_fd >= 0)
        fuzz_workdir_empty(fuzz_dir_fd, 1);
    rmdir(fuzz_dir);
}

/* Create the private directory ($TMPDIR or /tmp, named after `target`). */
static void fuzz_workdir_create(const char *target)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/crisk-fuzz-%s-XXXXXX",
             tmp != NULL && *tmp != '\0' && strlen(tmp) < 128 ? tmp : "/tmp", target);
    fuzz_home_fd = open(".", O_RDONLY | O_DIRECTORY);
    if (mkdtemp(fuzz_dir) == NULL || fuzz_home_fd < 0
        || (fuzz_dir_fd = open(fuzz_dir, O_RDONLY | O_DIRECTORY)) < 0) {
        perror("fuzz: private directory");
        exit(1);
    }
    atexit(fuzz_workdir_remove);
}

static void fuzz_workdir_enter(void)
{
    if (fchdir(fuzz_dir_fd) != 0)
        abort();   /* the harness, not the library, failed */
}

static void fuzz_workdir_leave(void)
{
    if (fchdir(fuzz_home_fd) != 0)
        abort();
}

#endif
