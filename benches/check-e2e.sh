#!/usr/bin/env bash
# End-to-end scale check: `kready check --snapshot DIR --format json` on a
# generated cluster of 1,000 nodes / 30,000 pods / 3,000 Deployments /
# 500 namespaces. Target: under 2 s wall and 600 MB peak RSS.
#
#   benches/check-e2e.sh [DIR]
#   FORMAT=yaml benches/check-e2e.sh [DIR]
#
# FORMAT=yaml writes the same cluster as YAML Lists (`kubectl get -o yaml`);
# its target is under 2x the JSON wall time (4 s) and 800 MB.
# DIR (default: $TMPDIR/kready-e2e-cluster, -yaml for YAML) is generated when
# it has no snapshot yet. Environment: NODES, PODS, DEPLOYMENTS, NAMESPACES,
# SEED to change the size; RUNS (default 3) repetitions; CARGO_TARGET_DIR as
# usual.
# Exit status 1 when the best run misses a target (NO_FAIL=1 to only report).
set -euo pipefail

cd "$(dirname "$0")/.."
NODES=${NODES:-1000}
PODS=${PODS:-30000}
DEPLOYMENTS=${DEPLOYMENTS:-3000}
NAMESPACES=${NAMESPACES:-500}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
FORMAT=${FORMAT:-json}
case $FORMAT in
json)
    WALL_TARGET=${WALL_TARGET:-2.0}
    RSS_TARGET_MB=${RSS_TARGET_MB:-600}
    DIR=${1:-${TMPDIR:-/tmp}/kready-e2e-cluster}
    ;;
yaml)
    WALL_TARGET=${WALL_TARGET:-4.0}
    RSS_TARGET_MB=${RSS_TARGET_MB:-800}
    DIR=${1:-${TMPDIR:-/tmp}/kready-e2e-cluster-yaml}
    ;;
*)
    echo "check-e2e: FORMAT is json or yaml, not $FORMAT" >&2
    exit 2
    ;;
esac
TARGET_DIR=${CARGO_TARGET_DIR:-target}

if [[ ! -x /usr/bin/time ]]; then
    echo "check-e2e: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

cargo build --release --bin kready --example gen_cluster

stamp="$DIR/.gen-$FORMAT-$NODES-$PODS-$DEPLOYMENTS-$NAMESPACES-$SEED"
if [[ ! -e "$stamp" ]]; then
    rm -rf "$DIR"
    "$TARGET_DIR/release/examples/gen_cluster" --nodes "$NODES" --pods "$PODS" \
        --deployments "$DEPLOYMENTS" --namespaces "$NAMESPACES" --seed "$SEED" \
        --format "$FORMAT" --out "$DIR"
    touch "$stamp"
fi
echo "snapshot: $DIR ($(du -sh "$DIR" | cut -f1))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (other work on the machine skews wall time)"

best_wall=""
best_rss=""
for run in $(seq 1 "$RUNS"); do
    log=$(mktemp)
    status=0
    /usr/bin/time -v "$TARGET_DIR/release/kready" check --snapshot "$DIR" --format json \
        >/dev/null 2>"$log" || status=$?
    # 0: clean, 1: findings at or above --fail-on (expected here); 2: error.
    if [[ $status -gt 1 ]]; then
        cat "$log" >&2
        exit 2
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    rss_mb=$((rss_kb / 1024))
    printf 'run %d: wall %.2f s  user %s s  sys %s s  max RSS %d MB  (exit %d)\n' \
        "$run" "$wall" "$user" "$sys" "$rss_mb" "$status"
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then
        best_wall=$wall
    fi
    if [[ -z $best_rss ]] || ((rss_mb < best_rss)); then
        best_rss=$rss_mb
    fi
    rm -f "$log"
done

ok=1
awk -v a="$best_wall" -v t="$WALL_TARGET" 'BEGIN {exit !(a < t)}' || ok=0
((best_rss < RSS_TARGET_MB)) || ok=0
printf 'best: wall %.2f s (target < %s s), max RSS %d MB (target < %d MB): %s\n' \
    "$best_wall" "$WALL_TARGET" "$best_rss" "$RSS_TARGET_MB" "$([[ $ok == 1 ]] && echo PASS || echo MISS)"
[[ $ok == 1 || ${NO_FAIL:-0} == 1 ]]
