package lab

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Lab is a running fleet of simulated devices.
type Lab struct {
	opts    Options
	devs    []*device
	state   *touchState
	started time.Time
	// load counts the sessions at work, for Peaks.
	load *load

	// fabric wires the devices to each other.
	fabric *fabric

	cancel    context.CancelFunc
	wg        sync.WaitGroup // accept loops, connections, their helpers
	closeOnce sync.Once
}

// Start opens a listener for every device and returns once all of them
// accept connections. ctx bounds the start only; the lab runs until Close.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	opts = withDefaults(opts)
	if err := opts.validate(); err != nil {
		return nil, err
	}
	l := &Lab{opts: opts, started: time.Now(), state: newTouchState(""), load: newLoad()}
	if opts.Inventory != "" {
		// A new lab is a fresh fleet: forget the touches of an earlier run.
		sf := stateFile(opts.Inventory)
		if err := os.Remove(sf); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("lab: reset touch state: %w", err)
		}
		l.state = newTouchState(sf)
	}
	var lc net.ListenConfig
	all := plan(opts)
	first, end := opts.Shard.bounds(len(all))
	for i, dev := range all[first:end] {
		i += first
		port := 0
		if opts.Port > 0 {
			port = opts.Port + i
		}
		addr := net.JoinHostPort(opts.Listen, strconv.Itoa(port))
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			l.closeListeners()
			return nil, fmt.Errorf("lab: device %s: listen on %s: %w", dev.Name, addr, err)
		}
		dev.Port = ln.Addr().(*net.TCPAddr).Port
		l.devs = append(l.devs, &device{Device: dev, plat: platformByName(dev.Platform), lab: l, ln: ln})
	}
	// The fabric is the whole fleet's, whichever part this process
	// serves: a device's neighbours may be served by another.
	l.fabric = layFabric(all)
	if opts.Prewarm {
		l.prewarm()
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel = cancel
	for _, d := range l.devs {
		l.wg.Go(func() { d.accept(runCtx) })
	}
	return l, nil
}

// withDefaults fills the zero fields that have an obvious meaning.
func withDefaults(o Options) Options {
	def := DefaultOptions()
	if o.Listen == "" {
		o.Listen = def.Listen
	}
	if len(o.Platforms) == 0 {
		o.Platforms = def.Platforms
	}
	if o.User == "" && o.Password == "" {
		o.User, o.Password = def.User, def.Password
	}
	if o.SlowBy == 0 {
		o.SlowBy = def.SlowBy
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = def.IdleTimeout
	}
	return o
}

// Devices lists the devices of the lab, in port order.
func (l *Lab) Devices() []Device {
	out := make([]Device, len(l.devs))
	for i, d := range l.devs {
		out[i] = d.Device
	}
	return out
}

// Device returns the device called name.
func (l *Lab) Device(name string) (Device, bool) {
	for _, d := range l.devs {
		if d.Name == name {
			return d.Device, true
		}
	}
	return Device{}, false
}

// WriteInventory writes the lab's devices in vc's import format.
func (l *Lab) WriteInventory(w io.Writer) error {
	return writeInventory(w, l.Devices())
}

// Touch changes a device as Touch does, from inside the lab's process.
func (l *Lab) Touch(device string, opts TouchOptions) error {
	if _, ok := l.Device(device); !ok {
		return fmt.Errorf("lab touch: %w %q", ErrUnknownDevice, device)
	}
	if err := opts.validate(); err != nil {
		return fmt.Errorf("lab touch: %w", err)
	}
	if err := l.state.bump(device, opts); err != nil {
		return fmt.Errorf("lab touch %s: %w", device, err)
	}
	return nil
}

// Close stops every listener and connection and waits for them to end.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		l.cancel()
		l.closeListeners()
		l.wg.Wait()
	})
	return nil
}

func (l *Lab) closeListeners() {
	for _, d := range l.devs {
		d.ln.Close()
	}
}

// device returns the served device called name, or nil.
func (l *Lab) device(name string) *device {
	for _, d := range l.devs {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// prewarm builds every device's model, on every core.
func (l *Lab) prewarm() {
	next := make(chan *device)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for d := range next {
				d.currentModel()
			}
		})
	}
	for _, d := range l.devs {
		next <- d
	}
	close(next)
	wg.Wait()
}
