package main

import (
	"fmt"
	"testing"
)

// dropped lists the dropped segments of a demo --json run as "from
// flags seq", in order.
func dropped(lines []map[string]any) []string {
	var out []string
	for _, l := range lines {
		if l["kind"] == "segment" && l["wire"] == "dropped" {
			out = append(out, fmt.Sprintf("%v %v %v", l["from"], l["flags"], l["seq"]))
		}
	}
	return out
}

// Free play: --loss with a seed runs the homework on the lossy wire, each
// dropped packet is marked in --json ("wire":"dropped") and retransmitted,
// and the same seed drops the same first packet again. (The seed fixes the
// decision for the n-th packet the wire sees; after a loss, timers decide
// the order of the two ends' packets, so later drops may fall elsewhere.)
func TestDemoLossWithASeedDropsTheSamePacketsAndMarksThemInJSON(t *testing.T) {
	needRoot(t)
	args := []string{"--loss", "0.2", "--seed", "7"}
	first, stderr, err := demoJSON(t, nil, nil, args...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if first[0]["kind"] != "source" || first[0]["capture"] != "lossy wire" {
		t.Fatalf("first line %v, want the source line naming the lossy wire", first[0])
	}
	drops := dropped(first)
	if len(drops) == 0 {
		t.Fatalf("seed 7 at 20%% loss dropped nothing")
	}
	var retrans int
	for _, l := range first {
		if a, ok := l["analysis"].([]any); ok {
			for _, x := range a {
				if x == "retransmission" || x == "fast_retransmission" {
					retrans++
				}
			}
		}
	}
	if retrans == 0 {
		t.Errorf("%d dropped packets and no retransmission marked", len(drops))
	}
	again, stderr, err := demoJSON(t, nil, nil, args...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if got := dropped(again); len(got) == 0 || got[0] != drops[0] {
		t.Errorf("seed 7 dropped %v first, then %v: the same seed must drop the same first packet", drops, got)
	}
}

// --seed alone changes nothing on loopback: said in one line, not ignored.
func TestDemoSeedWithoutLossOrAWireScenarioIsRefused(t *testing.T) {
	code, _, stderr := runArgs("demo", "--json", "--seed", "3")
	if code != 1 || stderr == "" {
		t.Errorf("status %d, stderr %q: want 1 and one line", code, stderr)
	}
}

// The program knows its refused scenario's port has no listener: the SYN's
// arrival leaves the server CLOSED, as the kernel has it, instead of a
// SYN-RECEIVED corrected at the RST.
func TestDemoRefusedShowsTheServerClosedFromTheSYN(t *testing.T) {
	needRoot(t)
	lines, stderr, err := demoJSON(t, nil, nil, "--scenario", "refused")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var segs []map[string]any
	for _, l := range lines {
		if l["kind"] == "segment" {
			segs = append(segs, l)
		}
	}
	if len(segs) != 2 {
		t.Fatalf("%d segments, want SYN and RST", len(segs))
	}
	for i, want := range [][2]string{{"SYN-SENT", "CLOSED"}, {"CLOSED", "CLOSED"}} {
		if got := [2]string{fmt.Sprint(segs[i]["client_state"]), fmt.Sprint(segs[i]["server_state"])}; got != want {
			t.Errorf("segment %d: client/server %v, want %v", i+1, got, want)
		}
	}
}
