package history

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"vc/run"
)

// The devices of a run are kept as one compressed record in a compact
// form: strings that repeat (kinds, reasons, credentials, templates,
// commands) are written once in a table and referred to by number. A
// thousand devices' results take a few kilobytes, so recording a run
// costs little however often it runs.

const codecVersion = 1

// Output flags.
const (
	outInvalid = 1 << iota
	outChanged
)

// Device flags.
const (
	devDone = 1 << iota
	devReused
)

type encoder struct {
	strs  map[string]uint64
	table []string
	body  []byte
}

func (e *encoder) str(s string) {
	i, ok := e.strs[s]
	if !ok {
		i = uint64(len(e.table))
		e.strs[s] = i
		e.table = append(e.table, s)
	}
	e.uint(i)
}

func (e *encoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }

func encodeDevices(devs []*run.Device) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}}
	e.uint(uint64(len(devs)))
	for _, d := range devs {
		e.str(d.Name)
		e.str(d.Platform)
		var flags uint64
		if d.Done {
			flags |= devDone
		}
		if d.Reused {
			flags |= devReused
		}
		e.uint(flags)
		e.str(d.Kind)
		e.str(d.Reason)
		e.uint(uint64(d.Elapsed / time.Millisecond))
		e.str(d.Cred)
		e.uint(uint64(len(d.Outputs)))
		for _, o := range d.Outputs {
			e.str(o.Command)
			var of uint64
			if o.Invalid {
				of |= outInvalid
			}
			if o.Changed {
				of |= outChanged
			}
			e.uint(of)
			e.str(o.Failed)
			e.str(o.Template)
			e.uint(uint64(math.Round(o.Score * 1000)))
			e.uint(uint64(o.Records))
			e.str(o.ParseError)
			e.uint(o.Capture)
		}
	}
	var raw []byte
	raw = binary.AppendUvarint(raw, codecVersion)
	raw = binary.AppendUvarint(raw, uint64(len(e.table)))
	for _, s := range e.table {
		raw = binary.AppendUvarint(raw, uint64(len(s)))
		raw = append(raw, s...)
	}
	raw = append(raw, e.body...)
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// errCorrupt is a devices record that does not decode.
var errCorrupt = errors.New("history: damaged run record")

type decoder struct {
	b     []byte
	table []string
	err   error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	i := d.uint()
	if d.err != nil {
		return ""
	}
	if i >= uint64(len(d.table)) {
		d.err = errCorrupt
		return ""
	}
	return d.table[i]
}

func decodeDevices(compressed []byte) ([]*run.Device, error) {
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(compressed)), 1<<30))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	d := &decoder{b: raw}
	if v := d.uint(); v != codecVersion {
		return nil, fmt.Errorf("%w: format %d, this vc reads %d", errCorrupt, v, codecVersion)
	}
	n := d.uint()
	if n > uint64(len(d.b)) {
		return nil, errCorrupt
	}
	d.table = make([]string, 0, n)
	for range n {
		l := d.uint()
		if d.err != nil || l > uint64(len(d.b)) {
			return nil, errCorrupt
		}
		d.table = append(d.table, string(d.b[:l]))
		d.b = d.b[l:]
	}
	count := d.uint()
	if count > uint64(len(d.b)) {
		return nil, errCorrupt
	}
	devs := make([]*run.Device, 0, count)
	for range count {
		dev := &run.Device{Name: d.str(), Platform: d.str()}
		flags := d.uint()
		dev.Done, dev.Reused = flags&devDone != 0, flags&devReused != 0
		dev.Kind, dev.Reason = d.str(), d.str()
		dev.Elapsed = time.Duration(d.uint()) * time.Millisecond
		dev.Cred = d.str()
		nout := d.uint()
		if nout > uint64(len(d.b)) {
			return nil, errCorrupt
		}
		for range nout {
			o := run.Output{Command: d.str()}
			of := d.uint()
			o.Invalid, o.Changed = of&outInvalid != 0, of&outChanged != 0
			o.Failed, o.Template = d.str(), d.str()
			o.Score = float64(d.uint()) / 1000
			o.Records = int(d.uint())
			o.ParseError = d.str()
			o.Capture = d.uint()
			dev.Outputs = append(dev.Outputs, o)
		}
		if d.err != nil {
			return nil, d.err
		}
		devs = append(devs, dev)
	}
	return devs, d.err
}
