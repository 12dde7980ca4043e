#!/usr/bin/env bash
# compare.sh: time `handshake-viz analyze` against `tshark -q -z conv,tcp`
# and `tcptrace -n` on synthetic captures (cmd/synthcap), alternating the
# tools run by run (each round starts one tool later, so that no tool
# always runs right after the slowest; every run starts with the capture
# in the page cache), and print medians of wall and CPU time with the peak
# RSS; then handshake-viz's peak RSS as the capture grows (1x, 4x, 16x,
# piped from synthcap so nothing large touches the disk), on a SYN scan and
# on 1,000,000 DNS-like UDP flows.
#
# Usage: cmd/synthcap/compare.sh [-n CONNS] [-N CONNS] [-s CONNS] [-r RUNS]
#   -n CONNS  connections of the tshark capture (default 60000; 19 packets each)
#   -N CONNS  connections of the tcptrace capture (default 100000; 11 packets
#             each: -exchanges 1 -request-len 10 -response-len 10)
#   -s CONNS  connections of the 1x scale capture (default 37500: 16x is the
#             600,000-connection capture of the issue)
#   -r RUNS   alternated runs per tool (default 5)
#   -only PART  run one part only: A (tshark), B (tcptrace) or scale (RSS)
# Environment: HANDSHAKE_VIZ=PATH times that binary instead of building
# ./cmd/handshake-viz.
#
# Installs tshark, tcptrace and /usr/bin/time from Debian's packages when
# missing (needs root or sudo). Everything it builds and writes lives in a
# temporary directory removed on exit. Exits non-zero if any step fails.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

conns=60000
tconns=100000
scale=37500
runs=5
only=
while (($#)); do
	case $1 in
	-n) conns=${2:?-n needs a count}; shift 2 ;;
	-N) tconns=${2:?-N needs a count}; shift 2 ;;
	-s) scale=${2:?-s needs a count}; shift 2 ;;
	-r) runs=${2:?-r needs a count}; shift 2 ;;
	-only) only=${2:?-only needs A, B or scale}; shift 2 ;;
	-h | --help) sed -n '2,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

case $only in
'' | A | B | scale) ;;
*) echo "compare.sh: -only takes A, B or scale, not '$only'" >&2; exit 2 ;;
esac
# part NAME: whether to run part NAME (A, B or scale).
part() { [[ -z $only || $only == "$1" ]]; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() {
	echo "compare.sh: $*" >&2
	exit 1
}

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to install packages: run as root or install tshark, tcptrace and time first"
	fi
}

install_tools() {
	local missing=()
	command -v tshark >/dev/null || missing+=(tshark)
	command -v tcptrace >/dev/null || missing+=(tcptrace)
	[[ -x /usr/bin/time ]] || missing+=(time)
	((${#missing[@]})) || return 0
	echo "installing ${missing[*]} from Debian's packages..."
	echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
	local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}")
	if ! as_root "${install[@]}" >"$tmp/apt.log" 2>&1; then
		as_root apt-get update -q >>"$tmp/apt.log" 2>&1 || true
		as_root "${install[@]}" >>"$tmp/apt.log" 2>&1 || {
			tail -20 "$tmp/apt.log" >&2
			die "installing ${missing[*]} failed (log above)"
		}
	fi
}

# measure NAME FILE CMD...: one run of CMD, which reads FILE; appends
# "wall cpu rss_kib" to $tmp/NAME. FILE is read through first, untimed, so
# that every run of every tool starts with it in the page cache (a kernel
# that reclaims cold page cache, as DAMON does on the development VM, would
# otherwise make some runs read the disk). The wall time is taken from
# $EPOCHREALTIME (microseconds), /usr/bin/time's only to 10 ms.
measure() {
	local name=$1 file=$2 t0 t1
	shift 2
	cat "$file" >/dev/null
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%U %S %M' -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/stderr" || {
		cat "$tmp/stderr" >&2
		die "failed: $*"
	}
	t1=$EPOCHREALTIME
	awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
		'{ printf "%.3f %.3f %d\n", w, $1 + $2, $3 }' "$tmp/time.txt" >>"$tmp/$name"
}

# median COLUMN FILE
median() {
	sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row NAME: median wall, median CPU, max RSS of the runs of NAME.
row() {
	local rss
	rss=$(sort -n -k3,3 "$tmp/$1" | tail -1 | awk '{ printf "%.1f", $3 / 1024 }')
	printf "%-26s %10s %10s %12s\n" "$1" "$(median 1 "$tmp/$1")" "$(median 2 "$tmp/$1")" "$rss"
}

header() { printf "%-26s %10s %10s %12s\n" tool "wall s" "CPU s" "peak RSS MiB"; }

ratio() { # label slow fast: medians of wall and of CPU time
	awk -v l="$1" -v s="$(median 1 "$tmp/$2")" -v f="$(median 1 "$tmp/$3")" \
		-v sc="$(median 2 "$tmp/$2")" -v fc="$(median 2 "$tmp/$3")" \
		'BEGIN { printf "%s: %.1fx (median wall), %.1fx (median CPU)\n", l, s / f, sc / fc }'
}

install_tools
command -v go >/dev/null || die "go is not on PATH: install Go to build the tools"
echo "building synthcap..."
(cd "$root" && go build -o "$tmp/synthcap" ./cmd/synthcap) || die "building cmd/synthcap failed"
hv=$tmp/handshake-viz
if [[ -n ${HANDSHAKE_VIZ:-} ]]; then
	hv=$HANDSHAKE_VIZ
	[[ -x $hv ]] || die "HANDSHAKE_VIZ=$hv is not an executable file"
else
	echo "building handshake-viz (CGO_ENABLED=0, as .ci/run builds it)..."
	(cd "$root" && CGO_ENABLED=0 go build -o "$hv" ./cmd/handshake-viz) || die "building cmd/handshake-viz failed"
fi
small=(-exchanges 1 -request-len 10 -response-len 10)

echo
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go:      $(go version)"
echo "tshark:  $(tshark --version 2>/dev/null | head -1)"
echo "tcptrace: $(tcptrace -v 2>&1 | head -1)"
echo "runs:    $runs per tool, alternated, each round starting one tool later (A B C, B C A, C A B, ...)"

# 1. tshark, on the default synthetic capture.
if part A; then
a=$tmp/a.pcap
"$tmp/synthcap" -o "$a" -connections "$conns" >/dev/null
sync
found=$(tshark -r "$a" -q -z conv,tcp 2>/dev/null | grep -c '<->' || true)
[[ $found == "$conns" ]] || die "tshark found $found TCP conversations, want $conns"
echo
echo "capture A: synthcap -connections $conns ($(stat -c %s "$a") bytes)"
run_a() {
	case $1 in
	0) measure "analyze --json" "$a" "$hv" analyze --json "$a" ;;
	1) measure "analyze (table)" "$a" "$hv" analyze "$a" ;;
	2) measure "tshark -q -z conv,tcp" "$a" tshark -r "$a" -q -z conv,tcp ;;
	esac
}
for ((i = 0; i < runs; i++)); do
	for ((j = 0; j < 3; j++)); do run_a $(((i + j) % 3)); done
