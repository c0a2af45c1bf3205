// Package vault derives keys from the vault password and seals secrets with
// them: argon2id and XChaCha20-Poly1305.
//
// A vault is a Header (argon2id parameters, salt and a sealed check value,
// kept in the clear by the store) and the Key derived from it. Create makes
// a header for a new password; Header.Unlock derives the key and tells a
// wrong password (ErrWrongPassword) by the check value alone. Every secret
// is sealed with Key.SealSecret under the identity of the record it belongs
// to (store.Credential.Identity), so it opens with Key.OpenSecret only on
// that record. Key.Destroy zeroes the key; Secret.Wipe zeroes a secret.
//
// To log in to a device, the engine's caller does, with the session's key:
//
//	order, _ := tx.CredOrder(device)       // or tx.CredOrders(devices)
//	for _, cr := range order {
//		s, err := key.OpenSecret(cr.Sealed, cr.Identity()) // not for agent credentials without an enable secret
//		... try cr.User with s.Password / s.KeyPEM+s.KeyPassphrase / the agent; s.Enable for enable mode
//		s.Wipe()
//	}
//	tx.RecordCredOutcome(device.Name, cr.Name, store.AuthOK) // or store.AuthFailed; nothing for timeouts
//
// Nothing here prints or reads a terminal; the console asks for passwords.
package vault
