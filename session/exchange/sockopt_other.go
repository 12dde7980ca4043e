//go:build !linux

package exchange

// delayACK does nothing outside Linux: ACK timing is left to the kernel.
func delayACK(conn syscallConn) error { return nil }
