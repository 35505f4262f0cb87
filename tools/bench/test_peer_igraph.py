#!/usr/bin/env python3
"""Tests of the python-igraph peer (tools/bench/peer_igraph.py).

Run: python3 tools/bench/test_peer_igraph.py   (needs python3-igraph; the
comparisons with chainrisk need its binary: CHAINRISK_BIN, set by ctest, or
a build in build-rel/, build/, build-bench/ or build-test/)

1. Hand-worked inventories: the 6-node one of test_peer.py (an OR group, a
   2-of-3 group, a cycle; few functions), and one where functions are the
   majority and lie on a cycle, so that both ways of counting `functions`
   run.
2. The peer against an independent brute force (DFS) on random graphs with
   cycles, with few and with many functions.
3. The peer against `chainrisk rank --format csv` for every node, on those
   inventories and on the Debian fixture graph (tests/fixtures/debian).
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
ROOT = os.path.dirname(os.path.dirname(HERE))
PEER = os.path.join(HERE, "peer_igraph.py")
DEBIAN = os.path.join(ROOT, "tests", "fixtures", "debian", "expected")
sys.path.insert(0, HERE)
import peer_igraph  # noqa: E402

HEADER = ["id", "direct_dependants", "dependants", "functions"]
COLUMNS = HEADER[1:]

# test_peer.py's inventory: F1 needs A or B and C; F2 needs 2 of {A, B, D};
# A needs D; C and D need each other.
FEW_NODES = "\ufeffID,Name,TYPE\nF1,Payments,function\nF2,Lending,function\n" \
            "A,Cloud A,service\nB,Cloud B,service\nC,Payroll SaaS,service\nD,\"Hoster, Inc.\",supplier\n"
FEW_EDGES = "From,To,Group,Need,Kind\n" \
            "F1,A,g,1,hosting\nF1,B,g,1,hosting\nF1,C,,,saas\n" \
            "F2,A,k,2,hosting\nF2,B,k,2,hosting\nF2,D,k,2,hosting\n" \
            "A,D,,,subcontract\nC,D,,,subcontract\nD,C,,,mutual\n"
FEW_EXPECTED = {
    "A": (2, 2, 2), "B": (2, 2, 2), "C": (2, 4, 2), "D": (3, 4, 2),
    "F1": (0, 0, 0), "F2": (0, 0, 0),
}

# Functions are the majority.  F1 -> F2 -> F3 -> F1 is a cycle of functions;
# F1 needs S twice (two groups: one distinct dependant); S needs T; F4 needs
# F1 or T.
#   F1  dependants F3 F2 F4 (F3 directly, F2 via F3, F4 directly)   functions 3
#   F2  F1 F3 F4                                                      3
#   F3  F2 F1 F4                                                      3
#   S   F1 F3 F2 F4                                                   4
#   T   S F4 + via S: F1 F3 F2                                        4 (S is not one)
MANY_NODES = "id,type\nF1,function\nF2,Function\nF3, function \nF4,function\nS,supplier\nT,service\n"
MANY_EDGES = "from,to,group,need\nF1,F2,,\nF2,F3,,\nF3,F1,,\nF1,S,,\nF1,S,x,1\nF1,T,x,1\n" \
             "S,T,,\nF4,F1,y,1\nF4,T,y,1\n"
MANY_EXPECTED = {
    "F1": (2, 3, 3), "F2": (1, 3, 3), "F3": (1, 3, 3), "F4": (0, 0, 0),
    "S": (1, 4, 4), "T": (3, 5, 4),
}


def write_inventory(directory, nodes, edges):
    for name, text in (("nodes.csv", nodes), ("edges.csv", edges)):
        with open(os.path.join(directory, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)


def run_peer(directory):
    proc = subprocess.run([sys.executable, PEER, directory], capture_output=True, text=True,
                          check=False)
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    return proc, rows


def as_table(rows):
    return {r[0]: tuple(int(x) for x in r[1:]) for r in rows[1:]}


def chainrisk_binary():
    path = os.environ.get("CHAINRISK_BIN")
    if path:
        return path
    for build in ("build-rel", "build", "build-bench", "build-test"):
        candidate = os.path.join(ROOT, build, "chainrisk")
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def rank_table(binary, directory):
    """rank's direct_dependants, dependants and functions for every node."""
    out = os.path.join(directory, "rank.csv")
    subprocess.run([binary, "rank", directory, "--format", "csv", "-o", out, "-q"],
                   check=True, capture_output=True)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    os.remove(out)
    return {r["id"]: tuple(int(r[c]) for c in COLUMNS) for r in rows}


