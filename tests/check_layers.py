#!/usr/bin/env python3
"""check_layers.py - keep src/'s folders layers, with no circles.

    check_layers.py SRC_DIR                             the include check
    check_layers.py SRC_DIR [--nm NM] --objects OBJ...  the link check

OBJ... are the library's object files (several arguments, or one list
separated by ';' as $<TARGET_OBJECTS:chainrisk> gives it); NM is the nm
to read them with (default: nm).

Layers (docs/design.md, "Architecture"): util <- model <- import;
model <- analysis <- emit <- cli.  A file's layer is the first folder of its
path under src/.  A layer may include its own headers, the headers of the
layers below it, and the public API (include/chainrisk/); the CLI only its
own and the public API.

The include check reads every `#include "..."` line of src/**/*.{c,h} and
fails, naming FILE:LINE and the rule, when:
  1. a file is not in a layer folder;
  2. a bare name (no '/') is not a header of the file's own folder
     (cross-folder includes are written from src/: "util/util.h"), a path is
     not a header of src/ or include/, or a path holds '..';
  3. the header is in a layer the file's layer may not include (upward, or
     sideways between import and analysis, or emit -> import);
  4. the header is in a sub-folder of a layer (src/import/dora/) that the file
     is not in, and is not that folder's entry header (dora/dora.h): the rest
     of a sub-folder is private to it;
  5. the includes form a circle.  A module is a folder's NAME.c and NAME.h
     together (a header without a .c, or a .c without a header, is a module
     alone); module A depends on module B when a file of A includes B's
     header.  A circle is a cycle of such dependencies: a.c or a.h includes
     b.h, and b.c or b.h includes a.h (directly, or through a ring of
     modules).

The link check reads the symbol tables of the library's objects (nm) and
fails, naming the files and a symbol, when:
  6. a translation unit uses a function or variable defined in a layer its
     own may not include: rule 3 for calls, which a declaration written by
     hand, or put in a header of the wrong layer, would pass;
  7. translation units use each other's symbols, directly or in a ring (a
     call circle): what rule 5 cannot see when both sides share one header,
     as model/model.h is shared by the builder and the inventory.

Exit status 0 when every rule holds, 1 otherwise, 2 on a usage error.
"""
import os
import re
import subprocess
import sys

# What each layer may include besides itself and the public API.
MAY_INCLUDE = {
    "util": [],
    "model": ["util"],
    "import": ["util", "model"],
    "analysis": ["util", "model"],
    "emit": ["util", "model", "analysis"],
    "cli": [],
}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]*)"')


def rule_text(layer):
    below = MAY_INCLUDE[layer]
    what = ", ".join(below + [layer]) if below else layer
    return (f"a file in src/{layer}/ may include headers of {what} and the public API "
            f"(include/chainrisk/)")


