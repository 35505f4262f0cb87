/*
 * version.c - the version string of the library and the tool.
 *
 * The string is made at every build, not at configure time, so that it names
 * the commit actually built: tools/dist/version.cmake writes
 * chainrisk_version.h in the build tree ("0.1.0", or "0.1.0 (git DESCRIBE)"
 * in a git checkout) and rewrites it only when it changes.  Builds outside
 * CMake (the fuzz targets) define CRISK_VERSION_STRING themselves.
 */
#include "chainrisk/chainrisk.h"

#ifndef CRISK_VERSION_STRING
#include <chainrisk_version.h>
#endif

const char *crisk_version(void) { return CRISK_VERSION_STRING; }
