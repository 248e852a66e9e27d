#!/usr/bin/env bash
# Build benchmark: prem against Hugo, mdBook and the floor (a program that
# only writes the same files), on corpora from ../shared/bench/gen_corpus.py.
# Prints a Markdown table of median times and peak memory.
#
#   bench/build.sh [SIZES...]      default: 1000 10000
#
# Installs hyperfine and Hugo (Debian) and mdBook (cargo install) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
WORK=${WORK:-$ROOT/bench/out}
SIZES=("${@:-1000}")
[ $# -eq 0 ] && SIZES=(1000 10000)
RUNS=${RUNS:-5}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need hugo; then
  apt-get update -qq && apt-get install -y -qq hyperfine hugo time >/dev/null
fi
need mdbook || cargo install mdbook --locked
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null

echo "building prem (release)..." >&2
cargo build --release -q
PREM=$ROOT/target/release/prem
mkdir -p "$WORK"
rustc -O -o "$WORK/floor" bench/floor.rs

peak_mb() { # peak resident memory of a command, in MB
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}'
}
median_s() { # median wall time from a hyperfine JSON export
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.3f' % r['median'])" "$1"
}

printf '| pages | tool | median (s) | peak memory (MB) |\n|---|---|---|---|\n'
for n in "${SIZES[@]}"; do
  C=$WORK/corpus-$n
  if [ ! -d "$C/prem" ]; then
    echo "generating $n-page corpora..." >&2
    python3 "$GEN" "$n" "$C/prem" --seed 42 --layout prem >/dev/null
    python3 "$GEN" "$n" "$C/hugo" --seed 42 --layout hugo >/dev/null
    [ "$n" -le 1000 ] && python3 "$GEN" "$n" "$C/mdbook" --seed 42 --layout mdbook >/dev/null
    # The corpus uses prem's own theme.
    printf '[build]\nthemes_dir = "%s/themes"\n' "$ROOT" > "$C/prem/prem.toml"
  fi
  OUT=$WORK/site-$n
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/prem-$n.json" \
    --prepare "rm -rf $OUT" "$PREM build --site $C/prem --out $OUT" >&2
  printf '| %s | prem (full build) | %s | %s |\n' "$n" "$(median_s "$WORK/prem-$n.json")" "$(rm -rf "$OUT"; peak_mb "$PREM" build --site "$C/prem" --out "$OUT")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/prem-re-$n.json" "$PREM build --site $C/prem --out $OUT" >&2
  printf '| %s | prem (rebuild, nothing changed) | %s | %s |\n' "$n" "$(median_s "$WORK/prem-re-$n.json")" "$(peak_mb "$PREM" build --site "$C/prem" --out "$OUT")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/floor-$n.json" \
    --prepare "rm -rf $WORK/floor-out" "$WORK/floor $OUT $WORK/floor-out" >&2
  printf '| %s | floor (write the same files) | %s | %s |\n' "$n" "$(median_s "$WORK/floor-$n.json")" "$(rm -rf "$WORK/floor-out"; peak_mb "$WORK/floor" "$OUT" "$WORK/floor-out")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/hugo-$n.json" \
    --prepare "rm -rf $WORK/hugo-out-$n" "hugo --quiet -s $C/hugo -d $WORK/hugo-out-$n" >&2
  printf '| %s | Hugo | %s | %s |\n' "$n" "$(median_s "$WORK/hugo-$n.json")" "$(rm -rf "$WORK/hugo-out-$n"; peak_mb hugo --quiet -s "$C/hugo" -d "$WORK/hugo-out-$n")"
  if [ "$n" -le 1000 ]; then
    hyperfine -N -w 1 -r 3 --export-json "$WORK/mdbook-$n.json" \
      --prepare "rm -rf $C/mdbook/book" "mdbook build $C/mdbook" >&2
    printf '| %s | mdBook | %s | %s |\n' "$n" "$(median_s "$WORK/mdbook-$n.json")" "$(rm -rf "$C/mdbook/book"; peak_mb mdbook build "$C/mdbook")"
  fi
done
