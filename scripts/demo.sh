#!/usr/bin/env bash
# Set up journeyctl, then run the main job on the bundled example maps: validate them,
# simulate their personas, render them into out/, report their gaps, compare a simulated
# event log with the designed map, try a what-if (levers, a scenario compared) and check the
# maps' budgets (.journeyctl.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
JC=.venv/bin/journeyctl
OUT=${OUT:-out}
mkdir -p "$OUT"

echo "== journeyctl validate maps/"
$JC validate maps/

for map in maps/*.yaml; do
  name=$(basename "$map" .yaml)
  echo "== $name: simulate (text on the terminal, JSON in $OUT/)"
  $JC simulate "$map" --runs 100000 --seed 1 --exact --top 5
  $JC simulate "$map" --runs 100000 --seed 1 --exact -f json -o "$OUT/$name-simulation.json"
  echo "== $name: render into $OUT/"
  if command -v dot >/dev/null 2>&1; then
    for view in flow swimlane emotion; do
      $JC render "$map" --view "$view" --format svg -o "$OUT/$name-$view.svg"
    done
  fi
  $JC render "$map" --view flow --format mermaid -o "$OUT/$name-flow.md"
  $JC render "$map" --view swimlane --format mermaid -o "$OUT/$name-journey.md"
  $JC render "$map" --format html --simulate -o "$OUT/$name.html"
  echo "== $name: gaps"
  $JC gaps "$map"
  $JC gaps "$map" --format markdown -o "$OUT/$name-gaps.md" --coverage-csv "$OUT/$name-coverage.csv"
done

echo "== event log: simulated walks read back and compared with the treadmill map"
$JC simulate maps/treadmill.yaml --runs 20000 --seed 7 --events "$OUT/treadmill-events.csv" --force \
  -f json -o "$OUT/treadmill-events-simulation.json"
$JC discover "$OUT/treadmill-events.csv" --goal order-online --top 5 -o "$OUT/treadmill-discovered.yaml" --force
$JC gaps maps/treadmill.yaml --observed "$OUT/treadmill-events.csv" --format markdown \
  -o "$OUT/treadmill-observed-gaps.md"
$JC calibrate maps/treadmill.yaml "$OUT/treadmill-events.csv" -f json \
  -o "$OUT/treadmill-calibrated.yaml" --force > "$OUT/treadmill-calibration.json"

echo "== what-if: the treadmill's levers, a scenario compared, the maps' budgets"
$JC levers maps/treadmill.yaml --top 5
$JC compare maps/treadmill.yaml --scenario scenarios/mobile-comparison.yaml --runs 20000 \
  --format markdown -o "$OUT/treadmill-mobile-comparison.md"
$JC check

echo "Done. Open $OUT/*.html in a browser; diagrams and reports are in $OUT/."
