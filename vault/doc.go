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
// In the console, Env.Logins does this for exec: for each device it takes
// the credentials in the order store.Tx.CredOrders gives (the device's own,
// those that last worked there, the default, the rest), opens their
// secrets with Key.OpenSecret under the session's key, and hands them over
// as engine.Credential values; Env.RecordAttempts stores what the engine
// learned with store.Tx.RecordCredOutcome (accepted or refused logins
// only; a timeout says nothing about a credential).
//
// Nothing here prints or reads a terminal; the console asks for passwords.
package vault
