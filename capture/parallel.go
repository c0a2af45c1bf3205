package capture

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel calls fn for each of 0..n-1 on up to workers goroutines (zero
// or less: one per CPU), each taking the next index when it is done.
func parallel(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
