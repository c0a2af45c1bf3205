// Package vault derives keys from the vault password and seals secrets with
// them: argon2id and XChaCha20-Poly1305.
package vault
