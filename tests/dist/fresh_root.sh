#!/usr/bin/env bash
# fresh_root.sh DEB CACHE - install the .deb into a fresh minimal Debian 12
# and use chainrisk there as a user would (tests/dist/in_root.sh).
#
# The root: `debootstrap --variant=minbase bookworm` from the mirror this
# machine's apt uses, made once into CACHE/bookworm-minbase and kept (a run
# never changes it: each run mounts an overlay on it, so every run starts
# from the same fresh root).  Downloaded packages are kept in
# CACHE/apt-archives.  Everything that mounts (the overlay, /proc, the
# archive cache) happens inside a private mount namespace (unshare --mount),
# so the mounts vanish with it however the run ends - a failed check, a
# signal, a crash - and nothing stays mounted over the host; the run's
# directory is removed only after checking that nothing is mounted under it.
# Needs root (debootstrap, mount, chroot) and the network to the mirror.
# Prints how long each step took.  Exit 0 only if every check passed.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 DEB CACHE_DIR" >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || { echo "fresh_root.sh: needs root (debootstrap, mount, chroot)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
deb=$(realpath "$1")
mkdir -p "$2"
cache=$(realpath "$2")
base=$cache/bookworm-minbase
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# The mirrors this machine's apt uses (deb822 sources or sources.list), so the
# root sees the same package versions the .deb was built against.
uris=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{ print $2 }';
         awk '$1 == "deb" { print $2 }' /etc/apt/sources.list 2>/dev/null) || true)
mirror=${CHAINRISK_DEBIAN_MIRROR:-$(printf '%s\n' "$uris" | grep -v -- '-security' | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
security=$(printf '%s\n' "$uris" | grep -- '-security' | head -n 1)
security=${security:-http://deb.debian.org/debian-security}

# One run at a time per cache: a second one waits for the root to be made.
exec 9> "$cache/lock"
flock 9

if [ ! -f "$base.done" ]; then
    start=$(now)
    rm -rf --one-file-system "$base" "$base.tmp"
    ok=0
    for attempt in 1 2; do     # a mirror hiccup should not fail the stage
        if debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" > "$cache/debootstrap.log" 2>&1; then
            ok=1
            break
        fi
        echo "fresh_root.sh: debootstrap failed (attempt $attempt), log: $cache/debootstrap.log" >&2
        rm -rf --one-file-system "$base.tmp"
    done
    [ "$ok" -eq 1 ] || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    mv "$base.tmp" "$base"
    echo "$mirror" > "$base.done"
    echo "fresh_root.sh: made the Debian 12 minbase root in $(since "$start") (cached in $base)"
else
    echo "fresh_root.sh: the Debian 12 minbase root is cached ($base)"
fi

run=$(mktemp -d "$cache/run.XXXXXX")
cleanup() {
    # The namespace is gone, and its mounts with it; make sure before deleting.
    if grep -qF " $run/" /proc/self/mountinfo; then
        echo "fresh_root.sh: still mounted under $run: not removing it" >&2
        return
    fi
    rm -rf --one-file-system "$run"
}
trap cleanup EXIT
mkdir -p "$run/upper" "$run/work" "$run/root" "$cache/apt-archives/partial"

start=$(now)
status=0
unshare --mount --fork --propagation private bash -euo pipefail -s -- \
    "$base" "$run" "$cache/apt-archives" "$deb" "$here/in_root.sh" "$mirror" "$security" <<'EOF' || status=$?
base=$1 run=$2 archives=$3 deb=$4 checks=$5 mirror=$6 security=$7
root=$run/root
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
mount -t proc proc "$root/proc"
mount --bind "$archives" "$root/var/cache/apt/archives"
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$root/tmp/chainrisk"
cp "$deb" "$checks" "$root/tmp/chainrisk/"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive bash /tmp/chainrisk/in_root.sh "/tmp/chainrisk/$(basename "$deb")"
EOF
echo "fresh_root.sh: installed and checked in $(since "$start")"
exit "$status"
