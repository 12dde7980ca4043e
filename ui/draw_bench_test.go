package ui

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

// BenchmarkScreenDrawAt120x40 measures one full frame of the ladder
// screen on the recorded exchange, a data packet selected with its payload
// header open (what every animation frame redraws).
//
//	go test ./ui -run XXX -bench ScreenDraw -benchmem
func BenchmarkScreenDrawAt120x40(b *testing.B) {
	tl, store := recordedFixture(b)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		b.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(120, 40)
	s := NewLadderScreen(nil, tl, store, demoOpts)
	s.Primitive().SetRect(0, 0, 120, 40)
	s.player.Select(3)
	s.sync()
	s.HandleKey(tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModNone))
	b.ResetTimer()
	for range b.N {
		s.Primitive().Draw(sim)
	}
}
