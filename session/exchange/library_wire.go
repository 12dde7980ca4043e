package exchange

// wireScenarios are the scenarios that run through the lossy wire
// (capture/wire): each has a Wire policy.
func wireScenarios() []*Scenario {
	return nil
}
