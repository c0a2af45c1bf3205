package store

import "bytes"

var keyVaultHeader = []byte("header")

// VaultHeader returns the vault's header as the vault package encoded it,
// or nil if there is no vault yet.
func (t *Tx) VaultHeader() []byte {
	return bytes.Clone(t.tx.Bucket(bucketVault).Get(keyVaultHeader))
}

// PutVaultHeader stores the vault's header.
func (t *Tx) PutVaultHeader(h []byte) error {
	t.changed = true
	return t.tx.Bucket(bucketVault).Put(keyVaultHeader, h)
}
