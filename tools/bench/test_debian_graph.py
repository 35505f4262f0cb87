#!/usr/bin/env python3
"""Tests of the Debian package graph builder (tools/bench/debian_graph.py).

Run: python3 tools/bench/test_debian_graph.py   (standard library only)

The fixture tests/fixtures/debian/lists/ holds two hand-written Packages
lists (a "main" and a "security" list, 20 packages) exercising every rule of
docs/performance.md, "Debian package graph"; tests/fixtures/debian/expected/
holds the inventory they must give, byte for byte.  What each package checks:

  libc6, libgcc-s1     a dependency cycle; libc6's newer stanza (security list,
                       2.36-9+deb12u1 > 2.36-9) replaces the older one
  perl-base            Pre-Depends; libcrypt1 is missing (dropped); libc6 in
                       Pre-Depends and Depends gives one edge (a duplicate)
  debconf, cdebconf    debconf-2.0 is virtual with two providers, one of them
                       a real package of another name
  adduser              two versions: the newer one's Depends are used
  passwd               an architecture list [amd64], a build profile
                       <!nocheck>, a version constraint on itself (dropped)
  postfix, exim4-...   mail-transport-agent has two providers; exim4-base is
                       missing (dropped)
  mailx                default-mta | mail-transport-agent: the missing
                       alternative is counted, the virtual one resolved;
                       libc6:any
  cron                 a Pre-Depends on a missing package; lsb-base exists and
                       is provided by sysvinit-utils (a group of two); a
                       folded Depends line
  sysvinit-utils       depends on lsb-base, which it provides: self-satisfied
  mawk                 two stanzas of the same version (i386, amd64): the
                       smaller stanza text (amd64) is kept
  gawk                 the same group written twice gives one group
  debianutils          awk is virtual only (gawk, mawk); sensible-utils |
                       sensible-utils-ng and netbase:native | netbase collapse
                       to plain edges
  perl-modules         perl-base | perlapi-5.36.0 (provided only by perl-base)
                       collapses to a plain edge
  Bad_Name, no Package invalid stanzas, skipped and counted
"""

import bz2
import gzip
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "debian_graph.py")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "debian")
LISTS = os.path.join(FIXTURE, "lists")
EXPECTED = os.path.join(FIXTURE, "expected")
sys.path.insert(0, HERE)
import debian_graph  # noqa: E402

EXPECTED_SUMMARY = {
    "lists": 2, "stanzas": 25, "duplicates": 3, "invalid_packages": 2,
    "packages": 20, "clauses": 39, "edges": 37, "plain": 27, "groups": 5,
    "group_edges": 10, "dropped": 3, "dropped_alternatives": 2, "self": 2,
    "duplicate_edges": 2, "virtual": 6,
}


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          check=False)


