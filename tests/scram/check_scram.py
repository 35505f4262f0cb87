#!/usr/bin/env python3
"""check_scram.py CHAINRISK SAMPLE_DIR - chainrisk against SCRAM, an
independent Open-PSA fault-tree tool (issue 15 §3, §4).

For data/sample and for random acyclic inventories with k-of-n groups,
`chainrisk export --format mef` writes the fault tree, and SCRAM quantifies
it (`scram --bdd --probability 1 --importance 1`: exact BDD) and finds its
minimal cut sets (`scram --mocus -l 2`).  Then:

  * every function's top-event probability equals `simulate`'s: exactly
    (to SCRAM's six printed digits) where simulate says "exact", and
    within 4.5 standard errors of a sampled run of 10^6 (--no-exact);
  * SCRAM's Birnbaum (MIF) and RAW of the providers equal simulate's, in
    the same way;
  * SCRAM's minimal cut sets of order 1 (less the function's own basic
    event) and 2 equal `spof` and `spof --pairs`.

Seeds are fixed, so the outcome is fixed: the test cannot fail by chance.
It prints the agreement figures (largest differences, in standard errors
for the sampled runs).  Without scram it is skipped (exit 77) with a
message; tools/setup.sh --all installs scram.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
RUNS = 1000000
RANDOM_INVENTORIES = 24
SIGMAS = 4.5


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit("FAIL: %s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return p.stdout


class Stats:
    def __init__(self):
        self.exact_checks = 0
        self.exact_worst = 0.0          # relative difference
        self.sampled_checks = 0
        self.sampled_worst = 0.0        # in standard errors
        self.cutset_functions = 0
        self.cutsets = 0
        self.failures = []

    def fail(self, what):
        self.failures.append(what)


def mef_names(path):
    """SCRAM names -> chainrisk ids, for top gates and basic events."""
    tree = ET.parse(path)
    tops, events = {}, {}
    for g in tree.iter("define-gate"):
        if g.get("name").startswith("top-"):
            tops[g.get("name")] = g.find("label").text
    for e in tree.iter("define-basic-event"):
        events[e.get("name")] = e.find("label").text
    return tops, events


def scram_bdd(model, out_dir):
    out = os.path.join(out_dir, "bdd.xml")
    run(["scram", "--bdd", "--probability", "1", "--importance", "1", model, "-o", out])
    root = ET.parse(out).getroot()
    prob, imp = {}, {}
    for sop in root.iter("sum-of-products"):
        prob[sop.get("name")] = float(sop.get("probability"))
    for im in root.iter("importance"):
        imp[im.get("name")] = {e.get("name"): {k: float(e.get(k)) for k in ("MIF", "RAW")}
                               for e in im.iter("basic-event")}
    return prob, imp


def scram_mocus(model, out_dir):
    out = os.path.join(out_dir, "mocus.xml")
    run(["scram", "--mocus", "-l", "2", model, "-o", out])
    root = ET.parse(out).getroot()
    cuts = {}
    for sop in root.iter("sum-of-products"):
        cuts[sop.get("name")] = {frozenset(e.get("name") for e in p.iter("basic-event"))
                                 for p in sop.iter("product")}
    return cuts


def simulate(chainrisk, inv, providers, extra):
    args = [chainrisk, "simulate", inv, "--format", "json", "-q", "--seed", "15"] + extra
    for p in providers:
        args += ["--importance", p]
    return json.loads(run(args))["results"]


def spof_sets(chainrisk, inv):
    out = run([chainrisk, "spof", inv, "--pairs", "--format", "csv"]).splitlines()
    columns = out[0].split(",")
    sets = {}
    for line in out[1:]:
        row = dict(zip(columns, line.split(",")))
        if row.get("pairs_cut") == "true":
            raise SystemExit("FAIL: spof cut the pairs of %s short" % row["function"])
        a, b = row["spof"], row["spof2"]
        sets.setdefault(row["function"], set()).add(frozenset([a, b]) if b else frozenset([a]))
    return sets


def close(ours, theirs):
    """Equal to SCRAM's six significant digits."""
    return abs(ours - theirs) <= 1e-5 * abs(theirs) + 1e-12


def compare_exact(st, label, what, ours, theirs):
    st.exact_checks += 1
    if theirs != 0:
        st.exact_worst = max(st.exact_worst, abs(ours - theirs) / abs(theirs))
    if not close(ours, theirs):
        st.fail("%s: %s is %.9g, SCRAM %.6g" % (label, what, ours, theirs))


def compare_sampled(st, label, what, ours, se, theirs):
    st.sampled_checks += 1
    if se == 0:
        if ours != theirs and not close(ours, theirs):
            st.fail("%s: %s is %.6g with no spread, SCRAM %.6g" % (label, what, ours, theirs))
        return
    z = abs(ours - theirs) / se
    st.sampled_worst = max(st.sampled_worst, z)
    if z > SIGMAS:
        st.fail("%s: %s is %.6g +- %.3g, SCRAM %.6g (%.1f standard errors)"
                % (label, what, ours, se, theirs, z))


