package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"vc/store"
)

// CollectionsDir is the folder under the vc home that holds the latest
// capture of each device and type as collections/TYPE/DEVICE.txt.
const CollectionsDir = "collections"

// FilePath is where the latest capture of device for a capture type is
// kept under home, or an error when either name could leave its folder.
func FilePath(home, typ, device string) (string, error) {
	if err := ValidType(typ); err != nil {
		return "", err
	}
	// Device names come from the inventory (store.ValidName), which allows
	// "/" in them; a file name must not climb anywhere.
	if err := store.ValidName(device); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidDevice, err)
	}
	if strings.ContainsAny(device, `/\`) || device == "." || device == ".." {
		return "", fmt.Errorf("%w: %q holds a path separator, so it cannot name a file", ErrInvalidDevice, device)
	}
	return filepath.Join(home, CollectionsDir, typ, device+".txt"), nil
}

// Files says what WriteFiles did.
type Files struct {
	// Written are the files written.
	Written []string
	// Current counts the files that already held the latest capture.
	Current int
}

// WriteFiles brings home/collections/TYPE/DEVICE.txt up to date with what
// Put stored (ps and stored as Prepare and Put returned them). The file of
// a new version is written from its text unless it already holds it; the
// file of an unchanged output only when it is missing or not the size of
// the latest version, whose text then comes from the store (s, opened only
// then). Each file is written atomically (a temporary file in the same
// folder, synced, then renamed over the old one), mode 0600 in folders of
// mode 0700, so neither grep nor git ever sees half a file. A file that
// cannot be written is a *FileError in the joined error returned; the
// others are written all the same.
func WriteFiles(ctx context.Context, home string, s *store.Store, ps []Prepared, stored []Stored) (Files, error) {
	var res Files
	if len(ps) != len(stored) {
		return res, fmt.Errorf("capture files: %d outputs but %d stored", len(ps), len(stored))
	}
	// A device and type may come more than once in a batch: its file is
	// its last version's, whose text is in the batch if the batch made it.
	type file struct {
		last int // the last output of the device and type
		made int // the output that made its version, or -1
	}
	files := map[[2]string]*file{}
	var order [][2]string
	for i := range stored {
		key := [2]string{stored[i].Type, stored[i].Device}
		f := files[key]
		if f == nil {
			f = &file{made: -1}
			files[key] = f
			order = append(order, key)
		}
		f.last = i
		if stored[i].Changed {
			f.made = i
		}
	}

	var errs []error
	var load []int // outputs whose file must come from the store
	dirs := map[string]bool{}
	write := func(i int, text string) {
		st := &stored[i]
		path, _ := FilePath(home, st.Type, st.Device)
		wrote, err := writeIfDifferent(path, text, dirs)
		switch {
		case err != nil:
			errs = append(errs, &FileError{Type: st.Type, Device: st.Device, Path: path, Err: err})
		case wrote:
			res.Written = append(res.Written, path)
		default:
			res.Current++
		}
	}
	for _, key := range order {
		f := files[key]
		st := &stored[f.last]
		path, err := FilePath(home, st.Type, st.Device)
		if err != nil {
			errs = append(errs, &FileError{Type: st.Type, Device: st.Device, Err: err})
			continue
		}
		if f.made >= 0 && stored[f.made].Version == st.Version {
			write(f.last, ps[f.made].Text)
			continue
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(st.Bytes) {
			res.Current++
			continue
		}
		load = append(load, f.last)
	}
	if len(load) > 0 {
		// The blobs are copied under the read lock and unpacked after it,
		// as Search and Changes do: a writer waits on no decompression.
		packed := make([][]byte, len(load))
		err := s.View(ctx, func(tx *store.Tx) error {
			blobs := tx.Bucket(store.BucketBlobs)
			for j, i := range load {
				b, err := blobCopy(blobs, stored[i].Blob)
				if err != nil {
					return err
				}
				packed[j] = b
			}
			return nil
		})
		texts := make([]string, len(load))
		for j, i := range load {
			if err != nil {
				break
			}
			texts[j], err = unpackBlob(stored[i].Blob, packed[j])
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("capture files: %w", err))
		} else {
			for j, i := range load {
				write(i, texts[j])
			}
		}
	}
	// A rename is durable once its folder is synced; once per folder is
	// enough however many files went into it.
	for dir := range dirs {
		if err := syncDir(dir); err != nil {
			errs = append(errs, fmt.Errorf("capture files: sync %s: %w", dir, err))
		}
	}
	return res, errors.Join(errs...)
}

// writeIfDifferent writes text to path atomically unless the file already
// holds exactly it, and notes the folder it wrote in.
func writeIfDifferent(path, text string, dirs map[string]bool) (bool, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(text)) {
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, []byte(text)) {
			return false, nil
		}
	}
	dir := filepath.Dir(path)
	if err := makeDir(dir); err != nil {
		return false, err
	}
	if err := writeAtomic(path, text); err != nil {
		return false, err
	}
	dirs[dir] = true
	return true, nil
}

// makeDir makes collections/TYPE with mode 0700: captures hold
// configurations, which are nobody else's business.
func makeDir(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() && fi.Mode().Perm() == 0o700 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o700); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path, text string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; say so in case that changes.
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.WriteString(text); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}
