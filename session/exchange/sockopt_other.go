//go:build !linux

package exchange

// delayACK does nothing outside Linux: ACK timing is left to the kernel.
func delayACK(conn syscallConn) error { return nil }

// setRcvBuf is not available outside Linux.
func setRcvBuf(conn syscallConn, bytes int) error { return errNoKernelView }
