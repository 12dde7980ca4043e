package exchange_test

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestWireScenariosHaveAPolicyAPlayASignatureAndTheirTextsInBothLanguages(t *testing.T) {
	want := []string{
		exchange.ScenarioLostSYN, exchange.ScenarioLostSYNACK, exchange.ScenarioLostACK, exchange.ScenarioLostData,
		exchange.ScenarioLostFIN, exchange.ScenarioLostFinalACK, exchange.ScenarioFiltered,
		exchange.ScenarioSimultaneousOpen, exchange.ScenarioSimultaneousClose,
	}
	for _, name := range want {
		sc, err := exchange.Lookup(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if !sc.NeedsWire() || sc.Play == nil || sc.Signature == nil {
			t.Errorf("%s: wire %v, play %v, signature %v", name, sc.NeedsWire(), sc.Play != nil, sc.Signature != nil)
		}
		if sc.Wire != nil && sc.Wire() == nil {
			t.Errorf("%s: the policy is nil", name)
		}
		for _, key := range []string{sc.LineKey(), sc.NoticeKey()} {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				if !narrate.Has(lang, narrate.Key(key)) {
					t.Errorf("%s has no %s text", key, lang)
				}
			}
		}
	}
}

func TestFreePlayOptionsOutOfRangeAreRefusedWithWhatToUse(t *testing.T) {
	for _, o := range []exchange.WireOptions{{Loss: 1.5}, {Loss: -0.1}, {Delay: -1}, {SynRetries: -1}, {SynRetries: 500}} {
		st, err := exchange.Start(t.Context(), exchange.Options{Wire: o})
		if err == nil {
			st.Close()
			t.Errorf("%+v: no error", o)
			continue
		}
		if !strings.Contains(err.Error(), "use ") {
			t.Errorf("%+v: %v, want what to use instead", o, err)
		}
	}
}
