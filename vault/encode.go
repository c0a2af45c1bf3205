package vault

import (
	"encoding/binary"
	"fmt"
)

// Secrets are encoded as length-prefixed bytes rather than JSON: JSON
// would leave base64 copies of them on the heap that nobody can wipe.

func appendField(b, f []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(f)))
	return append(b, f...)
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) field() []byte {
	if d.err != nil {
		return nil
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.err = fmt.Errorf("%w: truncated field", ErrBadFormat)
		return nil
	}
	f := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	if len(f) == 0 {
		return nil
	}
	return append([]byte(nil), f...)
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.err = fmt.Errorf("%w: truncated number", ErrBadFormat)
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = fmt.Errorf("%w: truncated", ErrBadFormat)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func appendUvarint(b []byte, n uint64) []byte { return binary.AppendUvarint(b, n) }
