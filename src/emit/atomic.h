/*
 * atomic.h - committing two atomic outputs as one (private; the outputs
 * themselves are crisk_output_* in chainrisk/output.h).
 */
#ifndef CRISK_ATOMIC_H
#define CRISK_ATOMIC_H

#include "chainrisk/output.h"

/* Commit `a` and `b` together, then free both: both are flushed and
 * fsync'ed first (an error there changes neither target); then `a` is
 * renamed into place, its previous file kept under a second name, then
 * `b`; if `b` cannot be renamed, `a`'s previous file is put back (or the
 * new one removed if there was none).  Signals are held off between the
 * renames.  So the two targets are both new or both as before - except
 * after SIGKILL or a system crash between the two renames (see
 * docs/robustness.md).  Outputs written directly (stdout, FIFOs, devices)
 * are only flushed.  Errors name the file that failed: CRISK_EIO "cannot
 * write: ...", or "...; and FILE could not be put back: ..." when undoing
 * `a` failed too. */
int crisk__output_commit_pair(crisk_output *a, crisk_output *b, crisk_error *err);

#endif
