package capture

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Version is one distinct output of a device for a capture type, and the
// span of runs that saw it.
type Version struct {
	// ID numbers versions across the store, in the order they were made.
	ID           uint64
	Type, Device string
	// Command is what was sent when the version was first seen.
	Command  string
	Platform string
	// Blob holds the content, which may be shared with other versions
	// (the same ARP table on two devices, a config that went back).
	Blob uint64
	// Hash is the SHA-256 of the stored content, hex: the name history
	// keeps (run.Output.Capture) and TextByHash reads.
	Hash string
	// NormHash is the SHA-256 of the content normalized (Normalize): a new
	// output is a new version only when this differs.
	NormHash string
	// FirstSeen and FirstRun are when the content first came; LastSeen and
	// LastRun the last run that found it unchanged (or the first).
	FirstSeen, LastSeen time.Time
	FirstRun, LastRun   uint64
	// Lines and Bytes measure the stored content.
	Lines, Bytes int
	// Forced is an output kept although it failed validation.
	Forced bool
	// Scrubbed is content whose secrets were masked before storage.
	Scrubbed bool
}

// Side is the version as one side of a diff, its content being text.
func (v Version) Side(text string) Side {
	return Side{Device: v.Device, Type: v.Type, Time: v.FirstSeen, Text: text}
}

// record is a version as stored; the key holds its type, device and id.
type record struct {
	command, platform   string
	blob                uint64
	hash, norm          [sha256.Size]byte
	firstSeen, lastSeen int64 // unix nanoseconds
	firstRun, lastRun   uint64
	lines, bytes        uint64
	forced, scrubbed    bool
}

const recordCodecV1 = 1

func (r *record) encode() []byte {
	b := make([]byte, 0, 96+len(r.command)+len(r.platform))
	b = append(b, recordCodecV1)
	b = binary.AppendUvarint(b, uint64(len(r.command)))
	b = append(b, r.command...)
	b = binary.AppendUvarint(b, uint64(len(r.platform)))
	b = append(b, r.platform...)
	b = binary.AppendUvarint(b, r.blob)
	b = append(b, r.hash[:]...)
	b = append(b, r.norm[:]...)
	b = binary.AppendVarint(b, r.firstSeen)
	b = binary.AppendVarint(b, r.lastSeen)
	b = binary.AppendUvarint(b, r.firstRun)
	b = binary.AppendUvarint(b, r.lastRun)
	b = binary.AppendUvarint(b, r.lines)
	b = binary.AppendUvarint(b, r.bytes)
	var flags byte
	if r.forced {
		flags |= 1
	}
	if r.scrubbed {
		flags |= 2
	}
	return append(b, flags)
}

// reader takes a record apart, remembering the first thing that did not
// fit rather than checking after every field.
type reader struct {
	b   []byte
	bad bool
}

func (d *reader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *reader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *reader) bytes(n uint64) []byte {
	if uint64(len(d.b)) < n {
		d.bad, d.b = true, nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *reader) str() string { return string(d.bytes(d.uvarint())) }

func decodeRecord(v []byte) (record, bool) {
	var r record
	if len(v) == 0 || v[0] != recordCodecV1 {
		return r, false
	}
	d := reader{b: v[1:]}
	r.command = d.str()
	r.platform = d.str()
	r.blob = d.uvarint()
	copy(r.hash[:], d.bytes(sha256.Size))
	copy(r.norm[:], d.bytes(sha256.Size))
	r.firstSeen = d.varint()
	r.lastSeen = d.varint()
	r.firstRun = d.uvarint()
	r.lastRun = d.uvarint()
	r.lines = d.uvarint()
	r.bytes = d.uvarint()
	flags := d.bytes(1)
	if d.bad || len(d.b) != 0 {
		return r, false
	}
	r.forced, r.scrubbed = flags[0]&1 != 0, flags[0]&2 != 0
	return r, true
}

func (r *record) version(typ, device string, id uint64) Version {
	return Version{
		ID: id, Type: typ, Device: device, Command: r.command, Platform: r.platform,
		Blob: r.blob, Hash: hex.EncodeToString(r.hash[:]), NormHash: hex.EncodeToString(r.norm[:]),
		FirstSeen: fromNanos(r.firstSeen), LastSeen: fromNanos(r.lastSeen),
		FirstRun: r.firstRun, LastRun: r.lastRun,
		Lines: int(r.lines), Bytes: int(r.bytes), Forced: r.forced, Scrubbed: r.scrubbed,
	}
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
