//go:build !linux

package main

// prefaultScannedTables does nothing outside Linux.
func prefaultScannedTables() {}
