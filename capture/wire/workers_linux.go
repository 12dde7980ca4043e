//go:build linux

package wire

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// nsWorkers is how many threads wait in each end's namespace to run Do's
// functions: a blocking connect in one leaves the others free (a scenario
// reads the kernel of both ends while a client connects).
const nsWorkers = 4

// workerExitWait bounds how long Close waits for the worker threads to
// end (they end as soon as their goroutines return).
const workerExitWait = 2 * time.Second

// nsTask is one function for a worker.
type nsTask struct {
	f    func() error
	done chan error
}

// startWorkers starts the end's worker threads: each enters the namespace
// once, at Open, while the process still has CAP_SYS_ADMIN, and stays
// there. Do then needs no privilege: a program that gives up its
// capabilities after opening the wire (the demo does) still opens
// sockets in the namespaces. A worker's thread is never unlocked: it ends
// with its goroutine, so no thread of the runtime is left in the
// namespace.
func (e *endNS) startWorkers(n int) error {
	e.tasks = make(chan nsTask)
	e.stop = make(chan struct{})
	ready := make(chan error, n)
	for range n {
		e.workers.Add(1)
		goLockedOffMain(func() {
			defer e.workers.Done()
			// Never unlocked: the thread ends with the goroutine.
			if err := unix.Setns(int(e.ns.Fd()), unix.CLONE_NEWNET); err != nil {
				ready <- privilegeErr("enter the wire's network namespace", err)
				return
			}
			e.tidMu.Lock()
			e.tids = append(e.tids, unix.Gettid())
			e.tidMu.Unlock()
			ready <- nil
			for {
				select {
				case t := <-e.tasks:
					t.done <- t.f()
				case <-e.stop:
					return
				}
			}
		})
	}
	var errs []error
	for range n {
		errs = append(errs, <-ready)
	}
	return errors.Join(errs...)
}

// goLockedOffMain runs f on a new goroutine locked to an OS thread that
// is not the process's main thread: a goroutine that returns while locked
// ends its thread, but the runtime cannot end the main thread and parks
// it for good instead (it would stay in the namespace). When the new
// goroutine finds itself on the main thread, it holds it while a
// replacement (which then cannot land there) locks another one.
func goLockedOffMain(f func()) {
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			f()
			return
		}
		locked := make(chan struct{})
		goLockedOffMain(func() {
			close(locked)
			f()
		})
		<-locked
		runtime.UnlockOSThread()
	}()
}

// do runs f on one of the end's workers, waiting for a free one.
func (e *endNS) do(closed <-chan struct{}, f func() error) error {
	t := nsTask{f: f, done: make(chan error, 1)}
	select {
	case e.tasks <- t:
	case <-closed:
		return errors.New("the lossy wire is closed")
	}
	return <-t.done
}

// stopWorkers ends the workers once their current functions return and
// waits until their threads are gone.
func (e *endNS) stopWorkers() error {
	if e.stop == nil {
		return nil
	}
	e.stopOnce.Do(func() { close(e.stop) })
	e.workers.Wait()
	// The goroutines have returned; their locked threads exit right after.
	deadline := time.Now().Add(workerExitWait)
	e.tidMu.Lock()
	tids := append([]int(nil), e.tids...)
	e.tidMu.Unlock()
	for _, tid := range tids {
		path := "/proc/self/task/" + strconv.Itoa(tid)
		for {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("a thread of the wire (%d) is still in its namespace", tid)
			}
			runtime.Gosched()
		}
	}
	return nil
}
