#!/usr/bin/env python3
"""debian_graph.py - the Debian package graph as a chainrisk inventory.

Reads Debian binary-package indices ("Packages" lists, deb822 stanzas) and
writes a native chainrisk inventory (DIR/nodes.csv + DIR/edges.csv, data/README.md)
of their dependency graph, a real-world input for tools/bench/run.sh.

The rules (docs/performance.md, "Debian package graph", says why):

  nodes     every binary package name is one node, type `function`,
            criticality 1.  Several stanzas with the same name (versions in
            bookworm and bookworm-security, architectures, components)
            collapse to one node: the stanza with the highest version (dpkg's
            ordering) is kept, ties broken by the smallest stanza text, and
            only its Depends, Pre-Depends and Provides are used.  A stanza
            whose Package is not a valid Debian name ([a-z0-9][a-z0-9+.-]+)
            is skipped and counted.
  edges     each comma-separated clause of Pre-Depends and then Depends is
            one requirement.  Version constraints `(>= 1.2)`, architecture
            qualifiers (`:any`, `:native`, `:amd64`), architecture lists
            `[amd64]` and build profiles `<!nocheck>` are ignored.
  names     each alternative name resolves to the package of that name, if
            one exists, plus every package that Provides it (a virtual
            package); a name that resolves to nothing is dropped and counted.
  groups    a clause that resolves to two or more distinct packages becomes a
            redundancy group with need 1, named alt1, alt2, ... per dependant
            in clause order; one that resolves to a single package becomes a
            plain edge; one that resolves to nothing is dropped and counted.
  self      a clause that the package itself satisfies (it is named, or it
            provides the name) is always met and is dropped and counted.
  duplicates  a plain edge or group identical to one already written for
            the same dependant (same target; same member set) is dropped and
            counted, so the inventory has no duplicate edge.

Output is sorted (nodes by id, edges by from, then plain edges, then groups
in number order, then to), so the same lists give the same bytes in any
order.  A summary goes to stdout; its last line, `debian-summary k=v ...`,
is for run.sh.

Inputs: Packages files or directories holding them (names ending in
`Packages`, optionally compressed: .gz .xz .bz2 read with the standard
library, .lz4 and .zst through apt's own `/usr/lib/apt/apt-helper cat-file`,
else `lz4 -dc` / `zstd -dc`).  Default: /var/lib/apt/lists, filled by
`apt-get update`.

Usage: debian_graph.py -o DIR [LIST_OR_DIR ...]
       debian_graph.py --print-lists [LIST_OR_DIR ...]   (what would be read)
Exit status: 0 written, 1 no lists or unreadable lists, 2 usage error.
"""

import argparse
import bz2
import csv
import gzip
import lzma
import os
import re
import shutil
import subprocess
import sys
import time

DEFAULT_LISTS = "/var/lib/apt/lists"
# Debian Policy §5.6.1: lowercase letters, digits, + - . ; at least two
# characters; starts with an alphanumeric.  Such a name is a valid chainrisk
# id: non-empty, ASCII, no spaces to trim, far below the 65 536-byte cell
# limit, and no leading = + - @ that CSV output would neutralise.
PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+\Z")
# The name at the start of one alternative: up to whitespace, an architecture
# qualifier (:any), a version constraint, an architecture list or a profile.
ALTERNATIVE = re.compile(r"\s*([^\s:(\[<]*)")
LIST_NAME = re.compile(r"Packages(\.(gz|xz|bz2|lz4|zst))?\Z")
FIELDS = ("package", "version", "depends", "pre-depends", "provides")


class ListError(Exception):
    """A list that cannot be found or read."""


# ---- reading the lists --------------------------------------------------------

def find_lists(paths):
    """The list files named by PATHS (files, or directories searched one
    level deep for *Packages[.ext]), sorted, without repeats."""
    found = set()
    for path in paths:
        if os.path.isdir(path):
            for name in os.listdir(path):
                full = os.path.join(path, name)
                if LIST_NAME.search(name) and os.path.isfile(full):
                    found.add(full)
        elif os.path.isfile(path):
            found.add(path)
        else:
            raise ListError(f"{path}: no such file or directory")
    return sorted(found)


