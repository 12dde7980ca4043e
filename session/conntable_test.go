package session

import (
	"math/rand/v2"
	"testing"
)

// The table agrees with a Go map through inserts and removals that leave
// tombstones, clean them and grow the table, with keys that share slots.
func TestConnTableAgreesWithAMapThroughInsertsRemovalsAndGrowth(t *testing.T) {
	var tab connTable
	ref := map[v4Key]*conn{}
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]v4Key, 5000)
	for i := range keys {
		keys[i] = v4Key{lo: uint64(rng.IntN(64)), hi: uint64(rng.IntN(200))} // few distinct: collisions
		if i%2 == 0 {
			keys[i] = v4Key{lo: uint64(i) << 16, hi: 1}
		}
	}
	for step := range 200_000 {
		k := keys[rng.IntN(len(keys))]
		got, at := tab.find(k)
		if want := ref[k]; got != want {
			t.Fatalf("step %d: find(%v) = %p, want %p", step, k, got, want)
		}
		if got == nil {
			c := new(conn)
			tab.insert(at, k, c)
			ref[k] = c
		} else if rng.IntN(2) == 0 {
			if tab.slots[got.slot4].c != got {
				t.Fatalf("step %d: connection not at its slot %d", step, got.slot4)
			}
			tab.remove(int(got.slot4))
			delete(ref, k)
		}
		if tab.len() != len(ref) {
			t.Fatalf("step %d: %d connections, want %d", step, tab.len(), len(ref))
		}
	}
	if len(tab.slots) <= connTableMin {
		t.Fatalf("table never grew: %d slots for %d connections", len(tab.slots), len(ref))
	}
	for k, c := range ref {
		if got, _ := tab.find(k); got != c {
			t.Fatalf("find(%v) = %p at the end, want %p", k, got, c)
		}
	}
}