class Checker:
    def __init__(self, src):
        self.src = os.path.normpath(src)
        self.public = os.path.join(os.path.dirname(self.src), "include")
        self.problems = []

    def rel(self, path):
        return os.path.relpath(path, os.path.dirname(self.src))

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def layer_of(self, path):
        """The layer and the sub-folder path (within src/) of a file."""
        parts = os.path.relpath(path, self.src).split(os.sep)
        return parts[0] if len(parts) > 1 else None, "/".join(parts[:-1])

    def files(self):
        out = []
        for d, dirs, names in os.walk(self.src):
            dirs.sort()
            out += [os.path.join(d, n) for n in sorted(names) if n.endswith((".c", ".h"))]
        return out

    # ---- the include check ------------------------------------------------------

    def resolve(self, path, name, where):
        """The header an include names (a path), None for the public API, or
        False after reporting a problem."""
        if ".." in name.split("/"):
            self.fail(where, f'"{name}": no \'..\' in includes: write the path from src/')
            return False
        if "/" not in name:
            target = os.path.join(os.path.dirname(path), name)
            if os.path.isfile(target):
                return target
            self.fail(where, f'"{name}" is not a header of this folder: a header of another '
                             f'folder is included by its path from src/ (e.g. "util/util.h")')
            return False
        if os.path.isfile(os.path.join(self.src, name)):
            return os.path.join(self.src, name)
        if os.path.isfile(os.path.join(self.public, name)):
            return None
        self.fail(where, f'"{name}": no such header in src/ or include/')
        return False

    def check_includes(self):
        files = self.files()
        deps = {}   # module -> {module: (where, name)}
        count = 0
        for path in files:
            layer, folder = self.layer_of(path)
            if layer not in MAY_INCLUDE:
                self.fail(self.rel(path), "not in a layer folder: every library file lives in "
                                          "src/util, src/model, src/import, src/analysis or "
                                          "src/emit (the CLI in src/cli)")
                continue
            module = os.path.splitext(path)[0]
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().split("\n")
            for number, line in enumerate(lines, 1):
                m = INCLUDE.match(line)
                if m is None:
                    continue
                count += 1
                name = m.group(1)
                where = f"{self.rel(path)}:{number}"
                target = self.resolve(path, name, where)
                if not target:
                    continue
                t_layer, t_folder = self.layer_of(target)
                if t_layer != layer and t_layer not in MAY_INCLUDE[layer]:
                    self.fail(where, f'includes "{name}" of src/{t_layer}/: {rule_text(layer)}; '
                                     f'the layers are util <- model <- import, '
                                     f'model <- analysis <- emit <- cli')
                    continue
                sub = t_folder.split("/")
                if len(sub) > 1 and not (folder + "/").startswith(t_folder + "/"):
                    entry = f"{t_folder}/{sub[-1]}.h"
                    if os.path.relpath(target, self.src).replace(os.sep, "/") != entry:
                        self.fail(where, f'includes "{name}", private to src/{t_folder}/: from '
                                         f'outside that folder include only its entry header '
                                         f'"{entry}"')
                        continue
                t_module = os.path.splitext(target)[0]
                if t_module != module:
                    deps.setdefault(module, {}).setdefault(t_module, (where, name))
        for ring in cycles(deps):
            steps = []
            for a, b in zip(ring, ring[1:] + ring[:1]):
                where, name = deps[a][b]
                steps.append(f'{where} includes "{name}"')
            names = " -> ".join(self.rel(m) + ".{c,h}" for m in ring + ring[:1])
            self.fail(self.rel(ring[0]) + ".{c,h}", f"include circle {names}: " +
                      "; ".join(steps) + ". Move what they share into a module below "
                      "them")
        return len(files), count

    # ---- the link check -----------------------------------------------------------

    def check_objects(self, objects, nm):
        defined, used = {}, {}
        for obj in objects:
            m = re.search(r"\.dir/(.+)\.o$", obj.replace(os.sep, "/"))
            if m is None or not m.group(1).startswith("src/"):
                self.fail(obj, "not an object file of a source under src/ "
                               "(expected CMake's <target>.dir/src/.../NAME.c.o)")
                continue
            source = os.path.join(os.path.dirname(self.src), m.group(1))
            try:
                out = subprocess.run([nm, "-P", "-g", obj], capture_output=True, text=True)
            except OSError as e:
                self.fail(obj, f"cannot run {nm}: {e.strerror}")
                return 0, 0
            if out.returncode != 0:
                self.fail(obj, f"nm failed: {out.stderr.strip()}")
                continue
            used[source] = set()
            for line in out.stdout.splitlines():
                f = line.split()
                if len(f) < 2:
                    continue
                if f[1] == "U":
                    used[source].add(f[0])
                elif f[1] in "TDRBCVWGSi":
                    defined.setdefault(f[0], source)
        deps = {}
        for source, symbols in used.items():
            for s in sorted(symbols):
                owner = defined.get(s)
                if owner is not None and owner != source:
                    deps.setdefault(source, {}).setdefault(owner, s)
        for a in sorted(deps):
            layer, _ = self.layer_of(a)
            for b, symbol in sorted(deps[a].items()):
                t_layer, _ = self.layer_of(b)
                if t_layer != layer and t_layer not in MAY_INCLUDE.get(layer, []):
                    self.fail(self.rel(a), f"uses {symbol} of {self.rel(b)} in src/{t_layer}/: "
                                           f"{rule_text(layer)}, and calls follow the includes")
        for ring in cycles(deps):
            steps = [f"{self.rel(a)} uses {deps[a][b]} of {self.rel(b)}"
                     for a, b in zip(ring, ring[1:] + ring[:1])]
            self.fail(self.rel(ring[0]), "call circle: " + "; ".join(steps) +
                      ". Move the piece they share to the module it belongs to")
        return len(used), sum(len(d) for d in deps.values())


def cycles(deps):
    """One cycle (a list of nodes) per strongly connected component of more
    than one node (Tarjan), in a stable order."""
    index, low, on, stack, comps = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # Iterative Tarjan: the graphs are small, but recursion limits are not.
        work = [(v, iter(sorted(deps.get(v, {}))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(deps.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    comps.append(set(comp))

    nodes = sorted(set(deps) | {w for d in deps.values() for w in d})
    for v in nodes:
        if v not in index:
            visit(v)
    rings = []
    for comp in sorted(comps, key=min):
        start = min(comp)
        # Shortest way back to `start` inside the component (breadth first).
        prev, frontier, ring = {start: None}, [start], None
        while frontier and ring is None:
            nxt = []
            for v in frontier:
                for w in sorted(deps.get(v, {})):
                    if w not in comp:
                        continue
                    if w == start:
                        ring = [v]
                        while prev[ring[-1]] is not None:
                            ring.append(prev[ring[-1]])
                        ring.reverse()
                        break
                    if w not in prev:
                        prev[w] = v
                        nxt.append(w)
                if ring is not None:
                    break
            frontier = nxt
        rings.append(ring)
    return rings


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    c = Checker(argv[1])
    if not os.path.isdir(c.src):
        print(f"check_layers: no such directory: {argv[1]}", file=sys.stderr)
        return 2
    rest, nm = argv[2:], "nm"
    if rest[:1] == ["--nm"] and len(rest) >= 2:
        nm, rest = rest[1], rest[2:]
    if rest:
        objects = [o for a in rest[1:] for o in a.split(";") if o]
        if rest[0] != "--objects" or not objects:
            print("check_layers: usage: check_layers.py SRC_DIR [[--nm NM] --objects OBJ...]",
                  file=sys.stderr)
            return 2
        n, refs = c.check_objects(objects, nm)
        summary = (f"{n} objects, {refs} uses between them: no call against the layers, "
                   f"no call circle")
    else:
        n, refs = c.check_includes()
        summary = (f"{n} files, {refs} includes: every include points down or within "
                   f"its layer, no include circle")
    for p in c.problems:
        print(f"check_layers: {p}")
    if c.problems:
        print(f"check_layers: {len(c.problems)} problem(s); the rules are in "
              f"tests/check_layers.py and docs/design.md (Architecture)")
        return 1
    print(f"check_layers: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