def _external_cat(path, tool):
    helpers = [["/usr/lib/apt/apt-helper", "cat-file", path], [tool, "-dc", path]]
    for command in helpers:
        if os.access(command[0], os.X_OK) or shutil.which(command[0]):
            proc = subprocess.run(command, capture_output=True, check=False)
            if proc.returncode == 0:
                return proc.stdout
            raise ListError(f"{path}: {command[0]} failed: "
                            f"{proc.stderr.decode(errors='replace').strip()}")
    raise ListError(f"{path}: cannot decompress (needs /usr/lib/apt/apt-helper or {tool})")


def read_list(path):
    """The text of one list, decompressed by its file name's extension."""
    try:
        if path.endswith(".gz"):
            with gzip.open(path) as f:
                data = f.read()
        elif path.endswith(".xz"):
            with lzma.open(path) as f:
                data = f.read()
        elif path.endswith(".bz2"):
            with bz2.open(path) as f:
                data = f.read()
        elif path.endswith(".lz4"):
            data = _external_cat(path, "lz4")
        elif path.endswith(".zst"):
            data = _external_cat(path, "zstd")
        else:
            with open(path, "rb") as f:
                data = f.read()
    except (OSError, EOFError, lzma.LZMAError) as e:
        raise ListError(f"{path}: {e}") from e
    return data.decode("utf-8", errors="replace")


def stanzas(text):
    """Yield (fields, stanza text) per deb822 paragraph: the fields of
    FIELDS (lower-case names) with continuation lines joined by a space."""
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        fields, current = {}, None
        for line in block.split("\n"):
            if not line or line.startswith("#"):
                continue
            if line[0] in " \t":
                if current is not None:
                    fields[current] += " " + line.strip()
                continue
            name, sep, value = line.partition(":")
            current = name.strip().lower() if sep else None
            if current not in FIELDS:
                current = None
                continue
            fields[current] = value.strip()
        if fields:
            yield fields, block.strip()


# ---- dpkg version order ----------------------------------------------------------

def _order(c):
    if c == "":
        return 0
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    if c == "~":
        return -1
    return ord(c) + 256


def _verrevcmp(a, b):
    """dpkg's verrevcmp: compare upstream versions or revisions."""
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i] if i < len(a) else "")
            bc = _order(b[j] if j < len(b) else "")
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def _split_version(v):
    epoch, sep, rest = v.partition(":")
    if not sep or not epoch.isdigit():
        epoch, rest = "0", v
    upstream, sep, revision = rest.rpartition("-")
    if not sep:
        upstream, revision = rest, ""
    return int(epoch), upstream, revision


def version_compare(a, b):
    """<0, 0 or >0 as Debian version a sorts before, with or after b."""
    ea, ua, ra = _split_version(a.strip())
    eb, ub, rb = _split_version(b.strip())
    if ea != eb:
        return ea - eb
    return _verrevcmp(ua, ub) or _verrevcmp(ra, rb)


def newer(candidate, kept):
    """Whether stanza CANDIDATE replaces KEPT for the same name: a higher
    version, or the same version and a smaller stanza text."""
    c = version_compare(candidate[0].get("version", ""), kept[0].get("version", ""))
    return c > 0 or (c == 0 and candidate[1] < kept[1])


# ---- the graph -----------------------------------------------------------------

def names_of(field):
    """The names in a Provides field, version and qualifiers stripped."""
    for item in field.split(","):
        name = ALTERNATIVE.match(item).group(1)
        if name:
            yield name


