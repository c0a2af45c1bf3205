package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outcome is what trying a credential on a device proved. Only a login
// that succeeded or was refused for its credentials says anything about
// the credential: a timeout or a refused connection is not an Outcome.
type Outcome int

// The outcomes worth remembering.
const (
	// AuthOK means the device accepted the credential.
	AuthOK Outcome = iota + 1
	// AuthFailed means the device refused the credential.
	AuthFailed
)

func (o Outcome) String() string {
	switch o {
	case AuthOK:
		return "ok"
	case AuthFailed:
		return "auth-failed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// CredResult is what one device taught the store about one credential.
type CredResult struct {
	Cred       string    `json:"cred"`
	OK         int       `json:"ok"`
	Failed     int       `json:"failed"`
	LastOK     time.Time `json:"last_ok"`
	LastFailed time.Time `json:"last_failed"`
}

// Worked reports whether the credential's last outcome on the device was a
// success.
func (r CredResult) Worked() bool { return !r.LastOK.IsZero() && !r.LastOK.Before(r.LastFailed) }

// FailedLast reports whether the credential's last outcome on the device
// was a refusal.
func (r CredResult) FailedLast() bool { return !r.LastFailed.IsZero() && r.LastFailed.After(r.LastOK) }

func (t *Tx) credResults() *bolt.Bucket { return t.tx.Bucket(bucketCredResult) }

// CredHistory returns what the store knows of credentials on device,
// sorted by credential name.
func (t *Tx) CredHistory(device string) ([]CredResult, error) {
	return decodeResults(device, t.credResults().Get([]byte(device)))
}

func decodeResults(device string, raw []byte) ([]CredResult, error) {
	if raw == nil {
		return nil, nil
	}
	var rs []CredResult
	if err := json.Unmarshal(raw, &rs); err != nil {
		return nil, fmt.Errorf("store: decode credential history of %s: %w", device, err)
	}
	return rs, nil
}

func (t *Tx) putResults(device string, rs []CredResult) error {
	t.changed = true
	if len(rs) == 0 {
		return t.credResults().Delete([]byte(device))
	}
	raw, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("store: encode credential history of %s: %w", device, err)
	}
	return t.credResults().Put([]byte(device), raw)
}

// RecordCredOutcome remembers that cred succeeded or was refused on
// device, now. Anything but AuthOK and AuthFailed is refused: only those
// say something about the credential.
func (t *Tx) RecordCredOutcome(device, cred string, o Outcome) error {
	if o != AuthOK && o != AuthFailed {
		return fmt.Errorf("record %s on %s: %w", cred, device, invalidf("outcome %v is not ok or auth-failed", o))
	}
	if !t.Has(KindDevice, device) {
		return fmt.Errorf("device %s: %w", Quote(device), ErrNotFound)
	}
	if t.creds().Get([]byte(cred)) == nil {
		return fmt.Errorf("credential %s: %w", Quote(cred), ErrNotFound)
	}
	rs, err := t.CredHistory(device)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(rs, cred, func(r CredResult, name string) int { return strings.Compare(r.Cred, name) })
	if !found {
		rs = slices.Insert(rs, i, CredResult{Cred: cred})
	}
	switch o {
	case AuthOK:
		rs[i].OK++
		rs[i].LastOK = t.now
	case AuthFailed:
		rs[i].Failed++
		rs[i].LastFailed = t.now
	}
	return t.putResults(device, rs)
}

// LastWorked returns the credential that most recently worked on a device
// and still does, given its history; "" if none.
func LastWorked(rs []CredResult) string {
	best := -1
	for i, r := range rs {
		if r.Worked() && (best < 0 || r.LastOK.After(rs[best].LastOK)) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return rs[best].Cred
}

// CredDeviceCounts counts, for each credential, the devices it last
// worked on.
func (t *Tx) CredDeviceCounts() (map[string]int, error) {
	counts := map[string]int{}
	err := t.credResults().ForEach(func(k, v []byte) error {
		rs, err := decodeResults(string(k), v)
		if err != nil {
			return err
		}
		if c := LastWorked(rs); c != "" {
			counts[c]++
		}
		return nil
	})
	return counts, err
}

// forgetCred drops a removed credential from every device's history.
func (t *Tx) forgetCred(cred string) error {
	type change struct {
		device string
		rs     []CredResult
	}
	var changes []change
	err := t.credResults().ForEach(func(k, v []byte) error {
		rs, err := decodeResults(string(k), v)
		if err != nil {
			return err
		}
		kept := slices.DeleteFunc(rs, func(r CredResult) bool { return r.Cred == cred })
		if len(kept) != len(rs) {
			changes = append(changes, change{string(k), kept})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A bucket must not change under ForEach.
	for _, c := range changes {
		if err := t.putResults(c.device, c.rs); err != nil {
			return err
		}
	}
	return nil
}

// moveCredResults follows a device's rename; to == "" forgets the device.
func (t *Tx) moveCredResults(from, to string) error {
	b := t.credResults()
	raw := b.Get([]byte(from))
	if raw == nil {
		return nil
	}
	if to != "" {
		if err := b.Put([]byte(to), append([]byte(nil), raw...)); err != nil {
			return err
		}
	}
	t.changed = true
	return b.Delete([]byte(from))
}
