#!/bin/sh
# soak.sh: the long-run soak of README "Reliability".
#
#   1. demo --clients $CLIENTS --json (live, needs root), its resident
#      memory sampled every $EVERY seconds; the NDJSON is counted (one
#      summary line per client) and thrown away;
#   2. BenchmarkSoakOpenStdin: `open -`'s live catalog fed $CONNS synthetic
#      connections, with a ladder screen drawn on a simulation screen,
#      printing RSS, what is held and the UI's frame times at every tenth.
#
# Usage: scripts/soak.sh            (CLIENTS=10000 CONNS=2000000 EVERY=1)
#        CLIENTS=2000 CONNS=200000 scripts/soak.sh
set -eu
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-10000}
CONNS=${CONNS:-2000000}
EVERY=${EVERY:-1}
BIN=${BIN:-/tmp/hv-soak}
OUT=${OUT:-$(mktemp -d)}
echo "soak: $(uname -srm), $(nproc) cores, $(go version | cut -d' ' -f3); output in $OUT"
CGO_ENABLED=0 go build -o "$BIN" ./cmd/handshake-viz

if [ "$(id -u)" = 0 ]; then
	echo "== demo --clients $CLIENTS --json: seconds, RSS MiB, peak MiB"
	"$BIN" demo --clients "$CLIENTS" --json >"$OUT/demo.ndjson" 2>"$OUT/demo.err" &
	pid=$!
	t=0
	while kill -0 "$pid" 2>/dev/null; do
		awk -v t="$t" '/VmRSS/{r=$2} /VmHWM/{h=$2} END{if (r) printf "%6d %8.1f %8.1f\n", t, r/1024, h/1024}' "/proc/$pid/status" 2>/dev/null || true
		sleep "$EVERY"
		t=$((t + EVERY))
	done
	wait "$pid" || { echo "demo failed:"; cat "$OUT/demo.err"; exit 1; }
	lines=$(wc -l <"$OUT/demo.ndjson")
	sums=$(grep -c '"kind":"summary"' "$OUT/demo.ndjson" || true)
	echo "demo: $lines NDJSON lines, $sums connection summaries (want $CLIENTS)"
	[ "$sums" = "$CLIENTS" ] || exit 1
else
	echo "== demo soak skipped: a live demo of $CLIENTS clients needs root (CAP_NET_RAW)"
fi

echo "== open - on $CONNS synthetic connections"
go test ./cmd/handshake-viz -run XXX -bench SoakOpenStdin -benchtime 1x -soak.connections "$CONNS"
