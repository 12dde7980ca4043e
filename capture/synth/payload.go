package synth

import "strconv"

// payloads builds HTTP/1.1 messages of exact lengths into reused buffers.
// A length too short for the headers gets filler bytes instead, which
// Wireshark shows as HTTP continuation data (not as malformed).
type payloads struct {
	reqLen, respLen int
	req, resp       []byte
}

func newPayloads(reqLen, respLen int) payloads {
	return payloads{
		reqLen:  reqLen,
		respLen: respLen,
		req:     make([]byte, 0, reqLen+64),
		resp:    make([]byte, 0, respLen+64),
	}
}

// request returns exchange k's request of connection index to server host
// 10.0.0.server. The slice is valid until the next call.
func (p *payloads) request(index int, server uint32, k int) []byte {
	b := append(p.req[:0], "GET /item/"...)
	b = strconv.AppendInt(b, int64(index), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, " HTTP/1.1\r\nHost: 10.0.0."...)
	b = strconv.AppendUint(b, uint64(server), 10)
	b = append(b, "\r\nUser-Agent: synthcap\r\nX-Pad: "...)
	const tail = "\r\n\r\n"
	if len(b)+len(tail) > p.reqLen {
		p.req = fill(b[:0], p.reqLen)
		return p.req
	}
	for len(b)+len(tail) < p.reqLen {
		b = append(b, 'a')
	}
	p.req = append(b, tail...)
	return p.req
}

// response returns exchange k's response of connection index: headers with
// a Content-Length that makes the message exactly respLen bytes. The slice
// is valid until the next call.
func (p *payloads) response(index int, k int) []byte {
	const head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
	const sep = "\r\n\r\n"
	body := p.respLen - len(head) - len(sep)
	// The digits of Content-Length count against the body.
	for digits := 1; digits <= 4; digits++ {
		n := body - digits
		if n >= 0 && len(strconv.Itoa(n)) == digits {
			b := append(p.resp[:0], head...)
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, sep...)
			b = strconv.AppendInt(b, int64(index), 10)
			b = append(b, '/')
			b = strconv.AppendInt(b, int64(k), 10)
			b = append(b, ' ')
			if len(b) > p.respLen {
				b = b[:len(head)+digits+len(sep)]
			}
			for len(b) < p.respLen {
				b = append(b, 'z')
			}
			p.resp = b
			return p.resp
		}
	}
	p.resp = fill(p.resp[:0], p.respLen)
	return p.resp
}

// fill appends n filler bytes to b.
func fill(b []byte, n int) []byte {
	for range n {
		b = append(b, 'x')
	}
	return b
}
