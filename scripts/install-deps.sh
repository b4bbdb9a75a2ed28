#!/bin/sh
# Installs what ferry needs and is missing on a fresh Debian or Fedora machine:
# the OS tools ferry drives (rpm, rpmbuild, git, gpg, dnf, createrepo_c, ...) and the
# C++ toolchain native npm modules build with, then the npm dependencies pinned by
# package-lock.json. Node.js itself must be there already (package.json engines).
#   scripts/install-deps.sh             tools for running ferry (make demo)
#   scripts/install-deps.sh --test      plus what the test suite uses (chromium, database clients)
#   scripts/install-deps.sh --dry-run   only print what would be installed
set -eu
cd "$(dirname "$0")/.."

want_test=0
dry_run=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --dry-run) dry_run=1 ;;
    *) echo "usage: scripts/install-deps.sh [--test] [--dry-run]" >&2; exit 2 ;;
  esac
done

# Node.js: npm ci installs build and test tools (vite, typescript-eslint) whose engines are
# narrower than what ferry's own code needs; package.json's engines is the range for both.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "ferry: Node.js and npm are needed ($(sed -n 's/.*"node": "\(.*\)".*/\1/p' package.json)): install them (https://nodejs.org/en/download, or your distribution's nodejs and npm packages) and run again" >&2
  exit 1
fi
node -e '
  const range = require("./package.json").engines.node;
  const have = process.versions.node.split(".").map(Number);
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const ok = range.split("||").some((alt) => {
    const m = /^\s*(\^|>=)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alt);
    if (!m) throw new Error("install-deps.sh cannot read the engines range " + range);
    const low = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    return cmp(have, low) >= 0 && (m[1] === ">=" || have[0] === low[0]);
  });
  if (!ok) {
    console.error(`ferry: Node.js ${range} is needed (package.json engines: its build and test tools need it); ` +
      `this is ${process.version} (${process.execPath}). Install a newer Node.js and run again.`);
    process.exit(1);
  }
'

# command-to-package tables: "command debian-package fedora-package"
# g++, make and python3: node-gyp builds better-sqlite3 from source when npm ci cannot
# download its prebuilt binary.
base_tools='
rpm rpm rpm
rpmbuild rpm rpm-build
git git git
gpg gnupg gnupg2
dnf dnf dnf
createrepo_c createrepo-c createrepo_c
xz xz-utils xz
zstd zstd zstd
openssl openssl openssl
make make make
g++ g++ gcc-c++
python3 python3 python3
'
test_tools='
installcheck libsolv-tools libsolv-tools
chromium chromium chromium
perl perl perl-interpreter
initdb:/usr/lib/postgresql postgresql postgresql-server
mariadbd:/usr/sbin mariadb-server mariadb-server
'
# dnf repoclosure is a plugin: check it by asking dnf.
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
needed=$(echo "$needed" | sed '/^ *$/d')

# Each package once, by the name the package manager knows (rpm and rpmbuild are both
# Debian's "rpm").
packages_of() {
  echo "$needed" | awk -v column="$1" '{print $column}' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
if [ -n "$needed" ]; then
  as_root=''
  [ "$(id -u)" = 0 ] || as_root='sudo'
  if command -v apt-get >/dev/null 2>&1; then
    pkgs=$(packages_of 1)
    if [ "$dry_run" = 1 ]; then echo "ferry: would install OS packages with apt-get: $pkgs"; exit 0; fi
    echo "ferry: installing OS packages with apt-get: $pkgs"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
  elif command -v dnf >/dev/null 2>&1; then
    pkgs=$(packages_of 2)
    if [ "$dry_run" = 1 ]; then echo "ferry: would install OS packages with dnf: $pkgs"; exit 0; fi
    echo "ferry: installing OS packages with dnf: $pkgs"
    # shellcheck disable=SC2086
    $as_root dnf install -y $pkgs
  else
    echo "ferry: cannot install missing tools (no apt-get or dnf): $(packages_of 1)" >&2
    exit 1
  fi
elif [ "$dry_run" = 1 ]; then
  echo "ferry: every OS package is installed"
  exit 0
fi

# npm dependencies, only when the lock changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # node-gyp builds against the headers of the running node when they are installed beside
  # it (NodeSource, Fedora's nodejs-devel) instead of downloading them from nodejs.org.
  prefix=$(dirname "$(dirname "$(node -p process.execPath)")")
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  fi
  npm ci --no-audit --no-fund
fi
