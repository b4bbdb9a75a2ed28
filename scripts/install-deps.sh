#!/bin/sh
# Installs what ferry needs and is missing on a fresh Debian or Fedora machine:
# the OS tools ferry drives (rpm, rpmbuild, git, gpg, dnf, createrepo_c, ...),
# then the npm dependencies pinned by package-lock.json.
#   scripts/install-deps.sh           tools for running ferry (make demo)
#   scripts/install-deps.sh --test    plus what the test suite uses (chromium, database clients)
set -eu
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# command-to-package tables: "command debian-package fedora-package"
base_tools='
rpm rpm rpm
rpmbuild rpm rpm-build
git git git
gpg gnupg gnupg2
dnf dnf dnf
createrepo_c createrepo-c createrepo_c
xz xz-utils xz
zstd zstd zstd
make make make
'
test_tools='
installcheck libsolv-tools libsolv-tools
chromium chromium chromium
python3 python3 python3
initdb:/usr/lib/postgresql postgresql postgresql-server
mariadbd:/usr/sbin mariadb-server mariadb-server
'
# dnf repoclosure is a plugin: check it by asking dnf.
missing_deb=''
missing_rpm=''
check_table() {
  echo "$1" | while read -r cmd deb rpm; do
    [ -n "$cmd" ] || continue
    case "$cmd" in
      initdb:*) ls ${cmd#initdb:}/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || echo "$deb $rpm" ;;
      mariadbd:*) [ -x "${cmd#mariadbd:}/mariadbd" ] || [ -x /usr/libexec/mariadbd ] || command -v mariadbd >/dev/null 2>&1 || echo "$deb $rpm" ;;
      *) command -v "$cmd" >/dev/null 2>&1 || echo "$deb $rpm" ;;
    esac
  done
}
needed=$(check_table "$base_tools")
if [ "$want_test" = 1 ]; then
  needed="$needed
$(check_table "$test_tools")"
  # The tests run reference Python tools with the system's interpreter (/usr/bin/python3, with
  # the distribution's modules), which is not always the python3 first on PATH.
  { /usr/bin/python3 -c 'import yaml, requests, six, urllib3, certifi, dateutil' || { [ ! -x /usr/bin/python3 ] && python3 -c 'import yaml, requests, six, urllib3, certifi, dateutil'; }; } >/dev/null 2>&1 ||
    needed="$needed
python3-yaml python3-pyyaml
python3-requests python3-requests
python3-six python3-six
python3-urllib3 python3-urllib3
python3-certifi python3-certifi
python3-dateutil python3-dateutil"
  # rpm's and libsolv's Python bindings: reference implementations for the rpm/ tests.
  { /usr/bin/python3 -c 'import rpm, hawkey' || python3 -c 'import rpm, hawkey'; } >/dev/null 2>&1 ||
    needed="$needed
python3-rpm python3-rpm
python3-hawkey python3-hawkey"
  # pbr: the reference for the build/ port of its git-tag versioning.
  { /usr/bin/python3 -c 'import pbr.version, setuptools' || python3 -c 'import pbr.version, setuptools'; } >/dev/null 2>&1 ||
    needed="$needed
python3-pbr python3-pbr
python3-setuptools python3-setuptools"
fi
# (dnf itself may be missing yet: then it comes with this same install.)
if ! { command -v dnf >/dev/null 2>&1 && dnf repoclosure --help >/dev/null 2>&1; }; then
  needed="$needed
dnf-plugins-core dnf-plugins-core"
fi
needed=$(echo "$needed" | sed '/^ *$/d' | sort -u)

if [ -n "$needed" ]; then
  as_root=''
  [ "$(id -u)" = 0 ] || as_root='sudo'
  if command -v apt-get >/dev/null 2>&1; then
    pkgs=$(echo "$needed" | awk '{print $1}' | tr '\n' ' ')
    echo "ferry: installing OS packages with apt-get: $pkgs"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
  elif command -v dnf >/dev/null 2>&1; then
    pkgs=$(echo "$needed" | awk '{print $2}' | tr '\n' ' ')
    echo "ferry: installing OS packages with dnf: $pkgs"
    # shellcheck disable=SC2086
    $as_root dnf install -y $pkgs
  else
    echo "ferry: cannot install missing tools (no apt-get or dnf): $(echo "$needed" | awk '{print $1}' | tr '\n' ' ')" >&2
    exit 1
  fi
fi

# npm dependencies, only when the lock changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
