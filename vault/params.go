package vault

import "fmt"

// Params are argon2id's cost parameters. They are stored with each vault
// and bundle, so the defaults can be raised later without breaking what
// was sealed before.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32 `json:"t"`
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32 `json:"m"`
	// Threads is the degree of parallelism (lanes).
	Threads uint8 `json:"p"`
}

// DefaultParams are RFC 9106's second recommended setting. On the
// project's 2-core machines a whole `vc vault unlock` takes about 0.1 s
// idle and 0.25 s with both cores busy (TestUnlockTime measures the
// derivation); 128 MiB took 0.65 s under the same load, too near a second.
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// Bounds on what a stored header may ask for, so a damaged or hostile file
// cannot make unlocking take hours or all the machine's memory.
const (
	minMemoryKiB = 1024
	maxMemoryKiB = 4 * 1024 * 1024
	maxTime      = 64
)

// Check reports whether p is within the bounds vc accepts.
func (p Params) Check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("%w: time %d is not between 1 and %d", ErrBadParams, p.Time, maxTime)
	case p.MemoryKiB < minMemoryKiB || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("%w: memory %d KiB is not between %d and %d", ErrBadParams, p.MemoryKiB, minMemoryKiB, maxMemoryKiB)
	case p.Threads < 1:
		return fmt.Errorf("%w: threads must be at least 1", ErrBadParams)
	}
	return nil
}

// Weaker reports whether p costs less than q in time or memory.
func (p Params) Weaker(q Params) bool {
	return p.Time < q.Time || p.MemoryKiB < q.MemoryKiB
}

func (p Params) String() string {
	return fmt.Sprintf("argon2id t=%d m=%dMiB p=%d", p.Time, p.MemoryKiB/1024, p.Threads)
}
