/*
 * chainrisk/selector.h - failure terms: which nodes "fails" names.
 *
 * One parser for every place a user names what fails (DESIGN §5
 * "Scenarios and incidents"): the scenario files of `chainrisk scenarios`,
 * `incident --down`, and the policy checker's scenario tests.  A term is
 *
 *   ID              the node with that id (an exact id always wins, so ids
 *                   such as "pkg:npm/x@1" need no escaping)
 *   id:ID           the node with that id, for an id that reads like a
 *                   selector ("id:country:DE")
 *   parent:NAME     every provider of the group: parent NAME, or no parent
 *                   and id NAME (a provider without parent is its own
 *                   parent, as in concentration; DORA Art. 29 "closely
 *                   connected" providers)
 *   country:CC      every provider in country CC (ISO 3166-1 alpha-2, any
 *                   case)
 *   category:X      every provider of category X (cloud, managed-service,
 *                   software, hardware, telecom, other)
 *   type:X          every node of type X (function, supplier, service,
 *                   component)
 *
 * Providers are the nodes that are not functions: parent, country and
 * category never select a function (a function fails through its
 * dependencies, or by its id or type:function).  Selector names are matched
 * case-insensitively; spaces and tabs around a term and around its value
 * are ignored; parent names are matched exactly.
 *
 * Ownership: a selector borrows its inventory (free the selector first);
 * node lists it returns are borrowed from it.
 */
#ifndef CHAINRISK_SELECTOR_H
#define CHAINRISK_SELECTOR_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "inventory.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crisk_selector_kind {
    CRISK_SELECT_ID,
    CRISK_SELECT_PARENT,
    CRISK_SELECT_COUNTRY,
    CRISK_SELECT_CATEGORY,
    CRISK_SELECT_TYPE,
    CRISK_SELECT_KIND_COUNT
} crisk_selector_kind;

/* "id", "parent", "country", "category", "type". */
const char *crisk_selector_kind_name(crisk_selector_kind k);

typedef struct crisk_selector crisk_selector;

/* A selector over `inv`.  Indexes are built on first use of each kind
 * (O(V log V) for parent and country, O(V) for the others).
 * Errors: CRISK_ENOMEM. */
int  crisk_selector_new(crisk_selector **out, const crisk_inventory *inv, crisk_error *err);
void crisk_selector_free(crisk_selector *s);

/* Whether messages carry a "did you mean" hint (default on).  A hint for an
 * unknown id costs O(V * len): a caller reporting many problems turns them
 * off past the ones it shows. */
void crisk_selector_hints(crisk_selector *s, int on);

/* The nodes `term` names, ascending by node index: *nodes (borrowed, valid
 * until the next call on `s` or its free) and *count.  A well-formed
 * selector that matches nothing returns CRISK_OK with *count 0: that is a
 * warning, which crisk_selector_explain_empty() words.  Errors (message in
 * `err`, without position: the caller knows where the term stands):
 *   CRISK_ENOTFOUND  unknown node 'x' (did you mean 'y'?)
 *   CRISK_EINVALID   an empty term, an empty value ("parent:"), an unknown
 *                    category or type (with a hint), a malformed country
 *                    code, an unknown selector ("parnet:X", with a hint)
 *   CRISK_ENOMEM
 * Time O(len) for an id (plus O(V * len) for the hint of an unknown one),
 * O(log V + matches) for a selector once its index is built. */
int crisk_selector_match(crisk_selector *s, const char *term, const uint32_t **nodes,
                         size_t *count, crisk_error *err);

/* Why a well-formed `term` matched nothing, for a warning:
 * "selector 'parent:Nordwolke' matches no provider (did you mean
 * 'parent:Nordwolke Group'?)".  Writes into buf (NUL-terminated, cut to
 * `size`) and returns it. */
char *crisk_selector_explain_empty(crisk_selector *s, const char *term, char *buf, size_t size);

/* The values a parent or country selector can take, in byte order, each
 * with its providers (ascending by node index): the groups the scenario
 * generator tests.  crisk_selector_values() builds the index and gives the
 * number of values; crisk_selector_value() the i-th (borrowed).
 * Errors: CRISK_EUSAGE for another kind, CRISK_ENOMEM. */
int crisk_selector_values(crisk_selector *s, crisk_selector_kind kind, size_t *count,
                          crisk_error *err);
void crisk_selector_value(const crisk_selector *s, crisk_selector_kind kind, size_t i,
                          const char **value, const uint32_t **nodes, size_t *count);

#ifdef __cplusplus
}
#endif
#endif
