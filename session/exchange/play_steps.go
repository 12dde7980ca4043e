package exchange

import (
	"fmt"

	"github.com/handshake-viz/handshake-viz/session"
)

// The steps most scenarios end with. Each wraps its error with the end
// it ran on ("client: …", "server: …").

// who names the end a connection is on, for errors.
func (c *Conn) who() string {
	if c.side == session.FromClient {
		return "client"
	}
	return "server"
}

// recvAndACK reads exactly len(b) bytes and acknowledges them at once,
// so that the ACK is not held back for the delayed-ACK timer.
func (c *Conn) recvAndACK(b []byte) error {
	if err := c.RecvFull(b); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	return c.QuickACK()
}

// closeLingering closes with a linger time: close returns once this
// end's FIN is acknowledged (LAST-ACK -> CLOSED), so the socket is gone
// when the scenario goes on.
func (c *Conn) closeLingering() error {
	if err := c.TCP().SetLinger(lingerSeconds); err != nil {
		return fmt.Errorf("%s: set SO_LINGER: %w", c.who(), err)
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	return nil
}

// passiveClose is the end that closes second (the passive close): read
// the peer's FIN, acknowledge it at once (Linux would hold that ACK back
// to piggyback it on our FIN; sent first, the close is FIN / ACK / FIN /
// ACK), then close lingering.
func (c *Conn) passiveClose() error {
	if err := c.RecvEOF(); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	if err := c.QuickACK(); err != nil {
		return err
	}
	return c.closeLingering()
}

// activeClose is the end that closes first (the active close): shut
// down the sending side (its FIN), read the peer's FIN, then close; this
// end is left in TIME-WAIT.
func (c *Conn) activeClose() error {
	if err := c.Shutdown(); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	if err := c.RecvEOF(); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("%s: %w", c.who(), err)
	}
	return nil
}
