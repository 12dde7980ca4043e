package narrate

import "github.com/handshake-viz/handshake-viz/session"

// Explain returns the plain-words sentence for one event in lang, with the
// numbers of the event filled in (see the argument list in notes.go). info
// names the connection or flow the event belongs to.
// NoteNone explains nothing: the result is "".
func Explain(lang Lang, ev *session.Event, info session.StreamInfo) string {
	if ev.Note == session.NoteNone {
		return ""
	}
	seg := &ev.Seg
	sender, receiver := roleKey(ev.From), roleKey(1-ev.From)
	from, to := seg.SrcEndpoint().String(), seg.DstEndpoint().String()
	if ev.Kind == session.KindDatagram && info.Client.IsValid() {
		// A UDP flow has no client and server: name the endpoints.
		if ev.From == session.FromServer {
			from, to = info.Server.String(), info.Client.String()
		} else {
			from, to = info.Client.String(), info.Server.String()
		}
	}
	senderState, receiverState := ev.Client, ev.Server
	if ev.From == session.FromServer {
		senderState, receiverState = ev.Server, ev.Client
	}
	space := seg.SeqSpace()
	return Text(lang, Key(ev.Note.Key()),
		seg.Seq, seg.Ack, ev.RelSeq, ev.RelAck, seg.PayloadLen,
		seg.Seq+space, ev.RelSeq+space,
		Text(lang, sender), Text(lang, receiver),
		seg.Window, senderState.String(), receiverState.String(),
		from, to, seg.SrcPort, seg.Flags.String(),
	)
}

func roleKey(d session.Dir) Key {
	if d == session.FromServer {
		return "note.role.server"
	}
	return "note.role.client"
}
