package narrate

import "github.com/handshake-viz/handshake-viz/session"

// ExplainCall returns the narration of a socket call event (Kind ==
// KindCall) in lang: what the call waits for, or what its return means.
// Calls with a sentence of their own (connect, accept, close, shutdown,
// recv returning 0) say why they returned when they did; the others say
// the call and its result.
func ExplainCall(lang Lang, ev *session.Event) string {
	c := &ev.Call
	side := Text(lang, roleKey(c.Side))
	name := c.Call.String()
	if ev.StreamKind() == session.KindDatagram {
		// A UDP socket: no handshake, no FIN, no end of stream.
		switch {
		case c.Phase == session.CallEnter && c.Call == session.CallClose:
			return Text(lang, "call.close.enter.udp", side)
		case c.Phase == session.CallEnter:
			return Text(lang, "call.enter", side, name)
		case c.Result != "" && c.Result != "ok":
			return Text(lang, "call.return.err", side, name, c.Result)
		case c.Call == session.CallSend || c.Call == session.CallRecv:
			return Text(lang, "call.return.bytes", side, name, c.Bytes)
		}
		return Text(lang, "call.return.ok", side, name)
	}
	if c.Phase == session.CallEnter {
		switch c.Call {
		case session.CallConnect, session.CallAccept:
			// Only the client connects and only the server accepts: the
			// sentence names its end itself.
			return Text(lang, Key("call."+name+".enter"))
		case session.CallClose, session.CallShutdown:
			return Text(lang, Key("call."+name+".enter"), side)
		}
		return Text(lang, "call.enter", side, name)
	}
	ok := c.Result == "" || c.Result == "ok"
	switch {
	case c.Call == session.CallRecv && c.Result == "ECONNRESET":
		return Text(lang, "call.return.reset", side)
	case !ok:
		return Text(lang, "call.return.err", side, name, c.Result)
	case c.Call == session.CallConnect || c.Call == session.CallAccept:
		return Text(lang, Key("call."+name+".return"))
	case c.Call == session.CallRecv && c.Bytes == 0:
		return Text(lang, "call.return.eof", side)
	case c.Call == session.CallSend || c.Call == session.CallRecv:
		return Text(lang, "call.return.bytes", side, name, c.Bytes)
	}
	return Text(lang, "call.return.ok", side, name)
}
