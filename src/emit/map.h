/*
 * map.h - the risk map's view and the text escaping it shares with the HTML
 * report (private).
 *
 * A map is drawn in three steps: select what is in scope (everything, or
 * the --focus neighbourhood), decide what is drawn as itself and what is
 * collapsed into one summary vertex per category, then write DOT text from
 * that view and hand it to Graphviz.  The view is plain data so tests can
 * count what a map holds without parsing pictures.
 */
#ifndef CRISK_MAP_H
#define CRISK_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chainrisk/chainrisk.h"

/* ---- escaping --------------------------------------------------------------
 *
 * Every mode first makes the text safe to show: invalid UTF-8 becomes U+FFFD;
 * control characters (C0 except newline and tab, DEL, C1), bidirectional
 * controls (U+061C, U+200E/F, U+202A-E, U+2066-9) and the non-characters
 * U+FFFE/U+FFFF become '?'; a tab becomes a space.  `max` cuts the text at
 * that many code points and adds an ellipsis (0 = no limit).  Then:
 *
 * HTML        & < > " ' as entities; a newline becomes a space.
 * GV_LABEL    text inside a Graphviz HTML-like label: entities as HTML, a
 *             newline becomes <BR/>, and a backslash is written so that it
 *             survives Graphviz's escString pass (\N would otherwise become
 *             the node's name).
 * GV_TOOLTIP  text inside a quoted DOT attribute that Graphviz decodes and
 *             passes twice through escString (tooltip): only entities, no
 *             raw quote or backslash, so the DOT lexer cannot be steered.
 * In both Graphviz modes an '&' that would read as an entity after Graphviz
 * decodes the text is followed by U+2060 WORD JOINER, because Graphviz's SVG
 * writer leaves entity-like text unescaped (so "&amp;" stays "&amp;"). */
typedef enum crisk__esc {
    CRISK__ESC_HTML,
    CRISK__ESC_GV_LABEL,
    CRISK__ESC_GV_TOOLTIP
} crisk__esc;

void crisk__escape(FILE *f, const char *s, size_t max, crisk__esc mode);

/* ---- the view ---------------------------------------------------------------- */

typedef enum crisk__vertex_kind {
    CRISK__V_NODE,        /* one inventory node */
    CRISK__V_SUMMARY,     /* collapsed nodes of one category (or the functions) */
    CRISK__V_JUNCTION     /* a redundancy group of two or more members */
} crisk__vertex_kind;

/* Summary vertices are keyed by category; functions have their own key. */
#define CRISK__SUMMARY_FUNCTIONS CRISK_CAT_COUNT

typedef struct crisk__vertex {
    crisk__vertex_kind kind;
    uint32_t ref;          /* node index, summary key, or group index */
    uint32_t members;      /* SUMMARY: nodes collapsed into it */
    uint32_t by_type[CRISK_NODE_TYPE_COUNT];   /* SUMMARY: members per type */
    uint32_t spofs;        /* SUMMARY: members that are SPOFs */
    double max_share;      /* SUMMARY: highest impact_share among members */
} crisk__vertex;

typedef enum crisk__edge_style {
    CRISK__E_PLAIN,        /* dependant -> provider (AND) */
    CRISK__E_TO_GROUP,     /* dependant -> junction */
    CRISK__E_ALTERNATIVE   /* junction -> member (dashed) */
} crisk__edge_style;

typedef struct crisk__vedge {
    uint32_t from, to;     /* vertex indices */
    uint32_t style;        /* crisk__edge_style */
    uint32_t count;        /* inventory edges it stands for */
} crisk__vedge;

typedef struct crisk__map_view {
    const crisk_analysis *a;
    crisk__vertex *v;
    size_t n_vertices;
    crisk__vedge *e;
    size_t n_edges;
    size_t in_scope;       /* inventory nodes in scope (all, or the focus neighbourhood) */
    size_t shown;          /* inventory nodes drawn as themselves */
    size_t collapsed;      /* inventory nodes inside summary vertices */
    size_t junctions, summaries;
    size_t focus;          /* node index, or SIZE_MAX */
    int is_collapsed;      /* the top-N view */
    int false_redundancy;  /* junctions show false redundancy */
    crisk_map_layout engine;   /* resolved: never AUTO */
} crisk__map_view;

/* Build the view for `opts` (format ignored).  CRISK_ENOTFOUND for an
 * unknown focus, CRISK_ENOMEM.  O(V + E) plus sorting the drawn edges. */
int  crisk__map_view_build(crisk__map_view *out, const crisk_analysis *a,
                           const crisk_map_options *opts, crisk_error *err);
void crisk__map_view_release(crisk__map_view *view);

/* Write the view as DOT text.  Deterministic; O(drawn vertices + edges). */
void crisk__map_view_dot(FILE *f, const crisk__map_view *view);

/* Colour of an impact share 0..1 on the map's scale ("#rrggbb"), and whether
 * text on it should be white. */
const char *crisk__impact_colour(double share, int *dark);

#endif
