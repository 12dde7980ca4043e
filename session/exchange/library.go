package exchange

// library is the scenario table (see Scenarios). The lossy-wire scenarios
// (capture/wire) are appended by that package's entries.
var library = []*Scenario{
	{Name: ScenarioLoop, Play: playLoop, Signature: sigLoop},
}