def random_inventory(rng, n, function_share):
    """Random valid inventory text: cycles, OR and k-of-n groups, and an
    edge to a member of the same dependant's group now and then."""
    ids = [f"n{i}" for i in range(n)]
    nodes = "id,type\n" + "".join(
        f"{v},{'function' if rng.random() < function_share else 'component'}\n" for v in ids)
    lines = []
    for v in ids:
        others = [u for u in ids if u != v]
        rng.shuffle(others)
        targets = others[:rng.randint(0, min(5, len(others)))]
        i = g = 0
        while i < len(targets):
            members = targets[i:i + rng.randint(1, 3)]
            i += len(members)
            if len(members) == 1:
                lines.append(f"{v},{members[0]},,\n")
                continue
            g += 1
            need = rng.randint(1, len(members))
            lines.extend(f"{v},{m},g{g},{need}\n" for m in members)
            if rng.random() < 0.3:          # the same pair again, plain
                lines.append(f"{v},{members[0]},,\n")
    return nodes, "from,to,group,need\n" + "".join(lines)


def brute_force(nodes_text, edges_text):
    types = {r["id"]: r["type"] for r in csv.DictReader(io.StringIO(nodes_text))}
    preds = {v: set() for v in types}
    for r in csv.DictReader(io.StringIO(edges_text)):
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
        result[p] = (len(preds[p]), len(seen), sum(types[u] == "function" for u in seen))
    return result


class HandWorked(unittest.TestCase):
    def check(self, nodes, edges, expected):
        with tempfile.TemporaryDirectory() as d:
            write_inventory(d, nodes, edges)
            proc, rows = run_peer(d)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(rows[0], HEADER)
        self.assertEqual([r[0] for r in rows[1:]], sorted(expected))
        self.assertEqual(as_table(rows), expected)
        self.assertIn("peer-summary ", proc.stderr)
        self.assertIn("gave_up=0", proc.stderr)

    def test_few_functions_or_group_2_of_3_group_and_cycle(self):
        self.check(FEW_NODES, FEW_EDGES, FEW_EXPECTED)

    def test_many_functions_on_a_cycle(self):
        self.check(MANY_NODES, MANY_EDGES, MANY_EXPECTED)


class AgainstBruteForce(unittest.TestCase):
    def test_random_graphs_with_cycles(self):
        rng = random.Random(11)
        with tempfile.TemporaryDirectory() as d:
            for case in range(300):
                share = (0.1, 0.5, 0.9)[case % 3]
                nodes, edges = random_inventory(rng, rng.randint(2, 12), share)
                write_inventory(d, nodes, edges)
                ids, is_function, G = peer_igraph.load(os.path.join(d, "nodes.csv"),
                                                       os.path.join(d, "edges.csv"))
                got = dict(zip(ids, peer_igraph.compute(ids, is_function, G)))
                self.assertEqual(got, brute_force(nodes, edges), f"case {case}:\n{nodes}{edges}")


class AgainstChainrisk(unittest.TestCase):
    def setUp(self):
        self.binary = chainrisk_binary()
        if self.binary is None:
            self.skipTest("no chainrisk binary (set CHAINRISK_BIN)")

    def agree(self, directory):
        proc, rows = run_peer(directory)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        peer = as_table(rows)
        rank = rank_table(self.binary, directory)
        self.assertEqual(sorted(peer), sorted(rank))
        for node in rank:
            self.assertEqual(peer[node], rank[node], f"{directory}: {node}")
        return peer

    def test_hand_worked_inventories(self):
        for nodes, edges, expected in ((FEW_NODES, FEW_EDGES, FEW_EXPECTED),
                                       (MANY_NODES, MANY_EDGES, MANY_EXPECTED)):
            with tempfile.TemporaryDirectory() as d:
                write_inventory(d, nodes, edges)
                self.assertEqual(self.agree(d), expected)

    def test_random_inventories(self):
        rng = random.Random(5)
        for case in range(30):
            with tempfile.TemporaryDirectory() as d:
                write_inventory(d, *random_inventory(rng, rng.randint(20, 60),
                                                     (0.1, 0.5, 0.9)[case % 3]))
                self.agree(d)

    def test_debian_fixture_graph(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("nodes.csv", "edges.csv"):
                with open(os.path.join(DEBIAN, name), encoding="utf-8") as f:
                    text = f.read()
                with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                    f.write(text)
            peer = self.agree(d)
        # gcc-12-base is needed by every package except itself, netbase and
        # sensible-utils (none of which need anything): 17 of 20.  libc6 and
        # libgcc-s1 need each other: each has the other 16 of those 17 but
        # not itself.
        self.assertEqual(peer["libc6"], (12, 16, 16))
        self.assertEqual(peer["libgcc-s1"], (2, 16, 16))
        self.assertEqual(peer["gcc-12-base"], (3, 17, 17))


if __name__ == "__main__":
    unittest.main(verbosity=2)
