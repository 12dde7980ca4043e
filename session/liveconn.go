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
