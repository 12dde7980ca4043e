#!/usr/bin/env bash
# compare.sh: time `handshake-viz analyze --json` against `tshark -z conv,tcp`
# on the synthetic benchmark capture (cmd/synthcap) and print a table of
# seconds, packets/s and peak RSS, with the speed ratio.
#
# Usage: cmd/synthcap/compare.sh [-n CONNECTIONS] [--tshark-only]
#   -n CONNECTIONS  connections in the capture (default 60000: 1.14M packets)
#   --tshark-only   skip handshake-viz (checks the capture and the tshark half)
# Environment: HANDSHAKE_VIZ=PATH times that binary instead of building
# ./cmd/handshake-viz.
#
# Installs tshark and /usr/bin/time from Debian's packages when missing
# (needs root or sudo). Everything it builds and writes lives in a temporary
# directory that is removed on exit. Exits non-zero if any step fails.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(...) stops the script too
export LC_ALL=C # a '.' decimal point in EPOCHREALTIME and awk

connections=60000
tshark_only=false
while (($#)); do
	case $1 in
	-n)
		connections=${2:?-n needs a connection count}
		shift 2
		;;
	--tshark-only)
		tshark_only=true
		shift
		;;
	-h | --help)
		sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0
		;;
	*)
		echo "compare.sh: unknown argument '$1' (see --help)" >&2
		exit 2
		;;
	esac
done

HV_RUNS=9
TSHARK_RUNS=3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() {
	echo "compare.sh: $*" >&2
	exit 1
}

# as_root runs a command as root, through sudo when needed.
as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to install packages: run as root or install tshark and time first"
	fi
}

install_tools() {
	local missing=()
	command -v tshark >/dev/null || missing+=(tshark)
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

# seconds_of CMD...: runs CMD with stdout to /dev/null and prints its wall time.
seconds_of() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$tmp/stderr" || {
		cat "$tmp/stderr" >&2
		die "failed: $*"
	}
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# best_of N CMD...: the smallest wall time of N runs.
best_of() {
	local n=$1 best="" s i
	shift
	for ((i = 0; i < n; i++)); do
		s=$(seconds_of "$@")
		if [[ -z $best ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then
			best=$s
		fi
	done
	echo "$best"
}

# peak_rss_mib CMD...: peak resident set size of one run, in MiB.
peak_rss_mib() {
	/usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/stderr" || {
		cat "$tmp/stderr" "$tmp/time.txt" >&2
		die "failed under /usr/bin/time: $*"
	}
	awk -F: '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024; found = 1 }
		END { exit !found }' "$tmp/time.txt" || die "no peak RSS in /usr/bin/time -v output"
}

row() { # tool seconds rss
	awk -v t="$1" -v s="$2" -v r="$3" -v p="$packets" \
		'BEGIN { printf "%-15s %9.3f %13.0f %13.1f\n", t, s, p / s, r }'
}

install_tools
command -v go >/dev/null || die "go is not on PATH: install Go to build the tools"

echo "building synthcap..."
(cd "$root" && go build -o "$tmp/synthcap" ./cmd/synthcap) || die "building cmd/synthcap failed"
hv=$tmp/handshake-viz
if [[ -n ${HANDSHAKE_VIZ:-} ]]; then
	hv=$HANDSHAKE_VIZ
	[[ -x $hv ]] || die "HANDSHAKE_VIZ=$hv is not an executable file"
elif ! $tshark_only; then
	echo "building handshake-viz..."
	(cd "$root" && go build -o "$hv" ./cmd/handshake-viz) || die "building cmd/handshake-viz failed"
fi

pcap=$tmp/bench.pcap
summary=$("$tmp/synthcap" -o "$pcap" -connections "$connections") || die "synthcap failed"
# Let the kernel write the new file back now, not while the tools are timed.
sync
echo "$summary"
packets=$(awk '{ print $2 }' <<<"$summary")
[[ $packets =~ ^[0-9]+$ ]] || die "cannot read the packet count from synthcap's output: $summary"

echo
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "go:      $(go version)"
echo "tshark:  $(tshark --version 2>/dev/null | head -1)"
$tshark_only || echo "handshake-viz: $hv"
echo "capture: $connections connections, $packets packets, $(stat -c %s "$pcap") bytes"
echo

if ! $tshark_only; then
	json=$tmp/analyze.json
	"$hv" analyze --json "$pcap" >"$json" || die "handshake-viz analyze --json failed"
	got=$(grep -o -m1 '"packets": *[0-9]*' "$json" | head -1 | grep -o '[0-9]*$' || true)
	if [[ -n $got && $got != "$packets" ]]; then
		die "handshake-viz counted $got packets, the capture has $packets"
	fi
	hv_s=$(best_of "$HV_RUNS" "$hv" analyze --json "$pcap")
	hv_rss=$(peak_rss_mib "$hv" analyze --json "$pcap")
fi

conversations=$(tshark -r "$pcap" -q -z conv,tcp 2>/dev/null | grep -c '<->' || true)
[[ $conversations == "$connections" ]] || die "tshark found $conversations TCP conversations, want $connections"
ts_s=$(best_of "$TSHARK_RUNS" tshark -r "$pcap" -q -z conv,tcp)
ts_rss=$(peak_rss_mib tshark -r "$pcap" -q -z conv,tcp)

printf "%-15s %9s %13s %13s\n" tool seconds packets/s "peak RSS MiB"
if ! $tshark_only; then
	row handshake-viz "$hv_s" "$hv_rss"
fi
row tshark "$ts_s" "$ts_rss"
if ! $tshark_only; then
	awk -v t="$ts_s" -v h="$hv_s" 'BEGIN { printf "speed ratio tshark/handshake-viz: %.1fx\n", t / h }'
fi
