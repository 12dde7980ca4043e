//go:build !linux

package exchange

// synRetries is not available outside Linux.
func synRetries(uintptr, int) error { return errNoKernelView }