def build(list_paths):
    """Return (nodes, edges, counts): sorted node ids, sorted edge rows
    (from, to, group, need) and the summary counts."""
    counts = dict(lists=len(list_paths), stanzas=0, duplicates=0, invalid_packages=0,
                  clauses=0, plain=0, groups=0, group_edges=0, dropped=0,
                  dropped_alternatives=0, virtual=0, self=0, duplicate_edges=0)
    chosen = {}
    for path in list_paths:
        for fields, text in stanzas(read_list(path)):
            counts["stanzas"] += 1
            name = fields.get("package", "")
            if not PACKAGE_NAME.match(name):
                counts["invalid_packages"] += 1
                continue
            if name in chosen:
                counts["duplicates"] += 1
                if not newer((fields, text), chosen[name]):
                    continue
            chosen[name] = (fields, text)

    providers = {}
    for name, (fields, _) in chosen.items():
        for virtual in names_of(fields.get("provides", "")):
            providers.setdefault(virtual, set()).add(name)

    edges = []
    for name in sorted(chosen):
        fields = chosen[name][0]
        plain, groups = set(), []
        seen_groups = set()
        text = ", ".join(f for f in (fields.get("pre-depends", ""), fields.get("depends", "")) if f)
        for clause in text.split(","):
            if not clause.strip():
                continue
            counts["clauses"] += 1
            members, unresolved = set(), 0
            for alternative in clause.split("|"):
                dep = ALTERNATIVE.match(alternative).group(1)
                resolved = set()
                if PACKAGE_NAME.match(dep):
                    if dep in chosen:
                        resolved.add(dep)
                    if dep in providers:
                        resolved |= providers[dep]
                        counts["virtual"] += 1
                if resolved:
                    members |= resolved
                else:
                    unresolved += 1
            if name in members:
                counts["self"] += 1
            elif not members:
                counts["dropped"] += 1
            else:
                counts["dropped_alternatives"] += unresolved
                if len(members) == 1:
                    (to,) = members
                    if to in plain:
                        counts["duplicate_edges"] += 1
                    else:
                        plain.add(to)
                else:
                    key = frozenset(members)
                    if key in seen_groups:
                        counts["duplicate_edges"] += 1
                    else:
                        seen_groups.add(key)
                        groups.append(sorted(members))
        for to in sorted(plain):
            edges.append((name, to, "", ""))
        for number, members in enumerate(groups, 1):
            edges.extend((name, to, f"alt{number}", "1") for to in members)
        counts["plain"] += len(plain)
        counts["groups"] += len(groups)
        counts["group_edges"] += sum(len(m) for m in groups)
    counts["packages"] = len(chosen)
    counts["edges"] = len(edges)
    return sorted(chosen), edges, counts


def write(out_dir, nodes, edges):
    """Write nodes.csv and edges.csv atomically (temp file + rename)."""
    os.makedirs(out_dir, exist_ok=True)
    for file_name, header, rows in (
            ("nodes.csv", ["id", "type", "criticality"], ((n, "function", "1") for n in nodes)),
            ("edges.csv", ["from", "to", "group", "need"], edges)):
        path = os.path.join(out_dir, file_name)
        with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(path + ".tmp", path)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="write the Debian package graph of apt's Packages lists as a "
                    "chainrisk inventory (nodes.csv + edges.csv)")
    ap.add_argument("lists", nargs="*",
                    help=f"Packages files or directories holding them (default {DEFAULT_LISTS})")
    ap.add_argument("-o", "--output", help="inventory directory to write")
    ap.add_argument("--print-lists", action="store_true",
                    help="only print the lists that would be read, one per line")
    args = ap.parse_args(argv)
    if not args.output and not args.print_lists:
        ap.error("give -o DIR (or --print-lists)")
    paths = args.lists or [DEFAULT_LISTS]
    start = time.perf_counter()
    try:
        lists = find_lists(paths)
        if not lists:
            raise ListError(
                f"no Packages lists in {', '.join(paths)}: run `apt-get update` as root "
                "to fetch them, or name Packages files or directories holding them")
        if args.print_lists:
            print("\n".join(lists))
            return 0
        nodes, edges, counts = build(lists)
    except ListError as e:
        print(f"debian_graph.py: {e}", file=sys.stderr)
        return 1
    if not nodes:
        print(f"debian_graph.py: no packages in {', '.join(lists)}", file=sys.stderr)
        return 1
    write(args.output, nodes, edges)
    c = counts
    print(f"debian graph: {c['packages']} packages from {c['lists']} lists "
          f"({c['stanzas']} stanzas, {c['duplicates']} duplicates collapsed, "
          f"{c['invalid_packages']} invalid names skipped)")
    print(f"  edges    {c['edges']}: {c['plain']} plain, {c['group_edges']} in "
          f"{c['groups']} alternative groups needing 1")
    print(f"  clauses  {c['clauses']} in Pre-Depends and Depends; {c['virtual']} names "
          f"resolved through Provides")
    print(f"  dropped  {c['dropped']} dependencies on names neither packaged nor provided, "
          f"{c['dropped_alternatives']} such alternatives in kept groups, "
          f"{c['self']} self-satisfied, {c['duplicate_edges']} duplicates")
    print(f"  written  {os.path.join(args.output, 'nodes.csv')}, "
          f"{os.path.join(args.output, 'edges.csv')} in {time.perf_counter() - start:.2f} s")
    print("debian-summary " + " ".join(f"{k}={v}" for k, v in sorted(c.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
