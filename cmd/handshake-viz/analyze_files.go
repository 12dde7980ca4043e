package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/capture"
)

// analyzer runs `analyze` over its inputs.
type analyzer struct {
	ios    streams
	o      *analyzeOptions
	format string
	filter *frameFilter
	cmd    *cobra.Command
}

// input is one capture to analyze: a path, and whether it came from
// walking a directory (then a file that is not a capture is skipped).
type input struct {
	path    string
	fromDir bool
}

// expandInputs turns the arguments into inputs: a directory becomes the
// files under it, in lexical order. failed is set when an argument could
// not be read (said on stderr).
func expandInputs(ios streams, args []string) (inputs []input, failed bool) {
	for _, arg := range args {
		st, err := os.Stat(arg)
		if arg == "-" || err != nil || !st.IsDir() {
			inputs = append(inputs, input{path: arg})
			continue
		}
		before := len(inputs)
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				inputs = append(inputs, input{path: path, fromDir: true})
			}
			return nil
		})
		switch {
		case err != nil:
			fmt.Fprintf(ios.err, "handshake-viz: %s: %v (check the directory's permissions)\n", arg, err)
			failed = true
		case len(inputs) == before:
			fmt.Fprintf(ios.err, "handshake-viz: %s is a directory with no captures in it: give a pcap or pcapng file, or a directory of them\n", arg)
			failed = true
		}
	}
	return inputs, failed
}

// job is one input's run: its output goes straight to stdout when it is
// the first not yet printed as it starts, else to a spool file printed in
// turn.
type job struct {
	in    input
	spool *os.File     // nil: wrote to stdout directly
	warn  bytes.Buffer // its warning and error lines
	err   error
	done  chan struct{}
}

// runAll analyzes the inputs, up to --jobs (one per CPU) at once, and
// prints them in argument order; it reports whether all succeeded.
func (a *analyzer) runAll(inputs []input) bool {
	workers := a.o.jobs
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(inputs)))
	jobs := make([]*job, len(inputs))
	for i := range jobs {
		jobs[i] = &job{in: inputs[i], done: make(chan struct{})}
	}
	var mu sync.Mutex
	printed := 0 // jobs[:printed] are on stdout
	next := make(chan int)
	go func() {
		for i := range jobs {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				mu.Lock()
				direct := i == printed
				mu.Unlock()
				a.runJob(jobs[i], direct)
			}
		}()
	}
	ok, skipped := true, 0
	for _, j := range jobs {
		<-j.done
		if j.spool != nil {
			if _, err := j.spool.Seek(0, io.SeekStart); err == nil {
				_, err = io.Copy(a.ios.out, j.spool)
				if err != nil && j.err == nil {
					j.err = err
				}
			}
			j.spool.Close()
			os.Remove(j.spool.Name())
		}
		switch {
		case j.err != nil && j.in.fromDir && errors.Is(j.err, capture.ErrNotCapture):
			skipped++
		case j.err != nil:
			fmt.Fprintf(&j.warn, "handshake-viz: %v\n", j.err)
			ok = false
		}
		a.ios.err.Write(j.warn.Bytes())
		mu.Lock()
		printed++
		mu.Unlock()
	}
	wg.Wait()
	if skipped > 0 {
		fmt.Fprintf(a.ios.err, "handshake-viz: skipped %d files that are not pcap or pcapng captures\n", skipped)
	}
	return ok
}

// runJob runs one job, to stdout when direct, else to a spool file.
func (a *analyzer) runJob(j *job, direct bool) {
	defer close(j.done)
	out := a.ios.out
	if !direct {
		f, err := os.CreateTemp("", "handshake-viz-analyze-*")
		if err != nil {
			j.err = fmt.Errorf("%s: spool file for parallel output: %w (set TMPDIR to a writable directory, or --jobs 1)", j.in.path, err)
			return
		}
		j.spool, out = f, f
	}
	j.err = a.analyzeOne(j.in.path, out, &j.warn)
}
