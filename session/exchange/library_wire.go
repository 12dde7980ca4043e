package exchange

import "github.com/handshake-viz/handshake-viz/capture/wire"

// Names of the scenarios that run through the lossy wire.
const (
	ScenarioLostSYN           = "lost-syn"
	ScenarioLostSYNACK        = "lost-synack"
	ScenarioLostACK           = "lost-ack"
	ScenarioLostData          = "lost-data"
	ScenarioLostFIN           = "lost-fin"
	ScenarioLostFinalACK      = "lost-final-ack"
	ScenarioFiltered          = "filtered"
	ScenarioSimultaneousOpen  = "simultaneous-open"
	ScenarioSimultaneousClose = "simultaneous-close"
)

// wireScenarios are the scenarios that run through the lossy wire
// (capture/wire): each has a Wire policy, which makes a fresh (stateful)
// policy per run. Their plays are in play_wire_*.go, their signatures in
// sig_wire.go.
func wireScenarios() []*Scenario {
	return []*Scenario{
		{Name: ScenarioLostSYN, Play: playLoop, Signature: sigLostSYN,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.SYN()) }},
		{Name: ScenarioLostSYNACK, Play: playLoop, Signature: sigLostSYNACK,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.SYNACK()) }},
		{Name: ScenarioLostACK, Play: playLostACK, Signature: sigLostACK,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.HandshakeACK()) }},
		{Name: ScenarioLostData, Play: playStream, Signature: sigLostData,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.FromEnd(wire.Client, wire.Data())) }},
		{Name: ScenarioLostFIN, Play: playLoop, Signature: sigLostFIN,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.FromEnd(wire.Client, wire.FIN())) }},
		{Name: ScenarioLostFinalACK, Play: playLoop, Signature: sigLostFinalACK,
			Wire: func() wire.Policy { return wire.DropNth(1, wire.FinalACK()) }},
		{Name: ScenarioFiltered, Play: playFiltered, Signature: sigFiltered,
			Wire: func() wire.Policy { return wire.DropAll(wire.SYN()) }},
		{Name: ScenarioSimultaneousOpen, NoListen: true, Play: playSimultaneousOpen, Signature: sigSimultaneousOpen,
			Wire: func() wire.Policy { return wire.HoldCrossing(wire.SYN(), wire.Client) }},
		{Name: ScenarioSimultaneousClose, Play: playSimultaneousClose, Signature: sigSimultaneousClose,
			Wire: func() wire.Policy { return wire.HoldCrossing(wire.FIN(), wire.Client) }},
	}
}
