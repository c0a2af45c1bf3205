package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// One encoder and one decoder serve the whole process: EncodeAll and
// DecodeAll are safe for concurrent use and keep their own pools, and
// making either costs far more than using it.
var (
	encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(0))
	})
	decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		// A stored output is never near this; the bound keeps a damaged
		// frame from asking for the moon.
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxOutput))
	})
)

// maxOutput bounds what one stored output may decompress to.
const maxOutput = 1 << 30

const blobCodecV1 = 1

// blobHeader is the codec byte and the content's SHA-256, which Prune needs
// to drop the blobhash entry of a blob it removes.
const blobHeader = 1 + sha256.Size

// packBlob is the blobs bucket's value for text: the header, the length of
// the text, then the text compressed.
func packBlob(text []byte, hash [sha256.Size]byte) ([]byte, error) {
	enc, err := encoder()
	if err != nil {
		return nil, fmt.Errorf("capture: zstd encoder: %w", err)
	}
	dst := make([]byte, 0, blobHeader+binary.MaxVarintLen64+len(text)/3+64)
	dst = append(dst, blobCodecV1)
	dst = append(dst, hash[:]...)
	dst = binary.AppendUvarint(dst, uint64(len(text)))
	return enc.EncodeAll(text, dst), nil
}

// unpackBlob is the text of a blobs bucket value, checked against the hash
// it was stored under.
func unpackBlob(id uint64, v []byte) (string, error) {
	if len(v) < blobHeader+1 || v[0] != blobCodecV1 {
		return "", damagedf("blob %d: unknown format", id)
	}
	n, k := binary.Uvarint(v[blobHeader:])
	if k <= 0 || n > maxOutput {
		return "", damagedf("blob %d: bad length", id)
	}
	dec, err := decoder()
	if err != nil {
		return "", fmt.Errorf("capture: zstd decoder: %w", err)
	}
	out, err := dec.DecodeAll(v[blobHeader+k:], make([]byte, 0, n))
	if err != nil {
		return "", damagedf("blob %d: %v", id, err)
	}
	if uint64(len(out)) != n {
		return "", damagedf("blob %d: %d bytes, header says %d", id, len(out), n)
	}
	if sum := sha256.Sum256(out); !bytes.Equal(sum[:], v[1:blobHeader]) {
		return "", damagedf("blob %d: content does not match its hash", id)
	}
	return string(out), nil
}

// blobHash is the content hash kept in a blobs bucket value.
func blobHash(v []byte) ([]byte, bool) {
	if len(v) < blobHeader || v[0] != blobCodecV1 {
		return nil, false
	}
	return v[1:blobHeader], true
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n) }

// Keys of the versions bucket.

const (
	keySep        = 0x00
	keyIndexTag   = 'i'
	keySeenTag    = 's'
	versionKeyMin = 0x01 // every version key is above this; index keys below
)

// versionKey is TYPE 0 DEVICE 0 id: the versions of one device and type
// sit together, oldest first.
func versionKey(typ, device string, id uint64) []byte {
	k := make([]byte, 0, len(typ)+len(device)+10)
	k = append(k, typ...)
	k = append(k, keySep)
	k = append(k, device...)
	k = append(k, keySep)
	return binary.BigEndian.AppendUint64(k, id)
}

// groupPrefix is what the keys of one device and type start with.
func groupPrefix(typ, device string) []byte {
	k := make([]byte, 0, len(typ)+len(device)+2)
	k = append(k, typ...)
	k = append(k, keySep)
	k = append(k, device...)
	return append(k, keySep)
}

// typePrefix is what the keys of one type start with.
func typePrefix(typ string) []byte { return append([]byte(typ), keySep) }

// after is the smallest key above every key that starts with prefix, whose
// last byte is the zero separator.
func after(prefix []byte) []byte {
	k := bytes.Clone(prefix)
	k[len(k)-1] = keySep + 1
	return k
}

// splitKey takes a version key apart.
func splitKey(k []byte) (typ, device string, id uint64, ok bool) {
	if len(k) < 12 || k[0] < versionKeyMin || k[len(k)-9] != keySep {
		return "", "", 0, false
	}
	head := k[:len(k)-9]
	i := bytes.IndexByte(head, keySep)
	if i <= 0 || i == len(head)-1 {
		return "", "", 0, false
	}
	return string(head[:i]), string(head[i+1:]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

func indexKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{keySep, keyIndexTag}, id)
}

func seenKey(typ string) []byte { return append([]byte{keySep, keySeenTag}, typ...) }

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// damagedf is an ErrDamaged saying what could not be read back.
func damagedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
}
