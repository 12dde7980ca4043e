//go:build linux

package capture

import (
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// After waitStamped, a loopback datagram read 5 ms after it was sent
// carries the time it arrived, not the time it was read.
func TestWaitStampedReturnsOnceLoopbackPacketsAreStampedOnArrival(t *testing.T) {
	if err := waitStamped(); err != nil {
		t.Fatalf("waitStamped: %v", err)
	}
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1) }); err != nil || serr != nil {
		t.Fatalf("SO_TIMESTAMPNS: %v %v", err, serr)
	}
	for i := range 5 {
		sent := time.Now()
		if _, err := c.WriteToUDP([]byte{byte(i)}, c.LocalAddr().(*net.UDPAddr)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		buf, oob := make([]byte, 1), make([]byte, 64)
		_, oobn, _, _, err := c.ReadMsgUDP(buf, oob)
		if err != nil {
			t.Fatal(err)
		}
		at, ok := cmsgTime(oob[:oobn])
		if !ok {
			t.Fatalf("datagram %d has no SCM_TIMESTAMPNS", i)
		}
		if d := at.Sub(sent); d < 0 || d >= 4*time.Millisecond {
			t.Errorf("datagram %d stamped %v after it was sent, want less than 4ms (read after 5ms)", i, d)
		}
	}
}
