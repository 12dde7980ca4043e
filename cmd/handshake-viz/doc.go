// Command handshake-viz lets people see TCP: `demo` runs a real client/server
// exchange on loopback, captures every packet and animates it; `open` shows
// the connections of a saved capture; `analyze` reports on captures for
// scripts.
//
// This package only wires the others: the cobra command tree is built by
// constructors (no globals), flags fill Options structs, and each command
// hands them to capture, session and ui. main prints an error once.
package main
