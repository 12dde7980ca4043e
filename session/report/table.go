package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// WriteTable prints the human report: one row per TCP stream, the UDP flows,
// and a summary line.
func WriteTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STREAM\tCLIENT\tSERVER\tPACKETS\tBYTES C→S\tBYTES S→C\tHANDSHAKE\tCLOSE\tCLOSED BY\tRETRANS\tRTT\tDURATION")
	var retrans uint64
	for _, s := range r.Streams {
		retrans += s.Retransmissions
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\n",
			s.Index, s.Client, s.Server, s.Packets, s.PayloadBytes.Client, s.PayloadBytes.Server,
			s.Handshake, s.Close, s.ClosedBy, s.Retransmissions, micros(s.RTT), micros(s.Duration))
	}
	if len(r.UDPFlows) > 0 {
		fmt.Fprintln(tw, "\nUDP FLOW\tA\tB\tPACKETS")
		for i, f := range r.UDPFlows {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\n", i, f.A, f.B, f.Packets)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s: %s, %s (%d TCP, %d UDP), %s, %s, %s, %s\n",
		r.File, r.Format, count(r.Packets, "packet"), r.TCPPackets, r.UDPPackets,
		count(uint64(len(r.Streams)), "TCP stream"), count(uint64(len(r.UDPFlows)), "UDP flow"),
		count(retrans, "retransmission"), count(uint64(len(r.Warnings)), "warning"))
	return err
}

// count writes "1 packet" or "2 packets".
func count(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// micros formats a duration in microseconds for people: "1.234ms", "-" when unknown.
func micros(m session.Micros) string {
	if !m.Known() {
		return "-"
	}
	return (time.Duration(m) * time.Microsecond).String()
}
