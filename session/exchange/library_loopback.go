package exchange

// loopbackScenarios are the scenarios that run on plain loopback (no
// lossy wire): one entry each, with its play and signature functions in
// play_NAME.go.
func loopbackScenarios() []*Scenario {
	return []*Scenario{
		{Name: ScenarioLoop, Play: playLoop, Signature: sigLoop},
		{Name: "refused", NoListen: true, Clients: 1, Play: playRefused, Signature: sigRefused},
		{Name: "abort", Clients: 1, Play: playAbort, Signature: sigAbort},
		{Name: "client-dies", Play: playClientDies, Signature: sigClientDies},
		{Name: "half-close", Clients: 1, Play: playHalfClose, Signature: sigHalfClose},
		{Name: "server-first", Clients: 1, Play: playServerFirst, Signature: sigServerFirst},
		{Name: "fin3", Clients: 1, Play: playFIN3, Signature: sigFIN3},
		{Name: "time-wait", Clients: 1, Play: playTimeWait, Signature: sigTimeWait},
		{Name: "close-wait", Clients: 1, Play: playCloseWait, Signature: sigCloseWait},
		{Name: "backlog", Clients: backlogClients, Backlog: 1, Play: playBacklog, Signature: sigBacklog},
		{Name: "framing", Clients: 1, Play: playFraming, Signature: sigFraming},
		{Name: "nagle", Clients: 2, Play: playNagle, Signature: sigNagle},
		{Name: "zero-window", Clients: 1, Play: playZeroWindow, Signature: sigZeroWindow},
		{Name: "keepalive", Clients: 1, Play: playKeepAlive, Signature: sigKeepAlive},
		{Name: "bulk", Clients: 1, Play: playBulk, Signature: sigBulk},
		{Name: "ipv6", Host: "::1", Play: playLoop, Signature: sigIPv6},
		{Name: "udp", Proto: ProtoUDP, Clients: 1, Play: playUDP, Signature: sigUDP},
		{Name: "tcp-vs-udp", Proto: ProtoBoth, Clients: 1, Play: playTCPvsUDP, Signature: sigTCPvsUDP},
	}
}
