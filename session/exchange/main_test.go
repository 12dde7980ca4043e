package exchange_test

import (
	"os"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/exchange"
)

// TestMain lets this test binary be the client-dies scenario's doomed
// client when the scenario re-executes it.
func TestMain(m *testing.M) {
	exchange.RunChildIfAsked()
	os.Exit(m.Run())
}
