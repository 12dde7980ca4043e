package session

// LiveConn is what a live capture knows now of one TCP stream: the state
// of both ends after its latest segment and, when one of its ends is a
// socket of this machine, the process that owns it (looked up again while
// the connection lives).
type LiveConn struct {
	Client, Server State
	PID            int    // 0 when no local process is known
	Process        string // the process's name (comm)
	ServerSide     bool   // the process owns the server's end (else the client's)
}

// LiveConns is what a live capture knows now of its TCP streams, by
// index from First: a capture that never ends stops following its oldest
// finished streams (they are no longer listed), so Conns holds streams
// First…First+len(Conns)-1.
type LiveConns struct {
	First int
	Conns []LiveConn
}

// At returns stream i's, false when it is not followed (before First,
// or not seen yet).
func (l LiveConns) At(i int) (*LiveConn, bool) {
	if i < l.First || i-l.First >= len(l.Conns) {
		return nil, false
	}
	return &l.Conns[i-l.First], true
}

// Len is the number of TCP streams seen: First + len(Conns).
func (l LiveConns) Len() int { return l.First + len(l.Conns) }
