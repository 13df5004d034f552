# Sourced by tools/demo.sh and tools/test.sh: install the Debian packages a
# step needs, only those missing, so both commands work on a fresh machine.
#   cors_need_packages PKG...
cors_need_packages() {
    missing=""
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
                | grep -q 'install ok installed'; then
            missing="$missing $pkg"
        fi
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "mod_cors: these Debian packages are missing:$missing" >&2
        echo "mod_cors: run this command as root, or install them first" >&2
        exit 1
    fi
    echo "mod_cors: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || exit 1
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || { echo "mod_cors: apt-get install failed" >&2; exit 1; }
}

# Configure (once) and build mod_cors.so in the source tree.
cors_build() {
    cd "$CORS_TOP" || exit 1
    if [ ! -x configure ] || [ configure.ac -nt configure ]; then
        autoconf || exit 1
    fi
    if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] \
            || [ configure -nt Makefile ]; then
        ./configure -q || exit 1
    fi
    make -s all || exit 1
}

CORS_BUILD_PACKAGES="gcc make autoconf pkg-config apache2 apache2-dev libapr1-dev libaprutil1-dev libpsl-dev publicsuffix"
