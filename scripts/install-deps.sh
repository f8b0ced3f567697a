#!/usr/bin/env bash
# Installs what Roomshare needs to build, run and test on Debian 12 (bookworm).
# Works as root or as a user with sudo; does nothing when everything is present.
set -euo pipefail

PACKAGES=(
    # toolchain
    g++ cmake ninja-build pkg-config git dpkg-dev file desktop-file-utils xdg-utils
    # Qt 6.4 (Debian 12): core, network, websockets, widgets, svg, sql, test, linguist
    qt6-base-dev qt6-websockets-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools
    qt6-l10n-tools qt6-translations-l10n libqt6sql6-sqlite libgl-dev qt6-qpa-plugins
    # the PostgreSQL backend (--database postgresql://...) and its test cluster
    libqt6sql6-psql postgresql
    # hashing, chunk CRCs, QR codes
    libssl-dev zlib1g-dev libqrencode-dev
    # the server's S3 client (--storage s3://, SigV4 signing by CURLOPT_AWS_SIGV4); the
    # Swift object store of its tests is installed by tests/fixtures/s3-swift.sh
    libcurl4-openssl-dev
    # headless GUI runs and screenshots
    xvfb xauth x11-apps imagemagick
    # cross-machine tests (network namespaces, veth pairs, a bridge)
    iproute2 python3
    # Rooms nearby (DNS-SD): Avahi's dns_sd compatibility library to build against; the
    # daemon, a D-Bus bus and openssl for tests/netns/test-discovery.sh
    libavahi-compat-libdnssd-dev avahi-daemon dbus dbus-bin openssl
    # packages: man pages from --help, package checks (tests/extra/package.sh), the RPM,
    # icons rendered from the SVG, AppStream metainfo validation
    help2man man-db lintian rpm rpmlint librsvg2-bin appstream
    # systemd-analyze security --offline scores the server unit's hardening (not started)
    systemd
    # formatting
    clang-format
    # libFuzzer targets (tests/extra/fuzz.sh): clang with the fuzzer/ASan/UBSan runtimes
    clang libclang-rt-14-dev
    # the browser participant's tests (tests/extra/web.sh): a real Chromium driven by
    # playwright-core from npm (package-lock.json; Node and npm below)
    chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
else
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "install-deps: done"
fi

# Node and npm: from apt only when there is none. A Node already installed (NodeSource's
# nodejs 20, which bundles npm and conflicts with Debian's npm package) is kept as it is.
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "install-deps: installing nodejs npm"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "install-deps: warning: Node $(node --version) is older than playwright-core 1.65.1 asks for (20)" >&2
fi

# npm packages, exactly as package-lock.json pins them (playwright-core drives the system
# Chromium, so it downloads no browser; hash-wasm is also committed in src/web/vendor).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/hash-wasm" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    echo "install-deps: npm packages installed"
fi
