package lab

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Fault is how a device misbehaves; the zero value behaves.
type Fault string

// The faults a device can be given.
const (
	FaultNone    Fault = ""
	FaultAuth    Fault = "auth"    // refuses every password
	FaultTimeout Fault = "timeout" // accepts TCP, never sends its SSH banner
	FaultHang    Fault = "hang"    // stops in the middle of an output, forever
	FaultDrop    Fault = "drop"    // closes TCP in the middle of an output
	FaultSlow    Fault = "slow"    // answers everything Options.SlowBy late
	FaultFlood   Fault = "flood"   // repeats an output without end
)

// faultKinds is the order in which faults are handed out, so that a seed
// always faults the same devices.
var faultKinds = []Fault{FaultAuth, FaultTimeout, FaultHang, FaultDrop, FaultSlow, FaultFlood}

// Faults holds the share of devices, from 0 to 1, given each fault.
type Faults struct {
	Auth, Timeout, Hang, Drop, Slow float64
	// Flood is last so that a seed faults the same devices as before it.
	Flood float64
}

func (f *Faults) share(k Fault) *float64 {
	switch k {
	case FaultAuth:
		return &f.Auth
	case FaultTimeout:
		return &f.Timeout
	case FaultHang:
		return &f.Hang
	case FaultDrop:
		return &f.Drop
	case FaultSlow:
		return &f.Slow
	case FaultFlood:
		return &f.Flood
	}
	return nil
}

func faultNames() string {
	names := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// ParseFaults reads "auth=1%,timeout=0.5%,..." as `vc lab --faults` takes
// it. An empty string or "none" means no faults.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return f, nil
	}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return Faults{}, fmt.Errorf("%w: fault %q: want NAME=PERCENT%%, e.g. auth=1%%", ErrOptions, item)
		}
		share := f.share(Fault(strings.TrimSpace(name)))
		if share == nil {
			return Faults{}, fmt.Errorf("%w: fault %q: unknown fault %q (known: %s)", ErrOptions, item, name, faultNames())
		}
		pct, ok := strings.CutSuffix(strings.TrimSpace(value), "%")
		if !ok {
			return Faults{}, fmt.Errorf("%w: fault %q: %q is not a percentage such as 1%%", ErrOptions, item, value)
		}
		n, err := strconv.ParseFloat(pct, 64)
		if err != nil || n < 0 || n > 100 || math.IsNaN(n) {
			return Faults{}, fmt.Errorf("%w: fault %q: %q is not a percentage between 0%% and 100%%", ErrOptions, item, value)
		}
		*share = n / 100
	}
	return f, f.validate()
}

// String renders f the way ParseFaults reads it.
func (f Faults) String() string {
	var parts []string
	for _, k := range faultKinds {
		if v := *f.share(k); v > 0 {
			parts = append(parts, fmt.Sprintf("%s=%s%%", k, strconv.FormatFloat(v*100, 'f', -1, 64)))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

func (f Faults) validate() error {
	total := 0.0
	for _, k := range faultKinds {
		v := *f.share(k)
		if v < 0 || v > 1 || math.IsNaN(v) {
			return fmt.Errorf("%w: fault %s share %v is not between 0 and 1", ErrOptions, k, v)
		}
		total += v
	}
	if total > 1+1e-9 {
		return fmt.Errorf("%w: faults add up to %.0f%% of devices, more than all of them", ErrOptions, total*100)
	}
	return nil
}

// assign hands faults to n devices: round(share*n) devices per fault, chosen
// by a permutation drawn from the seed so that the same seed always faults
// the same devices and counts are exact rather than left to chance.
func (f Faults) assign(n int, seed int64) []Fault {
	out := make([]Fault, n)
	perm := rand.New(rand.NewPCG(uint64(seed), 0x6661756c7473)).Perm(n)
	next := 0
	for _, k := range faultKinds {
		count := int(math.Round(*f.share(k) * float64(n)))
		for i := 0; i < count && next < n; i++ {
			out[perm[next]] = k
			next++
		}
	}
	return out
}
