package procs

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
)

// Process is a process that owns a socket.
type Process struct {
	PID  int
	Name string // its comm: the executable's base name, at most 15 bytes
}

// Known reports whether p names a process.
func (p Process) Known() bool { return p.PID > 0 }

// Conn is a connection to look up by its two ends.
type Conn struct {
	A, B netip.AddrPort
}

// Found is the owner of a connection's socket: Local says which end is
// local (A first: when both are, as on loopback, the owner of A's socket).
type Found struct {
	Process Process
	LocalA  bool // the socket is A's end (else B's)
}

// Table looks sockets up in a /proc tree.
type Table struct {
	root   string             // "/proc", or a test tree
	cache  map[uint64]procFD  // socket inode -> where it was last seen
	names  map[int]string     // PID -> comm, for the processes seen
	inode  map[sockKey]uint64 // the /proc/net/tcp{,6} read of this Lookup, when sock_diag is not available
	diag   *sockdiag.Conn     // NETLINK_SOCK_DIAG, opened at the first Lookup
	noDiag bool               // the kernel does not answer sock_diag: read /proc/net/tcp
	uids   map[uint32]bool    // this Lookup: the uids of the sockets looked for
	anyUID bool               // this Lookup: a socket's uid is unknown
}

// procFD is a descriptor of a process.
type procFD struct {
	pid int
	fd  string
}

// sockKey is a socket by its local and remote ends.
type sockKey struct {
	local, remote netip.AddrPort
}

// New returns a Table reading /proc.
func New() *Table { return NewAt("/proc") }

// NewAt returns a Table reading the /proc tree at root (tests).
func NewAt(root string) *Table {
	return &Table{root: root, cache: map[uint64]procFD{}, names: map[int]string{}}
}

// Lookup finds the owners of conns, in order; an owner not found is a
// zero Found. It reads the socket tables once and walks the processes at
// most once.
func (t *Table) Lookup(conns []Conn) []Found {
	out := make([]Found, len(conns))
	t.inode = nil
	type want struct {
		inode  uint64
		localA bool
	}
	wants := make([]want, len(conns))
	missing := map[uint64]bool{}
	t.uids = map[uint32]bool{}
	t.anyUID = false
	for i, c := range conns {
		w := want{}
		a, b := unmap(c.A), unmap(c.B)
		if ino := t.find(a, b); ino != 0 {
			w = want{ino, true}
		} else if ino := t.find(b, a); ino != 0 {
			w = want{ino, false}
		}
		wants[i] = w
		if w.inode != 0 && !t.stillAt(w.inode) {
			missing[w.inode] = true
		}
	}
	if len(missing) > 0 {
		t.walk(missing)
		if len(missing) > 0 && !t.anyUID {
			// A socket passed to another user's process (a server's
			// worker after setuid): look everywhere.
			t.anyUID = true
			t.walk(missing)
		}
	}
	for i, w := range wants {
		if w.inode == 0 {
			continue
		}
		if at, ok := t.cache[w.inode]; ok {
			out[i] = Found{Process: Process{PID: at.pid, Name: t.name(at.pid)}, LocalA: w.localA}
		}
	}
	return out
}

// find returns the inode of the socket with these ends, 0 when none: by
// sock_diag when the kernel answers it, else from /proc/net/tcp{,6}
// (read once per Lookup).
func (t *Table) find(local, remote netip.AddrPort) uint64 {
	if t.diag == nil && !t.noDiag && t.root == "/proc" {
		d, err := sockdiag.Open()
		if err != nil {
			t.noDiag = true
		} else {
			t.diag = d
		}
	}
	if t.diag != nil {
		s, ok, err := t.diag.Find(local, remote)
		if err == nil {
			if ok && s.Inode != 0 {
				t.uids[s.UID] = true
				return s.Inode
			}
			return 0
		}
		t.diag.Close()
		t.diag, t.noDiag = nil, true
	}
	if t.inode == nil {
		t.inode = t.readSockets()
	}
	t.anyUID = true // /proc/net/tcp's uid column is not read: walk every process
	return t.inode[sockKey{local, remote}]
}

