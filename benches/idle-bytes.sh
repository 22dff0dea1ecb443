#!/bin/sh
# Idle test: runs the console on a pseudo-terminal with nothing changing
# (`--demo --no-replay`) and, after the first frame has settled, counts the
# bytes it writes to the terminal and how often its threads wake up (the
# voluntary context switches of every thread, from /proc/PID/task/*/status).
# The target is 0 for both: an idle console must not redraw, and must sleep
# until a key, a signal or a source event arrives.
#
#   benches/idle-bytes.sh [BINARY] [SECONDS]
#
# BINARY defaults to $CARGO_TARGET_DIR/release/kready, else …/debug/kready
# (target/ when CARGO_TARGET_DIR is unset); SECONDS defaults to 10.
# Needs `script` (util-linux) and Linux's /proc. Prints `idle bytes: N in
# S s` and `idle wake-ups: W in S s` with the count per thread, and exits 1
# when N > 0 or W > 0.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
bin=${1:-}
if [ -z "$bin" ]; then
    if [ -x "$target/release/kready" ]; then bin=$target/release/kready; else bin=$target/debug/kready; fi
fi
secs=${2:-10}
[ -x "$bin" ] || { echo "idle-bytes: no binary at $bin (cargo build first)" >&2; exit 2; }
command -v script >/dev/null || { echo "idle-bytes: needs script(1) from util-linux" >&2; exit 2; }

work=$(mktemp -d)
out=$work/typescript
feeder=
cleanup() {
    [ -n "$feeder" ] && kill "$feeder" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# script's stdin must stay open (EOF would end the session): a fifo that a
# sleeping writer holds open. HOME and XDG dirs point into the scratch dir so
# no user config or theme is read and the log lands there.
mkfifo "$work/in"
sleep $((secs + 120)) > "$work/in" &
feeder=$!
HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data NO_COLOR= \
    script -q -f -c "stty rows 48 cols 160; exec '$bin' --demo --no-replay" "$out" \
    < "$work/in" > /dev/null 2>&1 &
pid=$!

size() { wc -c < "$out" 2>/dev/null || echo 0; }

# The console's process: script's child (the shell that exec'd kready).
console_pid() { pgrep -P "$pid" | head -n 1; }
# One line per thread: `TID NAME VOLUNTARY_SWITCHES`.
switches() {
    for status in /proc/"$kpid"/task/*/status; do
        awk -v tid="$(basename "$(dirname "$status")")" \
            '/^Name:/ { sub(/^Name:[ \t]*/, ""); gsub(/ /, "_"); name = $0 } /^voluntary_ctxt_switches:/ { print tid, name, $2 }' "$status"
    done
}

# The first frame: wait for the tab bar, then until nothing is written for 2 s.
waited=0
until grep -q "Readiness" "$out" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1))
    if [ $waited -gt 600 ]; then echo "idle-bytes: no first frame after 120 s" >&2; kill "$pid"; exit 2; fi
done
last=$(size)
while :; do
    sleep 2
    now=$(size)
    [ "$now" = "$last" ] && break
    last=$now
done
echo "first frame: $last bytes"

kpid=$(console_pid)
[ -n "$kpid" ] || { echo "idle-bytes: the console's process is gone" >&2; exit 2; }
switches > "$work/before"
sleep "$secs"
switches > "$work/after"
after=$(size)
idle=$((after - last))
echo "idle bytes: $idle in $secs s"
# Threads are matched by id; one that started during the window counts from 0.
wakeups=$(awk 'NR == FNR { seen[$1] = $3; next }
    { n = $3 - seen[$1]; total += n; detail = detail sprintf(" %s(%s)=%d", $2, $1, n) }
    END { printf "%d in '"$secs"' s;%s", total, detail }' "$work/before" "$work/after")
echo "idle wake-ups: $wakeups"

# Quit the way a user does (the restore sequences come after the count).
printf q > "$work/in"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$pid" 2>/dev/null && echo "idle-bytes: q did not quit; stopped script" >&2
wait "$pid" 2>/dev/null || true
[ "$idle" -eq 0 ] && [ "${wakeups%% *}" -eq 0 ]
