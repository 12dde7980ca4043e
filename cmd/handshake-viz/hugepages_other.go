//go:build !linux

package main

// preferHugePages does nothing outside Linux.
func preferHugePages(int) {}
