package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Devices are the one kind there are 100,000 of, and select decodes them
// all; they get a compact binary form instead of JSON. Other records stay
// JSON, which is easy to read in a hex dump and cheap enough at their count.

const deviceCodecV1 = 1

// interner shares the strings that repeat across devices (sites, platforms,
// statuses) while a list is decoded.
type interner map[string]string

func (in interner) get(b []byte) string {
	if in == nil {
		return string(b)
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

func encodeDevice(d *Device) []byte {
	b := make([]byte, 0, 128)
	b = append(b, deviceCodecV1)
	for _, s := range []string{d.Name, d.Address, d.Platform, d.Site, d.Role, d.Vendor, d.Status, d.Cred, d.Jump, d.HostKey} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(d.Port))
	var flags byte
	if d.Legacy {
		flags |= 1
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(d.Tags)))
	for _, t := range d.Tags {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	names := d.FieldNames()
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, k := range names {
		v := d.Fields[k]
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	b = binary.AppendVarint(b, nanos(d.Created))
	b = binary.AppendVarint(b, nanos(d.Updated))
	return b
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func marshal(e Entity) ([]byte, error) {
	if d, ok := e.(*Device); ok {
		return encodeDevice(d), nil
	}
	return json.Marshal(e)
}

func unmarshal(data []byte, e Entity, in interner) error {
	if d, ok := e.(*Device); ok {
		return decodeDevice(data, d, in)
	}
	return json.Unmarshal(data, e)
}

var errShortDevice = errors.New("truncated device record")

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShortDevice
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShortDevice
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShortDevice
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errShortDevice
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func decodeDevice(data []byte, d *Device, in interner) error {
	if len(data) == 0 || data[0] != deviceCodecV1 {
		// Older stores, or a hand-edited record, may hold JSON.
		if len(data) > 0 && data[0] == '{' {
			return json.Unmarshal(data, d)
		}
		return fmt.Errorf("unknown device record format")
	}
	r := &reader{b: data[1:]}
	d.Name = string(r.bytes())
	d.Address = string(r.bytes())
	d.Platform = r.get(in)
	d.Site = r.get(in)
	d.Role = r.get(in)
	d.Vendor = r.get(in)
	d.Status = r.get(in)
	d.Cred = r.get(in)
	d.Jump = r.get(in)
	d.HostKey = r.get(in)
	d.Port = int(r.uvarint())
	d.Legacy = r.byte()&1 != 0
	if n := r.uvarint(); n > 0 && r.err == nil {
		d.Tags = make([]string, 0, min(n, 1024))
		for range n {
			d.Tags = append(d.Tags, r.get(in))
		}
	}
	if n := r.uvarint(); n > 0 && r.err == nil {
		d.Fields = make(map[string]string, min(n, 1024))
		for range n {
			k := r.get(in)
			d.Fields[k] = string(r.bytes())
		}
	}
	d.Created = unixNano(r.varint())
	d.Updated = unixNano(r.varint())
	return r.err
}

// get reads a string, sharing it through in when given.
func (r *reader) get(in interner) string { return in.get(r.bytes()) }

func unixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