def check(st, chainrisk, inv, label, mef_args, work):
    model = os.path.join(work, "model.xml")
    with open(model, "w") as f:
        f.write(run([chainrisk, "export", inv, "--format", "mef", "-q"] + mef_args))
    tops, events = mef_names(model)
    ids_of = {v: k for k, v in events.items()}
    prob, imp = scram_bdd(model, work)
    cuts = scram_mocus(model, work)
    providers = sorted(set(events.values()) - set(tops.values()))[:64]
    exact = simulate(chainrisk, inv, providers, ["--runs", "1000"])
    sampled = simulate(chainrisk, inv, providers, ["--runs", str(RUNS), "--no-exact"])
    spofs = spof_sets(chainrisk, inv)
    for top, fid in sorted(tops.items()):
        p = prob[top]
        for res in (exact, sampled):
            fn = next(f for f in res["functions"] if f["id"] == fid)
            if fn["exact"]:
                compare_exact(st, label, "P(%s)" % fid, fn["probability"], p)
            else:
                se = (p * (1 - p) / RUNS) ** 0.5
                compare_sampled(st, label, "P(%s)" % fid, fn["probability"], se, p)
            for row in res["importance"]:
                if row["target"] != fid or row["id"] not in ids_of:
                    continue
                theirs = imp.get(top, {}).get(ids_of[row["id"]])
                if theirs is None:       # not in this top's tree: no effect at all
                    theirs = {"MIF": 0.0, "RAW": 1.0}
                for ours_key, their_key in (("birnbaum", "MIF"), ("raw", "RAW")):
                    ours = row[ours_key]
                    if ours is None or p == 0:
                        continue
                    what = "%s of %s for %s" % (ours_key, row["id"], fid)
                    if row["exact"]:
                        compare_exact(st, label, what, ours, theirs[their_key])
                    else:
                        compare_sampled(st, label, what, ours, row[ours_key + "_std_error"],
                                        theirs[their_key])
        # minimal cut sets of order 1 and 2 against spof and spof --pairs
        theirs = {frozenset(events[e] for e in product) for product in cuts.get(top, set())}
        theirs.discard(frozenset([fid]))
        ours = spofs.get(fid, set())
        st.cutset_functions += 1
        st.cutsets += len(theirs)
        if ours != theirs:
            st.fail("%s: cut sets of %s differ: only spof %s, only SCRAM %s"
                    % (label, fid, sorted(map(sorted, ours - theirs)),
                       sorted(map(sorted, theirs - ours))))


def random_inventory(rng, path):
    """6-14 nodes, 1-3 functions first; edges only to later nodes (acyclic);
    plain dependencies and k-of-n groups; probabilities mostly between 0.01
    and 0.5, some not given, some 0 or 1."""
    n = rng.randint(6, 14)
    n_fn = rng.randint(1, 3)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "nodes.csv"), "w") as f:
        f.write("id,type,probability\n")
        for v in range(n):
            kind = "function" if v < n_fn else rng.choice(["supplier", "service", "component"])
            r = rng.random()
            p = "" if r < 0.1 or v < n_fn else "0" if r < 0.15 else "1" if r < 0.17 else \
                "%.3f" % rng.uniform(0.01, 0.5)
            f.write("n%d,%s,%s\n" % (v, kind, p))
    with open(os.path.join(path, "edges.csv"), "w") as f:
        f.write("from,to,group,need\n")
        for v in range(n - 1):
            later = list(range(max(v + 1, n_fn), n)) if v < n_fn else list(range(v + 1, n))
            if not later:
                continue
            for t in rng.sample(later, min(len(later), rng.randint(0, 2))):
                f.write("n%d,n%d,,\n" % (v, t))
            rest = [t for t in later]
            for g in range(rng.randint(0, 2)):
                members = rng.sample(rest, min(len(rest), rng.randint(2, 4)))
                if len(members) < 2:
                    break
                need = rng.randint(1, len(members))
                for t in members:
                    f.write("n%d,n%d,g%d,%d\n" % (v, t, g, need))
                rest = [t for t in rest if t not in members]


def main():
    if len(sys.argv) != 3:
        print("usage: check_scram.py CHAINRISK SAMPLE_DIR", file=sys.stderr)
        return 2
    chainrisk, sample = sys.argv[1], sys.argv[2]
    if shutil.which("scram") is None:
        print("SKIP: scram is not installed (Debian package scram; tools/setup.sh --all "
              "installs it)")
        return SKIP
    st = Stats()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as work:
        # the sample has one cycle: the cut leaves every function's top event exact
        check(st, chainrisk, sample, "data/sample", ["--break-cycles"], work)
        for k in range(RANDOM_INVENTORIES):
            inv = os.path.join(work, "inv%d" % k)
            random_inventory(rng, inv)
            check(st, chainrisk, inv, "random inventory %d" % k, [], work)
    print("SCRAM agreement on data/sample and %d random inventories:" % RANDOM_INVENTORIES)
    print("  exact:   %d figures (top events, Birnbaum, RAW) equal to SCRAM's six digits; "
          "largest relative difference %.2g" % (st.exact_checks, st.exact_worst))
    print("  sampled: %d figures at %d runs within %.1f standard errors; largest %.2f"
          % (st.sampled_checks, RUNS, SIGMAS, st.sampled_worst))
    print("  cut sets: %d functions, %d minimal cut sets of order 1 and 2 equal to spof "
          "--pairs" % (st.cutset_functions, st.cutsets))
    for f in st.failures[:40]:
        print("FAIL: " + f)
    if st.failures:
        print("%d disagreements" % len(st.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
