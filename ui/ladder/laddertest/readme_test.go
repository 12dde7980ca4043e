package laddertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errRecorder is a test that keeps its errors instead of failing.
type errRecorder struct {
	testing.TB
	errs []string
}

func (r *errRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestReadmeBlocksFindsAStaleBlockAndUpdateRewritesOnlyIt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	readme := "# x\n<!-- keys:begin (go test -run K -update) -->\nold\n<!-- keys:end -->\ntail\n"
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "pkg")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub) // a package folder below the module's root
	block := Block{Name: "keys", Text: "new\n"}

	r := &errRecorder{TB: t}
	ReadmeBlocks(r, false, block)
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "go test -run K -update") {
		t.Fatalf("a stale block gave errors %q, want one naming the begin line's command", r.errs)
	}
	ReadmeBlocks(t, true, block)
	got, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(readme, "old\n", "new\n", 1); string(got) != want {
		t.Errorf("rewritten README:\n%s\nwant:\n%s", got, want)
	}
	r = &errRecorder{TB: t}
	ReadmeBlocks(r, false, block)
	if len(r.errs) != 0 {
		t.Errorf("the rewritten block still differs: %q", r.errs)
	}
}