// Close releases the kernel socket the Table asks through.
func (t *Table) Close() {
	if t.diag != nil {
		t.diag.Close()
		t.diag = nil
	}
}

// stillAt reports whether the cached descriptor of inode still holds it.
func (t *Table) stillAt(inode uint64) bool {
	at, ok := t.cache[inode]
	if !ok {
		return false
	}
	link, err := os.Readlink(filepath.Join(t.root, strconv.Itoa(at.pid), "fd", at.fd))
	if err == nil && link == socketLink(inode) {
		return true
	}
	delete(t.cache, inode)
	return false
}

func socketLink(inode uint64) string { return "socket:[" + strconv.FormatUint(inode, 10) + "]" }

// walk looks for the inodes in every process's descriptors, until all
// are found.
func (t *Table) walk(missing map[uint64]bool) {
	dirs, err := os.ReadDir(t.root)
	if err != nil {
		return
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid <= 0 {
			continue
		}
		// A socket's owner runs as the socket's uid, as a rule (sockets
		// passed to another user's process are the exception): skip the
		// processes of other users without reading their descriptors.
		if !t.anyUID {
			if uid, ok := ownerUID(d); ok && !t.uids[uid] {
				continue
			}
		}
		fdDir := filepath.Join(t.root, d.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue // gone, or not ours to inspect
		}
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(link[len("socket:["):], "]"), 10, 64)
			if err != nil || !missing[ino] {
				continue
			}
			t.cache[ino] = procFD{pid: pid, fd: fd.Name()}
			delete(t.names, pid) // a new socket: read its name afresh
			delete(missing, ino)
			if len(missing) == 0 {
				return
			}
		}
	}
}

// name is the comm of pid, read once per socket found.
func (t *Table) name(pid int) string {
	if n, ok := t.names[pid]; ok {
		return n
	}
	b, err := os.ReadFile(filepath.Join(t.root, strconv.Itoa(pid), "comm"))
	if err != nil {
		return ""
	}
	n := strings.TrimSpace(string(b))
	t.names[pid] = n
	return n
}

// readSockets reads the TCP socket tables of IPv4 and IPv6.
func (t *Table) readSockets() map[sockKey]uint64 {
	m := map[sockKey]uint64{}
	for _, name := range []string{"tcp", "tcp6"} {
		f, err := os.Open(filepath.Join(t.root, "net", name))
		if err != nil {
			continue
		}
		_ = parseSockets(f, m)
		f.Close()
	}
	return m
}

// parseSockets adds the sockets of one /proc/net/tcp{,6} table to m:
// "sl local rem st tx:rx tr:when retrnsmt uid timeout inode …".
func parseSockets(r io.Reader, m map[sockKey]uint64) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue // header
		}
		fs := strings.Fields(sc.Text())
		if len(fs) < 10 {
			continue
		}
		local, err1 := parseHexAddr(fs[1])
		remote, err2 := parseHexAddr(fs[2])
		inode, err3 := strconv.ParseUint(fs[9], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || inode == 0 {
			continue
		}
		m[sockKey{unmap(local), unmap(remote)}] = inode
	}
	return sc.Err()
}

var errBadAddr = errors.New("bad /proc/net/tcp address")

// parseHexAddr reads "0100007F:1F90" (IPv4) or 32 hex digits then a port
// (IPv6): the address as the kernel's 32-bit words, each printed as a
// number in the machine's byte order.
func parseHexAddr(s string) (netip.AddrPort, error) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return netip.AddrPort{}, errBadAddr
	}
	port, err := strconv.ParseUint(s[i+1:], 16, 16)
	if err != nil {
		return netip.AddrPort{}, errBadAddr
	}
	raw, err := hex.DecodeString(s[:i])
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, errBadAddr
	}
	// Each 32-bit word was printed as a host-order number: put its bytes
	// back in memory (network) order.
	for w := 0; w < len(raw); w += 4 {
		v := binary.BigEndian.Uint32(raw[w:])
		binary.NativeEndian.PutUint32(raw[w:], v)
	}
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr, uint16(port)), nil
}

// unmap turns an IPv4-mapped IPv6 end (a dual-stack socket) into IPv4, as
// the wire shows it.
func unmap(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
