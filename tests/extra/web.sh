#!/usr/bin/env bash
# The browser participant in a real browser (issue 11): Debian's Chromium, headless, driven
# by playwright-core (pinned in package-lock.json) against a real roomshare-server on
# loopback with roomshare-cli participants. scripts/test.sh runs it with the build folder
# as $1; tests/web/browser.test.mjs holds the scenario and prints one PASS/FAIL per check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
start=$(date +%s)
chromium="${CHROMIUM:-/usr/bin/chromium}"
for need in node npm openssl "$chromium"; do
    command -v "$need" >/dev/null || { echo "web: $need is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

# The lockfile decides every version (scripts/install-deps.sh runs npm ci).
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/hash-wasm" ]; then
    (cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi
# The server serves a committed copy of hash-wasm (src/web/vendor/README.md): it must be
# exactly what the lockfile pins.
for f in sha256.umd.min.js crc32.umd.min.js; do
    if ! cmp -s "$here/node_modules/hash-wasm/dist/$f" "$here/src/web/vendor/$f"; then
        echo "web: src/web/vendor/$f differs from hash-wasm in package-lock.json" >&2
        exit 1
    fi
done

work="$(mktemp -d /tmp/roomshare-web.XXXXXX)"
trap 'rm -rf "$work"' EXIT
CHROMIUM="$chromium" NODE_PATH="$here/node_modules" \
    timeout 600 node "$here/tests/web/browser.test.mjs" "$build" "$work"
echo "web: done in $(( $(date +%s) - start )) s"
