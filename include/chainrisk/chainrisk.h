/*
 * chainrisk/chainrisk.h - the public API of libchainrisk.
 *
 * The library loads supplier and dependency inventories, computes the
 * concentration and cascade-impact metrics of DESIGN §4-§5 and renders them.
 * It never prints, never exits and never aborts on anything an input file can
 * contain.  Conventions: `out` first, `crisk_error *err` last, CRISK_OK (0) or
 * a negative CRISK_E* status.  Not thread-safe (igraph's state is global).
 */
#ifndef CHAINRISK_CHAINRISK_H
#define CHAINRISK_CHAINRISK_H

#include "error.h"
#include "inventory.h"
#include "selector.h"
#include "analysis.h"
#include "scenario.h"
#include "incident.h"
#include "diff.h"
#include "policy.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The release, "0.1.0", followed in a build from a git checkout by the
 * commit built: "0.1.0 (git v0.1.0-3-g2af83bd84bf5-dirty)" (`git describe`;
 * a bare commit when there is no tag).  Every output's provenance carries it.
 * A static string. */
const char *crisk_version(void);

/* Install chainrisk's igraph error handler (records, never aborts).  Called by
 * every library entry point that uses igraph; idempotent. */
void crisk_igraph_init(void);

#ifdef __cplusplus
}
#endif
#endif
