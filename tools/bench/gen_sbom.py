#!/usr/bin/env python3
"""gen_sbom.py - the same synthetic software graph as an SPDX and a CycloneDX SBOM.

    gen_sbom.py N OUT_DIR [--seed S]

Writes OUT_DIR/sbom-N.spdx.json (SPDX 2.3 JSON) and OUT_DIR/sbom-N.cdx.json
(CycloneDX 1.5 JSON) describing one application over N packages: package i
depends on up to three packages of higher index (so the graph is a DAG a
few tiers deep, like a package manager's), with a supplier, a purl and a
version each, and the application depends on the first 50.  Both documents
carry the same graph, field for field, so that importing them measures the
readers, not the inputs (docs/performance.md, "SBOM import").
Deterministic for a given N and seed.
"""
import json
import os
import random
import sys


def graph(n, seed):
    rng = random.Random(seed)
    deps = []
    for i in range(n):
        k = min(3, n - i - 1)
        targets = sorted(rng.sample(range(i + 1, n), k)) if k > 0 else []
        deps.append(targets)
    suppliers = ["Maintainer %d" % (i % 997) for i in range(n)]
    return deps, suppliers


def spdx(n, deps, suppliers):
    pkgs = [{"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1.0",
             "supplier": "Organization: Example Corp", "downloadLocation": "NOASSERTION"}]
    rels = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-app"}]
    for i in range(n):
        pkgs.append({"SPDXID": "SPDXRef-pkg-%d" % i, "name": "pkg-%d" % i, "versionInfo": "1.%d" % (i % 50),
                     "supplier": "Organization: %s (ops@example.com)" % suppliers[i],
                     "primaryPackagePurpose": "LIBRARY", "downloadLocation": "NOASSERTION",
                     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                       "referenceLocator": "pkg:generic/pkg-%d@1.%d" % (i, i % 50)}]})
    for i in range(min(50, n)):
        rels.append({"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
                     "relatedSpdxElement": "SPDXRef-pkg-%d" % i})
    for i, targets in enumerate(deps):
        for t in targets:
            rels.append({"spdxElementId": "SPDXRef-pkg-%d" % i, "relationshipType": "DEPENDS_ON",
                         "relatedSpdxElement": "SPDXRef-pkg-%d" % t})
    return {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
            "name": "synthetic-%d" % n, "documentNamespace": "https://example.com/synthetic-%d" % n,
            "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: gen_sbom.py"]},
            "packages": pkgs, "relationships": rels}


def cyclonedx(n, deps, suppliers):
    comps, dependencies = [], []
    for i in range(n):
        comps.append({"type": "library", "bom-ref": "SPDXRef-pkg-%d" % i, "name": "pkg-%d" % i,
                      "version": "1.%d" % (i % 50), "supplier": {"name": suppliers[i]},
                      "purl": "pkg:generic/pkg-%d@1.%d" % (i, i % 50)})
    dependencies.append({"ref": "SPDXRef-app", "dependsOn": ["SPDXRef-pkg-%d" % i for i in range(min(50, n))]})
    for i, targets in enumerate(deps):
        dependencies.append({"ref": "SPDXRef-pkg-%d" % i, "dependsOn": ["SPDXRef-pkg-%d" % t for t in targets]})
    return {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "metadata": {"component": {"type": "application", "bom-ref": "SPDXRef-app", "name": "app",
                                       "version": "1.0"}},
            "components": comps, "dependencies": dependencies}


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    deps, suppliers = graph(n, seed)
    os.makedirs(out, exist_ok=True)
    for name, doc in (("spdx", spdx(n, deps, suppliers)), ("cdx", cyclonedx(n, deps, suppliers))):
        with open(os.path.join(out, "sbom-%d.%s.json" % (n, name)), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
