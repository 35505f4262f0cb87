/*
 * tempfiles.h - temporary files that must not outlive an interrupted run
 * (private; the public end is crisk_remove_temporary_files() in output.h).
 */
#ifndef CRISK_TEMPFILES_H
#define CRISK_TEMPFILES_H

/* Remember `path` until crisk__temp_forget().  Returns a handle, or -1 when
 * the path is too long or every slot is taken (then an interrupted run may
 * leave it behind: best effort, never an error). */
int  crisk__temp_remember(const char *path);
void crisk__temp_forget(int handle);

#endif
