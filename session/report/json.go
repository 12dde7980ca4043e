package report

import (
	"io"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/session"
)

// jsonFlushAt is the size at which WriteJSON hands its buffer to the
// writer: large enough that write calls cost nothing, small enough that the
// report is never held in memory whole.
const jsonFlushAt = 64 << 10

// WriteJSON writes r as one line of JSON followed by a newline: exactly the
// bytes json.NewEncoder(w).Encode(r) writes (HTML-safe escaping included),
// but streamed in pieces of about 64 KiB and without reflection.
func WriteJSON(w io.Writer, r Report) error {
	j := jsonWriter{w: w, buf: make([]byte, 0, jsonFlushAt+4096)}
	b := j.buf
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(r.Version), 10)
	b = append(b, `,"file":`...)
	b = appendString(b, r.File)
	b = append(b, `,"format":`...)
	b = appendString(b, r.Format)
	b = append(b, `,"link_types":`...)
	b = appendStrings(b, r.LinkTypes)
	b = append(b, `,"packets":`...)
	b = strconv.AppendUint(b, r.Packets, 10)
	b = append(b, `,"tcp_packets":`...)
	b = strconv.AppendUint(b, r.TCPPackets, 10)
	b = append(b, `,"udp_packets":`...)
	b = strconv.AppendUint(b, r.UDPPackets, 10)
	b = append(b, `,"warnings":`...)
	b = appendStrings(b, r.Warnings)
	b = append(b, `,"streams":`...)
	if r.Streams == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		if b = j.writeStreams(b, r.Streams); j.err != nil {
			return j.err
		}
		b = append(b, ']')
	}
	b = append(b, `,"udp_flows":`...)
	if r.UDPFlows == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.UDPFlows {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFlow(b, &r.UDPFlows[i])
			if b = j.flushIfFull(b); j.err != nil {
				return j.err
			}
		}
		b = append(b, ']')
	}
	b = append(b, "}\n"...)
	_, err := w.Write(b)
	return err
}

// jsonWriter hands the buffer to w whenever it passes jsonFlushAt.
type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (j *jsonWriter) flushIfFull(b []byte) []byte {
	if len(b) < jsonFlushAt || j.err != nil {
		return b
	}
	_, j.err = j.w.Write(b)
	return b[:0]
}

// jsonBlockStreams is how many streams one block of the parallel stream
// encoder holds (about 300 KiB of JSON).
const jsonBlockStreams = 256

// jsonStreamBytes is room for one stream object of a block buffer: an IPv4
// stream takes about 310 bytes, so a buffer seldom grows.
const jsonStreamBytes = 384

// appendStreamBlock appends block k of the stream list, each stream
// preceded by a comma unless it is the first of the list.
func appendStreamBlock(b []byte, streams []session.StreamSummary, k int) []byte {
	for i := k * jsonBlockStreams; i < min((k+1)*jsonBlockStreams, len(streams)); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStream(b, &streams[i])
	}
	return b
}

// writeStreams writes the stream objects, blocks of jsonBlockStreams at a
// time: the calling goroutine encodes the even blocks and writes every
// block in order; a second goroutine encodes the odd blocks into at most
// three buffers, so memory stays bounded whatever the number of streams.
func (j *jsonWriter) writeStreams(b []byte, streams []session.StreamSummary) []byte {
	blocks := (len(streams) + jsonBlockStreams - 1) / jsonBlockStreams
	if blocks < 2 {
		return j.flushIfFull(appendStreamBlock(b, streams, 0))
	}
	odd := make(chan []byte, 2)
	free := make(chan []byte, 3)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for k := 1; k < blocks; k += 2 {
			var buf []byte
			select {
			case <-stop:
				return
			case buf = <-free:
			default:
			}
			if buf == nil {
				buf = make([]byte, 0, jsonBlockStreams*jsonStreamBytes)
			}
			buf = appendStreamBlock(buf[:0], streams, k)
			select {
			case odd <- buf:
			case <-stop:
				return
			}
		}
	}()
	for k := 0; k < blocks && j.err == nil; k++ {
		if k%2 == 0 {
			b = j.flushIfFull(appendStreamBlock(b, streams, k))
			continue
		}
		buf := <-odd
		if len(b) > 0 {
			_, j.err = j.w.Write(b)
			b = b[:0]
		}
		if j.err == nil {
			_, j.err = j.w.Write(buf)
		}
		select {
		case free <- buf:
		default: // the encoder made a new buffer meanwhile: drop this one
		}
	}
	return b
}

