#!/usr/bin/env python3
"""Tests of the networkx peer (tools/bench/peer_networkx.py).

Run: python3 tools/bench/test_peer.py   (needs networkx; unittest only)

1. A hand-worked 6-node inventory with an OR group, a 2-of-3 group and a
   cycle, whose expected numbers are written out below.
2. The peer against an independent brute force (plain DFS for reachability,
   fixed-point iteration for DESIGN §4 failures) on random small graphs with
   cycles, OR and k-of-n groups.
3. --max-seconds gives up gracefully (exit 4, a valid partial CSV).
"""

import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "peer_networkx.py")
sys.path.insert(0, HERE)
import peer_networkx  # noqa: E402

# F1 needs A or B (OR group g) and C.  F2 needs 2 of {A, B, D} (group k).
# A needs D.  C and D need each other (a cycle).
#
#   id  direct  dependants                 functions  impact (fails with it)
#   F1  0       -                          0          0
#   F2  0       -                          0          0
#   A   2       F1 F2                      2          0  (F1 keeps B; F2 keeps B, D)
#   B   2       F1 F2                      2          0  (F1 keeps A; F2 keeps A, D)
#   C   2       F1 D + via D: F2 A         2          2  (F1; D, so A, so F2 has B only)
#   D   3       F2 A C + via C, A: F1      2          2  (A and C; F2 has B only; F1 via C)
#
# A least fixed point matters: C and D fail only when forced from outside,
# so the failure of A or B leaves the cycle (and both functions) standing.
NODES = "\ufeffID,Name,TYPE\nF1,Payments,function\nF2,Lending,function\n" \
        "A,Cloud A,service\nB,Cloud B,service\nC,Payroll SaaS,service\nD,\"Hoster, Inc.\",supplier\n"
EDGES = "From,To,Group,Need,Kind\n" \
        "F1,A,g,1,hosting\nF1,B,g,1,hosting\nF1,C,,,saas\n" \
        "F2,A,k,2,hosting\nF2,B,k,2,hosting\nF2,D,k,2,hosting\n" \
        "A,D,,,subcontract\nC,D,,,subcontract\nD,C,,,mutual\n"
EXPECTED = {
    "A": (2, 2, 2, 0),
    "B": (2, 2, 2, 0),
    "C": (2, 4, 2, 2),
    "D": (3, 4, 2, 2),
    "F1": (0, 0, 0, 0),
    "F2": (0, 0, 0, 0),
}


def write_inventory(directory, nodes, edges):
    with open(os.path.join(directory, "nodes.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(nodes)
    with open(os.path.join(directory, "edges.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(edges)


def run_peer(directory, *extra):
    proc = subprocess.run([sys.executable, PEER, directory, *extra],
                          capture_output=True, text=True, check=False)
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    return proc, rows


class HandWorked(unittest.TestCase):
    def test_six_nodes_with_or_group_2_of_3_group_and_cycle(self):
        with tempfile.TemporaryDirectory() as d:
            write_inventory(d, NODES, EDGES)
            proc, rows = run_peer(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(rows[0], ["id", "direct_dependants", "dependants", "functions", "impact"])
        got = {r[0]: tuple(int(x) for x in r[1:]) for r in rows[1:]}
        self.assertEqual(got, EXPECTED)
        self.assertEqual([r[0] for r in rows[1:]], sorted(EXPECTED))
        self.assertIn("peer-summary ", proc.stderr)

    def test_gives_up_after_max_seconds_with_a_valid_partial_csv(self):
        with tempfile.TemporaryDirectory() as d:
            write_inventory(d, NODES, EDGES)
            proc, rows = run_peer(d, "--max-seconds", "0")
        self.assertEqual(proc.returncode, peer_networkx.EXIT_GAVE_UP, proc.stderr)
        self.assertEqual(rows, [["id", "direct_dependants", "dependants", "functions", "impact"]])
        self.assertIn("gave_up=1", proc.stderr)


def random_inventory(rng, n):
    """Random graph text: cycles allowed, some OR and k-of-n groups."""
    ids = [f"n{i}" for i in range(n)]
    types = {v: ("function" if rng.random() < 0.3 else "supplier") for v in ids}
    nodes = "id,type\n" + "".join(f"{v},{types[v]}\n" for v in ids)
    lines = []
    for v in ids:
        others = [u for u in ids if u != v]
        rng.shuffle(others)
        k = rng.randint(0, min(5, len(others)))
        targets, i, g = others[:k], 0, 0
        while i < len(targets):
            size = rng.randint(1, 3)
            members = targets[i:i + size]
            i += size
            if len(members) == 1 and rng.random() < 0.7:
                lines.append(f"{v},{members[0]},,\n")
                continue
            g += 1
            need = rng.randint(1, len(members))
            lines.extend(f"{v},{m},g{g},{need}\n" for m in members)
    return nodes, "from,to,group,need\n" + "".join(lines), types


def brute_force(nodes_text, edges_text):
    """Independent reference: DFS reachability, fixed-point iteration."""
    types = {r["id"]: r["type"] for r in csv.DictReader(io.StringIO(nodes_text))}
    deps = {v: {} for v in types}               # v -> {group key: [need, members]}
    preds = {v: set() for v in types}
    for r in csv.DictReader(io.StringIO(edges_text)):
        key = r["group"] or ("", r["to"])
        deps[r["from"]].setdefault(key, [int(r["need"] or 1), []])[1].append(r["to"])
        preds[r["to"]].add(r["from"])
    result = {}
    for p in types:
        seen, stack = set(), [p]
        while stack:
            for u in preds[stack.pop()]:
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
        seen.discard(p)
        failed, changed = {p}, True
        while changed:
            changed = False
            for v, groups in deps.items():
                if v not in failed and any(
                        sum(m not in failed for m in members) < need
                        for need, members in groups.values()):
                    failed.add(v)
                    changed = True
        result[p] = (len(preds[p]), len(seen),
                     sum(types[u] == "function" for u in seen),
                     sum(types[u] == "function" for u in failed if u != p))
    return result


class AgainstBruteForce(unittest.TestCase):
    def test_random_graphs_with_cycles_and_k_of_n_groups(self):
        rng = random.Random(7)
        with tempfile.TemporaryDirectory() as d:
            for case in range(200):
                nodes, edges, _ = random_inventory(rng, rng.randint(2, 10))
                write_inventory(d, nodes, edges)
                G, groups = peer_networkx.load(os.path.join(d, "nodes.csv"),
                                               os.path.join(d, "edges.csv"))
                got, _, gave_up = peer_networkx.compute(G, groups, None)
                self.assertFalse(gave_up)
                self.assertEqual(got, brute_force(nodes, edges), f"case {case}:\n{nodes}{edges}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