done
header
row "analyze --json"
row "analyze (table)"
row "tshark -q -z conv,tcp"
ratio "tshark / analyze --json" "tshark -q -z conv,tcp" "analyze --json"
ratio "table / --json" "analyze (table)" "analyze --json"
rm -f "$a"
fi

# 2. tcptrace, on the small-exchange capture.
if part B; then
b=$tmp/b.pcap
"$tmp/synthcap" -o "$b" -connections "$tconns" "${small[@]}" >/dev/null
sync
echo
echo "capture B: synthcap -connections $tconns ${small[*]} ($(stat -c %s "$b") bytes)"
run_b() {
	case $1 in
	0) measure "analyze --json " "$b" "$hv" analyze --json "$b" ;;
	1) measure "analyze --ndjson" "$b" "$hv" analyze --ndjson "$b" ;;
	2) measure "analyze (table) " "$b" "$hv" analyze "$b" ;;
	3) measure "tcptrace -n" "$b" tcptrace -n "$b" ;;
	esac
}
for ((i = 0; i < runs; i++)); do
	for ((j = 0; j < 4; j++)); do run_b $(((i + j) % 4)); done
done
header
row "analyze --json "
row "analyze --ndjson"
row "analyze (table) "
row "tcptrace -n"
ratio "tcptrace / analyze --json" "tcptrace -n" "analyze --json "
rm -f "$b"
fi

# 3. Peak RSS as the capture grows, and on a scan.
part scale || exit 0
echo
echo "peak RSS of analyze --json, capture piped from synthcap ${small[*]}:"
printf "%-8s %12s %14s %12s\n" size connections "wall s" "peak RSS MiB"
for k in 1 4 16; do
	n=$((scale * k))
	"$tmp/synthcap" -o - -connections "$n" "${small[@]}" 2>/dev/null |
		/usr/bin/time -f '%e %M' -o "$tmp/time.txt" "$hv" analyze --json - >/dev/null
	awk -v k="${k}x" -v n="$n" '{ printf "%-8s %12d %14.2f %12.1f\n", k, n, $1, $2 / 1024 }' "$tmp/time.txt"
done
"$tmp/synthcap" -o - -scan 540000 2>/dev/null |
	/usr/bin/time -f '%e %M' -o "$tmp/time.txt" "$hv" analyze --json - >/dev/null
awk '{ printf "%-8s %12s %14.2f %12.1f\n", "scan", "540000 SYNs", $1, $2 / 1024 }' "$tmp/time.txt"
"$tmp/synthcap" -o - -udp 1000000 2>/dev/null |
	/usr/bin/time -f '%e %M' -o "$tmp/time.txt" "$hv" analyze --json - >/dev/null
awk '{ printf "%-8s %12s %14.2f %12.1f\n", "udp", "1000000 UDP", $1, $2 / 1024 }' "$tmp/time.txt"
