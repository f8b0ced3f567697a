#!/usr/bin/env bash
# The short chaos run in CI (issue 16): three minutes of faults, files up to 16 MiB.
# tests/chaos/run.sh has the long run (docs/reliability.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$here/tests/chaos/run.sh" --minutes 3 --build "${1:-$here/build}"
