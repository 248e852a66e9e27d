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
html_count() { find "$1" -name '*.html' | wc -l; }
median_s() { # median wall time from a hyperfine JSON export
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.3f' % r['median'])" "$1"
}

printf '| pages | tool | median (s) | peak memory (MB) | pages written |\n|---|---|---|---|---|\n'
for n in "${SIZES[@]}"; do
  C=$WORK/corpus-$n
  [ -d "$C/hugo/layouts" ] || rm -rf "$C"
  if [ ! -d "$C/prem" ]; then
    echo "generating $n-page corpora..." >&2
    python3 "$GEN" "$n" "$C/prem" --seed 42 --layout prem >/dev/null
    python3 "$GEN" "$n" "$C/hugo" --seed 42 --layout hugo >/dev/null
    [ "$n" -le 1000 ] && python3 "$GEN" "$n" "$C/mdbook" --seed 42 --layout mdbook >/dev/null
    # The shared generator copies Hugo layouts only if it has some; ours are
    # minimal (title and content), so Hugo renders every page as prem does.
    if [ ! -d "$C/hugo/layouts" ]; then
      cp -r "$ROOT/bench/hugo-layouts" "$C/hugo/layouts"
    fi
    # The corpus uses prem's own theme.
    printf '[build]\nthemes_dir = "%s/themes"\n' "$ROOT" > "$C/prem/prem.toml"
  fi
  OUT=$WORK/site-$n
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/prem-$n.json" \
    --prepare "sh -c 'rm -rf $OUT && sync'" "$PREM build --site $C/prem --out $OUT" >&2
  mem=$(rm -rf "$OUT"; peak_mb "$PREM" build --site "$C/prem" --out "$OUT")
  printf '| %s | prem (full build) | %s | %s | %s |\n' "$n" "$(median_s "$WORK/prem-$n.json")" "$mem" "$(html_count "$OUT")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/prem-re-$n.json" "$PREM build --site $C/prem --out $OUT" >&2
  printf '| %s | prem (rebuild, nothing changed) | %s | %s | 0 |\n' "$n" "$(median_s "$WORK/prem-re-$n.json")" "$(peak_mb "$PREM" build --site "$C/prem" --out "$OUT")"
  # One page edited before each run (a line appended), as an author saving a file.
  EDIT=$(find "$C/prem/content" -name 'page-*.md' | sort | sed -n 5p)
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/prem-edit-$n.json" \
    --prepare "sh -c 'echo Edited. >> $EDIT && sync'" "$PREM build --site $C/prem --out $OUT" >&2
  printf '| %s | prem (rebuild, one page edited) | %s | %s | 1 |\n' "$n" "$(median_s "$WORK/prem-edit-$n.json")" "$(peak_mb "$PREM" build --site "$C/prem" --out "$OUT")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/floor-$n.json" \
    --prepare "sh -c 'rm -rf $WORK/floor-out && sync'" "$WORK/floor $OUT $WORK/floor-out" >&2
  mem=$(rm -rf "$WORK/floor-out"; peak_mb "$WORK/floor" "$OUT" "$WORK/floor-out")
  printf '| %s | floor (write the same files) | %s | %s | %s |\n' "$n" "$(median_s "$WORK/floor-$n.json")" "$mem" "$(html_count "$WORK/floor-out")"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/hugo-$n.json" \
    --prepare "sh -c 'rm -rf $WORK/hugo-out-$n && sync'" "hugo --quiet -s $C/hugo -d $WORK/hugo-out-$n" >&2
  mem=$(rm -rf "$WORK/hugo-out-$n"; peak_mb hugo --quiet -s "$C/hugo" -d "$WORK/hugo-out-$n")
  printf '| %s | Hugo | %s | %s | %s |\n' "$n" "$(median_s "$WORK/hugo-$n.json")" "$mem" "$(html_count "$WORK/hugo-out-$n")"
  if [ "$n" -le 1000 ]; then
    hyperfine -N -w 1 -r 3 --export-json "$WORK/mdbook-$n.json" \
      --prepare "sh -c 'rm -rf $C/mdbook/book && sync'" "mdbook build $C/mdbook" >&2
    mem=$(rm -rf "$C/mdbook/book"; peak_mb mdbook build "$C/mdbook")
    printf '| %s | mdBook | %s | %s | %s |\n' "$n" "$(median_s "$WORK/mdbook-$n.json")" "$mem" "$(html_count "$C/mdbook/book")"
  fi
done
