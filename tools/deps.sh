# Sourced by tools/demo.sh, tools/test.sh and t/browser/run: install the
# Debian packages a step needs, only those missing, so that the commands
# work on a fresh machine.
#   cors_need_packages PKG...
#   cors_build_depends [--module]   debian/control's Build-Depends

# Installed, or provided by an installed package (debhelper-compat by
# debhelper, dh-apache2 by apache2-dev): what dpkg-checkbuilddeps accepts.
cors_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' \
        && return 0
    dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null \
        | sed -n 's/^install ok installed|//p' | tr ',' '\n' \
        | sed 's/(.*//; s/:.*//; s/[[:space:]]//g' | grep -qx -- "$1"
}

cors_need_packages() {
    missing=""
    for pkg in "$@"; do
        cors_installed "$pkg" || missing="$missing $pkg"
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

# The packages debian/control's source stanza names in Build-Depends(-Arch,
# -Indep), plus build-essential, which Debian policy leaves implicit and
# dpkg-buildpackage checks all the same: what `make deb` needs.  Versions,
# architecture and profile restrictions are dropped; of alternatives, the
# first is taken.  With --module: only what building mod_cors.so needs
# (make, tools/demo.sh), i.e. without the packaging helpers (debhelper*,
# dh-*) and with the C compiler and make instead of all of build-essential.
cors_build_depends() {
    awk '/^$/ { exit }
         /^#/ { next }
         /^[^ \t]/ { keep = ($0 ~ /^Build-Depends(-Arch|-Indep)?:/)
                     sub(/^[^:]*:/, ""); if (keep) print "," }
         keep { print }' "$CORS_TOP/debian/control" \
        | tr ',\n' '\n ' \
        | sed -e 's/|.*//' -e 's/([^)]*)//g' -e 's/\[[^]]*\]//g' -e 's/<[^>]*>//g' \
              -e 's/:[a-z]*//g' -e 's/[[:space:]]//g' \
        | if [ "${1:-}" = --module ]; then
              grep -v -e '^debhelper' -e '^dh-' -e '^$'; echo gcc; echo make
          else
              grep -v '^$'; echo build-essential
          fi | xargs
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

# Building the module (debian/control) and running it: Apache, and the
# Public Suffix List libpsl reads when it is newer than its built-in copy.
# shellcheck disable=SC2034 # used by the scripts that source this file
CORS_BUILD_PACKAGES="$(cors_build_depends --module) apache2 publicsuffix"
