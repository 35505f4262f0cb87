#!/usr/bin/env python3
"""peer_networkx.py - the networkx peer of `chainrisk rank` (DESIGN §5, §8).

Loads a native inventory (nodes.csv + edges.csv, DESIGN §3) with the csv
module and computes, for every node p, the way a networkx user would write it:

  direct_dependants  distinct nodes with an edge to p (in-degree of a DiGraph)
  dependants         nx.ancestors(G, p): nodes other than p that reach p
  functions          function-type nodes among those
  impact             functions other than p that fail when p alone fails,
                     with DESIGN §4 semantics (redundancy groups, need k of n,
                     least fixed point), by propagation from the failed node

It is the reference that chainrisk's speed is compared against, so it is meant
to be correct and plain, not clever.  Output: CSV
`id,direct_dependants,dependants,functions,impact`, sorted by id, to -o FILE
or stdout; timings on stderr.

With --max-seconds the metric loop gives up once the time is spent: nodes are
visited in a seeded random order, so the rows done so far are an unbiased
sample; those rows are written (still sorted by id), the full time is
extrapolated, and the exit status is 4.

Input is assumed valid (run `chainrisk validate` first): only the columns used
are read, names matched case-insensitively, a UTF-8 BOM is accepted.

Usage: peer_networkx.py [--max-seconds S] [-o FILE] (DIR | --nodes F --edges F)
Exit status: 0 done, 2 usage error, 4 gave up after --max-seconds.
"""

import argparse
import csv
import os
import random
import sys
import time
from collections import deque

import networkx as nx

EXIT_GAVE_UP = 4


def read_rows(path):
    """Yield each row of a CSV file as a dict keyed by lower-case column name."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [name.strip().lower() for name in next(reader)]
        for row in reader:
            yield dict(zip(header, row))


def load(nodes_path, edges_path):
    """Return (G, groups): the from->to DiGraph with a `type` on every node,
    and the redundancy groups as {key: (dependant, need, [members])}.

    An edge without a group is a group of its own with need 1; edges that
    share (from, group) form one group (DESIGN §4)."""
    G = nx.DiGraph()
    for row in read_rows(nodes_path):
        G.add_node(row["id"], type=(row.get("type") or "supplier").strip().lower())
    groups = {}
    for row in read_rows(edges_path):
        dependant, provider = row["from"], row["to"]
        group = row.get("group") or ""
        need = int(row.get("need") or 1)
        G.add_edge(dependant, provider)
        key = (dependant, group) if group else (dependant, "", provider)
        groups.setdefault(key, (dependant, need, []))[2].append(provider)
    return G, groups


def groups_by_member(groups):
    """{provider: [(group number, dependant, need, size), ...]} over every
    group the provider is a member of."""
    index = {}
    for number, (dependant, need, members) in enumerate(groups.values()):
        entry = (number, dependant, need, len(members))
        for provider in members:
            index.setdefault(provider, []).append(entry)
    return index


def impacted_functions(G, member_of, p):
    """Functions other than p that fail when p alone fails.

    Least fixed point by propagation: a node fails only when one of its
    groups is left with fewer than `need` working members, so a cycle fails
    only if something outside it forces it."""
    failed = {p}
    lost = {}           # group number -> members failed so far
    queue = deque([p])
    while queue:
        node = queue.popleft()
        for number, dependant, need, size in member_of.get(node, ()):
            lost[number] = lost.get(number, 0) + 1
            if size - lost[number] < need and dependant not in failed:
                failed.add(dependant)
                queue.append(dependant)
    types = G.nodes
    return sum(1 for n in failed if n != p and types[n]["type"] == "function")


def node_metrics(G, member_of, p):
    ancestors = nx.ancestors(G, p)
    types = G.nodes
    return (G.in_degree(p),
            len(ancestors),
            sum(1 for n in ancestors if types[n]["type"] == "function"),
            impacted_functions(G, member_of, p))


def compute(G, groups, max_seconds):
    """Return ({id: metrics}, seconds spent, gave_up)."""
    member_of = groups_by_member(groups)
    order = sorted(G.nodes)
    random.Random(20240601).shuffle(order)     # unbiased partial samples
    start = time.perf_counter()
    deadline = start + max_seconds if max_seconds is not None else None
    results = {}
    for p in order:
        if deadline is not None and time.perf_counter() >= deadline:
            return results, time.perf_counter() - start, True
        results[p] = node_metrics(G, member_of, p)
    return results, time.perf_counter() - start, False


def write_csv(results, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "direct_dependants", "dependants", "functions", "impact"])
    for node in sorted(results):
        writer.writerow([node, *results[node]])


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="networkx peer of `chainrisk rank`: per-node dependants and impact")
    ap.add_argument("inventory", nargs="?", help="directory with nodes.csv and edges.csv")
    ap.add_argument("--nodes", help="nodes CSV (instead of a directory)")
    ap.add_argument("--edges", help="edges CSV (instead of a directory)")
    ap.add_argument("-o", "--output", help="output CSV (default: stdout)")
    ap.add_argument("--max-seconds", type=float,
                    help="give up the metric loop after this many seconds (exit 4)")
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
    G, groups = load(args.nodes, args.edges)
    load_s = time.perf_counter() - t0
    print(f"peer: load {load_s:.3f} s ({G.number_of_nodes()} nodes, "
          f"{G.number_of_edges()} distinct edges, networkx {nx.__version__})", file=sys.stderr)

    results, metrics_s, gave_up = compute(G, groups, args.max_seconds)
    n, done = G.number_of_nodes(), len(results)
    estimate = metrics_s * n / done if done else float("inf")
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            write_csv(results, out)
    else:
        write_csv(results, sys.stdout)
    state = "gave up" if gave_up else "done"
    print(f"peer: metrics {metrics_s:.3f} s ({done} of {n} nodes, {state}; "
          f"estimated full metrics {estimate:.1f} s)", file=sys.stderr)
    # One line for tools/bench/run.sh.
    print(f"peer-summary load_s={load_s:.3f} metrics_s={metrics_s:.3f} done={done} "
          f"nodes={n} estimated_metrics_s={estimate:.3f} gave_up={int(gave_up)}",
          file=sys.stderr)
    return EXIT_GAVE_UP if gave_up else 0


if __name__ == "__main__":
    sys.exit(main())
