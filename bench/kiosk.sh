#!/usr/bin/env bash
# The kiosk's benchmark (not a timed test). In one run, on this machine:
#   (a) one static page from `prem serve` against nginx serving the same built file (wrk);
#   (b) sealed durable submissions per second, with p50/p99 latency of the submit, at 16 and 64
#       concurrent clients: bench/loadgen --mode submit first prepares (untimed) complete drafts of
#       the extraordinary-request form, each in its own session and filled up to "Check your
#       answers", then times only the final submits, the requests that seal and store a record;
#   (c) the limit for (b): bench/durable_floor making records of the kiosk's measured size just
#       as durable (file fsync, rename, directory fsync, sled batch + flush), each client alone;
#   (d) a second figure, not the goal's: whole submissions (every page's GET and POST, about 12
#       requests each) per second, bench/loadgen --mode flow; FULL_FLOW=0 leaves it out.
# Prints a Markdown table. Goals (issue 4): static >= 0.8x nginx; durable >= 0.8x the floor at 64.
#
#   bash bench/kiosk.sh
#   STATIC_SECONDS=10 DURABLE_SECONDS=10 CLIENTS="16 64" PAGE=/ bash bench/kiosk.sh
#   PREM_BIN=/path/to/prem bash bench/kiosk.sh     # benchmark an already built prem
#   DRAFTS=40 bash bench/kiosk.sh                  # fixed drafts per client, no calibration
#
# Everything it writes goes to bench/out/ (ignored by git); servers it starts are stopped on exit.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${BENCH_OUT:-$repo/bench/out}"
static_seconds="${STATIC_SECONDS:-10}"
durable_seconds="${DURABLE_SECONDS:-10}"
clients="${CLIENTS:-16 64}"
full_flow="${FULL_FLOW:-1}"
target="${CARGO_TARGET_DIR:-$repo/target}"
loadgen_target="${LOADGEN_TARGET_DIR:-$repo/bench/loadgen/target}"

say() { printf 'bench: %s\n' "$*" >&2; }
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

for tool in wrk nginx curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "installing $tool"
        apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null
    fi
done

say "building prem and the load client (release)"
if [ -z "${PREM_BIN:-}" ]; then
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin prem
fi
CARGO_TARGET_DIR="$loadgen_target" cargo build --release --quiet \
    --manifest-path "$repo/bench/loadgen/Cargo.toml"
loadgen="$loadgen_target/release/loadgen"
floor="$loadgen_target/release/durable_floor"

rm -rf "$out"
mkdir -p "$out/site" "$out/keys" "$out/nginx/tmp"
# A private copy: a shared target directory may be rebuilt while the benchmark runs.
cp "${PREM_BIN:-$target/release/prem}" "$out/prem"
prem="$out/prem"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    # A server that does not stop within 5 s of SIGTERM is killed.
    for _ in $(seq 1 50); do
        alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do
        if kill -0 "$p" 2>/dev/null; then
            say "pid $p did not stop on SIGTERM: killing it"
            kill -9 "$p" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() { # URL
    for _ in $(seq 1 600); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    say "no answer from $1"; return 1
}

# The repository's own site with a benchmark reviewer key (its private half is thrown away).
for d in content forms themes; do ln -s "$repo/$d" "$out/site/$d"; done
printf 'bench-only passphrase\n' > "$out/keys/pass"
"$prem" --site "$out/site" keygen --name bench --out "$out/keys" \
    --passphrase-file "$out/keys/pass" 2>/dev/null
cp "$repo/prem.toml" "$out/site/prem.toml"
printf "\n[[kiosk.recipients]]\nname = \"bench\"\npublic_key = '%s'\n" "$out/keys/bench.pub" \
    >> "$out/site/prem.toml"

prem_port="$(free_port)"
PREM_KIOSK_DATA_DIR="$out/data" PREM_BUILD_OUTPUT_DIR="$out/public" \
PREM_KIOSK_POSTS_PER_MINUTE=1000000000 PREM_KIOSK_NEW_SESSIONS_PER_MINUTE=1000000000 RUST_LOG=warn \
    "$prem" --site "$out/site" serve --addr "127.0.0.1:$prem_port" 2>"$out/prem.log" &
pids+=($!)
wait_for "http://127.0.0.1:$prem_port/healthz"

# nginx on the very files prem serves, as plainly as it comes: sendfile, keep-alive, no log.
nginx_port="$(free_port)"
cat > "$out/nginx/nginx.conf" <<CONF
daemon off;
user root;
worker_processes auto;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $out/nginx/tmp/body;
    proxy_temp_path $out/nginx/tmp/proxy;
    fastcgi_temp_path $out/nginx/tmp/fastcgi;
    uwsgi_temp_path $out/nginx/tmp/uwsgi;
    scgi_temp_path $out/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $out/public;
        index index.html;
        location / { try_files \$uri \$uri/ =404; }
    }
}
CONF
nginx -c "$out/nginx/nginx.conf" -e "$out/nginx/error.log" &
pids+=($!)
wait_for "http://127.0.0.1:$nginx_port/"

page="${PAGE:-/}"
prem_bytes="$(curl -fsS "http://127.0.0.1:$prem_port$page" | wc -c)"
nginx_bytes="$(curl -fsS "http://127.0.0.1:$nginx_port$page" | wc -c)"
if [ "$prem_bytes" != "$nginx_bytes" ]; then
    say "the two servers send different bodies for $page ($prem_bytes and $nginx_bytes bytes)"; exit 1
fi

