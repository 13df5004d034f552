#!/bin/bash
# The README's two commands (demo.sh, test.sh) on a brand-new Debian 12 machine: a
# `debootstrap --variant=minbase bookworm` root (apt, dpkg, bash, coreutils,
# perl-base and little else: no compiler, no Apache, no curl, no git),
# entered with chroot as root.  Run this on a Debian host, as root.
#
#   tools/fresh-root.sh create      make the pristine root, once (installs
#                                   debootstrap on the host if missing)
#   tools/fresh-root.sh reset       ROOT = a new copy of the pristine root,
#                                   with this tree's FRESH_REF (git archive)
#                                   in ROOT/root/mod_cors
#   tools/fresh-root.sh run CMD...  run the shell command CMD in
#                                   ROOT/root/mod_cors, as a fresh root login
#                                   would (clean environment, no standard
#                                   input); mounts what a machine has
#   tools/fresh-root.sh check       reset, then (a) bash tools/demo.sh,
#                                   bash tools/demo.sh stop, (b) bash
#                                   tools/test.sh, each timed; then umount
#   tools/fresh-root.sh umount      end what still runs in ROOT (by pid: the
#                                   processes whose root is ROOT), unmount
#
# Environment:
#   FRESH_ROOT    the root (default /var/tmp/mod_cors-fresh); the pristine
#                 copy is $FRESH_ROOT.pristine, logs of `check` go to
#                 $FRESH_ROOT.logs/
#   FRESH_REF     what `reset` copies (default HEAD: commit first)
#   FRESH_MIRROR  the Debian mirror (default: the one this host's apt uses)
#
# The root shares the host's network (apt needs the mirror), so what it
# starts listens on the host's loopback: the demo on 8080, the system
# Apache that installing apache2 starts on 80, the tests on free ports.
#
# What `create` adds to debootstrap's result, because every installed
# Debian 12 machine has it: the bookworm-updates and bookworm-security
# sources and /etc/hosts (the installer or the container runtime writes
# them; debootstrap does not).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${FRESH_ROOT:-/var/tmp/mod_cors-fresh}
PRISTINE=$ROOT.pristine
LOGS=$ROOT.logs
REF=${FRESH_REF:-HEAD}
SUITE=bookworm

die() { echo "fresh-root: $*" >&2; exit 1; }
say() { echo "fresh-root: $*"; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot)"

# The host's Debian mirrors, from its apt sources (one-line or deb822).
host_uri() { # $1: the path the URI ends with (debian, debian-security)
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | sed -n -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' \
                 -e 's/^URIs: *//p' \
        | tr ' ' '\n' | grep -m 1 "/$1/\{0,1\}\$" | sed 's|/$||'
}
MIRROR=${FRESH_MIRROR:-$(host_uri debian)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=$(host_uri debian-security)
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}

# Processes whose root directory is ROOT: what was started in it.
root_pids() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$r" = "$ROOT" ] && echo "${p#/proc/}"
    done
}

do_umount() {
    local pids
    pids=$(root_pids | xargs)
    if [ -n "$pids" ]; then
        say "ending what still runs in $ROOT: $pids"
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null
        sleep 2
        pids=$(root_pids | xargs)
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null
        sleep 0.5
    fi
    for m in dev/shm dev/pts dev sys proc; do
        if mountpoint -q "$ROOT/$m"; then
            umount -R "$ROOT/$m" || die "cannot unmount $ROOT/$m"
        fi
    done
}

do_mount() {
    [ -d "$ROOT/root" ] || die "no $ROOT: run '$0 reset' first"
    mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc" || die "mount proc"
    mountpoint -q "$ROOT/sys" || mount -t sysfs sysfs "$ROOT/sys" || die "mount sys"
    mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev" || die "mount dev"
    mountpoint -q "$ROOT/dev/pts" || mount --bind /dev/pts "$ROOT/dev/pts" || die "mount dev/pts"
    mountpoint -q "$ROOT/dev/shm" || mount -t tmpfs -o mode=1777,nosuid,nodev shm "$ROOT/dev/shm" \
        || die "mount dev/shm"
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
}

do_create() {
    [ -e "$PRISTINE" ] && die "$PRISTINE exists (remove it to make a new one)"
    if ! command -v debootstrap >/dev/null; then
        apt-get update -qq || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
            || die "cannot install debootstrap"
    fi
    say "debootstrap --variant=minbase $SUITE $PRISTINE $MIRROR"
    debootstrap --variant=minbase "$SUITE" "$PRISTINE" "$MIRROR" \
        >"$PRISTINE.debootstrap.log" 2>&1 \
        || { tail -n 20 "$PRISTINE.debootstrap.log" >&2; die "debootstrap failed"; }
    cat >"$PRISTINE/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
    cat >"$PRISTINE/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
    say "pristine root: $PRISTINE ($(du -sh "$PRISTINE" | cut -f1))"
}

do_reset() {
    [ -d "$PRISTINE" ] || die "no $PRISTINE: run '$0 create' first"
    do_umount
    rm -rf "$ROOT"
    cp -a "$PRISTINE" "$ROOT" || die "cannot copy $PRISTINE"
    mkdir -p "$ROOT/root/mod_cors"
    if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$top" archive --format=tar "$REF" | tar -xf - -C "$ROOT/root/mod_cors" \
            || die "git archive $REF failed"
        say "$ROOT: pristine root + $(git -C "$top" rev-parse --short "$REF") in /root/mod_cors"
    else
        tar -C "$top" --exclude=.libs --exclude='*.o' --exclude='*.lo' --exclude='*.slo' \
            --exclude=Makefile --exclude=config.status --exclude=t/logs -cf - . \
            | tar -xf - -C "$ROOT/root/mod_cors" || die "cannot copy the tree"
        say "$ROOT: pristine root + $top in /root/mod_cors"
    fi
}

do_run() {
    do_mount
    # shellcheck disable=SC2016 # $1 is expanded by the shell in the root
    chroot "$ROOT" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c 'cd /root/mod_cors && eval "$1"' bash "$*" </dev/null
}

do_check() {
    do_reset
    mkdir -p "$LOGS"
    local t0 ta tb rca rcb
    say "(a) bash tools/demo.sh  (log: $LOGS/a.log)"
    t0=$(date +%s)
    do_run bash tools/demo.sh 2>&1 | tee "$LOGS/a.log"
    rca=${PIPESTATUS[0]}
    ta=$(($(date +%s) - t0))
    say "(a) exit $rca after ${ta}s"
    do_run bash tools/demo.sh stop 2>&1 | tee "$LOGS/stop.log"
    say "(b) bash tools/test.sh  (log: $LOGS/b.log)"
    t0=$(date +%s)
    do_run bash tools/test.sh 2>&1 | tee "$LOGS/b.log"
    rcb=${PIPESTATUS[0]}
    tb=$(($(date +%s) - t0))
    say "(b) exit $rcb after ${tb}s"
    do_umount
    say "(a) bash tools/demo.sh: exit $rca, ${ta}s; (b) bash tools/test.sh: exit $rcb, ${tb}s"
    [ "$rca" -eq 0 ] && [ "$rcb" -eq 0 ]
}

main() {
    case "${1:-}" in
    create) do_create ;;
    reset) do_reset ;;
    run) shift; [ $# -gt 0 ] || die "run what?"; do_run "$@" ;;
    check) do_check ;;
    umount) do_umount ;;
    *) sed -n '2,/^set -u/p' "$0" | sed '$d' >&2; exit 2 ;;
    esac
}
# One line: bash has read all of it before the long run starts, so an edit
# of this file meanwhile cannot change what runs next.
main "$@"; exit $?
