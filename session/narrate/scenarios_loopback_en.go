package narrate

// enScenariosLoopback holds the one-line description and the "what to
// notice" line of each scenario that runs on plain loopback
// (session/exchange, library_loopback.go).
var enScenariosLoopback = map[Key]string{
	"scenario.refused.line":   "connect to a port nobody listens on: SYN, RST, ECONNREFUSED",
	"scenario.refused.notice": "The kernel itself answers the SYN with RST+ACK: no program is involved, and connect() fails with ECONNREFUSED at once, with no retries.",

	"scenario.abort.line":   "close with SO_LINGER 0: an RST instead of FIN, the peer's recv gets ECONNRESET",
	"scenario.abort.notice": "No FIN and no TIME-WAIT: the RST throws the connection away on both ends at once, and the peer learns it as ECONNRESET from its next recv().",

	"scenario.half-close.line":   "shutdown(SHUT_WR): the client stops sending, the server keeps sending, then closes",
	"scenario.half-close.notice": "After the client's FIN the connection is half open: the server, in CLOSE-WAIT, still sends data and the client, in FIN-WAIT-2, still acknowledges it.",

	"scenario.server-first.line":   "the server closes first: the server's end waits in TIME-WAIT",
	"scenario.server-first.notice": "TIME-WAIT belongs to whoever sends the first FIN, client or server: here it is the server's socket that waits 60 s.",

	"scenario.fin3.line":   "a three-way close: the server's FIN carries its ACK of the client's FIN",
	"scenario.fin3.notice": "Linux holds the ACK of a FIN back (delayed ACK); the server closes right away, so FIN, FIN+ACK, ACK: three segments instead of four.",

	"scenario.time-wait.line":   "TIME-WAIT counting down in the kernel, then the same 4-tuple connected again",
	"scenario.time-wait.notice": "sock_diag shows the client's socket in TIME-WAIT with its 60 s timer running; a connect from the same bound port takes the 4-tuple over at once (TCP timestamps tell the two connections apart), its ISN 65537 above the old one.",

	"scenario.close-wait.line":   "the server reads the FIN and never closes: CLOSE-WAIT stays",
	"scenario.close-wait.notice": "The kernel acknowledged the FIN, but only the application can send its own: until it calls close(), the socket stays in CLOSE-WAIT, as `ss -tan` shows on a server that leaks sockets.",

	"scenario.backlog.line":   "listen backlog 1 and no accept: the third client's SYN is dropped and sent again",
	"scenario.backlog.notice": "Linux queues backlog+1 finished handshakes; with the queue full it drops a new SYN without a word (no RST), and the client sends it again a second later (Linux 6.7+ keeps 1 s between its first four retries, then doubles), until the server accepts.",

	"scenario.framing.line":   "粘包: three writes arrive as one read",
	"scenario.framing.notice": "Each send() went out as its own segment, yet one recv() returns all their bytes: TCP delivers a byte stream, not messages, so the receiver needs a delimiter (the homework's ##) or a length to find where each message ends.",

	"scenario.nagle.line":   "small writes with TCP_NODELAY, then with Nagle's algorithm against a delayed ACK",
	"scenario.nagle.notice": "With TCP_NODELAY every one-byte send() is a segment; with Nagle only one small segment may be unacknowledged, and the receiver's delayed ACK (40 ms) holds the rest back until they leave together.",

	"scenario.zero-window.line":   "the receiver stops reading: window 0, persist probes, window update",
	"scenario.zero-window.notice": "A full receive buffer advertises window 0 and the sender stops; its persist timer probes the window (Linux sends an empty segment one below the next sequence number, which Wireshark calls a keep-alive) with growing gaps, until a read opens the window again.",

	"scenario.keepalive.line":   "keep-alive with 1 s timers: the kernel probes an idle connection, the peer ACKs",
	"scenario.keepalive.notice": "Neither program does anything: after TCP_KEEPIDLE of silence the kernel sends an empty segment one below its next sequence number, the peer must answer with an ACK, and again every TCP_KEEPINTVL (Linux's defaults: 2 h and 75 s).",

	"scenario.bulk.line":   "2 MB in one send(): window scaling, a growing window, ACKs of several segments",
	"scenario.bulk.notice": "The 16-bit window field says at most 64 KB, so the SYNs agree on a scale factor; the receiver's window grows as its kernel tunes the buffer, and one ACK often covers two or more segments (delayed ACK).",

	"scenario.ipv6.line":   "the homework on ::1: the same exchange over IPv6",
	"scenario.ipv6.notice": "TCP does not change: the same segments and states; only the network layer does — a 40-byte IPv6 header with no checksum, and 128-bit addresses.",

	"scenario.udp.line":   "the same messages over UDP: no handshake, no ACKs, no close",
	"scenario.udp.notice": "The first datagram already carries data, nothing is acknowledged (a lost datagram is simply gone), and close() sends nothing: the server never learns that the client left.",

	"scenario.tcp-vs-udp.line":   "the same messages over TCP, then over UDP, to one port number",
	"scenario.tcp-vs-udp.notice": "TCP needs 17 segments (handshake, an ACK for each message and echo, a four-way close), UDP 5 datagrams, the messages alone; TCP and UDP ports are separate, so both sockets use the same number.",
}