def read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def summary(stdout):
    line = [x for x in stdout.splitlines() if x.startswith("debian-summary ")][-1]
    return {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def chainrisk_binary():
    """CHAINRISK_BIN (set by ctest), else a build in the usual places."""
    path = os.environ.get("CHAINRISK_BIN")
    if path:
        return path
    for build in ("build-rel", "build", "build-bench", "build-test"):
        candidate = os.path.join(ROOT, build, "chainrisk")
        if os.access(candidate, os.X_OK):
            return candidate
    return None


class Fixture(unittest.TestCase):
    def build(self, *inputs):
        out = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, out)
        proc = run("-o", out, *inputs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return out, proc

    def assert_expected(self, out):
        for name in ("nodes.csv", "edges.csv"):
            self.assertEqual(read(out, name).decode(), read(EXPECTED, name).decode(), name)

    def test_directory_gives_the_expected_inventory_and_summary(self):
        out, proc = self.build(LISTS)
        self.assert_expected(out)
        self.assertEqual(summary(proc.stdout), EXPECTED_SUMMARY)
        self.assertIn("20 packages from 2 lists", proc.stdout)

    def test_files_in_any_order_give_the_same_bytes(self):
        files = sorted(os.path.join(LISTS, f) for f in os.listdir(LISTS))
        out, _ = self.build(*reversed(files))
        self.assert_expected(out)

    def test_compressed_lists(self):
        with tempfile.TemporaryDirectory() as d:
            first, second = sorted(os.listdir(LISTS))
            # c repeats a: identical stanzas collapse to the same nodes.
            for name, source, opener in (("a_Packages.gz", first, gzip.open),
                                         ("b_Packages.xz", second, lzma.open),
                                         ("c_Packages.bz2", first, bz2.open)):
                with open(os.path.join(LISTS, source), "rb") as f, \
                        opener(os.path.join(d, name), "wb") as g:
                    g.write(f.read())
            # Not lists: skipped when a directory is searched.
            for other in ("x_Translation-en", "y_InRelease", "z_Packages.diff"):
                with open(os.path.join(d, other), "w", encoding="utf-8") as f:
                    f.write("Package: not-a-list\n")
            out, proc = self.build(d)
        self.assert_expected(out)
        self.assertEqual(summary(proc.stdout)["lists"], 3)

    @unittest.skipUnless(shutil.which("lz4"), "lz4 not installed")
    def test_lz4_lists_as_apt_stores_them(self):
        with tempfile.TemporaryDirectory() as d:
            for name in os.listdir(LISTS):
                subprocess.run(["lz4", "-q", os.path.join(LISTS, name),
                                os.path.join(d, name + ".lz4")], check=True)
            out, _ = self.build(d)
        self.assert_expected(out)

    def test_output_is_a_valid_inventory(self):
        binary = chainrisk_binary()
        if binary is None:
            self.skipTest("no chainrisk binary (set CHAINRISK_BIN)")
        proc = subprocess.run([binary, "validate", "-q", EXPECTED], capture_output=True,
                              text=True, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("nodes       20: function 20", proc.stdout)
        self.assertIn("37 in 32 groups (5 redundancy groups with 2+ members)", proc.stdout)


class Errors(unittest.TestCase):
    def test_no_lists_says_how_to_get_them(self):
        with tempfile.TemporaryDirectory() as d:
            proc = run("-o", os.path.join(d, "out"), d)
            self.assertFalse(os.path.exists(os.path.join(d, "out")))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no Packages lists in", proc.stderr)
        self.assertIn("apt-get update", proc.stderr)

    def test_missing_path(self):
        with tempfile.TemporaryDirectory() as d:
            proc = run("-o", d, os.path.join(d, "nowhere_Packages"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no such file or directory", proc.stderr)

    def test_list_without_packages(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "empty_Packages")
            with open(path, "w", encoding="utf-8") as f:
                f.write("Package: Not_Valid\n\n")
            proc = run("-o", os.path.join(d, "out"), path)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no packages in", proc.stderr)

    def test_output_is_required(self):
        self.assertEqual(run(LISTS).returncode, 2)

    def test_print_lists(self):
        proc = run("--print-lists", LISTS)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines(),
                         sorted(os.path.join(LISTS, f) for f in os.listdir(LISTS)))
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run("--print-lists", d).returncode, 1)


class Versions(unittest.TestCase):
    # Each pair is in ascending order, as `dpkg --compare-versions A lt B` says.
    ASCENDING = [
        ("1.0~rc1", "1.0"), ("1.0~~", "1.0~"), ("1.0~", "1.0"), ("1.0", "1.0-1"),
        ("1.0-1", "1.0+b1"), ("1.0", "1.0a"), ("1.0a", "1.0.0"), ("1.0", "1.0.0"),
        ("1.0.0", "1:0.1"), ("2.0-1~bpo", "2.0-1"), ("2.36-9", "2.36-9+deb12u1"),
        ("3.134", "3.137"), ("1.9", "1.10"), ("1.0-9", "1.0-10"), ("0:5", "5.1"),
        ("1.0-1", "1.0-1.1"), ("1.0", "1.0+"), ("1.0+dfsg", "1.0.1"),
    ]
    EQUAL = [("1.0", "1.00"), ("01.0", "1.0"), ("0:1.0", "1.0"), ("1.0-0", "1.0")]

    def test_dpkg_order(self):
        for a, b in self.ASCENDING:
            self.assertLess(debian_graph.version_compare(a, b), 0, (a, b))
            self.assertGreater(debian_graph.version_compare(b, a), 0, (b, a))
        for a, b in self.EQUAL:
            self.assertEqual(debian_graph.version_compare(a, b), 0, (a, b))


if __name__ == "__main__":
    unittest.main(verbosity=2)
