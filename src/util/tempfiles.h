/*
 * tempfiles.h - temporary files that must not outlive an interrupted run
 * (private; the public end is crisk_remove_temporary_files() in output.h).
 */
#ifndef CRISK_TEMPFILES_H
#define CRISK_TEMPFILES_H

#include <stddef.h>
#include <sys/types.h>

/* The name of a file beside `path` (same directory): the last component of
 * `path`, shortened on a UTF-8 boundary where needed so that the result
 * stays within NAME_MAX, then `infix` (".tmp.") and six characters to be
 * filled by crisk__temp_fill().  malloc'ed; NULL when out of memory. */
char *crisk__temp_name(const char *path, const char *infix);

/* Replace the last six characters of `name` with random letters and digits. */
void crisk__temp_fill(char *name);

/* Create a new file named from `name` (crisk__temp_name()'s result, filled
 * here; retried with new names while one exists) with open(O_CREAT |
 * O_EXCL, mode): the process's umask applies, as for any new file.
 * Returns the descriptor (write-only, close-on-exec), or -1 with errno. */
int crisk__temp_create(char *name, mode_t mode);

/* Remember `path` until crisk__temp_forget().  Returns a handle, or -1 when
 * the path is too long or every slot is taken (then an interrupted run may
 * leave it behind: best effort, never an error). */
int  crisk__temp_remember(const char *path);
void crisk__temp_forget(int handle);

#endif
