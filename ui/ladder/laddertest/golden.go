package laddertest

import (
	"os"
	"path/filepath"
	"testing"
)

// Golden compares got with the golden file testdata/name of the calling
// test's package; with update (the package's -update flag) it rewrites
// the file instead.
func Golden(t testing.TB, update bool, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run '%s' -update creates it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -run '%s' -update rewrites it):\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}
