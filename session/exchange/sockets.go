package exchange

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/handshake-viz/handshake-viz/session"
)

// open opens the server's sockets of the scenario in the server's network.
func (e *Exchange) open() error {
	host := e.net.Addr(session.FromServer)
	port := e.opts.Port
	return e.net.Do(session.FromServer, func() error {
		if e.sc.Proto != ProtoUDP {
			if err := e.openTCP(host, port); err != nil {
				return err
			}
			port = e.Port()
		}
		if e.sc.Proto != ProtoTCP {
			if err := e.openUDP(host, port); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *Exchange) openTCP(host netip.Addr, port int) error {
	hostPort := net.JoinHostPort(host.String(), strconv.Itoa(port))
	switch {
	case e.sc.NoListen:
		fd, addr, err := reservePort(netip.AddrPortFrom(host, uint16(port)))
		if err != nil {
			return fmt.Errorf("exchange: bind %s: %w (choose another port, or 0 for a free one)", hostPort, err)
		}
		e.reserve, e.addr = fd, addr
		return nil
	case e.sc.Backlog > 0:
		ln, err := listenBacklog(netip.AddrPortFrom(host, uint16(port)), e.sc.Backlog)
		if err != nil {
			return fmt.Errorf("exchange: listen on %s with backlog %d: %w (choose another port, or 0 for a free one)", hostPort, e.sc.Backlog, err)
		}
		e.ln = ln
	default:
		lc := net.ListenConfig{KeepAlive: -1}
		l, err := lc.Listen(context.Background(), "tcp", hostPort)
		if err != nil {
			return fmt.Errorf("exchange: listen on %s: %w (choose another port, or 0 for a free one)", hostPort, err)
		}
		e.ln = l.(*net.TCPListener)
	}
	e.addr = unmapped(e.ln.Addr())
	return nil
}

func (e *Exchange) openUDP(host netip.Addr, port int) error {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, uint16(port))))
	if err != nil {
		return fmt.Errorf("exchange: bind UDP %s port %d: %w (choose another port, or 0 for a free one)", host, port, err)
	}
	e.udp = c
	if !e.addr.IsValid() {
		e.addr = unmapped(c.LocalAddr())
	}
	return nil
}
