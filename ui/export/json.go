package export

import (
	"io"

	"github.com/handshake-viz/handshake-viz/ui"
)

// writeJSON writes the events in the demo --json format (ui.JSONWriter),
// then one summary line per stream, as demo --json ends.
func writeJSON(w io.Writer, in *Input, o Options) error {
	jw := ui.NewJSONWriter(w, o.Lang, o.Raw)
	for i := range in.Events {
		if err := jw.WriteEvent(in.Events[i], in.info(&in.Events[i])); err != nil {
			return err
		}
	}
	for _, s := range in.Summaries {
		if err := jw.WriteSummary(s); err != nil {
			return err
		}
	}
	return nil
}
