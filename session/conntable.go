package session

// connTable is the Tracker's table of live IPv4 connections: open
// addressing with linear probing, keyed by the packed v4Key. A lookup
// that misses (every new connection's SYN) returns where the key goes, so
// that opening a connection costs one probe, not two as with a Go map; a
// connection knows its slot (conn.slot4), so releasing it probes nothing.
// Deleted slots become tombstones, turned back into empty slots when the
// next slot is empty, and dropped by a rehash.
type connTable struct {
	slots []connSlot // len is a power of two (or 0)
	live  int        // slots holding a connection
	used  int        // live + tombstones
	shift uint8      // 64 - log2(len(slots))
	tomb  *conn      // the tombstone marker: never a live connection
	// changes counts removals and rehashes: a slot find returned is
	// valid while it stays the same.
	changes uint64
}

type connSlot struct {
	key v4Key
	c   *conn // nil: empty; tomb: deleted
}

// connTableMin is the smallest table (slots).
const connTableMin = 1024

func (t *connTable) hash(k v4Key) uint64 {
	h := k.lo*0x9e3779b97f4a7c15 ^ k.hi*0xc2b2ae3d27d4eb4f
	h ^= h >> 29
	return h * 0x165667b19e3779f9
}

// find returns the connection of k, or nil and the slot where k would be
// inserted (insert needs it; any change to the table invalidates it).
func (t *connTable) find(k v4Key) (*conn, int) {
	if len(t.slots) == 0 {
		t.resize(connTableMin)
	}
	mask := len(t.slots) - 1
	free := -1
	for i := int(t.hash(k) >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch {
		case s.c == nil:
			if free < 0 {
				free = i
			}
			return nil, free
		case s.c == t.tomb:
			if free < 0 {
				free = i
			}
		case s.key == k:
			return s.c, i
		}
	}
}

// insert puts c under k at slot i, which find(k) just returned.
func (t *connTable) insert(i int, k v4Key, c *conn) {
	s := &t.slots[i]
	if s.c == nil {
		t.used++
	}
	*s = connSlot{key: k, c: c}
	c.slot4 = int32(i)
	t.live++
	if t.used*4 > len(t.slots)*3 {
		n := len(t.slots)
		if t.live*2 > n {
			n *= 2
		}
		t.resize(n)
	}
}

// remove deletes the connection at slot i (c.slot4).
func (t *connTable) remove(i int) {
	mask := len(t.slots) - 1
	t.live--
	t.changes++
	if t.slots[(i+1)&mask].c != nil {
		t.slots[i] = connSlot{c: t.tomb}
		return
	}
	// Nothing probes past an empty slot: this one and the tombstones
	// before it can be empty too.
	for t.slots[i] = (connSlot{}); ; t.slots[i] = (connSlot{}) {
		t.used--
		i = (i - 1) & mask
		if t.slots[i].c != t.tomb {
			return
		}
	}
}

// resize rehashes the live connections into n slots (a power of two).
func (t *connTable) resize(n int) {
	if t.tomb == nil {
		t.tomb = new(conn)
	}
	t.changes++
	old := t.slots
	t.slots = make([]connSlot, n)
	t.shift = uint8(64 - log2(n))
	t.live, t.used = 0, 0
	mask := n - 1
	for _, s := range old {
		if s.c == nil || s.c == t.tomb {
			continue
		}
		i := int(t.hash(s.key) >> t.shift)
		for t.slots[i].c != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		s.c.slot4 = int32(i)
		t.live++
		t.used++
	}
}

// len is the number of connections in the table.
func (t *connTable) len() int { return t.live }

func log2(n int) int {
	k := 0
	for n > 1 {
		n >>= 1
		k++
	}
	return k
}
