package report

import (
	"math/rand/v2"
	"testing"
	"time"
)

// appendTime is time.Time.MarshalJSON without its allocation: the same
// bytes for UTC times with and without fractions (trailing zeros dropped),
// for the years a Unix-nanosecond timestamp reaches, and for other zones.
func TestAppendTimeWritesWhatMarshalJSONWrites(t *testing.T) {
	times := []time.Time{
		time.Unix(0, 0).UTC(),
		time.Unix(0, 1).UTC(),
		time.Unix(1704067200, 120_000_000).UTC(),
		time.Unix(1704067200, 999_999_999).UTC(),
		time.Unix(1704067200, 100).UTC(),
		time.Unix(-1, 0).UTC(),
		time.Unix(0, -1<<63).UTC(),
		time.Unix(0, 1<<63-1).UTC(),
		time.Date(9999, 12, 31, 23, 59, 59, 10, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1704067200, 5).In(time.FixedZone("x", 3600)),
		time.Unix(1704067200, 5),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		times = append(times, time.Unix(0, r.Int64()).UTC(), time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC())
	}
	for _, tm := range times {
		want, err := tm.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if got := appendTime(nil, tm); string(got) != string(want) {
			t.Fatalf("appendTime(%v) = %s, MarshalJSON writes %s", tm, got, want)
		}
	}
}
