//go:build !linux

package exchange

import (
	"errors"
	"net"
)

// errNoKernelView is returned where the kernel's socket states cannot be read.
var errNoKernelView = errors.New("reading the kernel's TCP states is implemented on Linux only")

// KernelStates is not available outside Linux.
func KernelStates(port int) ([]KernelState, error) { return nil, errNoKernelView }

// TCPInfoState is not available outside Linux.
func TCPInfoState(conn *net.TCPConn) (string, error) { return "", errNoKernelView }

// quickACK does nothing outside Linux: ACK timing is left to the kernel.
func quickACK(conn *net.TCPConn) error { return nil }

// DiagStates is not available outside Linux.
func DiagStates(port int) ([]KernelState, error) { return nil, errNoKernelView }
