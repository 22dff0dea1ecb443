#!/usr/bin/env bash
# Live mode at scale, against the simulated API server serving the 30,000-pod
# synthetic cluster (1,000 nodes, 3,000 Deployments, 500 namespaces):
#
#  1. `kready check` on the live cluster: start to the first complete
#     evaluation (connect, discovery, every kind listed, checks, report).
#     Target < 5 s.
#  2. The console, idle after its sync (60 s): CPU (target < 2% of one
#     core), bytes written to the terminal (target 0/s), and requests other
#     than open watches (target: none but the pod-metrics poll).
#  3. A change (kubectl apply of a ConfigMap) until the console shows it.
#     Target < 1 s.
#  4. A soak under the simulator's mutation driver at 200 changes/s for
#     SOAK seconds (default 600): CPU (target < 25% of one core) and RSS
#     (target < 500 MB, flat), sampled every 10 s and printed as a curve.
#
#   benches/live.sh [DIR]         # DIR: the generated cluster (made if absent)
#   SOAK=120 benches/live.sh      # a shorter soak
#
# Needs tmux and kubectl; builds the release binaries first.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-${TMPDIR:-/tmp}/kready-e2e-cluster}
SOAK=${SOAK:-600}
RATE=${RATE:-200}
IDLE=${IDLE:-60}

cargo build --release --quiet --bin kready --example sim-apiserver --example gen_cluster
KREADY=$PWD/target/release/kready
SIM=$PWD/target/release/examples/sim-apiserver
if [ ! -d "$DIR" ] || [ -z "$(ls -A "$DIR" 2>/dev/null)" ]; then
    target/release/examples/gen_cluster --nodes 1000 --pods 30000 --deployments 3000 \
        --namespaces 500 --seed 1 --out "$DIR"
fi
WORK=$(mktemp -d)
SESSION=kready-live-bench-$$
SIM_PID=
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
export HOME=$WORK   # no user kubeconfig or config is read

# Starts the simulator with extra flags; waits until it serves.
start_sim() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null || true
    rm -f "$WORK/requests.jsonl"
    "$SIM" --snapshot "$DIR" --port 0 --kubeconfig-out "$WORK/kubeconfig" \
        --request-log "$WORK/requests.jsonl" "$@" >"$WORK/sim.out" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 600); do
        grep -q '^http' "$WORK/sim.out" 2>/dev/null && return
        sleep 0.1
    done
    echo "the simulator did not start:" >&2
    cat "$WORK/sim.out" >&2
    exit 1
}

# CPU seconds (user + system) the process has used so far.
cpu_secs() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}
rss_mb() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}
screen() { tmux capture-pane -p -t "$SESSION"; }
# Opens the console; prints its pid once its header says every kind synced.
console() {
    tmux new-session -d -s "$SESSION" -x 160 -y 48 \
        "'$KREADY' --kubeconfig '$WORK/kubeconfig' 2>'$WORK/console.err'; sleep 600"
    local start=$(date +%s.%N)
    for _ in $(seq 1200); do
        if screen | grep -q 'live:sim · synced'; then
            echo "console: synced $(echo "$(date +%s.%N) - $start" | bc) s after start" >&2
            pgrep -n -f "$KREADY --kubeconfig" && return
        fi
        sleep 0.1
    done
    echo "the console did not sync:" >&2
    screen >&2
    exit 1
}
objects() { screen | grep -o 'objects [0-9]*' | head -1 | awk '{ print $2 }'; }

echo "== 1. kready check on the live cluster"
start_sim
/usr/bin/time -f "wall %e s, max RSS %M KB" "$KREADY" check --kubeconfig "$WORK/kubeconfig" \
    --format json >/dev/null 2>"$WORK/check.err" || true
tail -1 "$WORK/check.err"

echo "== 2. the console, idle after its sync (${IDLE} s)"
PID=$(console)
sleep 5 # the first evaluations after the sync
BYTES="$WORK/terminal.bytes"
tmux pipe-pane -t "$SESSION" "cat > '$BYTES'"
before_cpu=$(cpu_secs "$PID")
lines_before=$(wc -l <"$WORK/requests.jsonl")
sleep "$IDLE"
after_cpu=$(cpu_secs "$PID")
tmux pipe-pane -t "$SESSION"
echo "idle CPU: $(echo "scale=2; 100 * ($after_cpu - $before_cpu) / $IDLE" | bc)% of one core;" \
    "terminal: $(stat -c %s "$BYTES") bytes in ${IDLE} s; RSS $(rss_mb "$PID") MB"
echo "requests while idle, other than watches (the pod-metrics poll is expected):"
tail -n +"$((lines_before + 1))" "$WORK/requests.jsonl" |
    grep -v '"watch":true' | grep -o '"path":"[^"?]*' | sort | uniq -c || echo "  none"

echo "== 3. a change until the console shows it"
n=$(objects)
start=$(date +%s%N)
kubectl --kubeconfig "$WORK/kubeconfig" create -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: bench-arrived, namespace: default}
data: {k: v}
EOF
for _ in $(seq 500); do
    [ "$(objects)" != "$n" ] && break
    sleep 0.01
done
echo "visible after $(( ($(date +%s%N) - start) / 1000000 )) ms (objects $n -> $(objects))"
tmux kill-session -t "$SESSION"

echo "== 4. soak: $RATE changes/s for $SOAK s"
start_sim --mutate-rate "$RATE"
PID=$(console)
t0=$(cpu_secs "$PID")
echo "  t(s)  cpu%(last 10 s)  rss(MB)"
prev=$t0
for t in $(seq 10 10 "$SOAK"); do
    sleep 10
    now=$(cpu_secs "$PID")
    printf "  %4d  %14.1f  %7s\n" "$t" "$(echo "10 * ($now - $prev)" | bc)" "$(rss_mb "$PID")"
    prev=$now
done
echo "soak: average CPU $(echo "scale=1; 100 * ($prev - $t0) / $SOAK" | bc)% of one core," \
    "RSS at the end $(rss_mb "$PID") MB"
