package ui

import (
	"context"
	"fmt"

	"github.com/rivo/tview"
)

// Animated is a screen with an animation goroutine: Start starts it, Stop
// ends it and may be called more than once.
type Animated interface {
	Start()
	Stop()
}

// RunApp runs app, its root already set, with the animated screen s on it
// until app stops or ctx ends, and gives the terminal back on every way
// out: s is started before app runs and stopped after it; a cancelled ctx
// stops s, then app from inside its event loop; a panic of the UI
// goroutine stops both and comes back as an error naming what (as "the
// ladder screen"). The ladder, tcp-vs-udp and interview screens run
// through it.
func RunApp(ctx context.Context, app *tview.Application, s Animated, what string) (err error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			s.Stop()
			// Stop from inside the event loop: a Stop before Run has
			// started would drop the screen and make Run open the real
			// terminal. The queued update waits in the buffered queue
			// until Run's loop takes it.
			go app.QueueUpdate(app.Stop)
		case <-done:
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			s.Stop()
			app.Stop()
			err = fmt.Errorf("%s crashed: %v (the terminal was restored; please report this)", what, r)
		}
	}()
	s.Start()
	if err := app.Run(); err != nil {
		s.Stop()
		return screenError(err, "try --no-tui")
	}
	s.Stop()
	return nil
}
