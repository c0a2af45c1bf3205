package netbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"vc/store"
)

const syncKeyPrefix = "sync/"

// SyncState is what vc remembers of the last applied sync of one scope: a
// NetBox and a set of filters.
type SyncState struct {
	URL     string    `json:"url"`
	Filters []Filter  `json:"filters,omitempty"`
	Synced  time.Time `json:"synced"`
	// IDs are the NetBox ids the sync listed. A later prune with the same
	// filters removes only devices among them: what NetBox lists outside
	// the filters is none of that sync's business.
	IDs []int64 `json:"ids"`
}

// scopeKey names a NetBox and a set of filters in BucketNetBox.
func scopeKey(s Source) []byte {
	q := url.Values{}
	for _, f := range canonical(s.Filters) {
		q.Add(f.Key, f.Value)
	}
	return []byte(syncKeyPrefix + instanceOf(s.URL) + "?" + q.Encode())
}

func readState(t *store.Tx, s Source) (*SyncState, error) {
	raw := t.Bucket(store.BucketNetBox).Get(scopeKey(s))
	if raw == nil {
		return nil, nil
	}
	var st SyncState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("netbox: decode sync state of %s: %w", s.URL, err)
	}
	return &st, nil
}

func writeState(t *store.Tx, st SyncState) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return t.Bucket(store.BucketNetBox).Put(scopeKey(Source{URL: st.URL, Filters: st.Filters}), raw)
}

// SyncStates lists the remembered syncs, by NetBox and filters.
func SyncStates(t *store.Tx) ([]SyncState, error) {
	var out []SyncState
	c := t.Bucket(store.BucketNetBox).Cursor()
	prefix := []byte(syncKeyPrefix)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var st SyncState
		if err := json.Unmarshal(v, &st); err != nil {
			return nil, fmt.Errorf("netbox: decode sync state %s: %w", quote(string(k)), err)
		}
		out = append(out, st)
	}
	return out, nil
}

func (st *SyncState) has(id int64) bool {
	if st == nil {
		return false
	}
	_, ok := slices.BinarySearch(st.IDs, id)
	return ok
}
