//go:build linux

package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/capture/filter"
)

// liveInterface is where a packet socket listens and how it reads.
type liveInterface struct {
	index    int  // 0: every interface (AnyInterface)
	loopback bool // a loopback interface: every packet is seen twice
	cooked   bool // read as SOCK_DGRAM, framed as Linux SLL2
	// loIndexes are the loopback interfaces of an AnyInterface capture,
	// whose outgoing copies the filter drops.
	loIndexes []int
}

// ARPHRD hardware types of the interfaces read with their link header.
const (
	arphrdEther    = 1
	arphrdLoopback = 772
)

// resolveInterface finds the interface name and how to read it.
func resolveInterface(name string) (liveInterface, error) {
	if name == AnyInterface {
		li := liveInterface{cooked: true}
		intfs, err := net.Interfaces()
		if err != nil {
			return li, fmt.Errorf("live capture on %s: list interfaces: %w", name, err)
		}
		for _, i := range intfs {
			if i.Flags&net.FlagLoopback != 0 {
				li.loIndexes = append(li.loIndexes, i.Index)
			}
		}
		return li, nil
	}
	intf, err := net.InterfaceByName(name)
	if err != nil {
		return liveInterface{}, fmt.Errorf("live capture on %s: %w (list interfaces with `ip link`, or use -i any)", name, err)
	}
	li := liveInterface{index: intf.Index, loopback: intf.Flags&net.FlagLoopback != 0}
	switch hardwareType(name) {
	case arphrdEther, arphrdLoopback:
	default:
		li.cooked = true
	}
	return li, nil
}

// hardwareType is the interface's ARPHRD type from sysfs, -1 when unknown
// (then it is read cooked, which works for every link).
func hardwareType(name string) int {
	b, err := os.ReadFile("/sys/class/net/" + name + "/type")
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return -1
	}
	return n
}

// liveFilter is the kernel program of a capture: cfg.Filter compiled for
// the socket's view of a packet (Ethernet, or the network header when
// cooked), or the port filter; loopback copies dropped.
func liveFilter(cfg LiveConfig, intf liveInterface) ([]bpf.RawInstruction, error) {
	if cfg.Filter == nil && !intf.cooked {
		return BuildFilter(cfg.Port, intf.loopback)
	}
	expr := cfg.Filter
	if expr == nil {
		src := "tcp or udp"
		if cfg.Port != 0 {
			src = fmt.Sprintf("port %d", cfg.Port)
		}
		var err error
		if expr, err = filter.Parse(src); err != nil {
			return nil, err
		}
	}
	// A SOCK_DGRAM socket's filter sees the packet from its network
	// header: raw IP.
	link := layers.LinkTypeEthernet
	if intf.cooked {
		link = layers.LinkTypeRaw
	}
	f, err := expr.Compile(link, filter.Options{DropOutgoing: intf.loopback})
	if err != nil {
		return nil, err
	}
	prog := append(loopbackDedup(intf.loIndexes), f.Instructions()...)
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("filter %q: assemble: %w", expr, err)
	}
	return raw, nil
}

// loopbackDedup is the prologue of an AnyInterface program: the outgoing
// copy of a packet on a loopback interface is dropped (the incoming copy
// follows), every other packet goes on to the filter that follows.
func loopbackDedup(loIndexes []int) []bpf.Instruction {
	var p []bpf.Instruction
	for _, lo := range loIndexes {
		p = append(p,
			bpf.LoadExtension{Num: bpf.ExtInterfaceIndex},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(lo), SkipFalse: 3},
			bpf.LoadExtension{Num: bpf.ExtType},
			bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: packetOutgoing, SkipTrue: 1},
			bpf.RetConstant{Val: filterDrop},
		)
	}
	return p
}

// sll2HeaderLen is the length of a Linux SLL2 header.
const sll2HeaderLen = 20

// putSLL2 writes the SLL2 header of a cooked packet from its sender
// address: protocol, reserved, interface index, ARPHRD type, packet type,
// address length and up to 8 address bytes, as libpcap does for -i any.
func putSLL2(h []byte, from *unix.RawSockaddrLinklayer) {
	// sll_protocol is in network byte order in memory already.
	pr := (*[2]byte)(unsafe.Pointer(&from.Protocol))
	h[0], h[1] = pr[0], pr[1]
	h[2], h[3] = 0, 0
	binary.BigEndian.PutUint32(h[4:8], uint32(from.Ifindex))
	binary.BigEndian.PutUint16(h[8:10], from.Hatype)
	h[10] = from.Pkttype
	h[11] = min(from.Halen, 8)
	copy(h[12:20], from.Addr[:])
}

// DefaultInterface is the interface of the default route (the lowest
// metric one in /proc/net/route), as tcpdump picks none but a person
// expects: the one the machine's traffic leaves through.
func DefaultInterface() (string, error) {
	f, err := os.Open("/proc/net/route")
	if err != nil {
		return "", fmt.Errorf("find the default route: %w (name an interface with -i, see `ip link`)", err)
	}
	defer f.Close()
	return defaultRoute(f)
}

// defaultRoute reads a /proc/net/route table.
func defaultRoute(f io.Reader) (string, error) {
	const rtfUp = 0x1
	best, bestMetric := "", -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		// Iface Destination Gateway Flags RefCnt Use Metric Mask …
		if len(fs) < 8 || fs[1] != "00000000" || fs[7] != "00000000" {
			continue
		}
		flags, err1 := strconv.ParseUint(fs[3], 16, 32)
		metric, err2 := strconv.Atoi(fs[6])
		if err1 != nil || err2 != nil || flags&rtfUp == 0 {
			continue
		}
		if bestMetric < 0 || metric < bestMetric {
			best, bestMetric = fs[0], metric
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read /proc/net/route: %w", err)
	}
	if best == "" {
		return "", errors.New("this machine has no default route: name an interface with -i (see `ip link`), lo for loopback, or -i any")
	}
	return best, nil
}
