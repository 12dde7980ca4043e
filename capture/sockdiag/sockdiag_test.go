package sockdiag

import (
	"net/netip"
	"testing"
)

func TestLiveDropsTheBoundCLOSEDEntryBesideATimeWait(t *testing.T) {
	a, b := netip.MustParseAddrPort("10.0.0.1:5000"), netip.MustParseAddrPort("10.0.0.2:6000")
	c := netip.MustParseAddrPort("10.0.0.1:5001")
	got := Live([]Socket{{Local: a, Remote: b, State: Close}, {Local: a, Remote: b, State: TimeWait}, {Local: c, Remote: b, State: Close}})
	if len(got) != 2 || got[0].State != TimeWait || got[1].Local != c {
		t.Errorf("Live: %v, want the TIME-WAIT entry and the lone CLOSED one", got)
	}
}
