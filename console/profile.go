package console

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profiling is VC_PPROF=DIR: a CPU profile of the whole process in
// DIR/cpu.pprof, and a heap profile in DIR/heap.pprof written after every
// run, while its records are still held (go tool pprof reads both).
type profiling struct {
	dir string
	cpu *os.File
}

func startProfiling(errw *os.File) *profiling {
	dir := os.Getenv("VC_PPROF")
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(errw, "vc: VC_PPROF: %v\n", err)
		return nil
	}
	p := &profiling{dir: dir}
	f, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(errw, "vc: VC_PPROF: %v\n", err)
		return p
	}
	p.cpu = f
	return p
}

// heap writes the heap profile as it is now.
func (p *profiling) heap() {
	if p == nil {
		return
	}
	f, err := os.Create(filepath.Join(p.dir, "heap.pprof"))
	if err != nil {
		return
	}
	defer f.Close()
	runtime.GC()
	_ = pprof.Lookup("heap").WriteTo(f, 0)
}

func (p *profiling) stop() {
	if p == nil || p.cpu == nil {
		return
	}
	pprof.StopCPUProfile()
	p.cpu.Close()
}
