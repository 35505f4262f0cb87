#!/usr/bin/env python3
"""perturb.py IN OUT [--seed S] [--rate R] - a native inventory a quarter later.

Reads IN/nodes.csv and IN/edges.csv (as chainrisk-gen writes them) and
writes OUT/nodes.csv and OUT/edges.csv with the kind of changes a register
sees between two reviews, each on a share R of the rows (default 0.01),
chosen by a seeded generator (default seed 1), so the same arguments give
the same bytes:

  - providers removed (R/2 of the non-function nodes, with their edges);
  - providers added (R/2), each depended on by three random nodes;
  - one field changed on R of the nodes (recovery_hours, spend or country);
  - plain edges removed (R of them) and added (R, down the node order, as
    the generator lays its edges out), kinds changed (R/2).

Edges inside redundancy groups are only removed with a removed node, and a
group that loses members needs at most what it has left, so the result
stays valid.  The benchmark of `chainrisk diff`
(docs/performance.md, "diff") compares IN with OUT.  Standard library only.
"""
import argparse
import csv
import os
import random
import sys


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def fix_needs(edges, ecol):
    """A group that lost members to a removed node needs at most its size."""
    size = {}
    for e in edges:
        if e[ecol["group"]]:
            key = (e[ecol["from"]], e[ecol["group"]])
            size[key] = size.get(key, 0) + 1
    for e in edges:
        key = (e[ecol["from"]], e[ecol["group"]])
        if e[ecol["group"]] and e[ecol["need"]] and int(e[ecol["need"]]) > size[key]:
            e[ecol["need"]] = str(size[key])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.01)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    nh, nodes = read(os.path.join(args.src, "nodes.csv"))
    eh, edges = read(os.path.join(args.src, "edges.csv"))
    col = {name: i for i, name in enumerate(nh)}
    ecol = {name: i for i, name in enumerate(eh)}
    n, m = len(nodes), len(edges)

    providers = [i for i, r in enumerate(nodes) if r[col["type"]] != "function"]
    removed = set(rnd.sample(providers, int(len(providers) * args.rate / 2)))
    gone = {nodes[i][col["id"]] for i in removed}
    nodes = [r for i, r in enumerate(nodes) if i not in removed]

    for i in rnd.sample(range(len(nodes)), int(len(nodes) * args.rate)):
        r = nodes[i]
        what = rnd.randrange(3)
        if what == 0:
            r[col["recovery_hours"]] = str(rnd.choice([1, 2, 4, 8, 24, 72]))
        elif what == 1:
            r[col["spend"]] = str(rnd.randrange(0, 1000000))
        else:
            r[col["country"]] = rnd.choice(["DE", "NL", "FR", "IE", "US"])

    group, kind = ecol["group"], ecol["kind"]
    kept, plain = [], []
    for e in edges:
        if e[ecol["from"]] in gone or e[ecol["to"]] in gone:
            continue
        kept.append(e)
        if e[group] == "":
            plain.append(len(kept) - 1)
    drop = set(rnd.sample(plain, int(m * args.rate)))
    for i in rnd.sample(plain, int(m * args.rate / 2)):
        if i not in drop:
            kept[i][kind] = "changed"
    edges = [e for i, e in enumerate(kept) if i not in drop]
    fix_needs(edges, ecol)

    ids = [r[col["id"]] for r in nodes]
    present = {(e[ecol["from"]], e[ecol["to"]], e[group]) for e in edges}
    for k in range(int(len(providers) * args.rate / 2)):
        row = [""] * len(nh)
        row[col["id"]] = "new-%06d" % k
        row[col["type"]] = "supplier"
        row[col["category"]] = rnd.choice(["cloud", "software", "managed-service"])
        row[col["recovery_hours"]] = str(rnd.choice([4, 8, 24]))
        row[col["country"]] = "DE"
        nodes.append(row)
        for dependant in rnd.sample(ids, 3):
            edges.append([dependant if name == "from" else row[col["id"]] if name == "to" else
                          "new" if name == "kind" else "" for name in eh])
            present.add((dependant, row[col["id"]], ""))
    # New edges follow the generator's layout (nodes in tier order, edges
    # pointing down it): a random edge against it would close cycles through
    # half the graph, which no register grows in a quarter.
    order = {node: i for i, node in enumerate(ids)}
    added = 0
    while added < int(m * args.rate):
        a, b = rnd.choice(ids), rnd.choice(ids)
        if order[a] > order[b]:
            a, b = b, a
        if a == b or (a, b, "") in present or b.startswith("new-"):
            continue
        present.add((a, b, ""))
        edges.append([a if name == "from" else b if name == "to" else "" for name in eh])
        added += 1

    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "nodes.csv"), nh, nodes)
    write(os.path.join(args.out, "edges.csv"), eh, edges)
    print("perturb.py: %d -> %d nodes, %d -> %d edges" % (n, len(nodes), m, len(edges)),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
