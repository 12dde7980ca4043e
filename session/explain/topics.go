package explain

// The scenario the guided screens play until a topic names a better one.
const scenarioLoop = "loop"

// Scenarios are the names of the scenario library (issue 7: the exchange's
// table, and the lossy wire's). Follow-ups jump to them; a Source that
// cannot play one yet says so and plays a stand-in.
func Scenarios() []string {
	return []string{
		"loop", "refused", "abort", "half-close", "server-first", "fin3", "time-wait",
		"close-wait", "backlog", "framing", "nagle", "zero-window", "keepalive", "bulk",
		"ipv6", "udp", "tcp-vs-udp",
		"lost-syn", "lost-synack", "lost-ack", "lost-data", "lost-fin", "lost-final-ack",
		"filtered", "simultaneous-open", "simultaneous-close",
	}
}

// IsScenario reports whether name is a scenario of the library.
func IsScenario(name string) bool {
	for _, s := range Scenarios() {
		if s == name {
			return true
		}
	}
	return false
}

// Topics returns every topic, in listing order (a new slice each call).
func Topics() []Topic {
	return []Topic{
		{
			Name: "layers", Questions: []int{1, 2, 33}, Scenario: scenarioLoop,
			Stops: []Stop{{"data", IsClientData}},
			FollowUps: []FollowUp{
				{"pdu", "tcp-vs-udp"},
				{"tls", "handshake"},
				{"ports", "ports"},
			},
		},
		{
			Name: "handshake", Questions: []int{3, 4, 5, 6, 7, 10, 26}, Scenario: scenarioLoop,
			Stops: []Stop{{"syn", IsSYN}, {"synack", IsSYNACK}, {"ack", IsHandshakeACK}, {"data", IsClientData}},
			FollowUps: []FollowUp{
				{"lost-ack", "lost-ack"},
				{"lost-syn", "lost-syn"},
				{"lost-synack", "lost-synack"},
				{"simultaneous-open", "simultaneous-open"},
				{"backlog", "backlog"},
				{"refused", "rst"},
			},
		},
		{
			Name: "close", Questions: []int{11, 12, 15, 16, 17}, Scenario: scenarioLoop,
			Stops: []Stop{{"fin1", IsFirstFIN}, {"ack1", IsFINACKed}, {"fin2", IsSecondFIN}, {"ack2", IsFinalACK}},
			FollowUps: []FollowUp{
				{"fin3", "fin3"},
				{"time-wait", "time-wait"},
				{"half-close", "half-close"},
				{"close-wait", "close-wait"},
				{"lost-fin", "lost-fin"},
				{"simultaneous-close", "simultaneous-close"},
			},
		},
		{
			Name: "time-wait", Questions: []int{13, 14}, Scenario: "time-wait",
			Stops: []Stop{{"closer", IsFirstFIN}, {"enter", IsFinalACK}},
			FollowUps: []FollowUp{
				{"lost-final-ack", "lost-final-ack"},
				{"server-first", "server-first"},
				{"countdown", "time-wait"},
				{"ports", "ports"},
			},
		},
		{
			Name: "tcp-vs-udp", Questions: []int{28, 29}, Scenario: "tcp-vs-udp",
			Stops: []Stop{{"setup", IsHandshakeACK}, {"data", IsClientData}, {"ack", IsDataACK}, {"close", IsFirstFIN}, {"datagram", IsDatagram}},
			FollowUps: []FollowUp{
				{"udp", "udp"},
				{"side-by-side", "tcp-vs-udp"},
				{"reliability", "reliability"},
			},
		},
		{
			Name: "reliability", Questions: []int{19, 20, 27, 32}, Scenario: scenarioLoop,
			Stops: []Stop{{"isn", IsSYN}, {"data", IsClientData}, {"ack", IsDataACK}, {"next", IsClientData}},
			FollowUps: []FollowUp{
				{"lost-data", "lost-data"},
				{"lost-syn", "lost-syn"},
				{"flow", "flow-control"},
			},
		},
		{
			Name: "flow-control", Questions: []int{21}, Scenario: "zero-window",
			Stops: []Stop{{"scale", IsSYN}, {"window", IsDataACK}, {"zero", IsZeroWindow}},
			FollowUps: []FollowUp{
				{"zero-window", "zero-window"},
				{"bulk", "bulk"},
				{"congestion", "congestion"},
			},
		},
		{
			Name: "congestion", Questions: []int{22}, Scenario: scenarioLoop,
			Stops: []Stop{{"mss", IsSYN}, {"start", IsClientData}, {"ack", IsDataACK}},
			FollowUps: []FollowUp{
				{"bulk", "bulk"},
				{"lost-data", "lost-data"},
				{"flow", "flow-control"},
			},
		},
		{
			Name: "nagle", Questions: []int{23}, Scenario: scenarioLoop,
			Stops: []Stop{{"push", IsClientData}, {"ack", IsDataACK}},
			FollowUps: []FollowUp{
				{"nagle", "nagle"},
				{"framing", "framing"},
			},
		},
		{
			Name: "framing", Questions: []int{24}, Scenario: scenarioLoop,
			Stops: []Stop{{"message", IsClientData}, {"echo", IsServerData}, {"end", IsEndMarker}},
			FollowUps: []FollowUp{
				{"framing", "framing"},
				{"nagle", "nagle"},
			},
		},
		{
			Name: "rst", Questions: []int{9, 18}, Scenario: scenarioLoop,
			Stops: []Stop{{"rst", IsRST}, {"syn", IsSYN}, {"fin", IsFirstFIN}},
			FollowUps: []FollowUp{
				{"refused", "refused"},
				{"abort", "abort"},
				{"filtered", "filtered"},
			},
		},
		{
			Name: "backlog", Questions: []int{8}, Scenario: "backlog",
			Stops: []Stop{{"syn", IsSYN}, {"synack", IsSYNACK}, {"ack", IsHandshakeACK}},
			FollowUps: []FollowUp{
				{"backlog", "backlog"},
				{"lost-ack", "lost-ack"},
			},
		},
		{
			Name: "ports", Questions: []int{30, 31}, Scenario: scenarioLoop,
			Stops: []Stop{{"ephemeral", IsSYN}, {"reply", IsSYNACK}},
			FollowUps: []FollowUp{
				{"ipv6", "ipv6"},
				{"time-wait", "time-wait"},
				{"sockets", "sockets"},
			},
		},
		{
			Name: "sockets", Questions: []int{7, 15, 17}, Scenario: scenarioLoop,
			Stops: []Stop{{"connect", IsSYN}, {"connected", IsSYNACK}, {"accept", IsHandshakeACK},
				{"send", IsClientData}, {"recv", IsDataACK}, {"close", IsFirstFIN}, {"peer-close", IsSecondFIN}},
			FollowUps: []FollowUp{
				{"half-close", "half-close"},
				{"close-wait", "close-wait"},
				{"refused", "refused"},
			},
		},
		{
			Name: "keepalive", Questions: []int{25}, Scenario: scenarioLoop,
			Stops: []Stop{{"probe", IsKeepAlive}, {"idle", IsEndMarker}},
			FollowUps: []FollowUp{
				{"keepalive", "keepalive"},
				{"close", "close"},
			},
		},
	}
}
