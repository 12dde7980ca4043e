package narrate

// enScenariosWire holds the texts of the scenarios that run through the
// lossy wire (session/exchange's wireScenarios) and the narration of a
// segment the wire dropped.
var enScenariosWire = map[Key]string{
	"note.dropped": "The wire drops this [%[13]s] segment: it never arrives. The %[5]s sent it and is %[8]s; the %[6]s knows nothing of it and stays %[9]s. What carries sequence numbers (data, SYN, FIN) the %[5]s sends again when its retransmission timer runs out, or sooner after duplicate ACKs; a lost pure ACK is not resent by itself: the peer's retransmission draws a new one.",
}
