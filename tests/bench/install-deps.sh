#!/usr/bin/env bash
# Installs what the benchmark needs besides Roomshare's own build dependencies:
# nginx (Debian's nginx-light has the WebDAV PUT module) and curl. The system nginx
# service is never started or configured: the benchmark runs its own nginx from a
# temporary prefix.
set -euo pipefail

missing=()
command -v curl >/dev/null || missing+=(curl)
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null; then
    missing+=(nginx-light)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "bench: installing ${missing[*]}"
# Keep the package's post-install from starting the system nginx on port 80.
policy_created=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_created=1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -n "$policy_created" ]; then
    $SUDO rm -f /usr/sbin/policy-rc.d
fi
