#!/usr/bin/env bash
# dev.sh -- the one entry point: installs what is missing (Debian 12; as
# root, or with sudo), builds, and runs.
#   bash dev.sh demo    release build; runs the connector queries and the
#                       ingestion charts over the bundled sample export
#                       (tables on stdout, the charts as SVG in build/)
#   bash dev.sh test    sanitizer build (-Werror, ASan, UBSan); every test
#   bash dev.sh bench [ROWS]  release build; parser and engine benchmarks
#                       (bench/corpus.sh DIR for a corpus, bench/load.sh for loading)
#   bash dev.sh fuzz [parse|prepare|json|run] [SECONDS]   clang/libFuzzer build and run
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PKGS=(build-essential meson ninja-build re2c lemon pkg-config python3 libedit-dev
      libxxhash-dev libcmocka-dev libpcre2-dev)
FUZZ_PKGS=(clang-14 libclang-rt-14-dev)

ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup() { # setup DIR [meson options...]
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >/dev/null
    fi
    ninja -C "$dir" >/dev/null
}

case "${1:-demo}" in
demo)
    ensure_packages "${PKGS[@]}"
    setup build
    now=$(cat examples/data/NOW)
    # The connector checks and the ingestion chart of MISSION.md over the
    # bundled sample export, with now() pinned to the sample's reference time.
    for q in defender_for_iot_alerts defender_for_cloud_alerts defender_for_identity_alerts \
             m365_defender_incidents alerts_by_product suspicious_powershell \
             incident_ingestion_chart device_events_chart; do
        echo "== examples/$q.kql"
        case $q in
        *_alerts|m365_*) build/tools/kqlite --now "$now" --format table examples/data 2>/dev/null \
                             -q "$(cat "examples/$q.kql") | count" ;;
        *_chart) build/tools/kqlite --now "$now" --format table --chart "build/$q.svg" examples/data \
                     -f "examples/$q.kql" 2>/dev/null && echo "(chart: build/$q.svg)" ;;
        *) build/tools/kqlite --now "$now" --format table examples/data -f "examples/$q.kql" 2>/dev/null ;;
        esac
    done
    ;;
test)
    ensure_packages "${PKGS[@]}"
    setup build-test -Dbuildtype=debug -Doptimization=1 -Dwerror=true \
        -Db_sanitize=address,undefined \
        -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all
    status=0
    meson test -C build-test --print-errorlogs >build-test/meson-test.out 2>&1 || status=$?
    grep -E '^ *[0-9]+/[0-9]+ ' build-test/meson-test.out | awk '!seen[$0]++' || true
    python3 tests/summarize.py build-test/meson-logs/testlog.json || status=1
    exit "$status"
    ;;
bench)
    ensure_packages "${PKGS[@]}"
    setup build
    build/bench/bench_parse examples/*.kql tests/queries/*.kql
    # the engine: Q1..Q5 of issue 5 on 1M generated rows a table (and on
    # DuckDB when `cd bench && npm install --no-save @duckdb/node-api` ran)
    bash bench/query.sh "${2:-1000000}" build
    ;;
fuzz)
    target=${2:-parse}
    seconds=${3:-600}
    ensure_packages "${PKGS[@]}" "${FUZZ_PKGS[@]}"
    CC=clang-14 setup build-fuzz -Dfuzz=true -Dtests=false -Dbench=false \
        -Dbuildtype=debug -Doptimization=1 -Db_lundef=false \
        -Db_sanitize=address,undefined
    case "$target" in
    parse|prepare) seeds=fuzz/corpus/parse dict=(-dict=fuzz/kql.dict) ;;
    run) seeds=fuzz/corpus/run dict=(-dict=fuzz/kql.dict) ;;
    json) seeds=fuzz/corpus/json dict=() ;;
    *) echo "usage: bash dev.sh fuzz parse|prepare|json|run [SECONDS]" >&2; exit 2 ;;
    esac
    mkdir -p "build-fuzz/corpus-$target"
    "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=8192 \
        -artifact_prefix=fuzz/ "${dict[@]}" "build-fuzz/corpus-$target" "$seeds"
    ;;
*)
    echo "usage: bash dev.sh demo|test|bench|fuzz [parse|prepare|json] [SECONDS]" >&2
    exit 2
    ;;
esac
