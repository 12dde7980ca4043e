package exchange

// library is the scenario table (see Scenarios), in listing order: the
// loopback scenarios (library_loopback.go), then those that need the lossy
// wire (library_wire.go). Each entry is built anew, so no caller can change
// another's table.
func library() []*Scenario {
	return append(loopbackScenarios(), wireScenarios()...)
}
