package narrate

// enScenariosWire holds the texts of the scenarios that run through the
// lossy wire (session/exchange's wireScenarios) and the narration of a
// segment the wire dropped.
var enScenariosWire = map[Key]string{
	"note.dropped":                       "The wire drops this [%[13]s] segment: it never arrives. The %[5]s sent it and is %[8]s; the %[6]s knows nothing of it and stays %[9]s. What carries sequence numbers (data, SYN, FIN) the %[5]s sends again when its retransmission timer runs out, or sooner after duplicate ACKs; a lost pure ACK is not resent by itself: the peer's retransmission draws a new one.",
	"scenario.lost-syn.line":             "The client's first SYN is lost on the wire: it sends it again after about a second, then the handshake completes.",
	"scenario.lost-syn.notice":           "Notice the two SYNs with the same sequence number about 1 s apart: the first retransmission timeout (RTO) of a SYN is 1 s, because nothing is known yet about the round-trip time. The server stays LISTEN until the second SYN arrives.",
	"scenario.lost-synack.line":          "The server's SYN-ACK is lost: the client stays SYN-SENT until a SYN-ACK comes again.",
	"scenario.lost-synack.notice":        "Notice that both ends have a timer: the client re-sends its SYN and the server its SYN-ACK, each after about 1 s; the server was SYN-RECEIVED all along, holding only a small request socket (SYN queue).",
	"scenario.lost-ack.line":             "The third ACK of the handshake is lost: the client is ESTABLISHED and sends data while the server is still SYN-RECEIVED.",
	"scenario.lost-ack.notice":           "Notice that nothing is re-sent: the client's first data segment carries the same acknowledgment, and its arrival completes the handshake, so the server is ESTABLISHED and accept() returns only then. The handshake is three segments, but the third need not arrive on its own.",
	"scenario.lost-data.line":            "One segment of a burst of data is lost: the receiver sends duplicate ACKs with SACK blocks, and the sender retransmits fast.",
	"scenario.lost-data.notice":          "Notice the duplicate ACKs: each segment after the hole is acknowledged with the same number (the first missing byte), and SACK says which blocks did arrive; the sender retransmits the lost segment within a millisecond (fast retransmit), without waiting for its 200 ms timer.",
	"scenario.lost-fin.line":             "The client's FIN is lost: it stays FIN-WAIT-1 and sends the FIN again; the server is ESTABLISHED until then.",
	"scenario.lost-fin.notice":           "Notice that a FIN takes a sequence number and is retransmitted like data (after about 200 ms here); the server cannot know the client closed until a FIN arrives.",
	"scenario.lost-final-ack.line":       "The last ACK of the close is lost: the server, in LAST-ACK, sends its FIN again, and the client, in TIME-WAIT, ACKs it again.",
	"scenario.lost-final-ack.notice":     "Notice the FIN sent twice: this is why the side that closes first waits in TIME-WAIT (2*MSL) instead of going away at once; if it had gone, the repeated FIN would have been answered with an RST.",
	"scenario.filtered.line":             "A filter drops every SYN: the client re-sends it with growing intervals, then connect fails with ETIMEDOUT.",
	"scenario.filtered.notice":           "Notice the silence: no SYN-ACK and no RST (compare refused, which answers at once). Linux re-sends the first SYNs at 1 s intervals, then doubles; TCP_SYNCNT (--syn-retries) sets how many times before ETIMEDOUT.",
	"scenario.simultaneous-open.line":    "Both ends connect to each other at once and their SYNs cross: each is SYN-RECEIVED, each sends a SYN-ACK, and no one listens.",
	"scenario.simultaneous-open.notice":  "Notice four segments instead of three: SYN, SYN, SYN-ACK, SYN-ACK. RFC 9293 allows it (figure 8); there is no server and no accept(), and both connect() calls succeed.",
	"scenario.simultaneous-close.line":   "Both ends close at once and their FINs cross: each receives a FIN in FIN-WAIT-1 and goes through CLOSING to TIME-WAIT.",
	"scenario.simultaneous-close.notice": "Notice CLOSING, a state the usual four-way close never shows, and that both ends end in TIME-WAIT, since both closed actively.",
}
