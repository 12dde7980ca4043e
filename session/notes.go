package session

// Narration keys: the tracker picks one NoteID per event; package narrate
// holds the sentences (English and Chinese) under the key NoteID.Key returns.
const (
	NoteNone             NoteID = iota // no narration
	NoteSYN                            // handshake 1/3: client's SYN
	NoteSYNRetransmit                  // a SYN sent again with the same ISN
	NoteSimultaneousOpen               // both ends sent a SYN (simultaneous open)
	NoteSYNACK                         // handshake 2/3: server's SYN+ACK
	NoteSYNACKRetransmit               // a SYN+ACK sent again
	NoteHandshakeACK                   // handshake 3/3: the ACK that completes it
	NoteData                           // data segment
	NoteDataACK                        // data that also acknowledges new bytes from the peer
	NotePureACK                        // acknowledgment without data
	NoteFirstFIN                       // first FIN: active close begins
	NoteFINACKed                       // ACK of the first FIN (FIN-WAIT-2 / CLOSE-WAIT)
	NoteSecondFIN                      // the passive side's FIN (LAST-ACK)
	NoteFINACK3Way                     // FIN that also acknowledges the first FIN (3-way close)
	NoteSimultaneousFIN                // second FIN that crosses the first (simultaneous close)
	NoteFinalACK                       // ACK of the last FIN: TIME-WAIT
	NoteClosingACK                     // ACK that moves a CLOSING end to TIME-WAIT
	NoteHalfCloseData                  // data sent after the peer's FIN (half-close)
	NoteRST                            // reset: connection aborted
	NoteRefused                        // SYN answered by RST: connection refused
	NoteRetransmission                 // bytes (or SYN/FIN) sent again
	NoteOutOfOrder                     // segment arriving before earlier bytes
	NoteDupACK                         // duplicate acknowledgment
	NoteWindowUpdate                   // receive window changed, nothing else
	NoteZeroWindow                     // receiver's buffer is full
	NoteKeepAlive                      // keep-alive probe
	NoteMidStream                      // first packet captured without a handshake
	NoteSegment                        // any other segment
	NoteDatagram                       // a UDP datagram
	// Appended after the first ones, so earlier numbers stay.
	NoteSYNNoListener      // a SYN to a port known to have no listener
	NoteRefusedKnown       // RST answering a SYN to a port known to have no listener
	NoteRSTIgnored         // an RST that RFC 9293 drops (SYN-SENT, no or wrong ACK)
	NoteSimultaneousSYNACK // simultaneous open: a SYN+ACK acknowledging the crossed SYN
	NoteRSTToListen        // an RST returning an end in SYN-RECEIVED (from LISTEN) to LISTEN
	NoteRSTStale           // an RST when both ends are already closed
	NoteRSTInClose         // an RST after a FIN: the close is cut short
	NoteDropped            // a segment the lossy wire dropped: sent, never arrived
	noteCount
)

var noteKeys = [...]string{
	NoteNone:             "note.none",
	NoteSYN:              "note.syn",
	NoteSYNRetransmit:    "note.syn_retransmit",
	NoteSimultaneousOpen: "note.simultaneous_open",
	NoteSYNACK:           "note.synack",
	NoteSYNACKRetransmit: "note.synack_retransmit",
	NoteHandshakeACK:     "note.handshake_ack",
	NoteData:             "note.data",
	NoteDataACK:          "note.data_ack",
	NotePureACK:          "note.ack",
	NoteFirstFIN:         "note.fin_first",
	NoteFINACKed:         "note.fin_acked",
	NoteSecondFIN:        "note.fin_second",
	NoteFINACK3Way:       "note.fin_ack_3way",
	NoteSimultaneousFIN:  "note.fin_simultaneous",
	NoteFinalACK:         "note.final_ack",
	NoteClosingACK:       "note.closing_ack",
	NoteHalfCloseData:    "note.half_close_data",
	NoteRST:              "note.rst",
	NoteRefused:          "note.refused",
	NoteRetransmission:   "note.retransmission",
	NoteOutOfOrder:       "note.out_of_order",
	NoteDupACK:           "note.dup_ack",
	NoteWindowUpdate:     "note.window_update",
	NoteZeroWindow:       "note.zero_window",
	NoteKeepAlive:        "note.keep_alive",
	NoteMidStream:        "note.mid_stream",
	NoteSegment:          "note.segment",
	NoteDatagram:         "note.datagram",

	NoteSYNNoListener:      "note.syn_no_listener",
	NoteRefusedKnown:       "note.refused_known",
	NoteRSTIgnored:         "note.rst_ignored",
	NoteSimultaneousSYNACK: "note.synack_simultaneous",
	NoteRSTToListen:        "note.rst_listen",
	NoteRSTStale:           "note.rst_stale",
	NoteRSTInClose:         "note.rst_in_close",
	NoteDropped:            "note.dropped",
}

// Key returns the message-catalog key of the note, e.g. "note.syn".
// Package narrate converts it to its Key type (session cannot import narrate).
func (n NoteID) Key() string {
	if int(n) < len(noteKeys) && noteKeys[n] != "" {
		return noteKeys[n]
	}
	return "note.unknown"
}

// String returns the catalog key; it makes NoteIDs readable in test output.
func (n NoteID) String() string { return n.Key() }

// AllNotes returns every NoteID the tracker can produce (NoteNone excluded),
// so catalogs can be checked for completeness.
func AllNotes() []NoteID {
	out := make([]NoteID, 0, noteCount-1)
	for n := NoteNone + 1; n < noteCount; n++ {
		out = append(out, n)
	}
	return out
}
