#!/usr/bin/env python3
"""sbom_import.py - time importing the same graph as SPDX and as CycloneDX.

    sbom_import.py CHAINRISK[,CHAINRISK...] N [RUNS]

Makes the two documents with gen_sbom.py (N packages, in a temporary
directory), then runs `chainrisk validate -q` on each RUNS times (default
5), alternating formats and, given several binaries (comma-separated: a
build before and after a change), binaries within each round.  Prints per
binary and format the file size, the fastest and the median wall time,
the CPU time (user + system) of the fastest run and the peak memory, then
every run's wall, user and system seconds.  The minimum is the figure to
compare on a shared machine: other work only ever adds time.  Use a
Release build.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(binary, path):
    """Wall time, CPU time (user + system, all threads), peak memory (KiB),
    user and system time."""
    start = time.monotonic()
    p = subprocess.Popen([binary, "validate", "-q", path], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("%s: validate failed (%d)" % (path, p.returncode))
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, usage.ru_utime,
            usage.ru_stime)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    binaries, n = sys.argv[1].split(","), int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_sbom.py"), str(n), tmp], check=True)
        files = {"spdx": os.path.join(tmp, "sbom-%d.spdx.json" % n),
                 "cyclonedx": os.path.join(tmp, "sbom-%d.cdx.json" % n)}
        times = {(b, k): [] for b in binaries for k in files}
        for _ in range(runs):
            for b in binaries:
                for k, path in files.items():
                    times[b, k].append(run_once(b, path))
        for (b, k), runs_of in times.items():
            walls = [t[0] for t in runs_of]
            best = min(runs_of)
            label = "%s %s" % (b, k) if len(binaries) > 1 else k
            print("%-9s %6.1f MB  min %.2f s  median %.2f s  cpu %.2f s  peak %.0f MB"
                  % (label, os.path.getsize(files[k]) / 1e6, best[0], statistics.median(walls),
                     best[1], max(t[2] for t in runs_of) / 1024))
        for (b, k), runs_of in times.items():
            label = "%s %s" % (b, k) if len(binaries) > 1 else k
            print("%s: wall %s; user %s; system %s" % (
                label, ", ".join("%.2f" % t[0] for t in runs_of),
                ", ".join("%.2f" % t[3] for t in runs_of),
                ", ".join("%.2f" % t[4] for t in runs_of)))


if __name__ == "__main__":
    main()
