#!/usr/bin/env bash
# Translations (issue 13): lupdate, run over the app's sources on a copy of each .ts file,
# must find no string without a translation and no translation whose string is gone.
# Usage: translations.sh BUILD_DIR
set -euo pipefail
build=${1:?build dir}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lupdate=/usr/lib/qt6/bin/lupdate
[ -x "$lupdate" ] || lupdate=$(command -v lupdate6 || command -v lupdate)
project="$build/src/gui/.lupdate/roomshare-gui_project.json"
# The project file (sources, include paths, .ts files) as the lupdate target writes it,
# without running lupdate over the committed files.
cmake -DIN_FILE="$build/src/gui/.lupdate/roomshare-gui_project.cmake" -DOUT_FILE="$project" \
    -P "$(dirname "$(find /usr/lib -path '*Qt6LinguistTools/GenerateLUpdateProject.cmake' | head -1)")/GenerateLUpdateProject.cmake"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for ts in "$here"/src/gui/translations/*.ts; do
    copy="$work/$(basename "$ts")"
    cp "$ts" "$copy"
    /usr/bin/python3 - "$project" "$ts" "$copy" "$work/project.json" <<'PY'
import json, sys
project, original, copy, out = sys.argv[1:]
p = json.load(open(project))
p["translations"] = [copy if t == original else t for t in p["translations"]]
json.dump(p, open(out, "w"))
PY
    "$lupdate" -project "$work/project.json" >/dev/null
    unfinished=$(grep -c 'type="unfinished"' "$copy" || true)
    stale=$(grep -cE 'type="(obsolete|vanished)"' "$copy" || true)
    messages=$(grep -c '<message' "$copy" || true)
    echo "translations: $(basename "$ts"): $messages strings, $unfinished unfinished, $stale obsolete"
    if [ "$unfinished" != 0 ] || [ "$stale" != 0 ]; then
        grep -B4 -E 'type="(unfinished|obsolete|vanished)"' "$copy" | grep '<source>' | head -20 >&2
        status=1
    fi
done
exit $status
