package export

import (
	"io"

	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// writeASCII writes exactly the --no-tui ladder: the events through
// ladder.TextWriter.
func writeASCII(w io.Writer, in *Input, o Options) error {
	tw := ladder.NewTextWriter(w, o.Lang, o.Raw)
	for i := range in.Events {
		if err := tw.Write(in.Events[i], in.info(&in.Events[i])); err != nil {
			return err
		}
	}
	return nil
}