// appendStream appends one stream object, fields in StreamSummary order.
func appendStream(b []byte, s *session.StreamSummary) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(s.Index), 10)
	b = append(b, `,"client":`...)
	b = appendAddrPort(b, s.Client)
	b = append(b, `,"server":`...)
	b = appendAddrPort(b, s.Server)
	b = append(b, `,"packets":`...)
	b = strconv.AppendUint(b, s.Packets, 10)
	b = append(b, `,"payload_bytes":{"client":`...)
	b = strconv.AppendUint(b, s.PayloadBytes.Client, 10)
	b = append(b, `,"server":`...)
	b = strconv.AppendUint(b, s.PayloadBytes.Server, 10)
	b = append(b, `},"handshake":`...)
	b = appendName(b, s.Handshake.String())
	b = append(b, `,"close":`...)
	b = appendName(b, s.Close.String())
	b = append(b, `,"closed_by":`...)
	b = appendName(b, s.ClosedBy.String())
	b = append(b, `,"completeness":`...)
	b = strconv.AppendUint(b, uint64(s.Completeness), 10)
	b = append(b, `,"retransmissions":`...)
	b = strconv.AppendUint(b, s.Retransmissions, 10)
	b = append(b, `,"out_of_order":`...)
	b = strconv.AppendUint(b, s.OutOfOrder, 10)
	b = append(b, `,"rtt_us":`...)
	b = appendMicros(b, s.RTT)
	b = append(b, `,"start":`...)
	b = appendTime(b, s.Start)
	b = append(b, `,"duration_us":`...)
	b = appendMicros(b, s.Duration)
	b = append(b, `,"conn_state":`...)
	b = appendString(b, s.ConnState)
	b = append(b, `,"history":`...)
	b = appendString(b, s.History)
	return append(b, '}')
}

func appendFlow(b []byte, f *session.UDPFlow) []byte {
	b = append(b, `{"a":`...)
	b = appendAddrPort(b, f.A)
	b = append(b, `,"b":`...)
	b = appendAddrPort(b, f.B)
	b = append(b, `,"packets":`...)
	b = strconv.AppendUint(b, f.Packets, 10)
	return append(b, '}')
}

// appendMicros writes what session.Micros.MarshalJSON writes.
func appendMicros(b []byte, m session.Micros) []byte {
	if !m.Known() {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(m), 10)
}

// appendTime writes what time.Time.MarshalJSON writes for the years 0-9999
// (a capture timestamp in Unix nanoseconds cannot leave them). A UTC time
// (every stream's start) is formatted here, digit by digit; any other goes
// through time.Time.AppendFormat.
func appendTime(b []byte, t time.Time) []byte {
	if t.Location() != time.UTC {
		b = append(b, '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	hour, minute, sec := t.Clock()
	var buf [32]byte
	buf[0] = '"'
	put4(buf[1:], year)
	buf[5] = '-'
	put2(buf[6:], int(month))
	buf[8] = '-'
	put2(buf[9:], day)
	buf[11] = 'T'
	put2(buf[12:], hour)
	buf[14] = ':'
	put2(buf[15:], minute)
	buf[17] = ':'
	put2(buf[18:], sec)
	n := 20
	if ns := t.Nanosecond(); ns != 0 {
		// RFC3339Nano: up to nine digits, trailing zeros dropped.
		buf[n] = '.'
		for i := 9; i > 0; i-- {
			buf[n+i] = byte('0' + ns%10)
			ns /= 10
		}
		n += 10
		for buf[n-1] == '0' {
			n--
		}
	}
	buf[n], buf[n+1] = 'Z', '"'
	return append(b, buf[:n+2]...)
}

// put2 writes v (0-99) as two digits.
func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10), byte('0'+v%10) }

// put4 writes v (0-9999) as four digits.
func put4(b []byte, v int) { put2(b, v/100); put2(b[2:], v%100) }

// appendAddrPort writes what encoding/json writes for a netip.AddrPort (its
// MarshalText, as a JSON string). Only a zoned IPv6 address can hold a
// character that needs escaping.
func appendAddrPort(b []byte, ap netip.AddrPort) []byte {
	if ap.Addr().Zone() != "" {
		var tmp [64]byte
		return appendString(b, string(ap.AppendTo(tmp[:0])))
	}
	b = append(b, '"')
	b = ap.AppendTo(b)
	return append(b, '"')
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendName writes a name that needs no escaping (an enum's JSON name)
// as a JSON string.
func appendName(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping on (its default): <, > and & as \u00XX, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
