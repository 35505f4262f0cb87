#!/usr/bin/env python3
"""peer_igraph.py - the python-igraph peer of `chainrisk rank` (DESIGN §5, §8).

A stronger peer than peer_networkx.py: its reachability runs in igraph's C
core.  It computes the columns that are reachability counts, for every node p:

  direct_dependants  distinct nodes with an edge to p: the in-degree once
                     parallel edges (one dependant, several groups) are merged
                     (Graph.simplify, then Graph.indegree)
  dependants         nodes other than p from which p is reachable:
                     Graph.neighborhood_size(order=n, mode="in", mindist=1),
                     one breadth-first search per node in C that returns only
                     a count.  mindist=1 leaves p out, also when p lies on a
                     cycle (the search never revisits its seed).
  functions          function nodes other than p from which p is reachable.
                     neighborhood_size cannot filter by type, so these are
                     counted from the other end: a forward search from each
                     function f (Graph.neighborhood(mode="out", mindist=1), in
                     C) lists the nodes f reaches, and each listed node gets
                     one.  When non-functions are fewer than functions the
                     searches start from them instead, and functions(p) =
                     dependants(p) - non-function dependants(p); with every
                     node a function (the Debian graph) no search is needed.
                     The Python work is one count per listed pair, the least
                     any method that lists pairs can do.

`impact` (DESIGN §4 failures) is not a reachability count and is left to the
networkx peer.  Output: CSV `id,direct_dependants,dependants,functions`,
sorted by id, to -o FILE or stdout; timings on stderr, the last line
`peer-summary ...` for tools/bench/run.sh.

Input is assumed valid (run `chainrisk validate` first): only the columns used
are read, names matched case-insensitively, a UTF-8 BOM is accepted, spaces
and tabs around ids and types are ignored as chainrisk ignores them.

Usage: peer_igraph.py [-o FILE] (DIR | --nodes F --edges F)
Exit status: 0 done, 2 usage error.
"""

import argparse
import csv
import os
import sys
import time
from collections import Counter
from itertools import chain

import igraph

# Forward searches run this many source nodes per call: one call's lists hold
# at most CHUNK_PAIRS / n sources' worth of nodes (bounded memory), and each
# call allocates igraph's O(n) marks once.
CHUNK_PAIRS = 4_000_000


def read_rows(path):
    """Yield each row of a CSV file as a dict keyed by lower-case column name."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [name.strip().lower() for name in next(reader)]
        for row in reader:
            yield dict(zip(header, row))


def load(nodes_path, edges_path):
    """Return (ids, is_function, G): node ids in file order, a list of bools,
    and the directed from->to igraph Graph on node indices."""
    ids, is_function, index = [], [], {}
    for row in read_rows(nodes_path):
        node = row["id"].strip(" \t")
        index[node] = len(ids)
        ids.append(node)
        is_function.append((row.get("type") or "supplier").strip(" \t").lower() == "function")
    edges = [(index[row["from"].strip(" \t")], index[row["to"].strip(" \t")])
             for row in read_rows(edges_path)]
    G = igraph.Graph(n=len(ids), edges=edges, directed=True)
    return ids, is_function, G


def reached_counts(G, sources):
    """{node: how many of SOURCES reach it by a path of one or more edges}."""
    n = G.vcount()
    chunk = max(1, CHUNK_PAIRS // max(n, 1))
    counts = Counter()
    for start in range(0, len(sources), chunk):
        reached = G.neighborhood(sources[start:start + chunk], order=n, mode="out", mindist=1)
        counts.update(chain.from_iterable(reached))
    return counts


def compute(ids, is_function, G):
    """Return [(direct_dependants, dependants, functions)] per node index."""
    n = G.vcount()
    simple = G.copy()
    simple.simplify(multiple=True, loops=True)
    direct = simple.indegree()
    dependants = G.neighborhood_size(None, order=n, mode="in", mindist=1)
    functions = [v for v in range(n) if is_function[v]]
    others = [v for v in range(n) if not is_function[v]]
    if len(functions) <= len(others):
        counts = reached_counts(G, functions)
        function_counts = [counts.get(v, 0) for v in range(n)]
    else:
        counts = reached_counts(G, others)
        function_counts = [dependants[v] - counts.get(v, 0) for v in range(n)]
    return list(zip(direct, dependants, function_counts))


def write_csv(ids, results, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "direct_dependants", "dependants", "functions"])
    for v in sorted(range(len(ids)), key=ids.__getitem__):
        writer.writerow([ids[v], *results[v]])


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="python-igraph peer of `chainrisk rank`: per-node dependants and functions")
    ap.add_argument("inventory", nargs="?", help="directory with nodes.csv and edges.csv")
    ap.add_argument("--nodes", help="nodes CSV (instead of a directory)")
    ap.add_argument("--edges", help="edges CSV (instead of a directory)")
    ap.add_argument("-o", "--output", help="output CSV (default: stdout)")
    args = ap.parse_args(argv)
    if args.inventory:
        args.nodes = args.nodes or os.path.join(args.inventory, "nodes.csv")
        args.edges = args.edges or os.path.join(args.inventory, "edges.csv")
    if not args.nodes or not args.edges:
        ap.error("give an inventory directory or --nodes and --edges")
    return args


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    ids, is_function, G = load(args.nodes, args.edges)
    load_s = time.perf_counter() - t0
    print(f"peer: load {load_s:.3f} s ({G.vcount()} nodes, {G.ecount()} edges, "
          f"python-igraph {igraph.__version__})", file=sys.stderr)
    t1 = time.perf_counter()
    results = compute(ids, is_function, G)
    metrics_s = time.perf_counter() - t1
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            write_csv(ids, results, out)
    else:
        write_csv(ids, results, sys.stdout)
    n = len(ids)
    print(f"peer: metrics {metrics_s:.3f} s ({n} nodes)", file=sys.stderr)
    # One line for tools/bench/run.sh, in the networkx peer's format.
    print(f"peer-summary load_s={load_s:.3f} metrics_s={metrics_s:.3f} done={n} "
          f"nodes={n} estimated_metrics_s={metrics_s:.3f} gave_up=0", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
