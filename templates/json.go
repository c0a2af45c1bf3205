package templates

import (
	"bytes"
	"encoding/json"
)

// JSON encodes the records as a JSON array of objects with lower-case keys
// in template order (encoding/json would sort a map's keys): strings,
// arrays of strings for List values, null where Python gives None. This is
// 'parse --json' and '|> json'.
func (r *Result) JSON() ([]byte, error) {
	fields := r.Fields()
	keys := make([][]byte, len(fields))
	for i, f := range fields {
		k, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, rec := range r.Records {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, cell := range rec {
			if j > 0 {
				b.WriteByte(',')
			}
			b.Write(keys[j])
			b.WriteByte(':')
			v, err := json.Marshal(cell)
			if err != nil {
				return nil, err
			}
			b.Write(v)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}
