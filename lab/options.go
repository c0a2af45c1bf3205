package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options describes a lab: how many devices, where they listen, how they
// authenticate and how they misbehave.
type Options struct {
	// Devices is how many devices to serve.
	Devices int
	// Listen is the IP address every device listens on.
	Listen string
	// Port is the first port; device i listens on Port+i. Zero lets the
	// kernel pick a free port for each device, which tests use so that
	// parallel runs on one machine never collide.
	Port int
	// Platforms are the Netmiko device types to spread the devices over.
	Platforms []string
	// User and Password are the only credentials every device accepts.
	User, Password string
	// EnableSecret is what cisco_ios asks after "enable"; empty means
	// Password.
	EnableSecret string
	// Enable is how devices whose sessions start in user mode (cisco_ios)
	// answer "enable"; empty means EnableModeSecret.
	Enable EnableMode
	// Latency delays every answer: authentication and each command.
	Latency time.Duration
	// Seed makes names, faults, host keys and outputs reproducible.
	Seed int64
	// Faults is the share of devices given each misbehaviour.
	Faults Faults
	// Legacy lists platforms whose devices offer only legacy algorithms
	// (diffie-hellman-group1-sha1, aes128-cbc, ssh-rsa), as old IOS does.
	Legacy []string
	// Inventory, when set, is where Run writes the inventory CSV; touch
	// state is kept beside it so that `vc lab touch` reaches a running lab.
	Inventory string
	// SlowBy is how much longer a device with the slow fault takes to
	// answer anything.
	SlowBy time.Duration
	// IdleTimeout closes sessions nobody typed in for that long, as a
	// device's exec-timeout does.
	IdleTimeout time.Duration
	// Shard, when its Count is above one, serves only a part of the
	// fleet, so that several processes serve one fleet between them: the
	// same devices, ports, outputs and fabric as one lab would, each
	// process holding its part's listeners and sessions. A process may
	// hold only so many file descriptors, and a device takes two when a
	// client keeps a session open on it (the listener and the session).
	Shard Shard
	// Prewarm builds every device's model (its interfaces, neighbours,
	// ARP and MAC tables) before Start returns, rather than at its first
	// session, as a real device has its tables at hand: a benchmark then
	// measures the client and what serving costs, not the lab drawing
	// ten thousand fabrics on the cores the client shares. The models
	// stay, as they do once a device was asked.
	Prewarm bool
}

// Shard is part Index (from 0) of Count parts of a fleet: the devices
// from Index*Devices/Count up to the next part's first.
type Shard struct {
	Index, Count int
}

// ParseShard reads a shard as K/N, K counted from 1: "2/3" is the second
// of three parts.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(strings.TrimSpace(k))
	ni, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("%w: shard %q: want K/N with 1 <= K <= N, such as 2/3", ErrOptions, s)
	}
	return Shard{Index: ki - 1, Count: ni}, nil
}

// bounds are the indices of the shard's first device and of the one after
// its last, in a fleet of n.
func (s Shard) bounds(n int) (int, int) {
	if s.Count <= 1 {
		return 0, n
	}
	return s.Index * n / s.Count, (s.Index + 1) * n / s.Count
}

// DefaultOptions returns the options `vc lab` starts from.
func DefaultOptions() Options {
	return Options{
		Devices:     10,
		Listen:      "127.0.0.1",
		Port:        10000,
		Platforms:   slices.Clone(DefaultPlatforms),
		User:        "admin",
		Password:    "admin",
		Seed:        1,
		SlowBy:      2 * time.Second,
		IdleTimeout: 10 * time.Minute,
	}
}

// DefaultPlatforms are the platforms a lab spreads its devices over unless
// told otherwise.
var DefaultPlatforms = []string{"arista_eos", "cisco_ios", "cisco_nxos", "juniper_junos", "linux"}

// EnableMode is how a device answers "enable".
type EnableMode string

// The ways a device answers "enable".
const (
	// EnableModeSecret asks for the enable secret, three tries.
	EnableModeSecret EnableMode = "secret"
	// EnableModeNone goes straight to privileged mode, as a login that
	// AAA gave privilege 15 does.
	EnableModeNone EnableMode = "none"
	// EnableModeNoPassword says "% No password set": the device has no
	// enable secret configured and refuses remote users.
	EnableModeNoPassword EnableMode = "no-password"
	// EnableModeDenied says "% Access denied", as AAA authorization does.
	EnableModeDenied EnableMode = "denied"
)

// EnableModes lists the ways a device can answer "enable".
func EnableModes() []EnableMode {
	return []EnableMode{EnableModeSecret, EnableModeNone, EnableModeNoPassword, EnableModeDenied}
}

// enableSecret is the secret cisco_ios asks for after "enable".
func (o Options) enableSecret() string {
	if o.EnableSecret != "" {
		return o.EnableSecret
	}
	return o.Password
}

// validate reports the first option that cannot work, naming it.
func (o Options) validate() error {
	switch {
	case o.Devices < 1:
		return fmt.Errorf("%w: devices must be at least 1, got %d", ErrOptions, o.Devices)
	case o.Port < 0 || o.Port > 65535:
		return fmt.Errorf("%w: port %d out of range", ErrOptions, o.Port)
	case o.Port > 0 && o.Port+o.Devices-1 > 65535:
		return fmt.Errorf("%w: %d devices from port %d run past 65535", ErrOptions, o.Devices, o.Port)
	case len(o.Platforms) == 0:
		return fmt.Errorf("%w: no platforms", ErrOptions)
	case o.User == "":
		return fmt.Errorf("%w: empty user", ErrOptions)
	case o.Latency < 0 || o.SlowBy < 0 || o.IdleTimeout < 0:
		return fmt.Errorf("%w: negative duration", ErrOptions)
	case o.Shard.Count > 1 && (o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count):
		return fmt.Errorf("%w: shard %d of %d", ErrOptions, o.Shard.Index+1, o.Shard.Count)
	case o.Shard.Count > o.Devices:
		return fmt.Errorf("%w: %d shards of %d devices", ErrOptions, o.Shard.Count, o.Devices)
	}
	if o.Enable != "" && !slices.Contains(EnableModes(), o.Enable) {
		return fmt.Errorf("%w: enable mode %q (known: %v)", ErrOptions, o.Enable, EnableModes())
	}
	if _, err := netip.ParseAddr(o.Listen); err != nil {
		return fmt.Errorf("%w: listen address %q: %w", ErrOptions, o.Listen, err)
	}
	for _, p := range o.Platforms {
		if platformByName(p) == nil {
			return fmt.Errorf("%w: unknown platform %q (known: %v)", ErrOptions, p, PlatformNames())
		}
	}
	for _, p := range o.Legacy {
		if platformByName(p) == nil {
			return fmt.Errorf("%w: unknown legacy platform %q (known: %v)", ErrOptions, p, PlatformNames())
		}
	}
	return o.Faults.validate()
}
