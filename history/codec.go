package history

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"vc/run"
)

// The devices of a run are kept as one compressed record in a compact
// form: strings that repeat (kinds, reasons, credentials, templates,
// commands) are written once in a table and referred to by number. The
// devices' names and platforms, the same from one run of a job to the
// next, are a roster kept once per distinct content and named by its
// hash. A thousand devices' results take a few kilobytes, so recording a
// run costs little however often it runs.

const codecVersion = 2

// rosterPrefix starts the key of a roster in the run devices bucket; run
// keys are 8 bytes, rosters' longer, so they never meet.
const rosterPrefix = "roster:"

// roster is the devices of a run, in order, by name and platform.
func roster(devs []*run.Device) []byte {
	var b []byte
	for _, d := range devs {
		b = append(b, d.Name...)
		b = append(b, 0)
		b = append(b, d.Platform...)
		b = append(b, '\n')
	}
	return compress(b)
}

// rosterKey names a roster by its content.
func rosterKey(compressed []byte) []byte {
	sum := sha256.Sum256(compressed)
	return append([]byte(rosterPrefix), hex.EncodeToString(sum[:16])...)
}

func decodeRoster(compressed []byte) (names, platforms []string, err error) {
	raw, err := decompress(compressed)
	if err != nil {
		return nil, nil, err
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if line == "" {
			continue
		}
		name, platform, ok := strings.Cut(line, "\x00")
		if !ok {
			return nil, nil, errCorrupt
		}
		names, platforms = append(names, name), append(platforms, platform)
	}
	return names, platforms, nil
}

func compress(raw []byte) []byte {
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	w.Write(raw)
	w.Close()
	return out.Bytes()
}

func decompress(compressed []byte) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(compressed)), 1<<30))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return raw, nil
}

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

// encodeDevices writes the devices' results, naming the roster that
// holds their names.
func encodeDevices(devs []*run.Device, rosterKey []byte) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}}
	e.uint(uint64(len(devs)))
	for _, d := range devs {
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
	raw = binary.AppendUvarint(raw, uint64(len(rosterKey)))
	raw = append(raw, rosterKey...)
	raw = binary.AppendUvarint(raw, uint64(len(e.table)))
	for _, s := range e.table {
		raw = binary.AppendUvarint(raw, uint64(len(s)))
		raw = append(raw, s...)
	}
	raw = append(raw, e.body...)
	return compress(raw), nil
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

// devicesRoster reads which roster a devices record names; nil for a
// record of format 1, which holds its names itself.
func devicesRoster(compressed []byte) ([]byte, error) {
	_, rk, err := openDevices(compressed)
	return rk, err
}

// openDevices checks a devices record's format and splits off the key of
// the roster it names (none in format 1, before rosters); the decoder is
// left at what follows.
func openDevices(compressed []byte) (*decoder, []byte, error) {
	raw, err := decompress(compressed)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{b: raw}
	switch v := d.uint(); v {
	case 1:
		return d, nil, d.err
	case codecVersion:
	default:
		return nil, nil, fmt.Errorf("%w: format %d, this vc reads 1 to %d", errCorrupt, v, codecVersion)
	}
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return nil, nil, errCorrupt
	}
	rk := d.b[:n]
	d.b = d.b[n:]
	return d, rk, nil
}

// decodeDevices reads a devices record; rosterOf finds the roster it
// names. A record of format 1 has each device's name and platform in
// place.
func decodeDevices(compressed []byte, rosterOf func(key []byte) []byte) ([]*run.Device, error) {
	d, rk, err := openDevices(compressed)
	if err != nil {
		return nil, err
	}
	var names, platforms []string
	if rk != nil {
		rb := rosterOf(rk)
		if rb == nil {
			return nil, fmt.Errorf("%w: its device list is missing", errCorrupt)
		}
		if names, platforms, err = decodeRoster(rb); err != nil {
			return nil, err
		}
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
	if count > uint64(len(d.b)) || (rk != nil && count != uint64(len(names))) {
		return nil, errCorrupt
	}
	devs := make([]*run.Device, 0, count)
	for i := range count {
		dev := &run.Device{}
		if rk != nil {
			dev.Name, dev.Platform = names[i], platforms[i]
		} else {
			dev.Name, dev.Platform = d.str(), d.str()
		}
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
