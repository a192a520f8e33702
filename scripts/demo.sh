#!/usr/bin/env bash
# Set up journeyctl, then run the main job on the bundled example maps:
# validate them, simulate their personas, render them into out/, and report their gaps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
JC=.venv/bin/journeyctl
OUT=${OUT:-out}
mkdir -p "$OUT"

echo "== journeyctl validate maps/" >&2
$JC validate maps/

for map in maps/*.yaml; do
  name=$(basename "$map" .yaml)
  echo "== $name: simulate" >&2
  $JC simulate "$map" --runs 100000 --seed 1 --exact
  echo "== $name: render" >&2
  for view in flow swimlane emotion; do
    $JC render "$map" --view "$view" --format svg -o "$OUT/$name-$view.svg" --force
  done
  $JC render "$map" --view flow --format mermaid -o "$OUT/$name-flow.mmd" --force
  $JC render "$map" --format html --simulate -o "$OUT/$name.html" --force
  echo "== $name: gaps" >&2
  $JC gaps "$map" --format markdown -o "$OUT/$name-gaps.md" --force
  $JC gaps "$map"
done
echo "Done: open $OUT/*.html in a browser; diagrams are in $OUT/." >&2