rps() { # URL -> requests per second
    wrk -t2 -c64 -d"${static_seconds}s" "$1" > "$out/wrk.txt"
    cat "$out/wrk.txt" >&2
    if grep -q 'Non-2xx' "$out/wrk.txt"; then say "errors from $1"; exit 1; fi
    awk '/^Requests\/sec:/ { print $2 }' "$out/wrk.txt"
}
say "static: $page ($prem_bytes bytes), wrk -t2 -c64 -d${static_seconds}s"
prem_rps="$(rps "http://127.0.0.1:$prem_port$page")"
nginx_rps="$(rps "http://127.0.0.1:$nginx_port$page")"

field() { # LINE KEY
    tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

declare -A kiosk_line flow_line floor_line
# The kiosk's rate limit on posts is off above (PREM_KIOSK_POSTS_PER_MINUTE): every client here
# shares one peer address.
drafts_arg=()
if [ -n "${DRAFTS:-}" ]; then drafts_arg=(--drafts "$DRAFTS"); fi
for c in $clients; do
    say "durable: kiosk, $c clients, prepared drafts, ${durable_seconds}s of submits"
    # A failing run still prints its figures (errors=N) and the benchmark goes on.
    kiosk_line[$c]="$("$loadgen" --url "http://127.0.0.1:$prem_port" --clients "$c" \
        --seconds "$durable_seconds" --mode submit "${drafts_arg[@]}" || true)"
    say "${kiosk_line[$c]}"
done
if [ "$full_flow" != 0 ]; then
    for c in $clients; do
        say "durable: kiosk, $c clients, whole form per submission, ${durable_seconds}s"
        flow_line[$c]="$("$loadgen" --url "http://127.0.0.1:$prem_port" --clients "$c" \
            --seconds "$durable_seconds" --mode flow || true)"
        say "${flow_line[$c]}"
    done
fi

# The kiosk's records on disk: their mean size is what the floor writes.
record_size="$(find "$out/data/spool" -name '*.rec' -printf '%s\n' \
    | awk '{ s += $1; n++ } END { if (n) printf "%d", s / n; else print 0 }')"
say "mean spool record: $record_size bytes"

for c in $clients; do
    say "durable: floor, $c clients, ${durable_seconds}s, $record_size-byte records"
    floor_line[$c]="$("$floor" --dir "$out/floor" --clients "$c" --seconds "$durable_seconds" \
        --size "$record_size")"
    say "${floor_line[$c]}"
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

notes() { # LOADGEN-LINE -> " (N failed submits, ...)" or nothing
    local n=() v
    v="$(field "$1" errors)"; [ "${v:-0}" != 0 ] && n+=("$v failed submits")
    v="$(field "$1" prep_errors)"; [ "${v:-0}" != 0 ] && n+=("$v drafts failed to prepare")
    v="$(field "$1" ran_out)"; [ "${v:-0}" != 0 ] && n+=("$v clients ran out of drafts")
    v="$(field "$1" attempts)"; [ "${v:-1}" != 1 ] && n+=("window $v: the first ran out of drafts")
    [ -z "$1" ] && n+=("no figures")
    if [ "${#n[@]}" -gt 0 ]; then
        local joined; joined="$(printf '%s, ' "${n[@]}")"; printf ' (%s)' "${joined%, }"
    fi
}

echo
echo "Machine: $(nproc) cores, $(uname -r), data on $(df -P "$out" | awk 'NR == 2 { print $1 }');"
echo "load average $load_before (1/5/15 min) before the run, $load_after after;"
echo "client and servers share the cores, so these are figures for this machine only."
echo
echo "| benchmark | prem | limit | prem / limit |"
echo "|---|---:|---:|---:|"
echo "| static page \`$page\` ($prem_bytes B), wrk -t2 -c64, req/s | $prem_rps | $nginx_rps (nginx) | $(ratio "$prem_rps" "$nginx_rps") |"
for c in $clients; do
    k="${kiosk_line[$c]}"; f="${floor_line[$c]}"
    echo "| durable submissions (final submit of prepared drafts), $c clients, per s | $(field "$k" per_sec)$(notes "$k") | $(field "$f" per_sec) (floor) | $(ratio "$(field "$k" per_sec)" "$(field "$f" per_sec)") |"
    echo "| — p50 / p99 latency, ms (kiosk: submit; floor: one durable write) | $(field "$k" p50_ms) / $(field "$k" p99_ms) | $(field "$f" p50_ms) / $(field "$f" p99_ms) | |"
done
echo
echo "Durable rows: each client first prepares (untimed) drafts in sessions of their own, filled up"
echo "to \"Check your answers\"; then for ${durable_seconds} s it posts only their final submits. Drafts per"
echo "client:$(for c in $clients; do printf ' %s at %s clients;' "$(field "${kiosk_line[$c]}" drafts_per_client)" "$c"; done)"
echo "records: $record_size bytes each (mean of $(find "$out/data/spool" -name '*.rec' | wc -l) sealed spool files)."
if [ "$full_flow" != 0 ]; then
    echo
    echo "Second figure, whole form per submission (every page's GET and POST, about 12 requests, a"
    echo "fresh session each), against the same floor. It counts the multi-page flow's CPU, so it is"
    echo "not the issue's measure:"
    echo
    echo "| whole-form flow | submissions/s | final submit p50 / p99, ms | / floor |"
    echo "|---|---:|---:|---:|"
    for c in $clients; do
        k="${flow_line[$c]}"; f="${floor_line[$c]}"
        echo "| $c clients | $(field "$k" per_sec)$(notes "$k") | $(field "$k" p50_ms) / $(field "$k" p99_ms) | $(ratio "$(field "$k" per_sec)" "$(field "$f" per_sec)") |"
    done
fi
